"""Arranging meetings: `/meeting` in one line or step by step with buttons, and
`/meetings` to reschedule, move or cancel one (everyone who answered is told).

The guided flow is a ConversationHandler in private chat: type → (group) → day → time →
place → topic → confirm. Each step takes a button or typed text; 取消 ends it, and it
expires on its own after ten minutes without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import Callback, pack, parse
from bot.context import BranchApp, BranchContext, Deps
from bot.flows import IN_WIZARD, Drafts, cancel_handler, flow, timeout_handler, wizard_steps
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import WEEKDAYS
from bot.services.meetings import Draft, MeetingError, Plan
from bot.ui.meetings import summary, when
from bot.ui.messaging import send_private
from storage.models import MEETING_KINDS, Meeting, MeetingKind

KIND, GROUP, DAY, TIME, PLACE, TOPIC, CONFIRM, NEW_TIME, NEW_PLACE, NEW_TOPIC = range(10)
WIZARD_TIMEOUT = timedelta(minutes=10)
TIME_CHOICES = ("08:30", "09:00", "09:30", "14:00", "14:30", "15:00")
_DRAFT_KEY = "meeting_draft"
_EDIT_KEY = "meeting_edit"


@dataclass(frozen=True)
class WizardDraft:
    kind: MeetingKind | None = None
    group_id: int | None = None
    day: date | None = None
    start: time | None = None
    place: str | None = None
    topic: str | None = None


def _error_text(exc: MeetingError) -> str:
    return texts.explain(exc)


_DRAFTS: Drafts[WizardDraft] = Drafts(_DRAFT_KEY, WizardDraft)
_draft, _save = _DRAFTS.get, _DRAFTS.put
_wizard_cancel = cancel_handler(_DRAFTS, texts.WIZ_CANCELLED)
wizard_timeout = timeout_handler(_DRAFTS, texts.WIZ_EXPIRED)


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("mw", "no"))]


async def _publish(update: Update, context: BranchContext, actor: Actor, draft: Draft) -> None:
    """Create, schedule, and confirm to the organiser."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    try:
        meeting = await deps.meetings.create(draft, actor)
    except MeetingError as exc:
        await message.reply_text(_error_text(exc))
        return
    assert context.job_queue is not None
    plan = deps.follow_ups.plan_meeting(context, meeting)
    await message.reply_text(texts.MEETING_CREATED.format(
        summary=summary(meeting, deps.config.branch.tz), plan=_plan_text(deps, plan)))


def _plan_text(deps: Deps, plan: Plan) -> str:
    """What the bot will do for the meeting, as the jobs were actually scheduled."""
    card = (texts.PLAN_CARD_NOW if plan.card_now else
            texts.PLAN_CARD_LATER.format(minutes=deps.config.meetings.open_minutes_before))
    remind = texts.PLAN_REMIND[plan.reminders]
    return f"{card}，{remind}。" if remind else f"{card}。"


@guarded("meeting")
async def meeting_command(update: Update, context: BranchContext, actor: Actor) -> int:
    """One line creates the meeting at once; no arguments start the guided flow."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    if context.args:
        try:
            draft = deps.meetings.parse_line(list(context.args), actor,
                                             await deps.roster.groups())
        except MeetingError as exc:
            await message.reply_text(_error_text(exc))
            return ConversationHandler.END
        await _publish(update, context, actor, draft)
        return ConversationHandler.END
    if not actor.is_secretary:  # a leader can only hold his group's 党小组会
        _save(context, WizardDraft(kind=MeetingKind.GROUP,
                                   group_id=deps.meetings.default_group(actor)))
        await message.reply_text(texts.WIZ_DAY, reply_markup=_day_keyboard(deps.meetings.today()))
        return IN_WIZARD
    _save(context, WizardDraft())
    rows = [[InlineKeyboardButton(texts.MEETING_KIND[k], callback_data=pack("mw", "k", i))]
            for i, k in enumerate(MEETING_KINDS)]
    await message.reply_text(texts.WIZ_KIND, reply_markup=InlineKeyboardMarkup([*rows,
                                                                               _cancel_row()]))
    return IN_WIZARD


def _day_keyboard(today: date) -> InlineKeyboardMarkup:
    days = [today + timedelta(days=i) for i in range(1, 9)]
    buttons = [InlineKeyboardButton(texts.DAY_BUTTON.format(month=d.month, day=d.day,
                                                            weekday=WEEKDAYS[d.weekday()]),
                                    callback_data=pack("mw", "d", int(d.strftime("%Y%m%d"))))
               for d in days]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    return InlineKeyboardMarkup([*rows, _cancel_row()])


def _time_keyboard() -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(t, callback_data=pack("mw", "t", int(t.replace(":", ""))))
               for t in TIME_CHOICES]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:], _cancel_row()])


async def _place_keyboard(context: BranchContext) -> InlineKeyboardMarkup:
    recent = await context.deps.meetings.recent_places(3)
    rows = [[InlineKeyboardButton(place, callback_data=pack("mw", "p", mid))]
            for place, mid in recent]
    return InlineKeyboardMarkup([*rows, _cancel_row()])


async def wizard_button(update: Update, context: BranchContext) -> int:
    """A button in the guided flow."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    await query.answer()
    if cb is None or cb.action == "no":
        return await _wizard_cancel(update, context)
    return await _wizard_step(update, context, cb, None)


async def wizard_text(update: Update, context: BranchContext) -> int:
    """Typed text in the guided flow (a date, a time, a place, a topic)."""
    message = update.effective_message
    assert message is not None and message.text is not None
    return await _wizard_step(update, context, None, message.text.strip())


async def _wizard_step(update: Update, context: BranchContext, cb: Callback | None,
                       text: str | None) -> int:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    svc = deps.meetings
    draft = _draft(context)
    step = _step_of(draft)
    try:
        if step == KIND and cb and cb.action == "k" and cb.id() is not None \
                and cb.ids[0] < len(MEETING_KINDS):
            draft = replace(draft, kind=MEETING_KINDS[cb.ids[0]])
        elif step == GROUP and cb and cb.action == "g":
            draft = replace(draft, group_id=cb.id())
        elif step == DAY and ((cb and cb.action == "d") or text):
            raw = str(cb.ids[0]) if cb else text or ""
            day = (date(int(raw[:4]), int(raw[4:6]), int(raw[6:8]))
                   if cb else svc.parse_day(raw))
            draft = replace(draft, day=day)
        elif step == TIME and ((cb and cb.action == "t") or text):
            raw = f"{cb.ids[0] // 100}:{cb.ids[0] % 100:02d}" if cb else text or ""
            draft = replace(draft, start=svc.parse_time(raw))
        elif step == PLACE and ((cb and cb.action == "p") or text):
            place = text
            if cb:
                old = await deps.meetings.get(cb.ids[0])
                place = old.place if old else None
            draft = replace(draft, place=place)
        elif step == TOPIC and text:
            draft = replace(draft, topic=text)
        elif step == CONFIRM and cb and cb.action == "ok":
            assert draft.kind and draft.day and draft.start and draft.place and draft.topic
            actor = await deps.access.actor(update.effective_user.id)  # type: ignore[union-attr]
            await _publish(update, context, actor, Draft(draft.kind, draft.group_id, draft.day,
                                                         draft.start, draft.place, draft.topic))
            _save(context, WizardDraft())
            return ConversationHandler.END
        else:
            await message.reply_text(texts.WIZ_STALE)
            return IN_WIZARD
    except MeetingError as exc:
        await message.reply_text(_error_text(exc),
                                 reply_markup=InlineKeyboardMarkup([_cancel_row()]))
        return IN_WIZARD
    _save(context, draft)
    return await _prompt(update, context, draft)


def _step_of(d: WizardDraft) -> int:
    """Which step the wizard is on: the draft says (`bot.flows.IN_WIZARD`)."""
    if d.kind is None:
        return KIND
    if d.kind == MeetingKind.GROUP and d.group_id is None:
        return GROUP
    if d.day is None:
        return DAY
    if d.start is None:
        return TIME
    if d.place is None:
        return PLACE
    if d.topic is None:
        return TOPIC
    return CONFIRM


async def _prompt(update: Update, context: BranchContext, draft: WizardDraft) -> int:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    step = _step_of(draft)
    if step == GROUP:
        rows = [[InlineKeyboardButton(g.name, callback_data=pack("mw", "g", g.id))]
                for g in await deps.roster.groups()]
        await message.reply_text(texts.WIZ_GROUP,
                                 reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    elif step == DAY:
        await message.reply_text(texts.WIZ_DAY,
                                 reply_markup=_day_keyboard(deps.meetings.today()))
    elif step == TIME:
        await message.reply_text(texts.WIZ_TIME, reply_markup=_time_keyboard())
    elif step == PLACE:
        keyboard = await _place_keyboard(context)
        prompt = texts.WIZ_PLACE_RECENT if len(keyboard.inline_keyboard) > 1 else texts.WIZ_PLACE
        await message.reply_text(prompt, reply_markup=keyboard)
    elif step == TOPIC:
        await message.reply_text(texts.WIZ_TOPIC,
                                 reply_markup=InlineKeyboardMarkup([_cancel_row()]))
    else:
        assert draft.day and draft.start and draft.kind
        preview = texts.MEETING_SUMMARY.format(
            kind=draft.kind, topic=draft.topic, place=draft.place,
            when=texts.WIZ_PREVIEW_WHEN.format(month=draft.day.month, day=draft.day.day,
                                               time=f"{draft.start:%H:%M}"))
        await message.reply_text(
            texts.WIZ_CONFIRM.format(summary=preview),
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.BUTTON_CONFIRM, callback_data=pack("mw", "ok")),
                InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("mw", "no"))]]))
    return IN_WIZARD


# -- /meetings: reschedule, move, cancel -------------------------------------------------------


def _manage_keyboard(m: Meeting) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_RESCHEDULE, callback_data=pack("mt", "rs", m.id)),
        InlineKeyboardButton(texts.BUTTON_PLACE, callback_data=pack("mt", "pl", m.id)),
    ], [
        InlineKeyboardButton(texts.BUTTON_TOPIC, callback_data=pack("mt", "tp", m.id)),
        InlineKeyboardButton(texts.BUTTON_CANCEL_MEETING, callback_data=pack("mt", "cx", m.id)),
    ]])


@guarded("meetings")
async def meetings_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Upcoming meetings this person may manage, each with its buttons."""
    message = update.effective_message
    assert message is not None
    meetings = await context.deps.meetings.manageable(actor)
    if not meetings:
        await message.reply_text(texts.MEETINGS_NONE)
        return
    tz = context.deps.config.branch.tz
    for m in meetings[:10]:
        await message.reply_text(
            texts.MEETINGS_ITEM.format(summary=summary(m, tz),
                                       status=texts.MEETING_STATUS[m.status]),
            reply_markup=_manage_keyboard(m))


async def _managed(update: Update, context: BranchContext) -> tuple[Actor, Meeting] | None:
    """The meeting a `mt:` button names, if this person may manage it."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    actor = await context.deps.access.actor(query.from_user.id)
    m = await context.deps.meetings.get(cb.ids[0]) if cb and cb.ids else None
    if m is None or m.status not in ("scheduled", "open") or \
            not context.deps.meetings.may_manage(actor, m):
        await query.answer(texts.TAP_STALE)
        return None
    return actor, m


async def manage_button(update: Update, context: BranchContext) -> int:
    """改时间 / 改地点 ask for text; 取消会议 asks to confirm."""
    query = update.callback_query
    assert query is not None
    found = await _managed(update, context)
    if found is None:
        return ConversationHandler.END
    _, m = found
    cb = parse(query.data)
    assert cb is not None and context.user_data is not None
    await query.answer()
    tz = context.deps.config.branch.tz
    if cb.action == "rs":
        context.user_data[_EDIT_KEY] = m.id
        await query.edit_message_text(f"{summary(m, tz)}\n{texts.ASK_NEW_TIME}")
        return NEW_TIME
    if cb.action == "pl":
        context.user_data[_EDIT_KEY] = m.id
        await query.edit_message_text(f"{summary(m, tz)}\n{texts.ASK_NEW_PLACE}")
        return NEW_PLACE
    if cb.action == "tp":
        context.user_data[_EDIT_KEY] = m.id
        await query.edit_message_text(f"{summary(m, tz)}\n{texts.ASK_NEW_TOPIC}")
        return NEW_TOPIC
    if cb.action == "cx":
        await query.edit_message_text(
            texts.ASK_CANCEL.format(summary=summary(m, tz)),
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.BUTTON_CANCEL_YES,
                                     callback_data=pack("mt", "cy", m.id)),
                InlineKeyboardButton(texts.BUTTON_CANCEL_NO,
                                     callback_data=pack("mt", "cn", m.id))]]))
    return ConversationHandler.END


buttons = Buttons("mt")  # the answers to 取消会议; the other mt: buttons open the flow


@buttons.on("cy", "cn")
async def _cancel_answer(press: Press, context: BranchContext) -> None:
    """确定取消 / 不取消."""
    m = await context.deps.meetings.get(press.id())
    actor = press.actor
    if m is None or m.status not in ("scheduled", "open") or \
            not context.deps.meetings.may_manage(actor, m):
        await press.stale()
        return
    await press.answer()
    tz = context.deps.config.branch.tz
    if press.cb.action == "cn":
        await press.edit(texts.MEETING_KEPT)
        return
    await context.deps.meetings.cancel(m, actor)
    assert context.job_queue is not None
    context.deps.follow_ups.drop_meeting(context, m.id)
    await context.deps.follow_ups.edit_card(context, m.id)
    kind = texts.MEETING_KIND[m.kind]
    notice = texts.NOTIFY_CANCELLED.format(kind=kind, topic=m.topic, when=when(m, tz))
    await _tell_everyone(context, m, notice,
                         texts.GROUP_CANCELLED.format(kind=kind, topic=m.topic, when=when(m, tz)))
    await press.edit(texts.MEETING_CANCELLED.format(summary=summary(m, tz)))


async def _tell_everyone(context: BranchContext, m: Meeting, private: str, group: str) -> None:
    """Whoever already answered hears privately; the group hears if the card was up."""
    for person in await context.deps.meetings.answered(m):
        await send_private(context, person, private)
    if m.card_chat_id is not None:
        await context.bot.send_message(m.card_chat_id, group)


async def new_time(update: Update, context: BranchContext) -> int:
    """The typed new date and time for a rescheduled meeting."""
    message = update.effective_message
    assert message is not None and message.text is not None
    deps = context.deps
    found = await _editing(update, context)
    if found is None:
        return ConversationHandler.END
    actor, m = found
    parts = message.text.split()
    if len(parts) != 2:
        await message.reply_text(texts.ASK_NEW_TIME)
        return NEW_TIME
    try:
        updated = await deps.meetings.reschedule(m, actor, deps.meetings.parse_day(parts[0]),
                                                 deps.meetings.parse_time(parts[1]))
    except MeetingError as exc:
        await message.reply_text(_error_text(exc))
        return NEW_TIME
    assert context.job_queue is not None
    plan = deps.follow_ups.plan_meeting(context, updated)
    await _after_change(context, updated, texts.NOTIFY_RESCHEDULED)
    await message.reply_text(texts.MEETING_RESCHEDULED.format(
        summary=summary(updated, deps.config.branch.tz), plan=_plan_text(deps, plan)))
    return ConversationHandler.END


async def new_place(update: Update, context: BranchContext) -> int:
    """The typed new place."""
    return await _new_detail(update, context, "place")


async def new_topic(update: Update, context: BranchContext) -> int:
    """The typed new topic."""
    return await _new_detail(update, context, "topic")


async def _new_detail(update: Update, context: BranchContext, which: str) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    found = await _editing(update, context)
    if found is None:
        return ConversationHandler.END
    actor, m = found
    value = message.text.strip()
    updated = await context.deps.meetings.change_details(
        m, actor, place=value if which == "place" else None,
        topic=value if which == "topic" else None)
    await _after_change(context, updated, texts.NOTIFY_DETAILS_CHANGED)
    await message.reply_text(texts.MEETING_DETAILS_CHANGED.format(
        summary=summary(updated, context.deps.config.branch.tz)))
    return ConversationHandler.END


async def _editing(update: Update, context: BranchContext) -> tuple[Actor, Meeting] | None:
    assert context.user_data is not None and update.effective_user is not None
    meeting_id = context.user_data.pop(_EDIT_KEY, None)
    actor = await context.deps.access.actor(update.effective_user.id)
    m = await context.deps.meetings.get(meeting_id) if meeting_id else None
    if m is None or not context.deps.meetings.may_manage(actor, m):
        return None
    context.user_data[_EDIT_KEY] = m.id  # kept until the change succeeds
    return actor, m


async def _after_change(context: BranchContext, m: Meeting, template: str) -> None:
    assert context.user_data is not None
    context.user_data.pop(_EDIT_KEY, None)
    text = summary(m, context.deps.config.branch.tz)
    await context.deps.follow_ups.edit_card(context, m.id)
    await _tell_everyone(context, m, template.format(summary=text),
                         texts.GROUP_CHANGED.format(summary=text))


def register(app: BranchApp) -> None:
    private_text = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
    steps = wizard_steps(buttons="mw", on_button=wizard_button, typed=private_text,
                         on_text=wizard_text, on_timeout=wizard_timeout)
    wizard = flow(
        entry_points=[CommandHandler("meeting", meeting_command)],
        states=steps,
        fallbacks=[CommandHandler("cancel", _wizard_cancel)],
        conversation_timeout=WIZARD_TIMEOUT,
        name="meeting_wizard",
    )
    manage = flow(
        entry_points=[CallbackQueryHandler(manage_button, pattern=r"^mt:(rs|pl|tp|cx):")],
        states={NEW_TIME: [MessageHandler(private_text, new_time)],
                NEW_PLACE: [MessageHandler(private_text, new_place)],
                NEW_TOPIC: [MessageHandler(private_text, new_topic)]},
        fallbacks=[CommandHandler("cancel", _wizard_cancel)],
        conversation_timeout=WIZARD_TIMEOUT,
        name="meeting_manage",
    )
    app.add_handler(wizard)
    app.add_handler(manage)
    app.add_handler(CommandHandler("meetings", meetings_command))
    app.add_handler(buttons.handler())

