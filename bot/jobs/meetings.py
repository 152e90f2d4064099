"""A meeting's life on the JobQueue: open the card, remind the evening before and shortly
before, close at the end time.

Each meeting has four named jobs (`mtg:<id>:open|eve|soon|close`) that can be found and
replaced when it is rescheduled or cancelled. Every job re-reads the meeting and does
nothing if it no longer applies, and reminders are claimed in the database first, so a
restart or a duplicate job never sends anything twice. On start-up `schedule_all`
re-creates the jobs and catches up: a card that should already be open is posted, a
meeting whose end has passed is closed.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram.error import TelegramError
from telegram.ext import JobQueue

from bot import texts
from bot.context import BranchApp, BranchContext, Deps
from bot.jobs.cards import chat_for, edit_card, post_card, send_makeup_lists
from bot.jobs.rounds import tell_carers
from bot.services.meetings import Closing, Plan
from bot.services.rounds import needs_call
from bot.ui.meetings import leave_keyboard, summary
from bot.ui.messaging import refusal_advice, refused_for_good, send_private
from storage.models import Meeting, MeetingKind, RoundKind

log = logging.getLogger(__name__)
STEPS = ("open", "eve", "soon", "close")
OPEN_RETRY_SECONDS = 60


def job_name(meeting_id: int, step: str) -> str:
    return f"mtg:{meeting_id}:{step}"


def unschedule(job_queue: JobQueue[Any], meeting_id: int) -> None:
    for step in STEPS:
        for job in job_queue.get_jobs_by_name(job_name(meeting_id, step)):
            job.schedule_removal()


def schedule_meeting(job_queue: JobQueue[Any], deps: Deps, m: Meeting) -> Plan:
    """(Re)create the meeting's jobs. A step whose time is still ahead waits for it; a
    card whose time has passed (arranged at short notice, moved closer, or missed while
    the bot was down) is posted at once, and so is a close whose time has passed; a
    reminder whose time has passed is skipped, since the card or the meeting itself
    has overtaken it."""
    unschedule(job_queue, m.id)
    svc = deps.meetings
    now = svc.now()
    ends = datetime.fromisoformat(m.ends_at)
    card_now = False
    if _needs_card(m) and ends > now:
        opens = svc.opens_at(m)
        card_now = opens <= now
        job_queue.run_once(open_meeting, when=0 if card_now else opens,
                           name=job_name(m.id, "open"), data=m.id)
    reminders = []
    for step, when, callback in (("eve", svc.eve_reminder_at(m), remind_eve),
                                 ("soon", svc.soon_reminder_at(m), remind_soon)):
        if when > now:
            job_queue.run_once(callback, when=when, name=job_name(m.id, step), data=m.id)
            reminders.append(step)
    job_queue.run_once(close_meeting, when=ends if ends > now else 0,
                       name=job_name(m.id, "close"), data=m.id)
    return Plan(card_now, tuple(reminders))


async def schedule_all(app: BranchApp) -> None:
    """On start-up: jobs for every active meeting, catching up on what was missed."""
    deps = app.bot_data.deps
    assert app.job_queue is not None
    for m in await deps.meetings.active():
        schedule_meeting(app.job_queue, deps, m)  # replaces any jobs of this meeting


def _meeting_id(context: BranchContext) -> int:
    assert context.job is not None and isinstance(context.job.data, int)
    return context.job.data


async def _meeting(context: BranchContext) -> Meeting | None:
    return await context.deps.meetings.get(_meeting_id(context))


async def open_meeting(context: BranchContext) -> None:
    """Mark the meeting open, then post the check-in card. In that order, so that a crash
    in between leaves an open meeting without a card (posted on start-up), never a card
    on a meeting the bot still thinks is closed to taps. If Telegram fails, the card is
    tried again in a minute."""
    m = await _meeting(context)
    if m is None or not _needs_card(m):
        return
    await context.deps.meetings.mark_open(m)
    try:
        await post_card(context, context.deps, m)
    except TelegramError as exc:
        if refused_for_good(exc):
            # Trying every minute cannot help (no rights, not in the chat): the organiser
            # learns it once, in plain words, and can fix the chat and move the meeting.
            log.error("card for meeting %s refused by Telegram: %s", m.id, exc)
            try:
                await context.bot.send_message(m.created_by_tg, texts.CARD_REFUSED.format(
                    summary=summary(m, context.deps.config.branch.tz),
                    advice=refusal_advice(str(exc))))
            except TelegramError as told:
                log.warning("organiser of meeting %s not told: %s", m.id, told)
            return
        log.warning("card for meeting %s not posted, retrying in %ss: %s", m.id,
                    OPEN_RETRY_SECONDS, exc)
        queue: JobQueue[Any] | None = context.job_queue
        if queue is not None:
            queue.run_once(open_meeting, when=OPEN_RETRY_SECONDS,
                           name=job_name(m.id, "open"), data=m.id)


def _needs_card(m: Meeting) -> bool:
    return m.status == "scheduled" or (m.status == "open" and m.card_message_id is None)


async def _remind(context: BranchContext, which: str) -> None:
    deps = context.deps
    m = await _meeting(context)
    if m is None or m.status not in ("scheduled", "open"):
        return
    if not await deps.meetings.mark_reminded(m.id, which):
        return
    tz = deps.config.branch.tz
    text = summary(m, tz)
    minutes = deps.config.meetings.reminder_minutes_before
    group_text = (texts.REMIND_EVE_GROUP.format(summary=text) if which == "eve"
                  else texts.REMIND_SOON_GROUP.format(summary=text, minutes=minutes))
    chat_id = chat_for(m, deps)
    if chat_id is not None:  # a 支委会 without a committee chat: private reminders only
        await context.bot.send_message(chat_id, group_text)
    tally = await deps.meetings.tally(m)
    # The evening before, a private reminder carries its own 请假 button.
    markup = leave_keyboard(m) if which == "eve" else None
    for person in tally.missing:
        private = (texts.REMIND_PRIVATE_EVE.format(name=person.name, summary=text)
                   if which == "eve" else
                   texts.REMIND_PRIVATE_SOON.format(name=person.name, summary=text,
                                                    minutes=minutes))
        await send_private(context, person, private, markup)
    if which == "eve":  # whoever has no linked account is phoned by his leader, once
        missing = {p.id for p in tally.missing}
        await tell_carers(context, deps, await deps.rounds.open(
            f"meeting:{m.id}", RoundKind.MEETING, text, tally.expected,
            call=lambda p: needs_call(p) and p.id in missing))


async def remind_eve(context: BranchContext) -> None:
    """The evening before: the group, and privately whoever has not answered."""
    await _remind(context, "eve")


async def remind_soon(context: BranchContext) -> None:
    """Shortly before the start: the same, once more."""
    await _remind(context, "soon")


async def close_meeting(context: BranchContext) -> None:
    """At the end time: freeze the card, create make-up tasks, send them to leaders."""
    await close_and_report(context, _meeting_id(context), actor_tg=None)


async def close_and_report(context: BranchContext, meeting_id: int,
                           actor_tg: int | None) -> Closing | None:
    deps = context.deps
    closing = await deps.meetings.close(meeting_id, actor_tg)
    if closing is None:
        return None
    if context.job_queue is not None:
        unschedule(context.job_queue, meeting_id)
    await edit_card(context, deps, meeting_id)
    await send_makeup_lists(context, deps, closing)
    if closing.meeting.kind == MeetingKind.ORG_LIFE:  # 民主评议党员 follows it (seed 004)
        for secretary in await deps.org.secretaries():
            await send_private(context, secretary, texts.ORG_LIFE_APPRAISAL)
    return closing
