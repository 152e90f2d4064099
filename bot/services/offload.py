"""Heavy pure work off the bot's process: the report's charts and workbook.

Drawing a chart or writing a workbook holds the interpreter lock for tens to hundreds of
milliseconds, so a worker thread would still stall the event loop and the check-in burst
behind it (bench/views_taps.py). One worker process, made on first use and kept, does it
instead; what it is given and returns is plain data (a `Report`, bytes). On Linux the
worker runs under SCHED_IDLE: on a 2-vCPU host a report built at normal priority took the
other vCPU from the bot's own threads, and taps beside it slowed (p99 ~2x alone; nice(10)
made no difference, SCHED_IDLE 1.2-1.6x; docs/PERFORMANCE.md §6). Where processes
cannot be made or the host program cannot be re-imported by one (a script without a
`__main__` guard), the work runs in a thread as before: slower for taps, never lost.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _yield_to_the_bot() -> None:
    """In the worker process, at its start: run only when nothing else wants the CPU
    (Linux's SCHED_IDLE; elsewhere, or where refused, at normal priority)."""
    import os
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        pass


def _worker() -> ProcessPoolExecutor | None:
    global _pool
    with _pool_lock:
        if _pool is None:
            try:
                _pool = ProcessPoolExecutor(max_workers=1,
                                            mp_context=multiprocessing.get_context("spawn"),
                                            initializer=_yield_to_the_bot)
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
