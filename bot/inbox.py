"""Updates kept in the database from the moment Telegram forgets them until handled.

python-telegram-bot asks Telegram for the next updates as soon as it has queued the
previous ones, and that request (`getUpdates` with the next offset) tells Telegram to
forget them; the queue lives in memory. A crash, or a stop, before they are handled
would lose them: taps Telegram delivered and nobody saved.

So `DurableQueue` notes each update as it is queued, and just before the next
`getUpdates` goes out (`FlushingRequest`) writes to the `inbox` table every update not
yet handled, and removes those handled since (one statement each, batched per poll).
`BranchApplication.process_update` marks an update handled once every handler has run,
errors included. An update handled before the next poll never touches the database; in
practice the next poll follows at once, so most updates are written once and removed
once, off the tap's own path (the cost is measured in docs/PERFORMANCE.md). In webhook
mode the write happens before Telegram is answered. At start-up,
whatever is still in the inbox is handled first. Handlers are idempotent (a check-in is
one row; a second answer to a button is refused by Telegram), so an update handled just
before a crash and again after it changes nothing.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application, ExtBot
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot.context import BotData, BranchContext
from storage.inbox import InboxRepo

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)


class DurableQueue(asyncio.Queue[object]):
    """The application's update queue; durable once `attach` has given it the inbox."""

    def __init__(self, *, eager: bool = False) -> None:
        super().__init__()
        self.inbox: InboxRepo | None = None
        self.eager = eager  # webhook: write before Telegram is answered
        self._fresh: dict[int, str] = {}  # queued, not yet written
        self._written: set[int] = set()  # in the table, not yet handled
        self._handled: set[int] = set()  # in the table, handled: to delete
        self._lock = asyncio.Lock()

    async def put(self, item: object) -> None:
        if self.inbox is not None and isinstance(item, Update):
            uid = item.update_id
            if uid in self._fresh or uid in self._written:
                log.info("update %s is already queued; not queued twice", uid)
                return
            self._fresh[uid] = json.dumps(item.to_dict(), ensure_ascii=False)
        await super().put(item)
        if self.eager:
            await self.flush()

    def handled(self, update_id: int) -> None:
        if self._fresh.pop(update_id, None) is None and update_id in self._written:
            self._handled.add(update_id)

    async def flush(self) -> None:
        """Write what is queued and unhandled; remove what was handled (two statements
        at most, each atomic)."""
        if self.inbox is None:
            return
        async with self._lock:
            fresh, handled = dict(self._fresh), set(self._handled)
            if not fresh and not handled:
                return
            try:
                await self.inbox.sync(fresh, handled)
            except sqlite3.Error as exc:
                # The database cannot be written (full, read-only, locked): go on
                # receiving updates, so users hear back and the committee learns why.
                log.warning("inbox not written (%d updates at risk): %s", len(fresh), exc)
                return
            for uid in fresh:
                if self._fresh.pop(uid, None) is not None:
                    self._written.add(uid)
                else:  # handled while being written
                    self._handled.add(uid)
            self._written -= handled
            self._handled -= handled

    async def attach(self, inbox: InboxRepo, bot: ExtBot[Any]) -> int:
        """Start keeping updates, and queue those a previous run left unhandled."""
        self.inbox = inbox
        left = await inbox.pending()
        for uid, body in left:
            self._written.add(uid)
            super().put_nowait(Update.de_json(json.loads(body), bot))
        if left:
            log.warning("handling %d update(s) left unhandled by the previous run", len(left))
        return len(left)


class FlushingRequest(HTTPXRequest):
    """The connection used for `getUpdates` only: writes the inbox before each call, since
    each call confirms the previous updates to Telegram."""

    def __init__(self, queue: DurableQueue, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.queue = queue

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        await self.queue.flush()
        return await super().do_request(url, method, request_data, read_timeout,
                                        write_timeout, connect_timeout, pool_timeout)


class BranchApplication(
    Application[ExtBot[Any], BranchContext, dict[Any, Any], dict[Any, Any], BotData, Any]
):
    """PTB's Application, marking each update handled in the inbox when done."""

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update) and isinstance(self.update_queue, DurableQueue):
                self.update_queue.handled(update.update_id)
