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


def pattern(feature: str) -> str:
    """A CallbackQueryHandler pattern for one feature's buttons."""
    return rf"^{feature}:"
