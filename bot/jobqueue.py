"""PTB's JobQueue, reading "now" from the bot's `Clock` like everything else.

PTB's `JobQueue` and APScheduler 3 behind it read the machine's clock in two places that
matter to us: PTB turns a relative `when` (`run_once(cb, when=3600)`) into a moment with
`datetime.now()`, and APScheduler works out a new job's first run (a daily job's next
07:30) from `datetime.now()`. `BranchJobQueue` asks the `Clock` in both places, so a job
is always placed relative to the same "now" as the services that scheduled it.

Who *fires* the jobs depends on the clock:

- `SystemClock` (production): APScheduler runs as PTB ships it, on the event loop's
  timer. With this clock both hooks below return exactly what PTB and APScheduler would
  have computed themselves.
- Any other clock: the scheduler is started paused, so the machine's date can never fire
  a job early or drop one as "missed", and jobs fire by the clock with `fire_due`. For a
  `FrozenClock` (tests, the offline demo) whoever moves the clock calls it (the test
  harness does in `settle()`); for a `ShiftedClock` (the crash tests' child process, the
  benchmarks) the queue itself calls it every `FOLLOW_SECONDS` while it runs.

A test written for 2026-11-22 thus behaves the same on any real date.
"""

from __future__ import annotations

import asyncio
import contextvars
from datetime import datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from telegram.ext import Job as PTBJob
from telegram.ext import JobQueue

from bot.clock import Clock

FOLLOW_SECONDS = 0.05
_ONE_TICK = timedelta(microseconds=1)
# A job that reschedules itself for "now" forever would hang a test; none should.
_RUNAWAY = 10_000


class ClockScheduler(AsyncIOScheduler):
    """AsyncIOScheduler that computes a new job's first run from the bot's clock."""

    def __init__(self, clock: Clock, **options: Any) -> None:
        self.clock = clock
        # Ids of jobs that were already due when they were added ("at once" jobs).
        self.due_when_added: set[str] = set()
        super().__init__(**options)

    def _real_add_job(self, job: Any, jobstore_alias: str, replace_existing: bool) -> None:
        # APScheduler fills in next_run_time from datetime.now() only when the job has none
        # (apscheduler/schedulers/base.py); giving it one from our clock is the whole change.
        if not hasattr(job, "next_run_time"):
            now = self.clock.now().astimezone(self.timezone)
            first = job.trigger.get_next_fire_time(None, now)
            job._modify(next_run_time=first)
            # Only a clock moved by hand needs to know (production would only collect ids).
            if first is not None and first <= now and not self.clock.machine_time:
                self.due_when_added.add(job.id)
        super()._real_add_job(job, jobstore_alias, replace_existing)

    def wakeup(self) -> None:
        # Jobs run in a context of their own: a job added while an update is handled
        # must not write under that update's id (storage/db.py, exactly once). The timer,
        # the executor's tasks and everything after inherit this empty context.
        contextvars.Context().run(super().wakeup)


class BranchJobQueue(JobQueue[Any]):
    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self.scheduler: ClockScheduler = ClockScheduler(clock, **self.scheduler_configuration)
        self._firing = asyncio.Lock()
        self._follower: asyncio.Task[None] | None = None

    def _tz_now(self) -> datetime:
        return self.clock.now().astimezone(self.scheduler.timezone)

    async def start(self) -> None:
        if not self.scheduler.running:
            # With any clock but the machine's, APScheduler's timer would fire (or drop as
            # missed) jobs by a date the bot does not use.
            self.scheduler.start(paused=not self.clock.machine_time)
        if not self.clock.machine_time and self.clock.moves_by_itself and not self._follower:
            self._follower = asyncio.get_running_loop().create_task(self._follow_clock())

    async def stop(self, wait: bool = True) -> None:
        if self._follower is not None:
            self._follower.cancel()
            self._follower = None
        await super().stop(wait)

    async def _follow_clock(self) -> None:
        """Start each job as it falls due by the clock, side by side as APScheduler's
        executor would; a job's errors go to PTB's error handlers (`Job.run`)."""
        running: set[asyncio.Task[None]] = set()
        while True:
            async with self._firing:
                for job in self.due():
                    self.move_on(job)
                    task = asyncio.get_running_loop().create_task(
                        job.run(self.application), context=contextvars.Context())
                    running.add(task)
                    task.add_done_callback(running.discard)
            await asyncio.sleep(FOLLOW_SECONDS)

    def due(self, *, at_once_only: bool = False) -> list[PTBJob[Any]]:
        """The jobs whose time has come by the clock, earliest first; with `at_once_only`,
        only those that were already due when they were added."""
        if not self.scheduler.running:  # before start, jobs wait unscheduled
            return []
        now = self.clock.now()
        jobs = [j for j in self.jobs() if j.next_t is not None and j.next_t <= now
                and (not at_once_only or j.id in self.scheduler.due_when_added)]
        return sorted(jobs, key=lambda j: j.next_t or now)

    def move_on(self, job: PTBJob[Any]) -> None:
        """What APScheduler does to a job as it runs it: a one-off is removed, a repeating
        one waits for its next time after now (coalescing: a daily job whose day was
        skipped runs once, then waits for its next time)."""
        self.scheduler.due_when_added.discard(job.id)
        trigger = job.job.trigger
        if isinstance(trigger, DateTrigger):
            job.schedule_removal()
            return
        after = self.clock.now().astimezone(self.scheduler.timezone) + _ONE_TICK
        following = trigger.get_next_fire_time(None, after)
        if following is None:
            job.schedule_removal()
        else:
            job.job.modify(next_run_time=following)

    async def fire(self, job: PTBJob[Any]) -> None:
        """Run `job` now, to its end, and move it on."""
        self.move_on(job)
        await job.run(self.application)

    async def fire_due(self, *, at_once_only: bool = False) -> int:
        """Fire every job that is due by the clock (with `at_once_only`: every job that was
        due when it was added), one at a time, earliest first, until none is left (a job
        may add another that is due at once). Returns how many ran. Not for the machine's
        clock: APScheduler's timer does this on its own then."""
        if self.clock.machine_time:
            raise RuntimeError("with the machine's clock APScheduler fires the jobs")
        fired = 0
        async with self._firing:  # the harness and a following clock never fire one job twice
            while due := self.due(at_once_only=at_once_only):
                if fired == _RUNAWAY:
                    raise RuntimeError(f"jobs keep falling due at once: {due[0].name}")
                await self.fire(due[0])
                fired += 1
        return fired
