"""Updates kept in the database from the moment they arrive until they are handled.

python-telegram-bot asks Telegram for the next updates as soon as it has queued the
previous ones, and that request tells Telegram to forget them; the queue lives in memory.
A crash (or a stop) between the two would lose every update still queued: taps Telegram
delivered and nobody saved. So the application's update queue writes each update to the
`inbox` table before queuing it (`DurableQueue.put`, which the poller and the webhook
both await before confirming), and `BranchApplication.process_update` removes it once
every handler has run, errors included. At start-up, whatever is still in the inbox is
handled first. Handlers are idempotent (a check-in is one row; a second answer to a button
is refused by Telegram), so an update handled just before a crash and again after it
changes nothing.

Cost: two single-statement writes per update (measured in bench/taps.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot

from bot.context import BotData, BranchContext
from storage.inbox import InboxRepo

log = logging.getLogger(__name__)


class DurableQueue(asyncio.Queue[object]):
    """The application's update queue; durable once `attach` has given it the inbox."""

    def __init__(self) -> None:
        super().__init__()
        self.inbox: InboxRepo | None = None

    async def put(self, item: object) -> None:
        if self.inbox is not None and isinstance(item, Update):
            body = json.dumps(item.to_dict(), ensure_ascii=False)
            try:
                kept = await self.inbox.add(item.update_id, body)
            except sqlite3.Error as exc:
                # The database cannot be written (full, read-only, locked): handle the
                # update anyway, so the user hears back and the committee learns why.
                log.warning("update %s not kept in the inbox: %s", item.update_id, exc)
                kept = True
            if not kept:
                log.info("update %s is already in the inbox; not queued twice",
                         item.update_id)
                return
        await super().put(item)

    async def attach(self, inbox: InboxRepo, bot: ExtBot[Any]) -> int:
        """Start keeping updates, and queue those a previous run left unhandled."""
        self.inbox = inbox
        left = await inbox.pending()
        for body in left:
            super().put_nowait(Update.de_json(json.loads(body), bot))
        if left:
            log.warning("handling %d update(s) left unhandled by the previous run", len(left))
        return len(left)


class BranchApplication(
    Application[ExtBot[Any], BranchContext, dict[Any, Any], dict[Any, Any], BotData, Any]
):
    """PTB's Application, marking each update handled in the inbox when done."""

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            queue = self.update_queue
            if isinstance(update, Update) and isinstance(queue, DurableQueue) \
                    and queue.inbox is not None:
                try:
                    await queue.inbox.handled(update.update_id)
                except sqlite3.Error as exc:  # handled again after a restart: harmless
                    log.warning("update %s not cleared from the inbox: %s",
                                update.update_id, exc)
