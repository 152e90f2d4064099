"""A meeting's check-in card in its chat, and the make-up lists after it closes.

Card edits go through `CardRefresher`: a tap only marks the card dirty; one JobQueue job
per chat edits it, at most once every `meetings.card_edit_seconds`, so a burst of taps
never runs into Telegram's 20-messages-a-minute group limit and the last state always
lands.
"""

from __future__ import annotations

import logging
import time as monotonic_time
from collections import defaultdict
from typing import Any

from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext, Job, JobQueue

from bot.context import BranchContext, Deps
from bot.services.meetings import Closing, card_audience
from bot.ui.meetings import MakeupRow, card_keyboard, card_text, makeup_list
from bot.ui.messaging import send_private
from storage.models import Meeting

log = logging.getLogger(__name__)


def chat_for(m: Meeting, deps: Deps) -> int | None:
    """Where the card goes (`card_audience`); None when that chat does not exist."""
    return deps.chats.destination(card_audience(m))


async def post_card(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                    m: Meeting) -> None:
    chat_id = chat_for(m, deps)
    if chat_id is None:
        log.info("meeting %s has no chat for its card (no committee chat)", m.id)
        return
    tally = await deps.meetings.tally(m)
    sent = await context.bot.send_message(chat_id, card_text(m, tally, deps.config.branch.tz),
                                          reply_markup=card_keyboard(m))
    await deps.meetings.set_card(m.id, chat_id, sent.message_id)


async def edit_card(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                    meeting_id: int) -> None:
    m = await deps.meetings.get(meeting_id)
    if m is None or m.card_chat_id is None or m.card_message_id is None:
        return
    tally = await deps.meetings.tally(m)
    try:
        await context.bot.edit_message_text(
            card_text(m, tally, deps.config.branch.tz), chat_id=m.card_chat_id,
            message_id=m.card_message_id, reply_markup=card_keyboard(m))
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


class CardRefresher:
    """Coalesces card edits per chat; see the module docstring."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._pending: dict[int, set[int]] = defaultdict(set)
        self._last_edit: dict[int, float] = {}
        self._jobs: dict[int, Job[Any]] = {}  # the last edit job scheduled per chat

    @staticmethod
    def job_name(chat_id: int) -> str:
        return f"card:{chat_id}"

    def request(self, job_queue: JobQueue[Any], chat_id: int, meeting_id: int) -> None:
        self._pending[chat_id].add(meeting_id)
        self._schedule(job_queue, chat_id)

    def _schedule(self, job_queue: JobQueue[Any], chat_id: int) -> None:
        # Still to run? Looked up by its id, not by name: every tap asks, and a search by
        # name goes through every job the bot has scheduled. A job APScheduler dropped
        # (run too late to count) is no longer found, so the next tap schedules another.
        job = self._jobs.get(chat_id)
        if job is not None and job_queue.scheduler.get_job(job.job.id) is not None:
            return
        last = self._last_edit.get(chat_id)
        delay = 0.0 if last is None else max(0.0, last + self.interval - _now())
        self._jobs[chat_id] = job_queue.run_once(self._flush, when=delay,
                                                 name=self.job_name(chat_id), chat_id=chat_id)

    async def _flush(self, context: BranchContext) -> None:
        job = context.job
        assert job is not None and job.chat_id is not None
        chat_id = job.chat_id
        pending = self._pending.get(chat_id)
        if not pending:
            return
        meeting_id = min(pending)
        pending.discard(meeting_id)
        self._last_edit[chat_id] = _now()
        try:
            await edit_card(context, context.deps, meeting_id)
        except TelegramError as exc:
            log.warning("card %s not refreshed, will retry: %s", meeting_id, exc)
            pending.add(meeting_id)
        if pending and context.job_queue is not None:
            # A one-off job has left the queue by the time it runs, so this schedules the
            # next edit one interval from now.
            self._schedule(context.job_queue, chat_id)


def _now() -> float:
    return monotonic_time.monotonic()


async def send_makeup_lists(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                            closing: Closing) -> None:
    """Each leader gets one message per person he must help make up the meeting."""
    tz = deps.config.branch.tz
    for assignee_id, tasks in closing.makeups.items():
        # The same rule as every task: the leader, or the secretaries if he cannot be
        # reached (this list used to skip the `active` check).
        recipients = await deps.org.reach(assignee_id)
        for recipient in recipients:
            # Nobody is asked to help himself make up (the secretary standing in for a
            # group with no leader may be on its list); his own 补课 is his to do.
            rows = [MakeupRow(makeup_id, p, excused=closing.tally.is_excused(p))
                    for makeup_id, p in tasks if p.id != recipient.id]
            if rows:  # one message for the meeting, a row a person
                await send_private(context, recipient,
                                   *makeup_list(closing.meeting, rows, tz))
