"""The desk's login links and sessions (bot/services/desk.py decides what they mean)."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from storage import audit
from storage.db import Database


@dataclass(frozen=True)
class DeskSessionRow:
    person_id: int
    roles: str
    csrf: str
    expires_at: str
    ended_at: str | None


class DeskRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def key(self) -> str:
        """The cookie-signing key, made on first use."""
        await self.db.write("INSERT OR IGNORE INTO desk_key (id, key) VALUES (1, ?)",
                            (secrets.token_hex(32),))
        row = await self.db.fetchone("SELECT key FROM desk_key WHERE id = 1")
        assert row is not None
        return str(row["key"])

    async def add_link(self, token_hash: str, person_id: int, at: str, expires_at: str) -> None:
        await self.db.write(
            "INSERT INTO desk_links (token_hash, person_id, created_at, expires_at) "
            "VALUES (?, ?, ?, ?)", (token_hash, person_id, at, expires_at))

    async def link(self, token_hash: str) -> sqlite3.Row | None:
        return await self.db.fetchone("SELECT * FROM desk_links WHERE token_hash = ?",
                                      (token_hash,))

    async def redeem(self, token_hash: str, at: str, id_hash: str, roles: str, csrf: str,
                     expires_at: str, actor_tg: int) -> int | None:
        """Use the link once and begin a session, in one transaction; the person's id, or
        None when the link was used or expired meanwhile."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT person_id FROM desk_links WHERE token_hash = ? AND used_at IS NULL "
                "AND expires_at > ?", (token_hash, at))
            if row is None:
                return None
            person_id = int(row["person_id"])
            await tx.execute("UPDATE desk_links SET used_at = ? WHERE token_hash = ?",
                             (at, token_hash))
            await tx.execute(
                "INSERT INTO desk_sessions (id_hash, person_id, roles, csrf, created_at, "
                "expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                (id_hash, person_id, roles, csrf, at, expires_at))
            await audit.record(tx, at=at, actor_tg=actor_tg, action="desk_login",
                               subject_person=person_id)
        return person_id

    async def session(self, id_hash: str) -> DeskSessionRow | None:
        row = await self.db.fetchone("SELECT * FROM desk_sessions WHERE id_hash = ?",
                                     (id_hash,))
        if row is None:
            return None
        return DeskSessionRow(row["person_id"], row["roles"], row["csrf"], row["expires_at"],
                              row["ended_at"])

    async def end(self, id_hash: str, at: str, why: str, actor_tg: int | None) -> None:
        async with self.db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT person_id FROM desk_sessions WHERE id_hash = ? AND ended_at IS NULL",
                (id_hash,))
            if row is None:
                return
            await tx.execute("UPDATE desk_sessions SET ended_at = ? WHERE id_hash = ?",
                             (at, id_hash))
            await audit.record(tx, at=at, actor_tg=actor_tg, action="desk_logout",
                               subject_person=int(row["person_id"]), detail=why)
