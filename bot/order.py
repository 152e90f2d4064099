"""In what order updates are handled: different people's at the same time, each person's
one after another.

PTB handles updates one at a time unless told otherwise, and a handler waits for its
requests to Telegram: a tap's answer is a round trip to Telegram's servers (tens of
milliseconds, a hundred and more through a proxy), so forty members checking in at the
start of a meeting were answered one round trip after another, the last seconds later
(bench/taps.py --rtt, docs/PERFORMANCE.md §1). On loopback, where a round trip costs
nothing, this shows only as the database trip's idle time.

`PerPersonOrder` lets PTB handle up to `MAX_AT_ONCE` updates at the same time, but one
person's updates (keyed by the Telegram user, or by the chat when there is no user) still
run in the order they came: a conversation's steps, a tap after the command that made
its button, a second tap on the same button. What keeps concurrent handlers apart was
already in place, because jobs and views always ran beside the updates: every write is
one transaction under the database's lock, and each update's effect is recorded as
applied in that transaction (storage/db.py), so exactly once does not depend on the
order either.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

MAX_AT_ONCE = 64


def person_key(update: object) -> int | None:
    """Whose updates must keep their order: the user's, else the chat's."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


class PerPersonOrder(BaseUpdateProcessor):
    def __init__(self, max_concurrent_updates: int = MAX_AT_ONCE) -> None:
        super().__init__(max_concurrent_updates)
        # A lock for each person with updates in hand, and how many hold or await it.
        self._locks: dict[int, tuple[asyncio.Lock, list[int]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = person_key(update)
        if key is None:
            await coroutine
            return
        lock, holders = self._locks.setdefault(key, (asyncio.Lock(), [0]))
        holders[0] += 1
        try:
            async with lock:  # asyncio's locks are granted in the order they were asked
                await coroutine
        finally:
            holders[0] -= 1
            if not holders[0]:
                del self._locks[key]

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None
