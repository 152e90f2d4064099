"""Heavy pure work off the bot's process: the report's charts and workbook.

Drawing a chart or writing a workbook holds the interpreter lock for tens to hundreds of
milliseconds, so a worker thread would still stall the event loop and the check-in burst
behind it (bench/views_taps.py). One worker process, made as the bot starts
(`start_worker`, else on first use) and kept, does it instead; what it is given and
returns is plain data (a `Report`, bytes). Where processes cannot be made or the host
program cannot be re-imported by one (a script without a `__main__` guard), the work
runs in a thread as before: slower for taps, never lost.

On Linux the worker runs under SCHED_IDLE: built at normal priority on a 2-vCPU host, a
report took the CPU from the bot's own threads, and taps beside it slowed (p99 ~2x
alone; nice(10) made no difference; SCHED_IDLE 1.2-1.6x, docs/PERFORMANCE.md §6). And
it dies with the bot, however the bot ends (`_die_with`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _start_worker(parent: int) -> None:
    """In the worker process, at its start. On Linux: die with the bot, and run only when
    nothing else wants the CPU. Elsewhere, or where refused, neither."""
    import signal

    _die_with(parent, signal.SIGKILL)
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))


def _die_with(parent: int, signal_number: int) -> None:
    """Have Linux send `signal_number` when the bot's thread that made this process ends
    (prctl's PR_SET_PDEATHSIG; the event loop's thread, which lives as long as the bot).
    A process pool's worker does not notice its parent's death by itself: after a
    SIGKILL it ran on for good, and multiprocessing's resource tracker with it, both
    holding the bot's stderr (tests/test_offload.py)."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:  # the C library is already loaded into the interpreter: no search needed
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal_number, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the bot died before the request was in place
        os._exit(1)


def _worker() -> ProcessPoolExecutor | None:
    global _pool
    with _pool_lock:
        if _pool is None:
            try:
                _pool = ProcessPoolExecutor(max_workers=1,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_start_worker,
                                            initargs=(os.getpid(),))
            except (OSError, NotImplementedError) as exc:
                log.warning("no worker process (%s): heavy work runs in a thread", exc)
                return None
        return _pool


def _forget(pool: ProcessPoolExecutor) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    pool.shutdown(wait=False, cancel_futures=True)


def start_worker(*steps: Callable[[], str]) -> None:
    """Start the worker process now, with the bot, rather than at the first heavy view,
    and have it run each of `steps` in turn (its imports, what the report needs); each
    returns what it did, for the log. Its start took ~0.4 s of the first view's time
    after each start-up, and making the process (fork and exec) took a step of the event
    loop amid whatever the members were tapping."""
    pool = _worker()
    if pool is None:
        return
    try:
        for step in steps:
            pool.submit(step).add_done_callback(_note_step)
    except (BrokenProcessPool, OSError, RuntimeError) as exc:
        log.warning("the worker process did not start (%s): it is tried again when "
                    "needed", exc)
        _forget(pool)


def _note_step(future: Future[str]) -> None:
    if future.cancelled():
        return
    if future.exception() is not None:  # a view that needs it does it then, or fails there
        log.warning("the heavy views' worker process failed a step ahead of use: %s",
                    future.exception())
    else:
        log.info("the heavy views' worker process %s", future.result())


async def off_loop(func: Callable[..., T], *args: Any) -> T:
    """`func(*args)` in the worker process (a module-level function of picklable
    arguments), or in a thread if there is no worker."""
    pool = _worker()
    if pool is not None:
        try:
            return await asyncio.get_running_loop().run_in_executor(pool, func, *args)
        except (BrokenProcessPool, OSError, RuntimeError) as exc:
            log.warning("the worker process failed (%s): running in a thread", exc)
            _forget(pool)
    return await asyncio.to_thread(func, *args)
