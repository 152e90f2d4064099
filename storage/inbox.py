"""The durable inbox: updates received and not yet handled (see bot/inbox.py)."""

from __future__ import annotations

from storage.db import Database


class InboxRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, update_id: int, body: str) -> bool:
        """Keep an update until it is handled; False if it is already kept (Telegram
        delivering again an update the inbox already holds)."""
        return await self.db.write(
            "INSERT OR IGNORE INTO inbox (update_id, body) VALUES (?, ?)",
            (update_id, body)) == 1

    async def handled(self, update_id: int) -> None:
        await self.db.write("DELETE FROM inbox WHERE update_id = ?", (update_id,))

    async def pending(self) -> list[str]:
        rows = await self.db.fetchall("SELECT body FROM inbox ORDER BY update_id")
        return [r["body"] for r in rows]
