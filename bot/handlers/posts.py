"""Notices and study material once sent: the 👍 收到 / 📖 已学习 / ✍️ 写心得 buttons,
leaders recording who they told, withdrawing, `/notices` (coverage) and `/study` (what to
study, and who has). Composing them is `bot.handlers.composer`.
"""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack, parse
from bot.commands import entry
from bot.context import BranchApp, BranchContext
from bot.flows import (
    TYPED,
    flow,
    start_payload,
)
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import show_date
from bot.services.posts import AckOutcome
from bot.ui.lookup import find_one
from bot.ui.posts import followup
from bot.ui.rounds import sheet_message

REFLECT = 10
TIMEOUT = timedelta(minutes=15)
_REFLECT_KEY = "reflect_post"


# -- buttons on posts ---------------------------------------------------------------------------


buttons = Buttons("pst")  # 👍 收到 / 📖 已学习, 写心得, a leader's 「电话已告知」, 撤回


@buttons.on("ok")
async def _acknowledge(press: Press, context: BranchContext) -> None:
    result = await context.deps.posts.acknowledge(press.id(), press.actor)
    name = result.person.name if result.person else ""
    done = (texts.ACK_STUDY_DONE if result.post and result.post.kind == "study"
            else texts.ACK_NOTICE_DONE)
    await press.answer({
        AckOutcome.DONE: done, AckOutcome.ALREADY: texts.ACK_ALREADY,
        AckOutcome.NOT_EXPECTED: texts.ACK_NOT_EXPECTED,
        AckOutcome.NOT_LINKED: texts.TAP_NOT_LINKED,
        AckOutcome.WITHDRAWN: texts.ACK_WITHDRAWN,
    }.get(result.outcome, texts.TAP_STALE).format(name=name))


# Lists sent before follow-ups became phone rounds (storage migration 0029) carry these
# buttons; they keep working. New lists are rounds (`rd:c`, bot/handlers/rounds.py).
@buttons.on("px", ids=3)
async def _pass_on(press: Press, context: BranchContext) -> None:
    deps = context.deps
    result = await deps.posts.pass_on(press.id(), press.actor, press.id(1), press.id(2))
    if result.outcome not in (AckOutcome.DONE, AckOutcome.ALREADY):
        await press.answer(texts.TAP_NOT_ALLOWED if result.outcome is AckOutcome.NOT_ALLOWED
                           else texts.TAP_STALE)
        return
    assert result.post is not None and result.person is not None
    how = (await deps.posts.acks(result.post.id))
    method = next(a.how for a in how if a.person_id == result.person.id)
    await press.answer(texts.HANDED_ON_DONE.format(
        name=result.person.name, how=texts.PASSED_ON[result.post.kind][method]))
    # The list keeps the people it showed, less those now reached.
    shown = _people_on_buttons(press.query.message)
    still = [m for m in await deps.posts.missing(result.post) if m.person.id in shown]
    await press.edit(*followup(result.post, still))


@buttons.on("fl", "fa")
async def _followup_list(press: Press, context: BranchContext) -> None:
    """「📋 我组未送到名单」: the post's phone round (opened now if the follow-up has not
    opened it yet), the lists of the people of his own group(s); the secretary's
    whole-branch lists (`fa`) are one more tap, from his group's list or from /notices."""
    deps = context.deps
    post = await deps.posts.get(press.id())
    actor = press.actor
    await press.answer()
    if post is None or actor.person is None:
        return
    whole = press.cb.action == "fa" and actor.is_secretary
    more = ([[InlineKeyboardButton(texts.BUTTON_FOLLOWUP_ALL,
                                   callback_data=pack("pst", "fa", post.id))]]
            if actor.is_secretary and not whole else [])
    sheets = [s for s in await deps.posts.round_sheets(post, actor, whole=whole) if s.rows]
    reply = press.query.message.reply_text  # type: ignore[union-attr]
    if not sheets:
        await reply(texts.FOLLOWUP_DONE_ALL.format(title=post.title),
                    reply_markup=InlineKeyboardMarkup(more) if more else None)
        return
    for n, sheet in enumerate(sheets, 1):
        text, markup = sheet_message(sheet)
        if n == len(sheets) and more:
            markup = InlineKeyboardMarkup([*(markup.inline_keyboard if markup else ()), *more])
        await reply(text, reply_markup=markup)


def _people_on_buttons(message: object) -> set[int]:
    """The person ids named by an older follow-up list's buttons (`pst:px:post:person:how`,
    from before follow-ups became phone rounds; those lists keep working)."""
    markup = message.reply_markup if isinstance(message, Message) else None
    rows = markup.inline_keyboard if markup is not None else ()
    found = (parse(str(b.callback_data)) for row in rows for b in row)
    return {c.ids[1] for c in found if c is not None and len(c.ids) == 3}


@buttons.on("wd", "wy")
async def _withdraw(press: Press, context: BranchContext) -> None:
    deps = context.deps
    actor = press.actor
    post = await deps.posts.get(press.id())
    if post is None or not deps.posts.may_manage(actor, post) or post.status == "withdrawn":
        await press.stale()
        return
    await press.answer()
    if press.cb.action == "wd":
        await press.edit(
            texts.WITHDRAW_ASK.format(title=post.title),
            InlineKeyboardMarkup([[InlineKeyboardButton(
                texts.BUTTON_WITHDRAW_YES, callback_data=pack("pst", "wy", post.id))]]))
        return
    await deps.posts.withdraw(post, actor)
    messages = [(post.chat_id, post.message_id)] if post.message_id else []
    for d in await deps.posts.deliveries(post.id):
        person = await deps.roster.get(d.person_id)
        if d.message_id and person and person.tg_user_id:
            messages.append((person.tg_user_id, d.message_id))
    deleted = 0
    for chat_id, message_id in messages:
        try:  # Telegram lets a bot delete its messages for 48 hours
            await context.bot.delete_message(chat_id, message_id)  # type: ignore[arg-type]
            deleted += 1
        except TelegramError:
            continue
    await press.edit(texts.WITHDRAWN.format(title=post.title, deleted=deleted))


# -- reflections ----------------------------------------------------------------------------------


@buttons.on("rf")
async def _reflect_button(press: Press, context: BranchContext) -> None:
    link = f"https://t.me/{context.bot.username}?start=refl_{press.id()}"
    # A toast can carry a link that opens the private chat; the writing happens there.
    await press.answer(texts.REFLECT_OPEN_CHAT, url=link)


async def reflect_start(update: Update, context: BranchContext) -> int:
    """`/start refl_<id>`: ask for the reflection."""
    message = update.effective_message
    assert message is not None and message.text and context.user_data is not None
    post = await context.deps.posts.get(int(message.text.split("refl_", 1)[1]))
    if post is None or post.kind != "study":
        await message.reply_text(texts.TAP_STALE)
        return ConversationHandler.END
    context.user_data[_REFLECT_KEY] = post.id
    await message.reply_text(texts.REFLECT_ASK.format(title=post.title))
    return REFLECT


async def reflect_text(update: Update, context: BranchContext) -> int:
    """The reflection itself, typed or spoken."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    assert context.user_data is not None
    post_id = context.user_data.pop(_REFLECT_KEY, None)
    actor = await context.deps.access.actor(update.effective_user.id)
    if post_id is None:
        return ConversationHandler.END
    voice = message.voice.file_id if message.voice else None
    result = await context.deps.posts.save_reflection(post_id, actor, text=message.text,
                                                      voice_file_id=voice)
    await message.reply_text(texts.REFLECT_SAVED if result.outcome is AckOutcome.DONE
                             else texts.TAP_NOT_LINKED)
    return ConversationHandler.END


# -- listings -----------------------------------------------------------------------------------


@guarded("notices")
async def notices_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Recent notices with who was reached, per group; 撤回 for the sender or secretary."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    posts = await deps.posts.recent("notice", 5)
    if not posts:
        await message.reply_text(texts.NOTICES_NONE)
        return
    for post in posts:
        lines = []
        tracked = deps.posts.is_tracked(post)
        if tracked:
            done = total = 0
            for cov in await deps.posts.coverage_seen_by(post, actor):
                lines.append(texts.COVERAGE_LINE.format(
                    group=cov.name or texts.NO_GROUP, direct=len(cov.direct),
                    via=len(cov.via_leader), missing=len(cov.missing)))
                done += len(cov.direct) + len(cov.via_leader)
                total += cov.total
            lines.append(texts.COVERAGE_TOTAL.format(done=done, total=total,
                                                     rate=done / total if total else 1))
        else:
            lines.append(texts.COVERAGE_UNTRACKED)
        sent = deps.posts.local(post.send_at)
        text = texts.NOTICES_ITEM.format(title=post.title, when=show_date(sent.date()),
                                         coverage="\n".join(lines))
        buttons = []
        if tracked and actor.led_group_ids:
            buttons.append(InlineKeyboardButton(texts.BUTTON_FOLLOWUP,
                                                callback_data=pack("pst", "fl", post.id)))
        elif tracked and actor.is_secretary:  # he leads no group: the branch at once
            buttons.append(InlineKeyboardButton(texts.BUTTON_FOLLOWUP_ALL,
                                                callback_data=pack("pst", "fa", post.id)))
        if deps.posts.may_manage(actor, post):
            buttons.append(InlineKeyboardButton(texts.BUTTON_WITHDRAW,
                                                callback_data=pack("pst", "wd", post.id)))
        await message.reply_text(text, reply_markup=InlineKeyboardMarkup([buttons])
                                 if buttons else None)


@guarded("study")
async def study_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """A member: what to study and whether he has. Staff: who has and has not."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    args = list(context.args or [])
    if args and args[0] == texts.STUDY_DICTATED_WORD:  # /study 心得 姓名 内容
        await _dictated(update, context, actor, args[1:])
        return
    posts = await deps.posts.recent("study", 10)
    if not posts:
        await message.reply_text(texts.STUDY_NONE)
        return
    lines = []
    staff = actor.sees_whole_branch or bool(actor.led_group_ids)
    for post in posts:
        due = (texts.STUDY_DUE_SUFFIX.format(due=show_date(date.fromisoformat(post.due_on)))
               if post.due_on else "")
        if not staff and actor.person is not None:
            status = await deps.posts.status_of(post, actor.person)
            mark = "✅" if isinstance(status, str) else "⬜"
            lines.append(texts.STUDY_MEMBER_LINE.format(mark=mark, title=post.title, due=due))
            continue
        mine = await deps.posts.coverage_seen_by(post, actor)
        done = sum(len(c.direct) + len(c.via_leader) for c in mine)
        total = sum(c.total for c in mine)
        lines.append(texts.STUDY_STAFF_LINE.format(title=post.title, done=done, total=total))
        missing = [m.person.name for c in mine for m in c.missing]
        if missing:
            lines.append(texts.STUDY_STAFF_MISSING.format(names="、".join(missing)))
        reflections = await deps.posts.readable_reflections(post, actor)
        if reflections:
            lines.append(texts.STUDY_REFLECTIONS.format(
                count=len(reflections), names="、".join(p.name for _, p in reflections)))
            lines += [texts.STUDY_REFLECTION_LINE.format(
                name=p.name, text=(r.text or texts.STUDY_REFLECTION_VOICE)[:200])
                for r, p in reflections]
    await message.reply_text("\n".join(lines))


async def _dictated(update: Update, context: BranchContext, actor: Actor,
                   args: list[str]) -> None:
    message = update.effective_message
    assert message is not None
    if len(args) < 2:
        await message.reply_text(texts.STUDY_DICTATED_USAGE)
        return
    person = await find_one(update, context, actor, args[0])
    if person is None:
        return
    result = await context.deps.posts.dictated_reflection(actor, person, " ".join(args[1:]))
    if result.outcome is AckOutcome.DONE and result.post is not None:
        await message.reply_text(texts.STUDY_DICTATED_SAVED.format(name=person.name,
                                                                   title=result.post.title))
    else:
        await message.reply_text(texts.STUDY_NONE if result.outcome is AckOutcome.UNKNOWN
                                 else texts.TAP_NOT_ALLOWED)


def register(app: BranchApp) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(flow(
        entry_points=[CommandHandler(
            "start", reflect_start, filters=start_payload("refl"))],
        states={REFLECT: [MessageHandler((TYPED | private & filters.VOICE), reflect_text)]},
        fallbacks=[], conversation_timeout=TIMEOUT, name="reflection"))
    app.add_handler(buttons.handler())
    app.add_handler(CommandHandler("notices", notices_command))
    app.add_handlers(entry("study", study_command))
