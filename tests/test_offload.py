"""The worker process that builds the heavy views (bot/services/offload.py)."""

from __future__ import annotations

import os
import sys

import pytest

from bot.services.offload import off_loop

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="SCHED_IDLE is Linux's")


@linux_only
async def test_the_worker_runs_only_when_the_bot_has_nothing_to_run() -> None:
    """A report built beside a check-in burst took the other vCPU from the bot's own
    threads (its database thread, the kernel's wake-ups): taps' p99 ~2x alone
    (bench/views_taps.py). The worker asks Linux for SCHED_IDLE, under which any thread
    of normal priority that wakes up takes the CPU from it at once."""
    pid = await off_loop(os.getpid)
    assert pid != os.getpid()  # built in the worker process, not in a thread
    assert await off_loop(os.sched_getscheduler, 0) == os.SCHED_IDLE
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the bot itself keeps its priority
