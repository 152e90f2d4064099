"""Care status: `/care` (who needs attention most), `/flag` (住院, 困难, death...), and
the member's own 「我住院了」/「我需要帮助」 (`/helpme`), which reach his leader at once.

Everything here is private-chat only: health, hospital, hardship and money never go to
any group chat.
"""

from __future__ import annotations

import logging
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
)

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack, parse
from bot.commands import entry
from bot.context import BranchApp, BranchContext
from bot.flows import words_or_skip
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.care import CareError, NewTask, help_stage, parse_flag_word
from bot.services.dates import show_date
from bot.services.when import WhenError, parse_day
from bot.ui.lookup import find_one
from bot.ui.messaging import send_private
from bot.ui.views import spoken_phone
from storage.models import HELP_KINDS, Person, VisitKind

_HELP_TEXT_KEY = "help_kind"
_RESOLVED_KEY = "help_resolved"
HELP_WORDS, RESOLUTION = 0, 1

log = logging.getLogger(__name__)


@guarded("care")
async def care_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """The leader's group (the secretary's branch), most urgent first."""
    message = update.effective_message
    assert message is not None
    entries = await context.deps.care.care_view(actor)
    requests = await context.deps.care.open_requests(actor)
    if not entries and not requests:
        await message.reply_text(texts.CARE_ALL_GOOD)
        return
    lines = [texts.CARE_TITLE]
    for request, person in requests:
        state = help_stage(request)
        lines.append(texts.CARE_HELP_OPEN.format(name=person.name,
                                                 kind=texts.HELP_KIND[request.kind],
                                                 state=texts.HELP_STATE[state]))
    for e in entries[:40]:
        if e.rank == 0:
            lines.append(texts.CARE_OVERDUE.format(
                name=e.person.name, kind=texts.VISIT_KIND[VisitKind(e.detail)], days=e.days))
        elif e.rank == 1:
            lines.append(texts.CARE_HOSPITAL.format(name=e.person.name, days=e.days + 1))
        elif e.rank == 2:
            lines.append(texts.CARE_NOT_CONTACTED.format(name=e.person.name, days=e.days))
        elif e.days == 0:
            lines.append(texts.CARE_BIRTHDAY_TODAY.format(name=e.person.name, age=e.detail))
        else:
            lines.append(texts.CARE_BIRTHDAY.format(name=e.person.name, days=e.days,
                                                    age=e.detail))
    await message.reply_text("\n".join(lines))


@guarded("flag")
async def flag_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """`/flag 姓名 住院|出院|患病|取消患病|…|去世 [日期]`."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    args = list(context.args or [])
    if len(args) < 2:
        await message.reply_text(texts.FLAG_USAGE)
        return
    person = await find_one(update, context, actor, args[0])
    if person is None:
        return
    try:
        command = parse_flag_word(args[1], args[2:])
        if command.death:
            await _death(update, context, actor, person, command.death_day)
            return
        assert command.flag is not None
        new = await deps.care.set_flag(actor, person, command.flag, command.on)
    except CareError as exc:
        await message.reply_text(texts.explain(exc))
        return
    text = (texts.FLAG_SET if command.on else texts.FLAG_CLEARED).format(
        name=person.name, flag=command.label)
    if new is not None:
        text += "\n" + texts.FLAG_TASK.format(kind=texts.VISIT_KIND[new.task.kind], due=_due(new))
        await deps.follow_ups.tell_tasks(context, [new])
    await message.reply_text(text)


def _due(new: NewTask) -> str:
    return show_date(date.fromisoformat(new.task.due_on))


async def _death(update: Update, context: BranchContext, actor: Actor, person: Person,
                 day_text: str | None) -> None:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    try:
        day = (parse_day(day_text, deps.care.today(), allow_past=True) if day_text
               else deps.care.today())
    except WhenError as exc:
        await message.reply_text(texts.explain(exc))
        return
    tasks = await deps.care.record_death(actor, person, day)
    if not tasks:
        await message.reply_text(texts.DEATH_ALREADY.format(name=person.name))
        return
    await deps.follow_ups.tell_tasks(context, tasks)
    await message.reply_text(texts.DEATH_RECORDED.format(name=person.name, day=show_date(day)))


# -- the member's own requests ------------------------------------------------------------------


@guarded("helpme")
async def helpme_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Two big buttons: 我住院了, 我需要帮助."""
    message = update.effective_message
    assert message is not None
    await message.reply_text(texts.HELPME_MENU, reply_markup=InlineKeyboardMarkup([
        [InlineKeyboardButton(texts.BUTTON_IN_HOSPITAL, callback_data=pack("hp", "hos"))],
        [InlineKeyboardButton(texts.BUTTON_NEED_HELP, callback_data=pack("hp", "ask"))]]))


buttons = Buttons("hp")  # hospital, ask for help, a leader's 已联系


@buttons.on("ok")
async def _acknowledge(press: Press, context: BranchContext) -> None:
    outcome, person = await context.deps.care.acknowledge(press.actor, press.id())
    name = person.name if person else ""
    answer = {"done": texts.HELPME_ACKED, "already": texts.HELPME_ALREADY,
              "not_allowed": texts.TAP_NOT_ALLOWED}.get(outcome, texts.TAP_STALE)
    await press.answer(answer.format(name=name))
    if outcome == "done":  # what next: solved, or handed up
        await press.query.edit_message_reply_markup(
            next_steps(press.id(), for_secretary=press.actor.is_secretary))


def next_steps(help_id: int, *, for_secretary: bool) -> InlineKeyboardMarkup:
    """After 已联系: 已解决, or 上报 (to the secretary; from him, to the committee above)."""
    report = texts.BUTTON_HELP_REPORT_UP if for_secretary else texts.BUTTON_HELP_REPORT
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_HELP_RESOLVED, callback_data=pack("hp", "res", help_id)),
        InlineKeyboardButton(report, callback_data=pack("hp", "up", help_id))]])


@buttons.on("up")
async def _report(press: Press, context: BranchContext) -> None:
    """上报: to the secretary, who gets it with the same buttons; or, from him, upward."""
    deps = context.deps
    outcome, request, person = await deps.care.report(press.actor, press.id())
    if outcome in ("unknown", "not_allowed") or request is None or person is None:
        await press.answer(texts.TAP_NOT_ALLOWED if outcome == "not_allowed"
                           else texts.TAP_STALE)
        return
    if outcome == "already":
        await press.answer(texts.HELP_REPORTED_ALREADY.format(name=person.name))
        return
    await press.query.edit_message_reply_markup(InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_HELP_RESOLVED, callback_data=pack("hp", "res", request.id))]]))
    if outcome == "up":
        await press.answer(texts.HELP_REPORTED_UP.format(name=person.name))
        return
    await press.answer(texts.HELP_REPORTED.format(name=person.name))
    by = press.actor.person.name if press.actor.person else ""
    notice = texts.HELP_REPORT_NOTICE.format(
        by=by, name=person.name, kind=texts.HELP_KIND[request.kind], text=request.text or "",
        phone=spoken_phone(person.phone))
    for secretary in await deps.org.secretaries():
        await send_private(context, secretary, notice,
                           next_steps(request.id, for_secretary=True))


@buttons.on("hos", ids=0)
async def _in_hospital(press: Press, context: BranchContext) -> None:
    person = press.actor.person
    if person is None:
        await press.answer(texts.TAP_NOT_LINKED)
        return
    await press.answer()
    new = await context.deps.care.report_hospital(person, press.actor.tg_user_id)
    leader = await _leader_name(context, person)
    await press.edit(texts.HELPME_HOSPITAL_SENT.format(leader=leader))
    if new is not None:
        await context.deps.follow_ups.tell_tasks(context, [new])


@buttons.on("ask", ids=0)
async def _ask_kind(press: Press, context: BranchContext) -> None:
    if press.actor.person is None:
        await press.answer(texts.TAP_NOT_LINKED)
        return
    await press.answer()
    kinds = [InlineKeyboardButton(texts.HELPME_KIND_NAMES[k], callback_data=pack("hp", "k", i))
             for i, k in enumerate(HELP_KINDS)]
    await press.edit(texts.HELPME_KIND, InlineKeyboardMarkup([kinds]))


async def resolved(update: Update, context: BranchContext) -> int:
    """`hp:res:<id>`: 已解决, recorded at once; then one line of what was done (or 跳过)."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    cb = parse(query.data)
    actor = await context.deps.access.actor(query.from_user.id)
    outcome, person = ((await context.deps.care.resolve(actor, cb.ids[0]))
                       if cb and cb.ids else ("unknown", None))
    name = person.name if person else ""
    if outcome != "done":
        await query.answer({"already": texts.HELP_RESOLVED_ALREADY,
                            "not_allowed": texts.TAP_NOT_ALLOWED}.get(
                                outcome, texts.TAP_STALE).format(name=name))
        return ConversationHandler.END
    assert cb is not None
    await query.answer(texts.HELP_RESOLVED.format(name=name))
    await query.edit_message_reply_markup(None)
    context.user_data[_RESOLVED_KEY] = cb.ids[0]
    await context.bot.send_message(query.from_user.id, texts.HELP_WHAT_DONE, reply_markup=(
        InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.BUTTON_SKIP, callback_data=pack("hp", "nodone"))]])))
    return RESOLUTION


async def what_was_done(update: Update, context: BranchContext) -> int:
    """The words of what was done (or 跳过)."""
    assert context.user_data is not None and update.effective_user is not None
    help_id = context.user_data.pop(_RESOLVED_KEY, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
        await update.callback_query.edit_message_reply_markup(None)
        return ConversationHandler.END
    message = update.effective_message
    if help_id is not None and message is not None and message.text:
        actor = await context.deps.access.actor(update.effective_user.id)
        if await context.deps.care.note_resolution(actor, help_id, message.text):
            await message.reply_text(texts.HELP_WHAT_DONE_SAVED)
    return ConversationHandler.END


async def choose_help_kind(update: Update, context: BranchContext) -> int:
    """就医 / 生活 / 其他 chosen: ask for the words (or 跳过)."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    cb = parse(query.data)
    if cb is None or not cb.ids or cb.ids[0] >= len(HELP_KINDS):
        await query.answer(texts.TAP_STALE)
        return ConversationHandler.END
    await query.answer()
    context.user_data[_HELP_TEXT_KEY] = HELP_KINDS[cb.ids[0]]
    await query.edit_message_text(texts.HELPME_TEXT, reply_markup=InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_SKIP, callback_data=pack("hp", "skip"))]]))
    return HELP_WORDS


async def help_text(update: Update, context: BranchContext) -> int:
    """The words of a request for help (or 跳过): send it to the leader."""
    assert update.effective_user is not None and context.user_data is not None
    if update.callback_query is not None:
        await update.callback_query.answer()
        words = None
    else:
        words = update.effective_message.text if update.effective_message else None
    actor = await context.deps.access.actor(update.effective_user.id)
    if actor.person is not None and _HELP_TEXT_KEY in context.user_data:
        await _send_help(update, context, actor, words)
    return ConversationHandler.END


async def _send_help(update: Update, context: BranchContext, actor: Actor,
                     text: str | None) -> None:
    assert context.user_data is not None and actor.person is not None
    message = update.effective_message
    assert message is not None
    deps = context.deps
    kind = context.user_data.pop(_HELP_TEXT_KEY)
    request = await deps.care.ask_help(actor.person, kind, text)
    # From the saved request, before any send can fail: nobody answering is escalated.
    assert context.job_queue is not None
    deps.follow_ups.watch_help(context, request)
    person = actor.person
    notice = texts.HELPME_LEADER.format(name=person.name, kind=texts.HELP_KIND[kind],
                                        text=text or "", phone=spoken_phone(person.phone))
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_CONTACTED, callback_data=pack("hp", "ok", request.id))]])
    assignee = await deps.care.assignee_for(person)
    for recipient in await deps.org.reach(assignee):
        try:
            await send_private(context, recipient, notice, keyboard)
        except TelegramError as exc:  # the escalation above still follows it up
            log.warning("help request %s not delivered to %s: %s", request.id,
                        recipient.id, exc)
    leader = await deps.roster.get(assignee) if assignee else None
    reply = (texts.HELPME_SENT.format(leader=leader.name) if leader
             else texts.HELPME_SENT_SECRETARY)
    await message.reply_text(reply)


async def _leader_name(context: BranchContext, person: Person) -> str:
    assignee = await context.deps.care.assignee_for(person)
    leader = await context.deps.roster.get(assignee) if assignee else None
    return leader.name if leader else texts.ROLE_NAMES["secretary"]


def register(app: BranchApp) -> None:
    app.add_handlers(entry("care", care_command))
    app.add_handler(CommandHandler("flag", flag_command))
    app.add_handlers(entry("helpme", helpme_command))
    app.add_handler(words_or_skip(entry=r"^hp:k:", on_entry=choose_help_kind,
                                  state=HELP_WORDS, on_words=help_text, skip=r"^hp:skip",
                                  name="help_words"))
    app.add_handler(words_or_skip(entry=r"^hp:res:", on_entry=resolved, state=RESOLUTION,
                                  on_words=what_was_done, skip=r"^hp:nodone",
                                  name="help_resolution"))
    app.add_handler(buttons.handler())
