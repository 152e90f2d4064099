"""Arranging meetings: `/meeting` in one line or step by step with buttons. Changing one
later (`/meetings`) is `bot.handlers.meeting_changes`.

The guided flow is a ConversationHandler in private chat: type → (group) → day → time →
place → topic → confirm. Each step takes a button or typed text; 取消 ends it, and it
expires on its own after ten minutes without writing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
)

from bot import texts
from bot.callbacks import Callback, pack, parse
from bot.commands import entry
from bot.context import BranchApp, BranchContext, Deps
from bot.flows import (
    IN_WIZARD,
    TYPED,
    Drafts,
    cancel_handler,
    flow,
    timeout_handler,
    wizard_steps,
)
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import WEEKDAYS, show_date, show_time
from bot.services.meetings import SERIES_LEAD_DAYS, Draft, MeetingError, Plan
from bot.ui.meetings import repeat_words, summary
from storage.models import MEETING_KINDS, MeetingKind

KIND, GROUP, DAY, TIME, PLACE, TOPIC, CONFIRM = range(7)
WIZARD_TIMEOUT = timedelta(minutes=10)
TIME_CHOICES = ("08:30", "09:00", "09:30", "14:00", "14:30", "15:00")
_DRAFT_KEY = "meeting_draft"


@dataclass(frozen=True)
class WizardDraft:
    kind: MeetingKind | None = None
    group_id: int | None = None
    day: date | None = None
    start: time | None = None
    place: str | None = None
    topic: str | None = None
    place_guessed: bool = False
    repeat: tuple[int, int] | None = None


def error_text(exc: MeetingError) -> str:
    return texts.explain(exc)


_DRAFTS: Drafts[WizardDraft] = Drafts(_DRAFT_KEY, WizardDraft)
_draft, _save = _DRAFTS.get, _DRAFTS.put
wizard_cancel = cancel_handler(_DRAFTS, texts.WIZ_CANCELLED)
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
        await message.reply_text(error_text(exc))
        return
    assert context.job_queue is not None
    plan = deps.follow_ups.plan_meeting(context, meeting)
    text = texts.MEETING_CREATED.format(summary=summary(meeting, deps.config.branch.tz),
                                        plan=plan_text(deps, plan))
    if draft.repeat:
        text += "\n" + texts.MEETING_SERIES_PLAN.format(repeat=repeat_words(*draft.repeat),
                                                        days=SERIES_LEAD_DAYS)
    await message.reply_text(text)


def plan_text(deps: Deps, plan: Plan) -> str:
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
    if context.args and message.text:
        places = [place for place, _ in await deps.meetings.recent_places(50)]
        try:
            draft = deps.meetings.parse_line(message.text.split(maxsplit=1)[1], actor,
                                             await deps.roster.groups(), places)
        except MeetingError as exc:
            await message.reply_text(error_text(exc))
            return ConversationHandler.END
        # Saved only after ✅: the confirmation shows what was understood.
        confirming = WizardDraft(draft.kind, draft.group_id, draft.day, draft.start,
                                 draft.place, draft.topic, draft.place_guessed, draft.repeat)
        _save(context, confirming)
        return await _prompt(update, context, confirming)
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
        return await wizard_cancel(update, context)
    if cb.action == "ok" and _step_of(_draft(context)) == CONFIRM:
        await query.edit_message_reply_markup(None)  # the ✅ is used up
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
                                                         draft.start, draft.place, draft.topic,
                                                         repeat=draft.repeat))
            _save(context, WizardDraft())
            return ConversationHandler.END
        else:
            await message.reply_text(texts.WIZ_STALE)
            return IN_WIZARD
    except MeetingError as exc:
        await message.reply_text(error_text(exc),
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
        when = show_date(draft.day) + show_time(draft.start)
        if draft.repeat:
            when = texts.MEETING_REPEAT_WHEN.format(repeat=repeat_words(*draft.repeat),
                                                    time=show_time(draft.start), first=when)
        text = texts.MEETING_CONFIRM.format(
            kind=texts.MEETING_KIND[draft.kind], topic=draft.topic, place=draft.place,
            when=when)
        if draft.place_guessed:
            text += "\n" + texts.WIZ_PLACE_GUESSED
        await message.reply_text(
            text,
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.BUTTON_CONFIRM, callback_data=pack("mw", "ok")),
                InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("mw", "no"))]]))
    return IN_WIZARD


def register(app: BranchApp) -> None:
    steps = wizard_steps(buttons="mw", on_button=wizard_button, typed=TYPED,
                         on_text=wizard_text, on_timeout=wizard_timeout)
    wizard = flow(
        entry_points=entry("meeting", meeting_command),
        states=steps,
        fallbacks=[CommandHandler("cancel", wizard_cancel)],
        conversation_timeout=WIZARD_TIMEOUT,
        name="meeting_wizard",
    )
    app.add_handler(wizard)

