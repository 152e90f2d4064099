"""Attendance: taps on the check-in card, leave reasons, proxy answers by leaders,
closing a meeting, make-up (补课) tasks and the /attendance figures.

Every button press is answered at once with a short toast naming the person. The card is
not edited here: the press only asks `CardRefresher` for an edit, which it coalesces.
"""

from __future__ import annotations

from datetime import datetime

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden
from telegram.ext import CommandHandler

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack
from bot.commands import entry
from bot.context import BranchApp, BranchContext
from bot.flows import start_payload
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import show_date
from bot.services.meetings import Tap, TapResult
from bot.ui.meetings import (
    MakeupRow,
    leave_reason_keyboard,
    makeup_keyboard,
    makeup_list,
    summary,
)
from storage.models import LEAVE_REASONS, MAKEUP_METHODS, LeaveReason, Meeting

_TOASTS = {
    Tap.CHECKED_IN: texts.TAP_CHECKED_IN,
    Tap.ALREADY_IN: texts.TAP_ALREADY_IN,
    Tap.ALREADY_EXCUSED: texts.TAP_ALREADY_EXCUSED,
    Tap.IN_NOT_EXCUSED: texts.TAP_IN_NOT_EXCUSED,
    Tap.NOT_OPEN: texts.TAP_NOT_OPEN,
    Tap.CLOSED: texts.TAP_CLOSED,
    Tap.CANCELLED: texts.TAP_CANCELLED,
    Tap.NOT_EXPECTED: texts.TAP_NOT_EXPECTED,
    Tap.NOT_LINKED: texts.TAP_NOT_LINKED,
    Tap.STALE: texts.TAP_STALE,
    Tap.UNKNOWN: texts.TAP_STALE,
    Tap.NOT_ALLOWED: texts.TAP_NOT_ALLOWED,
}


def toast(result: TapResult, context: BranchContext) -> str:
    name = result.person.name if result.person else ""
    return _TOASTS[result.outcome].format(
        name=name, minutes=context.deps.config.meetings.open_minutes_before)


def _refresh(context: BranchContext, m: Meeting | None) -> None:
    if m is not None:
        context.deps.follow_ups.refresh_card(context, m)


buttons = Buttons("att")  # check in, ask for leave, leave reason, proxy, close
makeup_buttons = Buttons("mk")


@buttons.on("ci")
async def _check_in(press: Press, context: BranchContext) -> None:
    result = await context.deps.meetings.check_in(press.id(), press.actor, press.card())
    await press.answer(toast(result, context))
    if result.outcome is Tap.CHECKED_IN:
        _refresh(context, result.meeting)


@buttons.on("lv")
async def _leave(press: Press, context: BranchContext) -> None:
    actor = press.actor
    result = await context.deps.meetings.ask_leave(press.id(), actor, press.card())
    if result.outcome not in (Tap.EXCUSED, Tap.ALREADY_EXCUSED):
        await press.answer(toast(result, context))
        return
    assert result.person is not None and result.meeting is not None
    name = result.person.name
    if await _ask_reason(context, actor, result.meeting):
        await press.answer(texts.TAP_EXCUSED_ASK_REASON.format(name=name))
    else:
        # Never opened a private chat: the toast's link opens it with the leave prompt.
        link = f"https://t.me/{context.bot.username}?start=leave_{result.meeting.id}"
        await press.answer(texts.TAP_EXCUSED_OPEN_CHAT.format(name=name), url=link)
    if result.outcome is Tap.EXCUSED:
        _refresh(context, result.meeting)


async def _ask_reason(context: BranchContext, actor: Actor, m: Meeting) -> bool:
    text = texts.LEAVE_ASK_REASON.format(summary=summary(m, context.deps.config.branch.tz))
    try:
        await context.bot.send_message(actor.tg_user_id, text,
                                       reply_markup=leave_reason_keyboard(m))
    except Forbidden:
        return False
    return True


async def leave_link(update: Update, context: BranchContext) -> None:
    """`/start leave_<id>`: the private chat opened from the 请假 toast."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None and message.text
    meeting_id = int(message.text.split("leave_", 1)[1])
    actor = await context.deps.access.actor(user.id)
    result = await context.deps.meetings.ask_leave(meeting_id, actor, None)
    if result.outcome in (Tap.EXCUSED, Tap.ALREADY_EXCUSED):
        assert result.meeting is not None
        await _ask_reason(context, actor, result.meeting)
        if result.outcome is Tap.EXCUSED:
            _refresh(context, result.meeting)
    else:
        await message.reply_text(toast(result, context))


@buttons.on("rs", ids=2)
async def _reason(press: Press, context: BranchContext) -> None:
    index = press.id(1)
    if index >= len(LEAVE_REASONS):
        await press.stale()
        return
    reason = LEAVE_REASONS[index]
    result = await context.deps.meetings.set_reason(press.id(), press.actor, reason)
    if result.outcome is not Tap.EXCUSED:
        await press.answer(toast(result, context))
        return
    saved = (texts.LEAVE_HOSPITAL_SAVED if reason == LeaveReason.HOSPITAL
             else texts.LEAVE_REASON_SAVED.format(reason=texts.LEAVE_REASON[reason]))
    await press.answer(saved)
    await press.edit(saved)
    _refresh(context, result.meeting)
    if result.person is not None:
        new = await context.deps.care.after_leave(result.person, reason,
                                                  press.actor.tg_user_id)
        if new is not None:
            await context.deps.follow_ups.tell_tasks(context, [new])


# -- proxy -----------------------------------------------------------------------------------


async def _proxy_list(context: BranchContext, actor: Actor,
                      m: Meeting) -> tuple[str, InlineKeyboardMarkup | None]:
    deps = context.deps
    people = await deps.meetings.proxy_candidates(m, actor)
    head = summary(m, deps.config.branch.tz)
    if not people:
        return f"{head}\n{texts.PROXY_NO_PEOPLE}", None
    answers = {a.person_id: a for a in await deps.meetings.attendance(m.id)}
    rows = []
    for p in people:
        answer = answers.get(p.id)
        if answer is not None and answer.status == "present":
            rows.append([InlineKeyboardButton(texts.PROXY_ROW_DONE_IN.format(name=p.name),
                                              callback_data=pack("att", "px", m.id, p.id))])
        elif answer is not None and answer.status == "excused":
            rows.append([
                InlineKeyboardButton(texts.PROXY_ROW_DONE_OUT.format(name=p.name),
                                     callback_data=pack("att", "pl", m.id, p.id)),
                InlineKeyboardButton(texts.PROXY_ROW_PRESENT.format(name=p.name),
                                     callback_data=pack("att", "px", m.id, p.id))])
        else:
            rows.append([
                InlineKeyboardButton(texts.PROXY_ROW_PRESENT.format(name=p.name),
                                     callback_data=pack("att", "px", m.id, p.id)),
                InlineKeyboardButton(texts.PROXY_ROW_LEAVE.format(name=p.name),
                                     callback_data=pack("att", "pl", m.id, p.id))])
    return texts.PROXY_LIST.format(summary=head), InlineKeyboardMarkup(rows)


async def _meeting_menu(m_list: list[Meeting], action: str, context: BranchContext) -> (
        InlineKeyboardMarkup):
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        f"{texts.MEETING_KIND[m.kind]}·{show_date(context.deps.meetings.local(m.starts_at).date())}",
        callback_data=pack("att", action, m.id))] for m in m_list])


@guarded("proxy")
async def proxy_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Show the leader the people he may check in or excuse, one button each."""
    message = update.effective_message
    assert message is not None
    meetings = await context.deps.meetings.manageable(actor)
    if not meetings:
        # A leader may also answer for his people at branch-wide meetings.
        meetings = [m for m in await context.deps.meetings.active()
                    if await context.deps.meetings.proxy_candidates(m, actor)]
    if not meetings:
        await message.reply_text(texts.PROXY_NONE)
        return
    if len(meetings) == 1:
        text, markup = await _proxy_list(context, actor, meetings[0])
        await message.reply_text(text, reply_markup=markup)
        return
    await message.reply_text(texts.PROXY_PICK_MEETING,
                             reply_markup=await _meeting_menu(meetings, "pm", context))


@buttons.on("pm")
async def _proxy_menu(press: Press, context: BranchContext) -> None:
    m = await context.deps.meetings.get(press.id())
    if m is None:
        await press.stale()
        return
    await press.answer()
    await press.edit(*await _proxy_list(context, press.actor, m))


@buttons.on("px", "pl", ids=2)
async def _proxy(press: Press, context: BranchContext) -> None:
    status = "present" if press.cb.action == "px" else "excused"
    result = await context.deps.meetings.proxy(press.id(), press.actor, press.id(1), status)
    name = result.person.name if result.person else ""
    if result.outcome is Tap.CHECKED_IN:
        await press.answer(texts.PROXY_DONE_IN.format(name=name))
    elif result.outcome is Tap.EXCUSED:
        await press.answer(texts.PROXY_DONE_OUT.format(name=name))
    else:
        await press.answer(toast(result, context))
        return
    _refresh(context, result.meeting)
    assert result.meeting is not None
    await press.edit(*await _proxy_list(context, press.actor, result.meeting))


# -- closing and make-up -----------------------------------------------------------------------


async def _closable(context: BranchContext, actor: Actor) -> list[Meeting]:
    now = context.deps.meetings.now()
    return [m for m in await context.deps.meetings.manageable(actor)
            if datetime.fromisoformat(m.starts_at) <= now]


@guarded("close")
async def close_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """End a meeting that has started: final tally, make-up tasks to the leaders."""
    message = update.effective_message
    assert message is not None
    meetings = await _closable(context, actor)
    if not meetings:
        await message.reply_text(texts.CLOSE_NONE)
    elif len(meetings) == 1:
        await message.reply_text(await _close(context, actor, meetings[0].id))
    else:
        await message.reply_text(texts.CLOSE_PICK,
                                 reply_markup=await _meeting_menu(meetings, "cl", context))


async def _close(context: BranchContext, actor: Actor, meeting_id: int) -> str:
    if meeting_id not in {m.id for m in await _closable(context, actor)}:
        return texts.CLOSE_ALREADY
    closing = await context.deps.follow_ups.close_meeting(context, meeting_id,
                                                          actor.tg_user_id)
    if closing is None:
        return texts.CLOSE_ALREADY
    t = closing.tally
    return texts.CLOSE_DONE.format(present=len(t.present), expected=len(t.expected),
                                   excused=len(t.excused), absent=len(t.missing))


@buttons.on("cl")
async def _close_button(press: Press, context: BranchContext) -> None:
    await press.answer()
    await press.edit(await _close(context, press.actor, press.id()))


@makeup_buttons.on("row", ids=2)
async def _makeup_row(press: Press, context: BranchContext) -> None:
    """`mk:row:<task>:<method>` on a meeting's list: record it, then show the list as it
    now is (a line done, the others still with their buttons)."""
    if press.id(1) >= len(MAKEUP_METHODS):
        await press.stale()
        return
    method = MAKEUP_METHODS[press.id(1)]
    meetings = context.deps.meetings
    outcome, _task, person = await meetings.record_makeup(press.id(), press.actor, method)
    name = person.name if person else ""
    if outcome == "not_allowed":
        await press.answer(texts.TAP_NOT_ALLOWED)
        return
    if outcome not in ("done", "already"):
        await press.stale()
        return
    day = show_date(meetings.today())
    await press.answer(texts.MAKEUP_DONE.format(name=name, method=texts.MAKEUP_METHOD[method],
                                                day=day) if outcome == "done"
                       else texts.MAKEUP_ALREADY.format(name=name))
    sheet = await meetings.makeup_sheet(press.id(), press.actor)
    if sheet is not None:
        m, rows = sheet
        await press.edit(*makeup_list(m, [MakeupRow(t.id, p, excused, t.method)
                                          for t, p, excused in rows],
                                      context.deps.config.branch.tz))


@makeup_buttons.on("do", ids=2)
async def _makeup_done(press: Press, context: BranchContext) -> None:
    """`mk:do:<task>:<method>` (a task on its own, from /makeups): record how a member
    made up a meeting."""
    if press.id(1) >= len(MAKEUP_METHODS):
        await press.stale()
        return
    method = MAKEUP_METHODS[press.id(1)]
    outcome, _task, person = await context.deps.meetings.record_makeup(press.id(), press.actor,
                                                                       method)
    name = person.name if person else ""
    if outcome == "done":
        day = show_date(context.deps.meetings.today())
        how = texts.MAKEUP_METHOD[method]
        await press.answer(texts.MAKEUP_DONE.format(name=name, method=how, day=day))
        await press.edit(texts.MAKEUP_ROW_DONE.format(name=name, method=how))
    elif outcome == "already":
        await press.answer(texts.MAKEUP_ALREADY.format(name=name))
    elif outcome == "not_allowed":
        await press.answer(texts.TAP_NOT_ALLOWED)
    else:
        await press.stale()


@guarded("makeups")
async def makeups_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """List the open make-up tasks this person follows, each with its buttons."""
    message = update.effective_message
    assert message is not None
    tasks = await context.deps.meetings.open_makeups(actor)
    if not tasks:
        await message.reply_text(texts.MAKEUPS_NONE)
        return
    tz = context.deps.config.branch.tz
    await message.reply_text(texts.MAKEUPS_TITLE.format(count=len(tasks)))
    for task, meeting, person in tasks[:30]:
        await message.reply_text(
            texts.MAKEUPS_ITEM.format(name=person.name, meeting=summary(meeting, tz)),
            reply_markup=makeup_keyboard(task.id))


def register(app: BranchApp) -> None:
    # Before membership's /start, which takes every other payload.
    leave_payload = start_payload("leave")
    app.add_handler(CommandHandler("start", leave_link, filters=leave_payload))
    app.add_handler(buttons.handler())
    app.add_handler(makeup_buttons.handler())
    app.add_handlers(entry("proxy", proxy_command))
    app.add_handler(CommandHandler("close", close_command))
    app.add_handlers(entry("makeups", makeups_command))
