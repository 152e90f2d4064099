"""Updates kept in the database from the moment Telegram forgets them until handled.

python-telegram-bot asks Telegram for the next updates as soon as it has queued the
previous ones, and that request (`getUpdates` with the next offset) tells Telegram to
forget them; the queue lives in memory. A crash, or a stop, before they are handled
would lose them: taps Telegram delivered and nobody saved.

So `DurableQueue` notes each update as it is queued, and just before the next
`getUpdates` goes out (`FlushingRequest`) makes sure every one of them is handled or
written to the `inbox` table. Most are handled within a millisecond or two (a tap is two
statements), so the flush first waits up to `GRACE_SECONDS` for them and writes only what
is still unhandled then (a command waiting on Telegram, a slow report); rows handled
since are removed in the same flush. Measured (docs/PERFORMANCE.md): writing every tap
and removing it again cost each tap two round trips on the shared connection, queued
ahead of its own; the wait costs the next poll about as long as the tap takes.
`BranchApplication.process_update` marks an update handled once every handler has run,
errors included. In webhook mode the write happens before Telegram is answered, without
waiting. At start-up, whatever is still in the inbox is handled first.

Exactly once is not left to each handler being idempotent (`/dues 交`, `/suggest`, `/deed`
are not). While an update is handled, `applying_update` holds its id and every write
records it in `applied_updates` in the same transaction (storage/db.py). An update whose
id is recorded there took effect: replayed from the inbox or delivered again by Telegram,
it is skipped. Ids are checked in memory (`DurableQueue.applied`, read once at start-up),
so a tap pays nothing for the check.

What the bot promises not to keep (an anonymous vote, a shared phone number) is written
to the inbox like any update, so a crash cannot lose it, and wiped from the database
file and its log as soon as it is handled (`_wipe_if_asked`; storage/db.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import sqlite3
import time
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ExtBot
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from bot import texts
from bot.context import BotData, BranchContext
from storage.db import applying_update
from storage.inbox import InboxRepo

if TYPE_CHECKING:
    from telegram._utils.types import ODVInput

log = logging.getLogger(__name__)
GRACE_SECONDS = 0.005
# How long an update is remembered as applied: Telegram redelivers for a day at most.
KEEP_APPLIED_SECONDS = 2 * 24 * 3600


class DurableQueue(asyncio.Queue[object]):
    """The application's update queue; durable once `attach` has given it the inbox."""

    def __init__(self, *, eager: bool = False, grace: float = GRACE_SECONDS) -> None:
        super().__init__()
        self.inbox: InboxRepo | None = None
        self.eager = eager  # webhook: write before Telegram is answered
        self.grace = 0.0 if eager else grace
        self._fresh: dict[int, Update] = {}  # queued, not yet written
        # Each update as Telegram sent it (`FlushingRequest.parse_json_payload`), so that
        # writing one is `json.dumps` of that, not `Update.to_dict()` (0.4 ms a tap at
        # saturation, the bot's largest cost over the floor's; docs/PERFORMANCE.md §s9).
        self._raw: dict[int, dict[str, Any]] = {}
        self._written: set[int] = set()  # in the table, not yet handled
        self._handled: set[int] = set()  # in the table, handled: to delete
        self._settled = asyncio.Event()  # set while nothing is fresh
        self._settled.set()
        self._lock = asyncio.Lock()
        # Updates handled in this run or recorded as applied, with when (monotonic).
        self.applied: dict[int, float] = {}

    async def put(self, item: object) -> None:
        if self.inbox is not None and isinstance(item, Update):
            uid = item.update_id
            if uid in self._fresh or uid in self._written:
                log.info("update %s is already queued; not queued twice", uid)
                return
            self._fresh[uid] = item
            self._settled.clear()
        await super().put(item)
        if self.eager:
            await self.flush()

    def arrived(self, items: list[Any]) -> None:
        """Keep the updates of a `getUpdates` answer as sent, until handled (every one is
        queued, and `handled` drops its copy, also for an update delivered twice)."""
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("update_id"), int):
                self._raw[item["update_id"]] = item

    def _as_json(self, update: Update) -> str:
        raw = self._raw.get(update.update_id)
        return json.dumps(raw if raw is not None else update.to_dict(), ensure_ascii=False)

    def handled(self, update_id: int) -> None:
        self._raw.pop(update_id, None)
        if self._fresh.pop(update_id, None) is None and update_id in self._written:
            self._handled.add(update_id)
        if not self._fresh:
            self._settled.set()
        now = time.monotonic()
        self.applied[update_id] = now
        oldest = next(iter(self.applied.values()))  # insertion order: the oldest first
        if now - oldest > KEEP_APPLIED_SECONDS:
            self.applied = {uid: at for uid, at in self.applied.items()
                            if now - at <= KEEP_APPLIED_SECONDS}

    async def flush(self) -> None:
        """Make sure every update queued so far is handled or written: wait up to `grace`
        for them to be handled, then write what is not and remove rows handled since
        (two statements at most, each atomic)."""
        if self.inbox is None:
            return
        if self._fresh and self.grace > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._settled.wait(), self.grace)
        async with self._lock:
            fresh = {uid: self._as_json(u) for uid, u in self._fresh.items()}
            handled = set(self._handled)
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
            if not self._fresh:
                self._settled.set()
            self._written -= handled
            self._handled -= handled

    async def attach(self, inbox: InboxRepo, bot: ExtBot[Any]) -> int:
        """Start keeping updates, and queue those a previous run left unhandled."""
        self.inbox = inbox
        await inbox.forget_applied(KEEP_APPLIED_SECONDS)
        now = time.monotonic()
        self.applied = dict.fromkeys(sorted(await inbox.applied()), now)
        left = await inbox.pending()
        for uid, body in left:
            self._written.add(uid)
            # Queued even if it took effect before the process stopped: `process_update`
            # then skips its effect but still answers a press, which the kill may have
            # caught between the saved effect and the answer (the button would spin).
            super().put_nowait(Update.de_json(json.loads(body), bot))
        todo = len([uid for uid, _ in left if uid not in self.applied])
        if todo:
            log.warning("handling %d update(s) left unhandled by the previous run", todo)
        return todo


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

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """PTB's parsing, noting each update as sent for the inbox (PTB does not alter
        the data it builds an `Update` from)."""
        data = super().parse_json_payload(payload)
        result = data.get("result")
        if isinstance(result, list):
            self.queue.arrived(result)
        return data


async def _answer_again(update: Update) -> None:
    """A button press is answered even when its effect is not redone: a kill between the
    saved press and its answer would otherwise leave the button spinning. If it was
    answered already, Telegram refuses the second answer, which is fine."""
    if update.callback_query is None:
        return
    try:
        await update.callback_query.answer(texts.TAP_SAVED_BEFORE)
    except TelegramError as exc:
        log.info("press %s not answered again: %s", update.update_id, exc)


class BranchApplication(
    Application[ExtBot[Any], BranchContext, dict[Any, Any], dict[Any, Any], BotData, Any]
):
    """PTB's Application, marking each update handled in the inbox when done."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # What runs beside the updates (a view, `bot.commands.entry`; an error report),
        # until it ends: the test harness waits for these to settle.
        self.beside: set[asyncio.Task[Any]] = set()

    def create_task(self, coroutine: Any, update: object = None, *,
                    name: str | None = None) -> asyncio.Task[Any]:
        task: asyncio.Task[Any] = super().create_task(coroutine, update, name=name)
        self.beside.add(task)
        task.add_done_callback(self.beside.discard)
        return task

    async def process_update(self, update: object) -> None:
        queue = self.update_queue
        if not isinstance(update, Update) or not isinstance(queue, DurableQueue):
            await super().process_update(update)
            return
        uid = update.update_id
        if uid in queue.applied:
            log.info("update %s was handled before: not applied again", uid)
            await _answer_again(update)
            queue.handled(uid)
            return
        token = applying_update.set(uid)
        try:
            await super().process_update(update)
        finally:
            applying_update.reset(token)
            queue.handled(uid)
            await self._wipe_if_asked(uid)

    async def _wipe_if_asked(self, uid: int) -> None:
        """An anonymous vote or a shared phone number: remove the update's inbox row now
        and truncate the log (storage/db.py, "Leaving no trace")."""
        try:
            db = self.bot_data.deps.db
        except RuntimeError:  # shutting down: nothing was handled
            return
        if uid not in db.traceless:
            return
        db.traceless.discard(uid)
        queue = self.update_queue
        assert isinstance(queue, DurableQueue)
        await queue.flush()
        try:
            await db.forget_traces()
        except sqlite3.Error as exc:
            log.warning("could not truncate the write-ahead log: %s", exc)

    async def stop(self) -> None:
        """Stop, then forget the handled updates at once rather than at the next start."""
        await super().stop()
        if isinstance(self.update_queue, DurableQueue):
            await self.update_queue.flush()
