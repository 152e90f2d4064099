"""Suggestions (建言献策) with their handling status and reply, and good deeds."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from storage import audit
from storage.db import Database
from storage.models import SuggestionStatus


@dataclass(frozen=True)
class Suggestion:
    id: int
    person_id: int
    text: str
    status: SuggestionStatus
    reply: str | None


def _suggestion(r: sqlite3.Row) -> Suggestion:
    return Suggestion(r["id"], r["person_id"], r["text"], SuggestionStatus(r["status"]),
                      r["reply"])


class SuggestionRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, person_id: int, text: str, at: str,
                  recorded_by: int | None = None) -> int:
        async with self.db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO suggestions (person_id, text, created_at, updated_at, "
                "recorded_by) VALUES (?, ?, ?, ?, ?)", (person_id, text, at, at, recorded_by))

    async def get(self, suggestion_id: int) -> Suggestion | None:
        row = await self.db.fetchone("SELECT * FROM suggestions WHERE id = ?",
                                     (suggestion_id,))
        return _suggestion(row) if row else None

    async def recent(self, limit: int) -> list[Suggestion]:
        rows = await self.db.fetchall("SELECT * FROM suggestions ORDER BY id DESC LIMIT ?",
                                      (limit,))
        return [_suggestion(r) for r in rows]

    async def set_status(self, suggestion_id: int, status: SuggestionStatus, *,
                         reply: str | None,
                         at: str, actor_tg: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE suggestions SET status = ?, reply = coalesce(?, reply), "
                "updated_at = ? WHERE id = ?", (status, reply, at, suggestion_id))
            await audit.record(tx, at=at, actor_tg=actor_tg, action="suggestion",
                               detail=f"{suggestion_id}:{status}")

    async def count_in(self, statuses: tuple[str, ...]) -> int:
        marks = ", ".join("?" * len(statuses))
        row = await self.db.fetchone(
            f"SELECT count(*) FROM suggestions WHERE status IN ({marks})",  # noqa: S608 - marks only
            statuses)
        return int(row[0]) if row else 0

    async def count_since(self, day: str) -> int:
        row = await self.db.fetchone(
            "SELECT count(*) FROM suggestions WHERE created_at >= ?", (day,))
        return int(row[0]) if row else 0

    async def add_deed(self, person_id: int, text: str, done_on: str, recorded_by: int,
                       at: str) -> int:
        async with self.db.transaction() as tx:
            deed_id = await tx.insert(
                "INSERT INTO good_deeds (person_id, text, done_on, recorded_by, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (person_id, text, done_on, recorded_by, at))
            await audit.record(tx, at=at, actor_tg=None, action="deed",
                               subject_person=person_id, detail=f"by={recorded_by}")
        return deed_id

    async def deeds_since(self, day: str) -> list[tuple[int, str, str]]:
        rows = await self.db.fetchall(
            "SELECT person_id, text, done_on FROM good_deeds WHERE done_on >= ? "
            "ORDER BY done_on", (day,))
        return [(r["person_id"], r["text"], r["done_on"]) for r in rows]
