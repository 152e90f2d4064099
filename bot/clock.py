"""Where "now" comes from. Services take a `Clock` so tests can set the time instead of
waiting for it; production uses `SystemClock`."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    # True only for the machine's own time. APScheduler's timer then fires the JobQueue's
    # jobs; with any other clock nothing fires them by the machine's date (bot/jobqueue.py).
    machine_time: bool
    # False for a clock that only moves when told to: whoever moves it fires the jobs.
    moves_by_itself: bool

    def now(self) -> datetime:
        """The current moment, timezone-aware (UTC)."""
        ...


class SystemClock:
    machine_time = True
    moves_by_itself = True

    def now(self) -> datetime:
        return datetime.now(UTC)


class FrozenClock:
    """A clock that only moves when told to. Used by tests and the offline demo."""

    machine_time = False
    moves_by_itself = False

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


class ShiftedClock:
    """Time that passes at the machine's speed from a moment of the caller's choosing: for
    the crash tests' child process and the benchmarks, which need seconds to pass while
    the bot lives on a date the test chose. The JobQueue fires jobs by it (bot/jobqueue.py)."""

    machine_time = False
    moves_by_itself = True

    def __init__(self, start: datetime) -> None:
        self.set(start)

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._began)

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ShiftedClock needs an aware datetime")
        self._start = moment.astimezone(UTC)
        self._began = time.monotonic()

    def advance(self, delta: timedelta) -> None:
        self.set(self.now() + delta)


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
