"""The durable inbox: updates received and not yet handled (see bot/inbox.py)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from storage.db import Database

_CHUNK = 400  # rows per statement, well under SQLite's limit on bound parameters


class InboxRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def sync(self, keep: Mapping[int, str], drop: Iterable[int]) -> None:
        """Keep these updates (id -> JSON) and forget those. Each is one statement (one
        round trip, atomic on its own); the two need not be atomic together."""
        rows = list(keep.items())
        for i in range(0, len(rows), _CHUNK):
            chunk = rows[i:i + _CHUNK]
            values = ", ".join("(?, ?)" for _ in chunk)  # placeholders only
            await self.db.write(
                f"INSERT OR IGNORE INTO inbox (update_id, body) VALUES {values}",  # noqa: S608
                [v for row in chunk for v in row])
        ids = list(drop)
        for i in range(0, len(ids), _CHUNK):
            some = ids[i:i + _CHUNK]
            marks = ", ".join("?" * len(some))  # placeholders only
            await self.db.write(
                f"DELETE FROM inbox WHERE update_id IN ({marks})", some)  # noqa: S608

    async def pending(self) -> list[tuple[int, str]]:
        rows = await self.db.fetchall("SELECT update_id, body FROM inbox ORDER BY update_id")
        return [(r["update_id"], r["body"]) for r in rows]
