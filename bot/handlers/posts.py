"""Notices and study material: composing (`/notice`, or forwarding a message to the bot),
the 👍 收到 / 📖 已学习 / ✍️ 写心得 buttons, leaders recording who they told, `/notices`
(coverage and withdrawal) and `/study` (what to study, and who has).

Composing is a guided flow in private chat: kind → content → audience → (group) →
receipt or due date → now or later → preview → send. It ends with a send job; the
sending itself is in `bot.jobs.posts`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

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
from bot.commands import POSTERS as COMPOSERS
from bot.context import BranchApp, BranchContext, Deps
from bot.flows import (
    IN_WIZARD,
    Drafts,
    cancel_handler,
    flow,
    start_payload,
    timeout_handler,
    wizard_steps,
)
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import show_date
from bot.services.posts import POSTERS, PRIVATE_AUDIENCES, AckOutcome, PostDraft
from bot.services.when import WhenError, parse_clock, parse_day
from bot.ui.posts import followup
from storage.models import POST_AUDIENCES

KIND, CONTENT, AUDIENCE, GROUP, RECEIPT, WHEN, CONFIRM = range(7)
REFLECT = 10
TIMEOUT = timedelta(minutes=15)
_KEY = "post_draft"
# Telegram allows 4096 characters; the header and the preview's lines need the rest.
MAX_BODY = 3500
_REFLECT_KEY = "reflect_post"


@dataclass(frozen=True)
class Composing:
    kind: str | None = None
    title: str | None = None
    body: str | None = None
    file_id: str | None = None
    file_kind: str | None = None
    audience: str | None = None
    group_id: int | None = None
    receipt: bool | None = None
    due_on: date | None = None
    due_asked: bool = False
    send_at: datetime | None = None
    when_asked: bool = False


_DRAFTS: Drafts[Composing] = Drafts(_KEY, Composing)
_get, _put = _DRAFTS.get, _DRAFTS.put
cancel = cancel_handler(_DRAFTS, texts.POST_CANCELLED)
on_timeout = timeout_handler(_DRAFTS, texts.POST_EXPIRED)


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("pc", "no"))]


def _content_of(message: Message) -> tuple[str, str | None, str | None] | None:
    """(text, file id, file kind) of a message, or None if it has nothing to post."""
    text = (message.text or message.caption or "").strip()
    if message.document is not None:
        return text or (message.document.file_name or ""), message.document.file_id, "document"
    if message.photo:
        return text, message.photo[-1].file_id, "photo"
    return (text, None, None) if text else None


@guarded("notice")
async def notice_command(update: Update, context: BranchContext, actor: Actor) -> int:
    """Start composing a notice or study material."""
    _put(context, Composing())
    return await _prompt(update, context, actor, Composing())


async def forwarded(update: Update, context: BranchContext) -> int:
    """Staff forward a message to the bot: offer to post it."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    actor = await context.deps.access.actor(update.effective_user.id)
    content = _content_of(message)
    if content is None or not actor.has_any(COMPOSERS):
        return ConversationHandler.END
    body, file_id, file_kind = content
    _put(context, Composing(body=body, title=_title(body), file_id=file_id,
                            file_kind=file_kind))
    await message.reply_text(texts.POST_FORWARD_OFFER, reply_markup=_kind_keyboard())
    return IN_WIZARD


def _title(body: str) -> str:
    first = body.strip().splitlines()[0] if body.strip() else ""
    return first[:30] or texts.UNTITLED


def _exists(deps: Deps, audience: str) -> bool:
    """Private audiences always exist; a chat audience only if the branch has that chat."""
    return audience in PRIVATE_AUDIENCES or deps.chats.destination(audience) is not None


def _kind_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_KIND_NOTICE, callback_data=pack("pc", "k", 0)),
        InlineKeyboardButton(texts.BUTTON_KIND_STUDY, callback_data=pack("pc", "k", 1))],
        _cancel_row()])


def _step(c: Composing) -> int:
    """Which step the composer is on: the draft says (`bot.flows.IN_WIZARD`)."""
    if c.kind is None:
        return KIND
    if c.body is None:
        return CONTENT
    if c.audience is None:
        return AUDIENCE
    if c.audience == "party_group" and c.group_id is None:
        return GROUP
    if (c.kind == "notice" and c.receipt is None) or (c.kind == "study" and not c.due_asked):
        return RECEIPT
    if not c.when_asked:
        return WHEN
    return CONFIRM


async def _prompt(update: Update, context: BranchContext, actor: Actor, c: Composing) -> int:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    step = _step(c)
    if step == KIND:
        await message.reply_text(texts.POST_KIND, reply_markup=_kind_keyboard())
    elif step == CONTENT:
        await message.reply_text(texts.POST_CONTENT,
                                 reply_markup=InlineKeyboardMarkup([_cancel_row()]))
    elif step == AUDIENCE:
        allowed = [a for a in POST_AUDIENCES
                   if (deps.posts.may_post(actor, a, None) or a == "party_group")
                   and _exists(deps, a)]
        rows = [[InlineKeyboardButton(texts.AUDIENCE_NAMES[a], callback_data=pack(
            "pc", "a", POST_AUDIENCES.index(a)))] for a in allowed]
        await message.reply_text(texts.POST_AUDIENCE,
                                 reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    elif step == GROUP:
        groups = [g for g in await deps.roster.groups()
                  if deps.posts.may_post(actor, "party_group", g.id)]
        rows = [[InlineKeyboardButton(g.name, callback_data=pack("pc", "g", g.id))]
                for g in groups]
        await message.reply_text(texts.POST_PICK_GROUP,
                                 reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    elif step == RECEIPT and c.kind == "notice":
        await message.reply_text(texts.POST_RECEIPT, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_RECEIPT_YES, callback_data=pack("pc", "r", 1)),
            InlineKeyboardButton(texts.BUTTON_RECEIPT_NO, callback_data=pack("pc", "r", 0))],
            _cancel_row()]))
    elif step == RECEIPT:
        await message.reply_text(texts.POST_DUE, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_NO_DUE, callback_data=pack("pc", "d"))],
            _cancel_row()]))
    elif step == WHEN:
        await message.reply_text(texts.POST_WHEN, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_SEND_NOW, callback_data=pack("pc", "now"))],
            _cancel_row()]))
    else:
        await message.reply_text(await _preview(context, c), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.BUTTON_SEND, callback_data=pack("pc", "ok"))],
             _cancel_row()]))
    return IN_WIZARD


async def _preview(context: BranchContext, c: Composing) -> str:
    assert c.audience is not None
    count = len(await context.deps.posts.audience(c.audience, c.group_id))
    extra = []
    if c.kind == "notice":
        extra.append(texts.POST_PREVIEW_RECEIPT.format(
            value=texts.BUTTON_RECEIPT_YES if c.receipt else texts.BUTTON_RECEIPT_NO))
    if c.due_on:
        extra.append(texts.POST_PREVIEW_DUE.format(value=show_date(c.due_on)))
    if c.send_at:
        local = c.send_at.astimezone(context.deps.posts.tz)
        extra.append(texts.POST_PREVIEW_LATER.format(
            value=f"{show_date(local.date())} {local:%H:%M}"))
    return texts.POST_PREVIEW.format(audience=texts.AUDIENCE_NAMES[c.audience], count=count,
                                     extra="\n".join(extra), body=c.body)


async def compose_button(update: Update, context: BranchContext) -> int:
    """A button of the composing flow."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    cb = parse(query.data)
    c = _get(context)
    actor = await context.deps.access.actor(query.from_user.id)
    if cb is None or cb.action == "no":
        _put(context, None)
        await query.edit_message_text(texts.POST_CANCELLED)
        return ConversationHandler.END
    step = _step(c)
    if step == KIND and cb.action == "k" and cb.ids and cb.ids[0] in (0, 1):
        c = replace(c, kind=("notice", "study")[cb.ids[0]])
    elif step == AUDIENCE and cb.action == "a" and cb.ids and cb.ids[0] < len(POST_AUDIENCES):
        audience = POST_AUDIENCES[cb.ids[0]]
        if not _exists(context.deps, audience):  # an old or forged button
            await query.message.reply_text(texts.POST_NO_SUCH_CHAT)  # type: ignore[union-attr]
            return IN_WIZARD
        group = None
        if audience == "party_group" and not actor.has_any(POSTERS):
            group = next(iter(sorted(actor.led_group_ids)), None)  # a leader: his own
        c = replace(c, audience=audience, group_id=group)
    elif step == GROUP and cb.action == "g" and cb.ids:
        if not context.deps.posts.may_post(actor, "party_group", cb.ids[0]):
            await query.message.reply_text(texts.POST_NOT_ALLOWED)  # type: ignore[union-attr]
            return IN_WIZARD
        c = replace(c, group_id=cb.ids[0])
    elif step == RECEIPT and cb.action == "r" and cb.ids:
        c = replace(c, receipt=bool(cb.ids[0]))
    elif step == RECEIPT and cb.action == "d":
        c = replace(c, due_asked=True)
    elif step == WHEN and cb.action == "now":
        c = replace(c, when_asked=True)
    elif step == CONFIRM and cb.action == "ok":
        return await _send(update, context, actor, c)
    else:
        return IN_WIZARD
    _put(context, c)
    return await _prompt(update, context, actor, c)


async def compose_message(update: Update, context: BranchContext) -> int:
    """Typed or sent content, a due date, or a send-later time."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    c = _get(context)
    actor = await context.deps.access.actor(update.effective_user.id)
    step = _step(c)
    svc = context.deps.posts
    try:
        if step == CONTENT:
            content = _content_of(message)
            if content is None:
                await message.reply_text(texts.POST_CONTENT_BAD)
                return IN_WIZARD
            body, file_id, file_kind = content
            if len(body) > MAX_BODY:
                await message.reply_text(texts.POST_TOO_LONG.format(limit=MAX_BODY))
                return IN_WIZARD
            c = replace(c, body=body, title=_title(body), file_id=file_id, file_kind=file_kind)
        elif step == RECEIPT and c.kind == "study" and message.text:
            c = replace(c, due_on=parse_day(message.text, svc.today()), due_asked=True)
        elif step == WHEN and message.text:
            parts = message.text.split()
            if len(parts) != 2:
                await message.reply_text(texts.POST_WHEN_BAD)
                return IN_WIZARD
            day = parse_day(parts[0], svc.today())
            at = datetime.combine(day, parse_clock(parts[1]), tzinfo=svc.tz)
            c = replace(c, send_at=at if at > svc.now() else None, when_asked=True)
        else:
            return IN_WIZARD
    except WhenError as exc:
        await message.reply_text(texts.explain(exc))
        return IN_WIZARD
    _put(context, c)
    return await _prompt(update, context, actor, c)


async def _send(update: Update, context: BranchContext, actor: Actor, c: Composing) -> int:
    message = update.effective_message
    assert message is not None
    assert c.kind and c.title and c.body is not None and c.audience
    deps = context.deps
    try:
        post = await deps.posts.create(PostDraft(
            kind=c.kind, title=c.title, body=c.body, file_id=c.file_id, file_kind=c.file_kind,
            audience=c.audience, group_id=c.group_id, receipt=bool(c.receipt),
            due_on=c.due_on, send_at=c.send_at), actor)
    except PermissionError:
        await message.reply_text(texts.POST_NOT_ALLOWED)
        return ConversationHandler.END
    _put(context, None)
    assert context.job_queue is not None
    deps.follow_ups.send_post(context, post)
    if c.send_at:
        local = c.send_at.astimezone(deps.posts.tz)
        await message.reply_text(texts.POST_SCHEDULED.format(
            when=f"{show_date(local.date())} {local:%H:%M}"))
    return ConversationHandler.END


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


@buttons.on("fl")
async def _followup_list(press: Press, context: BranchContext) -> None:
    deps = context.deps
    post = await deps.posts.get(press.id())
    await press.answer()
    if post is not None and press.actor.person is not None:
        mine = [m for m in await deps.posts.missing(post) if press.actor.may_act_for(m.person)]
        text, markup = followup(post, mine)
        await press.query.message.reply_text(  # type: ignore[union-attr]
            text, reply_markup=markup)


def _people_on_buttons(message: object) -> set[int]:
    """The person ids named by a follow-up list's buttons (`pst:px:post:person:how`)."""
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


def register(app: BranchApp) -> None:
    private = filters.ChatType.PRIVATE
    content = private & (filters.TEXT | filters.Document.ALL | filters.PHOTO) & ~filters.COMMAND
    steps = wizard_steps(buttons="pc", on_button=compose_button, typed=content,
                         on_text=compose_message, on_timeout=on_timeout)
    app.add_handler(flow(
        entry_points=[CommandHandler("notice", notice_command),
                      MessageHandler(private & filters.FORWARDED, forwarded)],
        states=steps, fallbacks=[CommandHandler("cancel", cancel)],
        conversation_timeout=TIMEOUT, name="post_composer"))
    app.add_handler(flow(
        entry_points=[CommandHandler(
            "start", reflect_start, filters=start_payload("refl"))],
        states={REFLECT: [MessageHandler(private & (filters.TEXT | filters.VOICE)
                                         & ~filters.COMMAND, reflect_text)]},
        fallbacks=[], conversation_timeout=TIMEOUT, name="reflection"))
    app.add_handler(buttons.handler())
    app.add_handler(CommandHandler("notices", notices_command))
    app.add_handler(CommandHandler("study", study_command))
