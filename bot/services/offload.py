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
it dies with the bot, however the bot ends (`_die_with`). The bot's views are each built
in a child the worker forks for them (`in_a_child`, `bot.reader`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import multiprocessing
import os
import pickle
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, NoReturn, TypeVar, cast

log = logging.getLogger(__name__)
T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # linux/prctl.h

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_in_worker = False  # set in the worker process as it starts
_child_peak_kb: int | None = None


class LostChild(Exception):
    """`in_a_child`'s process ended without sending a result (killed, out of memory)."""


def _start_worker(parent: int) -> None:
    """In the worker process, at its start. On Linux: die with the bot, and run only when
    nothing else wants the CPU. Elsewhere, or where refused, neither."""
    import signal

    global _in_worker
    _in_worker = True
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


def in_a_child(func: Callable[..., T], *args: Any) -> T:
    """In the worker process: `func(*args)` in a process forked for this call, which
    exits when it has sent the result back (on Linux; elsewhere, or called outside the
    worker, as in the thread that stands in for it, `func(*args)` right here).

    A view's objects are never collected in the worker: the child's memory goes back to
    the system whole when it exits. The child freezes what it inherited (`gc.freeze`),
    so its collections walk only the objects of its own view, not the ~110 MB of
    libraries the worker holds (the report's full collections took 48-99 ms,
    docs/PERFORMANCE.md §s12), and without the leak of session 12's freeze in the worker
    (§s13 step 4): nothing it freezes outlives the call. The worker, forking, must have no
    other thread (a process pool's worker has none; views run only in the children).
    An exception is raised here as the child raised it, its traceback as the cause."""
    if not (_in_worker and sys.platform.startswith("linux")):
        return func(*args)
    worker = os.getpid()
    reading, writing = os.pipe()
    try:
        pid = os.fork()
    except OSError as exc:  # out of processes or memory: built here, as before forking
        os.close(reading)
        os.close(writing)
        log.warning("no process for %s (%s): built in the worker", func, exc)
        return func(*args)
    if pid == 0:  # the child: never returns
        os.close(reading)
        _child(worker, writing, func, args)
    os.close(writing)
    with os.fdopen(reading, "rb") as result:
        sent = result.read()
    _, status, usage = os.wait4(pid, 0)
    global _child_peak_kb
    _child_peak_kb = usage.ru_maxrss
    if not sent:
        raise LostChild(f"the process of {getattr(func, '__name__', func)} ended without "
                        f"a result (wait status {status})")
    done, value, trace = pickle.loads(sent)  # noqa: S301  (from our own child, by a pipe)
    if done:
        return cast(T, value)
    value.__cause__ = _Remote(trace)
    raise value


def child_peak_mb() -> float | None:
    """In the worker: the peak resident memory of the last child `in_a_child` made, the
    pages it shared with the worker included (bench/footprint.py); None before any."""
    return None if _child_peak_kb is None else round(_child_peak_kb / 1024, 1)


class _Remote(Exception):
    """The traceback of an exception raised in `in_a_child`'s child, as text."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


def _child(worker: int, writing: int, func: Callable[..., Any], args: tuple[Any, ...]
           ) -> NoReturn:
    import signal
    import traceback

    status = 1
    try:
        gc.freeze()
        _die_with(worker, signal.SIGKILL)
        try:
            outcome = (True, func(*args), "")
        except Exception as exc:
            outcome = (False, exc, "".join(traceback.format_exception(exc)))
        try:
            sent = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # a result or an exception that cannot be pickled
            sent = pickle.dumps((False, TypeError(f"not sent back: {exc!r}"), ""))
        with os.fdopen(writing, "wb") as out:
            out.write(sent)
        status = 0
    finally:
        os._exit(status)  # no clean-up of what belongs to the worker
