"""Heavy read-only views built in the worker process (`bot.services.offload`), away from
the bot's event loop: the year's report, the branch's attendance, the desk's overview are
0.05–0.4 s of Python at ten years of a large branch, and on the loop those steps sat
between the steps of every tap of a check-in burst (bench/views_taps.py, bench/desk.py).

Each view is built in a process the worker forks for it (`in_a_child`), which inherits
what the worker loaded at start-up and exits with the result: the worker never holds a
view's leftovers, and the view's collections skip the libraries (`/report` 0.66 s ->
0.48 s in bench/views.py, docs/PERFORMANCE.md §s14). That process opens its own
read-only connection to the same SQLite file (WAL lets it read while the bot writes; a
view reads what was committed when it began) and its own services, made by the same
`open_deps`. The bot's time is passed with each call, so a test's frozen clock holds
there too. An in-memory database cannot be shared: there the view is built on the loop;
where no worker process can be made, in a thread (own loop).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from bot.clock import FrozenClock
from bot.config import Config
from bot.context import BotData, Deps
from bot.services.offload import in_a_child, off_loop, start_worker

T = TypeVar("T")


def _here(config: Config, now: datetime, view: Callable[..., Awaitable[T]],
          args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """In the worker: `_build` in a process forked for this view (`in_a_child`), so that
    nothing of the view stays behind in the worker, and its collections skip what the
    worker loaded."""
    return in_a_child(_build, config, now, view, args, kwargs)


def _build(config: Config, now: datetime, view: Callable[..., Awaitable[T]],
           args: tuple[Any, ...], kwargs: dict[str, Any]) -> T:
    """`view(deps, *args, **kwargs)` over a connection of its own, opened for this view
    and closed after it (its thread ended before the process sends the result)."""
    from bot.app import close_deps, open_deps

    async def go() -> T:
        data = BotData()
        data.deps = await open_deps(config, FrozenClock(now), reader=True)
        try:
            return await view(data.deps, *args, **kwargs)
        finally:
            await close_deps(data)

    return asyncio.run(go())


def _imports() -> str:
    """In the worker, as it starts: what every view needs (`_here`), loaded once here,
    where each view's process inherits it (an HTTP client's modules and the TLS context
    for `open_deps`: ~35 ms of each view's time otherwise)."""
    import os

    import httpx

    import bot.app  # noqa: F401
    from bot.connections import tls_context

    # Made and closed as a view's deps are: imports httpcore, and anyio on closing.
    asyncio.run(httpx.AsyncClient(verify=tls_context()).aclose())
    return f"ready (pid {os.getpid()})"


def _report_libraries() -> str:
    """In the worker, after `_imports`: what `/report` alone needs, matplotlib with the
    CJK font and openpyxl, loaded by drawing an empty chart. The first `/report` after
    each start-up took 1.1-1.3 s, 0.4-0.5 s more than the next ones (docs/PERFORMANCE.md
    §s11); the worker loads them at idle priority while nobody waits. The cost: the idle
    worker holds ~110 MB from start-up instead of ~37 MB, near what it held after the
    first report anyway (115-131 MB). A bot stopped in its first second or two waits for
    the loading to end before it exits."""
    import openpyxl.chart
    import openpyxl.packaging.extended  # noqa: F401  (used on saving a workbook)

    from bot.services.charts import warm

    warm()
    return "has loaded the report's charts and workbook"


def _shared(config: Config) -> bool:
    """Whether the worker can open the bot's database (an in-memory one it cannot)."""
    return str(config.storage.path) != ":memory:"


def start_reader(config: Config) -> None:
    """Start the worker process with the bot (`start_worker`), where views use it."""
    if _shared(config):
        start_worker(_imports, _report_libraries)


async def read_off_loop(deps: Deps, view: Callable[..., Awaitable[T]], *args: Any,
                        **kwargs: Any) -> T:
    """`await view(deps, *args, **kwargs)`, built in the worker process. `view` is a
    module-level async function that only reads; it, its arguments and its result are
    pickled."""
    if not _shared(deps.config):
        return await view(deps, *args, **kwargs)
    return await off_loop(_here, deps.config, deps.clock.now(), view, args, kwargs)
