"""Where "now" comes from. Services take a `Clock` so tests can set the time instead of
waiting for it; production uses `SystemClock`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to. Used by tests and the offline demo."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """The storage form of a moment: ISO-8601 in UTC."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class BranchTime:
    """Now, today and local times in the branch's time zone. Services that reason about
    the calendar build on it, so "today" means the same thing everywhere."""

    def __init__(self, clock: Clock, tz: ZoneInfo) -> None:
        self.clock = clock
        self.tz = tz

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def local(self, stamp: str) -> datetime:
        """A stored UTC moment, in the branch's time zone."""
        return datetime.fromisoformat(stamp).astimezone(self.tz)
