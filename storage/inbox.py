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

    async def applied(self) -> set[int]:
        """Ids of the updates whose effect is in the database (storage/db.py)."""
        rows = await self.db.fetchall("SELECT update_id FROM applied_updates")
        return {int(r["update_id"]) for r in rows}

    async def was_applied(self, update_id: int) -> bool:
        """Whether handling this update wrote something that is now saved."""
        row = await self.db.fetchone(
            "SELECT 1 FROM applied_updates WHERE update_id = ?", (update_id,))
        return row is not None

    async def forget_applied(self, older_than_seconds: int) -> None:
        """Forget records older than this: Telegram delivers an update again for a day at
        most, and after a week of silence may number new updates anywhere."""
        await self.db.write(
            "DELETE FROM applied_updates "
            "WHERE at < CAST(strftime('%s', 'now') AS INTEGER) - ?", (older_than_seconds,))

    async def pending(self) -> list[tuple[int, str]]:
        rows = await self.db.fetchall("SELECT update_id, body FROM inbox ORDER BY update_id")
        return [(r["update_id"], r["body"]) for r in rows]
