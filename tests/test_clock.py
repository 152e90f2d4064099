"""One clock: jobs are placed and fired by the bot's clock, never by the machine's date
in tests, and by the machine's clock in production.

These tests pick dates far from the machine's on purpose (2020 and 2100): with PTB's own
JobQueue the 2020 job is dropped as "missed" and the 2100 one placed by the machine's date.
CI runs the whole suite again under `faketime` (.ci/run) to prove the rest does not care
what day it is either.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apscheduler.schedulers.base import STATE_RUNNING

from bot.app import build_application
from bot.clock import FrozenClock, SystemClock
from bot.config import Config
from bot.context import BranchContext
from bot.jobqueue import BranchJobQueue
from bot.testing.harness import BotHarness

Job = Callable[[BranchContext], Coroutine[Any, Any, None]]


def _recorder(clock: FrozenClock) -> tuple[list[datetime], Job]:
    """A job that notes the clock's time whenever it runs."""
    seen: list[datetime] = []

    async def job(context: BranchContext) -> None:
        seen.append(clock.now())

    return seen, job


@pytest.mark.parametrize("start", [datetime(2020, 3, 1, 1, 0, tzinfo=UTC),
                                   datetime(2100, 3, 1, 1, 0, tzinfo=UTC)])
async def test_jobs_keep_to_the_test_clock_whatever_the_machine_date(
    config: Config, tmp_path: Path, start: datetime
) -> None:
    clock = FrozenClock(start)
    async with BotHarness(config, tmp_path / "c.db", clock=clock) as h:
        seen, job = _recorder(clock)
        h.jobs.run_once(job, when=start + timedelta(hours=2), name="at")
        h.jobs.run_once(job, when=timedelta(minutes=30), name="in")
        h.jobs.run_once(job, when=0, name="now")
        await h.settle()
        # Only the job due at once has run; the others wait, placed by the test clock.
        assert seen == [start]
        times = {j.name: j.next_t for j in h.jobs.jobs() if j.name in {"at", "in"}}
        assert times == {"at": start + timedelta(hours=2), "in": start + timedelta(minutes=30)}
        # Time passes: each runs once, at its own time, in order.
        await h.advance_to(start + timedelta(hours=3))
        assert seen == [start, start + timedelta(minutes=30), start + timedelta(hours=2)]
        assert not {"at", "in", "now"} & set(h.job_names())


async def test_a_daily_job_is_placed_by_the_test_clock(config: Config, tmp_path: Path) -> None:
    clock = FrozenClock(datetime(2020, 3, 1, 1, 0, tzinfo=UTC))  # 09:00 in Shanghai
    async with BotHarness(config, tmp_path / "c.db", clock=clock) as h:
        [care] = h.jobs.get_jobs_by_name("care:daily")
        tz = config.branch.tz
        first = care.next_t
        assert first is not None and first.astimezone(tz).date().isoformat() == "2020-03-02"
        await h.advance_to(first + timedelta(days=1, minutes=1))
        # Ran on the 2nd and the 3rd; waits for the 4th.
        assert care.next_t is not None
        assert care.next_t.astimezone(tz).date().isoformat() == "2020-03-04"


async def test_a_jump_of_the_clock_fires_nothing_until_time_is_said_to_pass(
    config: Config, tmp_path: Path
) -> None:
    clock = FrozenClock(datetime(2020, 3, 1, 1, 0, tzinfo=UTC))
    async with BotHarness(config, tmp_path / "c.db", clock=clock) as h:
        seen, job = _recorder(clock)
        h.jobs.run_once(job, when=timedelta(hours=1), name="later")
        clock.set(clock.now() + timedelta(hours=2))
        await h.settle()
        assert seen == []  # a jump: the test fires what it means by name
        await h.run_job("later")
        assert seen == [clock.now()] and "later" not in h.job_names()


async def test_production_uses_the_machine_clock_and_apscheduler_fires(
    config: Config,
) -> None:
    telegram = dataclasses.replace(config.telegram, token="123456:PRODUCTION")
    app = build_application(dataclasses.replace(config, telegram=telegram))
    queue = app.job_queue
    assert isinstance(queue, BranchJobQueue) and isinstance(queue.clock, SystemClock)
    assert abs(queue._tz_now() - datetime.now(UTC)) < timedelta(seconds=5)
    fired = asyncio.Event()

    async def job(context: BranchContext) -> None:
        fired.set()

    await queue.start()
    try:
        assert queue.scheduler.state == STATE_RUNNING  # not paused: its timer fires jobs
        queue.run_once(job, when=0, name="now")
        # Nobody calls fire_due: APScheduler's own timer runs it.
        await asyncio.wait_for(fired.wait(), timeout=10)
        with pytest.raises(RuntimeError):
            await queue.fire_due()
    finally:
        await queue.stop()
