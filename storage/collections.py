"""Collections (信息统计) and their answers: one row per person, replaced on change."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from storage.db import Database


@dataclass(frozen=True)
class Collection:
    id: int
    title: str
    questions: tuple[tuple[str, str, tuple[str, ...]], ...]  # text, kind, choices
    audience: str
    group_id: int | None
    deadline: str


@dataclass(frozen=True)
class Answer:
    person_id: int
    answers: tuple[Any, ...]
    recorded_by: int


class CollectionRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, title: str, questions: Sequence[tuple[str, str, Sequence[str]]],
                     audience: str, group_id: int | None, deadline: str, *,
                     created_by_tg: int, at: str) -> int:
        async with self.db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO collections (title, questions, audience, group_id, deadline, "
                "created_by_tg, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (title, json.dumps([[q, k, list(c)] for q, k, c in questions],
                                   ensure_ascii=False), audience, group_id, deadline,
                 created_by_tg, at))

    async def get(self, collection_id: int) -> Collection | None:
        r = await self.db.fetchone("SELECT * FROM collections WHERE id = ?", (collection_id,))
        if r is None:
            return None
        questions = tuple((q, k, tuple(c)) for q, k, c in json.loads(r["questions"]))
        return Collection(r["id"], r["title"], questions, r["audience"], r["group_id"],
                          r["deadline"])

    async def recent(self, limit: int) -> list[Collection]:
        rows = await self.db.fetchall("SELECT id FROM collections ORDER BY id DESC LIMIT ?",
                                      (limit,))
        found = [await self.get(r["id"]) for r in rows]
        return [c for c in found if c is not None]

    async def save(self, collection_id: int, person_id: int, answers: Sequence[Any], *,
                   recorded_by: int, at: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO collection_answers (collection_id, person_id, answers, "
                "recorded_by, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (collection_id, "
                "person_id) DO UPDATE SET answers = excluded.answers, "
                "recorded_by = excluded.recorded_by, at = excluded.at",
                (collection_id, person_id, json.dumps(list(answers), ensure_ascii=False),
                 recorded_by, at))

    async def answers(self, collection_id: int) -> dict[int, Answer]:
        rows = await self.db.fetchall(
            "SELECT * FROM collection_answers WHERE collection_id = ?", (collection_id,))
        return {r["person_id"]: Answer(r["person_id"], tuple(json.loads(r["answers"])),
                                       r["recorded_by"]) for r in rows}
