"""Anonymous surveys, 民主评议党员 among them (0028). See migration 0007 for why nothing here
can tie an answer to a person: `submit` records that someone voted and adds his choices to
running totals, in one transaction, and keeps a comment under a random key."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Database


@dataclass(frozen=True)
class Survey:
    id: int
    title: str
    questions: tuple[tuple[str, tuple[str, ...]], ...]
    comments: bool
    status: str
    subjects: tuple[int, ...] | None = None  # 民主评议: whom each question is about

    @property
    def is_appraisal(self) -> bool:
        return self.subjects is not None


class SurveyRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, title: str, questions: Sequence[tuple[str, Sequence[str]]],
                     comments: bool, *, created_by_tg: int, at: str,
                     subjects: Sequence[int] | None = None) -> int:
        async with self.db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO surveys (title, questions, comments, created_by_tg, created_at, "
                "subjects) VALUES (?, ?, ?, ?, ?, ?)",
                (title, json.dumps([[q, list(c)] for q, c in questions], ensure_ascii=False),
                 int(comments), created_by_tg, at,
                 json.dumps(list(subjects)) if subjects is not None else None))

    async def get(self, survey_id: int) -> Survey | None:
        row = await self.db.fetchone("SELECT * FROM surveys WHERE id = ?", (survey_id,))
        if row is None:
            return None
        questions = tuple((q, tuple(c)) for q, c in json.loads(row["questions"]))
        subjects = tuple(json.loads(row["subjects"])) if row["subjects"] else None
        return Survey(row["id"], row["title"], questions, bool(row["comments"]),
                      row["status"], subjects)

    async def recent(self, limit: int) -> list[Survey]:
        rows = await self.db.fetchall("SELECT id FROM surveys ORDER BY id DESC LIMIT ?",
                                      (limit,))
        found = [await self.get(r["id"]) for r in rows]
        return [s for s in found if s is not None]

    async def has_voted(self, survey_id: int, person_id: int) -> bool:
        row = await self.db.fetchone(
            "SELECT 1 FROM survey_voters WHERE survey_id = ? AND person_id = ?",
            (survey_id, person_id))
        return row is not None

    async def submit(self, survey_id: int, person_id: int, choices: Sequence[int],
                     comment: str | None, recorded_by: int | None = None) -> bool:
        """One answer per person; False if he had already answered or it is closed."""
        async with self.db.transaction() as tx:
            open_ = await tx.fetchone(
                "SELECT 1 FROM surveys WHERE id = ? AND status = 'open'", (survey_id,))
            if open_ is None:
                return False
            if not await tx.execute(
                    "INSERT OR IGNORE INTO survey_voters (survey_id, person_id, recorded_by) "
                    "VALUES (?, ?, ?)", (survey_id, person_id, recorded_by)):
                return False
            for question, choice in enumerate(choices):
                if choice < 0:  # not answered: a voter's own question in 民主评议
                    continue
                await tx.execute(
                    "INSERT INTO survey_tallies (survey_id, question, choice, votes) "
                    "VALUES (?, ?, ?, 1) ON CONFLICT (survey_id, question, choice) "
                    "DO UPDATE SET votes = votes + 1", (survey_id, question, choice))
            if comment:
                await tx.execute(
                    "INSERT INTO survey_comments (survey_id, shuffle, text) VALUES (?, ?, ?)",
                    (survey_id, secrets.token_hex(16), comment))
        return True

    async def close(self, survey_id: int, at: str) -> bool:
        async with self.db.transaction() as tx:
            return bool(await tx.execute(
                "UPDATE surveys SET status = 'closed', closed_at = ? "
                "WHERE id = ? AND status = 'open'", (at, survey_id)))

    async def voters(self, survey_id: int) -> int:
        row = await self.db.fetchone(
            "SELECT count(*) FROM survey_voters WHERE survey_id = ?", (survey_id,))
        return int(row[0]) if row else 0

    async def tallies(self, survey_id: int) -> dict[tuple[int, int], int]:
        rows = await self.db.fetchall(
            "SELECT question, choice, votes FROM survey_tallies WHERE survey_id = ?",
            (survey_id,))
        return {(r["question"], r["choice"]): r["votes"] for r in rows}

    async def comments(self, survey_id: int) -> list[str]:
        rows = await self.db.fetchall(
            "SELECT text FROM survey_comments WHERE survey_id = ? ORDER BY shuffle",
            (survey_id,))
        return [r["text"] for r in rows]
