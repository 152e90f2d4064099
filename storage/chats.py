"""Chat ids that Telegram has changed under us (a group upgraded to a supergroup)."""

from __future__ import annotations

from storage.db import Database


class ChatRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def overrides(self) -> dict[str, int]:
        rows = await self.db.fetchall("SELECT kind, chat_id FROM chat_ids")
        return {r["kind"]: r["chat_id"] for r in rows}

    async def set(self, kind: str, chat_id: int, *, at: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO chat_ids (kind, chat_id, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (kind) DO UPDATE SET chat_id = excluded.chat_id, "
                "updated_at = excluded.updated_at",
                (kind, chat_id, at),
            )
