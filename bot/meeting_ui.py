"""The Telegram side of meetings shared by handlers and jobs: how a meeting reads, its
check-in card and buttons, the throttled card refresher, reminders and make-up lists.

Card edits go through `CardRefresher`: a tap only marks the card dirty; one JobQueue job
per chat edits it, at most once every `meetings.card_edit_seconds`, so a burst of taps
never runs into Telegram's 20-messages-a-minute group limit and the last state always
lands.
"""

from __future__ import annotations

import logging
import time as monotonic_time
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import CallbackContext, JobQueue

from bot import texts
from bot.callbacks import pack
from bot.messaging import send_private
from bot.services.dates import show_date
from bot.services.meetings import Closing, Tally
from storage.models import LEAVE_REASONS, MAKEUP_METHODS, Meeting, MeetingKind

if TYPE_CHECKING:
    from bot.context import BranchContext, Deps

log = logging.getLogger(__name__)


def when(m: Meeting, tz: ZoneInfo) -> str:
    start = datetime.fromisoformat(m.starts_at).astimezone(tz)
    end = datetime.fromisoformat(m.ends_at).astimezone(tz)
    return texts.MEETING_WHEN.format(day=show_date(start.date()),
                                     start=f"{start.hour}:{start:%M}",
                                     end=f"{end.hour}:{end:%M}")


def summary(m: Meeting, tz: ZoneInfo) -> str:
    return texts.MEETING_SUMMARY.format(kind=texts.MEETING_KIND[m.kind], topic=m.topic,
                                        when=when(m, tz), place=m.place)


def card_text(m: Meeting, tally: Tally, tz: ZoneInfo) -> str:
    lines = [texts.MCARD_TITLE.format(kind=texts.MEETING_KIND[m.kind], topic=m.topic),
             texts.MCARD_TIME.format(when=when(m, tz)),
             texts.MCARD_PLACE.format(place=m.place)]
    present = tally.present
    if m.status == "closed":
        lines.append(texts.MCARD_CLOSED.format(expected=len(tally.expected),
                                               present=len(present),
                                               excused=len(tally.excused),
                                               absent=len(tally.missing)))
    elif m.status == "cancelled":
        lines.append(texts.MCARD_CANCELLED)
    else:
        lines.append(texts.MCARD_COUNTS.format(expected=len(tally.expected),
                                               present=len(present),
                                               excused=len(tally.excused),
                                               missing=len(tally.missing)))
    if present:
        names = [texts.MCARD_PROXY_NAME.format(name=p.name, proxy=tally.proxies[p.id].name)
                 if p.id in tally.proxies else p.name for p in present]
        lines.append(texts.MCARD_NAMES.format(names="、".join(names)))
    return "\n".join(lines)


def card_keyboard(m: Meeting) -> InlineKeyboardMarkup | None:
    if m.status not in ("scheduled", "open"):
        return None
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_CHECK_IN, callback_data=pack("att", "ci", m.id)),
        InlineKeyboardButton(texts.BUTTON_LEAVE, callback_data=pack("att", "lv", m.id)),
    ]])


def leave_keyboard(m: Meeting) -> InlineKeyboardMarkup:
    """The 请假 button alone, for a private reminder."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_LEAVE, callback_data=pack("att", "lv", m.id))]])


def leave_reason_keyboard(m: Meeting) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(texts.LEAVE_REASON[r],
                                    callback_data=pack("att", "rs", m.id, i))
               for i, r in enumerate(LEAVE_REASONS)]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def chat_for(m: Meeting, deps: Deps) -> int | None:
    """支委会 is the committee's business (no card at all when there is no committee chat:
    never in the branch group); every other card goes to the branch group."""
    return deps.chats.destination("committee" if m.kind == MeetingKind.COMMITTEE else "group")


async def post_card(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                    m: Meeting) -> None:
    chat_id = chat_for(m, deps)
    if chat_id is None:
        log.info("meeting %s has no chat for its card (no committee chat)", m.id)
        return
    tally = await deps.meetings.tally(m)
    sent = await context.bot.send_message(chat_id, card_text(m, tally, deps.config.branch.tz),
                                          reply_markup=card_keyboard(m))
    await deps.meeting_repo.set_card(m.id, chat_id, sent.message_id)


async def edit_card(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                    meeting_id: int) -> None:
    m = await deps.meeting_repo.get(meeting_id)
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

    @staticmethod
    def job_name(chat_id: int) -> str:
        return f"card:{chat_id}"

    def request(self, job_queue: JobQueue[Any], chat_id: int, meeting_id: int) -> None:
        self._pending[chat_id].add(meeting_id)
        self._schedule(job_queue, chat_id)

    def _schedule(self, job_queue: JobQueue[Any], chat_id: int) -> None:
        name = self.job_name(chat_id)
        if job_queue.get_jobs_by_name(name):
            return
        last = self._last_edit.get(chat_id)
        delay = 0.0 if last is None else max(0.0, last + self.interval - _now())
        job_queue.run_once(self._flush, when=delay, name=name, chat_id=chat_id)

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


def makeup_keyboard(makeup_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.MAKEUP_METHOD[method],
                             callback_data=pack("mk", "do", makeup_id, i))
        for i, method in enumerate(MAKEUP_METHODS)
    ]])


async def send_makeup_lists(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                            closing: Closing) -> None:
    """Each leader gets one message per person he must help make up the meeting."""
    tz = deps.config.branch.tz
    for assignee_id, tasks in closing.makeups.items():
        # The same rule as every task: the leader, or the secretaries if he cannot be
        # reached (this list used to skip the `active` check).
        recipients = await deps.org.reach(assignee_id)
        header = texts.MAKEUP_LIST_TITLE.format(meeting=summary(closing.meeting, tz))
        for recipient in recipients:
            if not await send_private(context, recipient, header):
                continue
            for makeup_id, person in tasks:
                answer = closing.tally.answers.get(person.id)
                status = (texts.MAKEUP_STATUS_EXCUSED if answer and answer.status == "excused"
                          else texts.MAKEUP_STATUS_ABSENT)
                await send_private(context, recipient,
                                   texts.MAKEUP_PERSON.format(name=person.name, status=status),
                                   makeup_keyboard(makeup_id))
