"""How a meeting reads in Telegram: its summary line, its check-in card and the buttons
(签到 / 请假, leave reasons, make-up methods). Words only; sending is `bot.jobs.cards`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import pack
from bot.services.dates import WEEKDAYS, show_date, show_time
from bot.services.meetings import Tally
from storage.models import LEAVE_REASONS, MAKEUP_METHODS, MakeupMethod, Meeting, Person


def when(m: Meeting, tz: ZoneInfo) -> str:
    start = datetime.fromisoformat(m.starts_at).astimezone(tz)
    return texts.MEETING_WHEN.format(day=show_date(start.date()), start=show_time(start.time()))


def repeat_words(nth: int, weekday: int) -> str:
    """(1, 2) -> 每月第一个周二"""
    return texts.MEETING_REPEAT.format(nth=texts.REPEAT_NTH[nth], weekday=WEEKDAYS[weekday - 1])


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


def leave_buttons(meetings: Sequence[Meeting], tz: ZoneInfo) -> InlineKeyboardMarkup | None:
    """A 请假 button per meeting, naming its day, for the member's own list."""
    rows = [[InlineKeyboardButton(
        texts.MY_MEETINGS_LEAVE.format(day=show_date(datetime.fromisoformat(m.starts_at)
                                                     .astimezone(tz).date())),
        callback_data=pack("att", "lv", m.id))] for m in meetings]
    return InlineKeyboardMarkup(rows) if rows else None


def leave_reason_keyboard(m: Meeting) -> InlineKeyboardMarkup:
    buttons = [InlineKeyboardButton(texts.LEAVE_REASON[r],
                                    callback_data=pack("att", "rs", m.id, i))
               for i, r in enumerate(LEAVE_REASONS)]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


@dataclass(frozen=True)
class MakeupRow:
    """One person on a leader's make-up list."""

    makeup_id: int
    person: Person
    excused: bool                      # asked for leave (else: absent)
    method: MakeupMethod | None = None  # how it was made up, once it is


def makeup_list(m: Meeting, rows: Sequence[MakeupRow], tz: ZoneInfo) -> tuple[
        str, InlineKeyboardMarkup | None]:
    """A meeting's make-up tasks for one leader as one message: a line a person, and the
    three ways to make it up on buttons that name him, until it is done."""
    lines = [texts.MAKEUP_LIST_TITLE.format(meeting=summary(m, tz))]
    buttons = []
    for row in rows:
        if row.method is not None:
            lines.append(texts.MAKEUP_ROW_DONE.format(name=row.person.name,
                                                      method=texts.MAKEUP_METHOD[row.method]))
            continue
        status = texts.MAKEUP_STATUS_EXCUSED if row.excused else texts.MAKEUP_STATUS_ABSENT
        lines.append(texts.MAKEUP_PERSON.format(name=row.person.name, status=status))
        buttons.append([InlineKeyboardButton(
            texts.MAKEUP_ROW_BUTTON.format(name=row.person.name,
                                           method=texts.MAKEUP_METHOD[method]),
            callback_data=pack("mk", "row", row.makeup_id, i))
            for i, method in enumerate(MAKEUP_METHODS)])
    if not buttons:
        lines.append(texts.MAKEUP_LIST_DONE)
    return "\n".join(lines), InlineKeyboardMarkup(buttons) if buttons else None


def makeup_keyboard(makeup_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.MAKEUP_METHOD[method],
                             callback_data=pack("mk", "do", makeup_id, i))
        for i, method in enumerate(MAKEUP_METHODS)
    ]])
