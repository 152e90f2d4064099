"""Chat ids that Telegram has changed under us (a group upgraded to a supergroup), and
who has left which chat."""

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

    async def departures(self) -> list[tuple[str, int]]:
        rows = await self.db.fetchall("SELECT kind, tg_user_id FROM chat_departures")
        return [(r["kind"], r["tg_user_id"]) for r in rows]

    async def departed(self, kind: str, tg_user_id: int, *, at: str) -> None:
        await self.db.write(
            "INSERT OR IGNORE INTO chat_departures (kind, tg_user_id, left_at) "
            "VALUES (?, ?, ?)", (kind, tg_user_id, at))

    async def returned(self, kind: str, tg_user_id: int) -> None:
        await self.db.write("DELETE FROM chat_departures WHERE kind = ? AND tg_user_id = ?",
                            (kind, tg_user_id))
