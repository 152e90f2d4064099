"""Run the real bot against the fake Bot API, inside the current event loop.

    async with BotHarness(config) as h:
        h.fake.send(alice, alice.id, "/card")
        await h.settle()
        assert "亲情服务卡" in h.fake.last_bot_message(alice)["text"]

`settle()` returns once the bot has fetched every update the fake queued, the
application has finished handling them and every job due by the test clock has run, so a
test never sleeps or guesses.

One clock. The harness gives the bot a `FrozenClock`, and everything time-dependent reads
it: the services, the fake Bot API's message dates, and the JobQueue (bot/jobqueue.py),
which computes every job's time from that clock and never fires a job by the machine's
date. The harness fires the jobs from the test clock, as APScheduler would if time stood
still at the clock's reading:

- `settle()` runs the jobs that were already due when they were added (`when=0`, a
  meeting caught up at start-up), like APScheduler runs such a job at once;
- `clock.set()` is a jump: it fires nothing. The test then runs the job it means with
  `run_job(name)` (which runs it whatever its time), exactly as the tests did when they
  were written;
- `advance_to(moment)` is time passing: every job that falls due on the way runs at its
  own time, in order.

We chose this over handing APScheduler a fake "now" inside its timer loop: that loop and
its executor read `datetime.now()` in five places and would still wait on the event
loop's real timers. Firing from the test clock patches nothing, and a test written for
2026-11-22 behaves the same on any real date.
"""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from bot import texts
from bot.app import build_application, start_application, stop_application
from bot.clock import FrozenClock, ShiftedClock
from bot.config import Config, StorageConfig, TelegramConfig
from bot.context import BranchApp, Deps
from bot.inbox import BranchApplication
from bot.jobqueue import BranchJobQueue
from bot.testing.fakeapi import FakeBotApi, FakeUser

DEFAULT_START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def config_for_fake(config: Config, fake: FakeBotApi, db_path: Path | str) -> Config:
    telegram = dataclasses.replace(config.telegram, token=fake.token, base_url=fake.base_url,
                                   mode="polling")
    return dataclasses.replace(config, telegram=telegram,
                               storage=StorageConfig(path=str(db_path)))


class BotHarness:
    def __init__(self, config: Config, db_path: Path | str, *,
                 clock: FrozenClock | ShiftedClock | None = None,
                 fake: FakeBotApi | None = None, poll_timeout: float = 5.0) -> None:
        self.clock: FrozenClock | ShiftedClock = clock or FrozenClock(DEFAULT_START)
        self.fake = fake or FakeBotApi(clock=self.clock)
        self._base_config = config
        self._db_path = db_path
        self._poll_timeout = poll_timeout
        self.app: BranchApp | None = None
        self.config: Config | None = None

    async def __aenter__(self) -> BotHarness:
        await self.fake.start()
        self.config = config_for_fake(self._base_config, self.fake, self._db_path)
        self.app = build_application(self.config, clock=self.clock)
        try:
            await start_application(self.app, poll_timeout=self._poll_timeout)
            # What start-up scheduled "at once" (catching up) runs now, as it would live.
            await self.settle()
        except BaseException:
            await stop_application(self.app)
            await self.fake.stop()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        try:
            if self.app is not None:
                await stop_application(self.app)
        finally:
            await self.fake.stop()

    @property
    def deps(self) -> Deps:
        assert self.app is not None
        return self.app.bot_data.deps

    @property
    def jobs(self) -> BranchJobQueue:
        assert self.app is not None and isinstance(self.app.job_queue, BranchJobQueue)
        return self.app.job_queue

    def job_names(self) -> list[str]:
        return sorted(j.name or "" for j in self.jobs.jobs())

    async def run_job(self, name: str) -> None:
        """Run a scheduled job now, whatever its time: the clock is set by the caller, never
        waited for. A one-off job is then gone; a repeating one waits for its next time."""
        jobs = self.jobs.get_jobs_by_name(name)
        if not jobs:
            raise LookupError(f"no job named {name}: {self.job_names()}")
        for job in jobs:
            await self.jobs.fire(job)
        await self.settle()

    async def advance_to(self, moment: datetime) -> None:
        """Move the clock forward to `moment`, firing each job that falls due on the way at
        its own time, in order, as the real scheduler would."""
        if moment < self.clock.now():
            raise ValueError("the clock only moves forward")
        await self.settle()
        while due := sorted(((j.next_t, j) for j in self.jobs.jobs()
                             if j.next_t is not None and j.next_t <= moment),
                            key=lambda pair: pair[0]):
            when, first = due[0]
            trigger = first.job.trigger
            if isinstance(trigger, IntervalTrigger):
                # Every few seconds over days would be thousands of runs: run it once, at
                # its last time before anything else happens (APScheduler's coalescing).
                horizon = min([t for t, j in due if not isinstance(j.job.trigger,
                                                                   IntervalTrigger)]
                              + [moment])
                when += trigger.interval * ((horizon - when) // trigger.interval)
            self.clock.set(max(when, self.clock.now()))
            await self.jobs.fire(first)
            await self.settle()
        self.clock.set(moment)
        await self.settle()

    async def flush_cards(self) -> None:
        """Make every pending card edit now instead of after the throttle interval."""
        for name in [n for n in self.job_names() if n.startswith("card:")]:
            await self.run_job(name)

    async def arrange(self, user: FakeUser, line: str) -> None:
        """`user` sends a one-line `/meeting …` and confirms what the bot understood."""
        self.fake.send(user, user.id, line)
        await self.settle()
        self.fake.press(user, self.fake.last_bot_message(user), texts.BUTTON_CONFIRM)
        await self.settle()

    async def tap_or_type(self, user: FakeUser, step: str) -> None:
        """Press the button labelled `step` on the bot's last message to `user`, or, if
        there is none, type `step`; then wait until the bot has handled it."""
        last = self.fake.last_bot_message(user)
        if step in self.fake.labels(last):
            self.fake.press(user, last, step)
        else:
            self.fake.send(user, user.id, step)
        await self.settle()

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every queued update has been fetched and fully handled, and every job
        added as due at once has run (with whatever updates and jobs those brought)."""
        assert self.app is not None
        while True:
            await self.fake.wait_delivered(timeout)
            await self.app.update_queue.join()
            beside = self.app.beside if isinstance(self.app, BranchApplication) else set()
            if beside:  # views that run beside the updates, and what they start
                await asyncio.wait(set(beside), timeout=timeout)
                continue
            if not await self.jobs.fire_due(at_once_only=True):
                return


__all__ = ["DEFAULT_START", "BotHarness", "TelegramConfig", "config_for_fake"]
