"""The durable inbox (bot/inbox.py), fed updates directly: an update handled within the
grace period is never written; one still unhandled when the next poll goes out is in
the table before it, and is removed once handled."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Update

from bot.inbox import DurableQueue, FlushingRequest
from storage.db import Database
from storage.inbox import InboxRepo


@pytest.fixture
async def inbox(tmp_path: Path) -> AsyncIterator[tuple[InboxRepo, list[str]]]:
    db = await Database.open(tmp_path / "inbox.db")
    statements: list[str] = []
    await db.connection.set_trace_callback(
        lambda sql: statements.append(sql) if "inbox" in sql else None)
    yield InboxRepo(db), statements
    await db.close()


def _update(uid: int) -> Update:
    return Update(uid)


async def test_an_update_handled_within_the_grace_is_never_written(
    inbox: tuple[InboxRepo, list[str]],
) -> None:
    repo, statements = inbox
    queue = DurableQueue(grace=60.0)  # ends as soon as the update is handled
    queue.inbox = repo
    await queue.put(_update(1))
    assert queue.get_nowait().update_id == 1  # type: ignore[attr-defined]
    flushing = asyncio.create_task(queue.flush())  # the next poll is about to go out
    await asyncio.sleep(0)  # one turn of the loop: the flush is now waiting
    assert not flushing.done()
    queue.handled(1)
    await flushing
    assert await repo.pending() == []
    assert not any("INSERT" in s or "DELETE" in s for s in statements), statements


async def test_an_update_not_handled_in_time_is_written_then_removed(
    inbox: tuple[InboxRepo, list[str]],
) -> None:
    repo, statements = inbox
    queue = DurableQueue(grace=0.0)  # the handler is slow: the grace has run out
    queue.inbox = repo
    await queue.put(_update(1))
    await queue.put(_update(2))
    queue.handled(1)
    await queue.flush()
    [(uid, body)] = await repo.pending()
    restored = Update.de_json(json.loads(body), None)
    assert uid == 2 and restored is not None and restored.update_id == 2
    queue.handled(2)
    await queue.flush()
    assert await repo.pending() == []
    assert sum("INSERT" in s for s in statements) == 1
    assert sum("DELETE" in s for s in statements) == 1


async def test_a_press_that_took_effect_before_a_kill_is_queued_to_be_answered(
    inbox: tuple[InboxRepo, list[str]],
) -> None:
    """Found by tests/test_crash_month.py under load: a kill after a check-in was saved but
    before its answer left the press in the inbox *and* recorded as applied; the next
    start dropped it unanswered, so the member's button spun. It is queued again:
    `process_update` skips its effect and answers it (test_exactly_once.py)."""
    repo, _ = inbox
    press = {"update_id": 7, "callback_query": {
        "id": "q7", "chat_instance": "1", "data": "att:ci:1",
        "from": {"id": 9003, "is_bot": False, "first_name": "李"}}}
    await repo.sync({7: json.dumps(press)}, ())
    await repo.sync({8: json.dumps({"update_id": 8})}, ())
    await repo.db.write("INSERT INTO applied_updates (update_id) VALUES (7)")
    queue = DurableQueue()
    todo = await queue.attach(repo, None)  # type: ignore[arg-type]
    assert todo == 1  # only update 8 is still to be applied
    queued = [queue.get_nowait(), queue.get_nowait()]
    assert [u.update_id for u in queued] == [7, 8]  # type: ignore[attr-defined]
    assert 7 in queue.applied  # so its effect is skipped, and the press answered


async def test_a_polled_update_is_written_as_telegram_sent_it(
    inbox: tuple[InboxRepo, list[str]],
) -> None:
    """The inbox keeps the update's JSON as it came from `getUpdates`, not PTB's rendering
    of it again (`Update.to_dict` was the bot's largest cost per tap at saturation,
    docs/PERFORMANCE.md §s9); a restart reads it back into the same update."""
    repo, _ = inbox
    queue = DurableQueue(grace=0.0)
    queue.inbox = repo
    press = {"update_id": 41, "callback_query": {
        "id": "q41", "chat_instance": "1", "data": "att:ci:3",
        "from": {"id": 9003, "is_bot": False, "first_name": "李"}}}
    payload = json.dumps({"ok": True, "result": [press]}).encode()
    request = FlushingRequest(queue)
    [item] = request.parse_json_payload(payload)["result"]
    update = Update.de_json(item, None)
    assert item == press  # PTB built the update without altering what it was given
    await queue.put(update)
    await queue.flush()
    [(uid, body)] = await repo.pending()
    assert uid == 41 and body == json.dumps(press, ensure_ascii=False)
    again = Update.de_json(json.loads(body), None)
    assert again.callback_query is not None and again.callback_query.data == "att:ci:3"
    queue.handled(41)
    await queue.flush()
    assert await repo.pending() == [] and not queue._raw
