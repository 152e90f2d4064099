"""Callback data: short, structured, parsed in one place.

Every inline button carries `feature:action[:n[:n...]]`, e.g. `att:ci:42` (check in to
meeting 42). `parse` accepts only that shape (lower-case letters, then up to four
non-negative integers) and returns None for anything else, so forged or truncated data
never reaches a feature. Whatever the ids name is always re-checked against the
database by the service: a button is a request, never a permission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_SHAPE = re.compile(r"^([a-z]{1,8}):([a-z]{1,8})((?::\d{1,12}){0,4})$")
MAX_BYTES = 64  # Telegram's limit for callback_data


@dataclass(frozen=True)
class Callback:
    feature: str
    action: str
    ids: tuple[int, ...]

    def id(self, index: int = 0) -> int | None:
        return self.ids[index] if index < len(self.ids) else None


def pack(feature: str, action: str, *ids: int) -> str:
    data = ":".join([feature, action, *(str(int(i)) for i in ids)])
    if len(data.encode()) > MAX_BYTES or not _SHAPE.match(data):
        raise ValueError(f"bad callback data {data!r}")
    return data


def parse(data: str | None) -> Callback | None:
    if not data:
        return None
    m = _SHAPE.match(data)
    if m is None:
        return None
    ids = tuple(int(x) for x in m.group(3).split(":")[1:]) if m.group(3) else ()
    return Callback(m.group(1), m.group(2), ids)


class Place(StrEnum):
    """Where a button may be pressed. A press anywhere else is refused before any feature
    sees it, so an action only ever touches the message it belongs to: a private action
    pressed on a group card cannot edit or close that card."""

    CARD = "card"        # on a card the bot posted in the branch group or committee chat
    PRIVATE = "private"  # in the presser's own private chat with the bot
    EITHER = "either"    # both: a group card and its private copy carry the same button


# Every button the bot makes, by `feature` or `feature:action`. An action missing here is
# refused everywhere, so a new button must say where it lives.
PLACES: dict[str, Place] = {
    "att:ci": Place.CARD,      # check in: only on the meeting's card
    "att:lv": Place.EITHER,    # leave: on the card and in the private reminder
    "att": Place.PRIVATE,      # leave reason, proxy answers, closing
    "mk": Place.PRIVATE,       # make-up tasks
    "hp": Place.PRIVATE,       # /helpme and the leader's acknowledgement
    "vt": Place.PRIVATE,       # visit tasks
    "vw": Place.PRIVATE,       # the visit wizard
    "mt": Place.PRIVATE,       # managing a meeting
    "mw": Place.PRIVATE,       # the meeting wizard
    "pc": Place.PRIVATE,       # the notice composer
    "pst:ok": Place.EITHER,    # 已读 / 收到: posted to a chat or sent to each person
    "pst:rf": Place.EITHER,    # 写心得 under study material
    "pst": Place.PRIVATE,      # follow-up, withdrawing
    "svy:go": Place.EITHER,    # the survey card and the private list
    "svy": Place.PRIVATE,      # answering, closing
    "col:go": Place.EITHER,
    "col": Place.PRIVATE,
    "qz:go": Place.EITHER,
    "qz": Place.PRIVATE,
    "qe": Place.PRIVATE,       # the quiz-bank editor
    "sg": Place.PRIVATE,       # suggestions, seen by the secretary
    "prv": Place.PRIVATE,      # erasing someone's data
    "wx:ok": Place.CARD,       # 我平安 under a weather warning in the group
    "rd": Place.PRIVATE,       # a leader's phone round
    "prt": Place.PRIVATE,      # /print
}


def place_of(cb: Callback) -> Place | None:
    """Where this button may be pressed; None for a button the bot never makes."""
    return PLACES.get(f"{cb.feature}:{cb.action}") or PLACES.get(cb.feature)


def pattern(feature: str) -> str:
    """A CallbackQueryHandler pattern for one feature's buttons."""
    return rf"^{feature}:"
