"""The worker process that builds the heavy views (bot/services/offload.py)."""

from __future__ import annotations

import asyncio
import gc
import os
import signal
import sys
import threading
from pathlib import Path

import pytest

from bot.app import close_deps, open_deps
from bot.clock import FrozenClock
from bot.config import Config
from bot.context import BotData, Deps
from bot.reader import read_off_loop, start_reader
from bot.services.offload import LostChild, in_a_child, off_loop
from bot.testing.fakeapi import FakeBotApi
from bot.testing.harness import DEFAULT_START
from tests.test_exactly_once import _Bot, _config, _prepare

ROOT = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="SCHED_IDLE is Linux's")


@linux_only
async def test_the_worker_runs_only_when_the_bot_has_nothing_to_run() -> None:
    """A report built beside a check-in burst took the CPU from the bot's own threads:
    taps' p99 ~2x alone (bench/views_taps.py). The worker asks Linux for SCHED_IDLE,
    under which any thread of normal priority that wakes up takes the CPU from it."""
    pid = await off_loop(os.getpid)
    assert pid != os.getpid()  # built in the worker process, not in a thread
    assert await off_loop(os.sched_getscheduler, 0) == os.SCHED_IDLE
    assert os.sched_getscheduler(0) != os.SCHED_IDLE  # the bot itself keeps its priority


async def test_the_worker_leaves_its_objects_to_the_collector(
    file_config: Config
) -> None:
    """Session 12 froze what the worker had loaded (`gc.freeze`), to spare each
    /report's collections a walk over it. But a cycle that runs through a frozen object
    is never collected: each report left matplotlib's figures behind that way, and the
    worker grew by ~4 MB a report (143.6 MB after 8 and rising, against 131 MB level
    without the freeze; bench/footprint.py, session 13)."""
    start_reader(file_config)
    assert await off_loop(os.getpid) != os.getpid()  # it is the worker process
    # Run after the start-up steps (one worker, in order).
    assert await off_loop(gc.get_freeze_count) == 0


def _traits() -> tuple[int, int, int]:
    """In a view's process: its pid, its parent's, how many objects its collector skips."""
    return os.getpid(), os.getppid(), gc.get_freeze_count()


async def _view_traits(deps: Deps) -> tuple[int, int, int]:
    """A view, as `read_off_loop` runs them."""
    return _traits()


def _fails(text: str) -> None:
    raise ValueError(text)


@linux_only
async def test_each_view_is_built_in_a_process_of_its_own_that_ends_with_it(
    file_config: Config
) -> None:
    """Each view is built in a child forked from the worker for it (`in_a_child`): what
    it leaves behind goes back to the system when the child exits, and the child's
    collections skip the ~110 MB the worker loaded (the report's full collections took
    48-99 ms, beside the taps). The worker itself freezes nothing (the test above)."""
    start_reader(file_config)
    worker = await off_loop(os.getpid)
    assert await off_loop(threading.active_count) == 1  # safe to fork
    first = await off_loop(in_a_child, _traits)
    second = await off_loop(in_a_child, _traits)
    for pid, parent, frozen in (first, second):
        assert parent == worker and pid != worker
        assert frozen > 10_000  # what the worker had loaded, skipped by the collector
        assert not _alive(pid)  # exited and reaped
    assert first[0] != second[0]
    assert await off_loop(gc.get_freeze_count) == 0
    # The bot's views take that way (`read_off_loop`).
    data = BotData()
    data.deps = await open_deps(file_config, FrozenClock(DEFAULT_START))
    try:
        pid, parent, _ = await read_off_loop(data.deps, _view_traits)
    finally:
        await close_deps(data)
    assert parent == worker and not _alive(pid)
    # Outside the worker (the thread that stands in for it) nothing is forked.
    assert in_a_child(os.getpid) == os.getpid()


def _without_fork() -> tuple[int, int]:
    """In the worker: a view's pid when the system refuses to fork, and the worker's."""
    from bot.services import offload

    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    real, offload.os.fork = offload.os.fork, refused
    try:
        return in_a_child(os.getpid), os.getpid()
    finally:
        offload.os.fork = real


@linux_only
async def test_a_view_is_built_in_the_worker_when_no_process_can_be_made(
    file_config: Config
) -> None:
    start_reader(file_config)
    built_in, worker = await off_loop(_without_fork)
    assert built_in == worker == await off_loop(os.getpid)
    assert (await off_loop(in_a_child, _traits))[1] == worker  # forks again after


@linux_only
async def test_a_views_failure_or_death_reaches_the_bot_and_spares_the_worker(
    file_config: Config
) -> None:
    """The child's exception comes back as itself, with the child's traceback as its
    cause; a child that dies without a result (killed, out of memory) is reported as
    such, and the worker goes on serving the next view."""
    start_reader(file_config)
    worker = await off_loop(os.getpid)
    with pytest.raises(ValueError, match="坏了") as raised:
        await off_loop(in_a_child, _fails, "坏了")
    assert "_fails" in str(raised.value.__cause__)
    with pytest.raises(LostChild, match="wait status"):
        await off_loop(in_a_child, os._exit, 3)
    assert await off_loop(os.getpid) == worker
    assert (await off_loop(in_a_child, _traits))[1] == worker


_CHILD = """
import asyncio, os
from bot.services.offload import off_loop

async def main():
    print(await off_loop(os.getpid), flush=True)
    await asyncio.Event().wait()  # until killed

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


@linux_only
async def test_the_worker_starts_with_the_bot_and_ends_with_it(
    config: Config, tmp_path: Path
) -> None:
    """`python -m bot`: the worker process is there before anyone asks for a view (its
    start no longer falls in the first view's time, nor in a step of the event loop
    amid taps), it loads what `/report` needs while nobody waits, and a SIGKILL of the
    bot ends it too: the bot's log reaches its end."""
    async with FakeBotApi() as fake:
        fake.add_group(config.chats.group_chat_id, "支部群")
        fake.add_group(config.chats.committee_chat_id, "支委群")
        db_path = tmp_path / "bot.db"
        await _prepare(db_path, config)
        bot = _Bot(_config(tmp_path, fake, config, db_path, webhook_port=None), tmp_path)
        try:
            await bot.start()
            line = await asyncio.wait_for(bot.logged(b"worker process ready"), 30)
            worker = int(line.rsplit(b"pid ", 1)[1].split(b")")[0])
            assert bot.proc is not None and _parent(worker) == bot.proc.pid
            # Then the report's libraries, before any /report: matplotlib's font
            # renderer is mapped into the worker (it used to load in the first /report).
            await asyncio.wait_for(bot.logged(b"has loaded the report's charts"), 60)
            assert "ft2font" in _maps(worker)
        finally:
            await asyncio.wait_for(bot.kill(), 30)  # waits for the end of the log
        assert not _alive(worker)


def _maps(pid: int) -> str:
    """The files mapped into a process's memory (its loaded extension modules)."""
    with open(f"/proc/{pid}/maps") as maps:
        return maps.read()


def _parent(pid: int) -> int:
    with open(f"/proc/{pid}/stat") as stat:
        return int(stat.read().rsplit(") ", 1)[1].split()[1])
