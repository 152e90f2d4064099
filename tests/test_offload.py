"""The worker process that builds the heavy views (bot/services/offload.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from bot.services.offload import off_loop

ROOT = Path(__file__).resolve().parents[1]
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


_CHILD = """
import asyncio, os, sys
from bot.services.offload import off_loop

async def main():
    print(await off_loop(os.getpid), flush=True)
    await asyncio.sleep(3600)

if __name__ == "__main__":
    asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ")[-1][0] != "Z"  # a zombie is gone
    except FileNotFoundError:
        return False


@linux_only
async def test_the_worker_does_not_outlive_a_killed_bot(tmp_path: Path) -> None:
    """SIGKILL (the OOM killer, `kill -9`) gives the bot no chance to stop its worker. It
    used to run on, orphaned, for good, with multiprocessing's resource tracker beside
    it, both holding the bot's stderr open: a supervisor reading the log never saw its
    end. The worker now dies with the bot, and the tracker with them."""
    script = tmp_path / "child.py"
    script.write_text(_CHILD, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(script), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    worker = int(await asyncio.wait_for(child.stdout.readline(), 60))
    try:
        assert worker != child.pid and _alive(worker)
        child.kill()
        # The log's end: every process holding the bot's stdout and stderr has exited.
        await asyncio.wait_for(child.communicate(), 10)
        assert not _alive(worker)
    finally:
        if _alive(worker):  # not left running after a failure
            os.kill(worker, signal.SIGKILL)
