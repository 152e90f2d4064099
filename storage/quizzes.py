"""Quizzes, their questions, and each member's attempts and answers.

An attempt asks one question at a time: `set_poll` records which poll asks the current
question, and `answer` records the answer to that poll once (Telegram may deliver the
same answer twice) and moves the attempt on.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from storage import audit
from storage.db import Database
from storage.models import Attempt, Quiz, QuizQuestion


def _attempt(r: sqlite3.Row) -> Attempt:
    return Attempt(id=r["id"], quiz_id=r["quiz_id"], person_id=r["person_id"],
                   position=r["position"], poll_id=r["poll_id"], score=r["score"],
                   finished=r["finished_at"] is not None)


class QuizRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(self, *, title: str, questions: Sequence[QuizQuestion], pass_percent: int,
                     retakes: bool, created_by_tg: int, at: str) -> int:
        async with self.db.transaction() as tx:
            quiz_id = await tx.insert(
                "INSERT INTO quizzes (title, pass_percent, retakes, created_by_tg, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (title, pass_percent, int(retakes), created_by_tg, at))
            await tx.executemany(
                "INSERT INTO quiz_questions (quiz_id, position, question, options, answer, "
                "explanation) VALUES (?, ?, ?, ?, ?, ?)",
                [(quiz_id, q.position, q.question, json.dumps(q.options, ensure_ascii=False),
                  q.answer, q.explanation) for q in questions])
            await audit.record(tx, at=at, actor_tg=created_by_tg, action="quiz+",
                               detail=f"{quiz_id} ({len(questions)})")
        return quiz_id

    async def get(self, quiz_id: int) -> Quiz | None:
        row = await self.db.fetchone("SELECT * FROM quizzes WHERE id = ?", (quiz_id,))
        if row is None:
            return None
        rows = await self.db.fetchall(
            "SELECT * FROM quiz_questions WHERE quiz_id = ? ORDER BY position", (quiz_id,))
        questions = tuple(QuizQuestion(r["position"], r["question"],
                                       tuple(json.loads(r["options"])), r["answer"],
                                       r["explanation"]) for r in rows)
        return Quiz(row["id"], row["title"], row["pass_percent"], bool(row["retakes"]),
                    questions)

    async def recent(self, limit: int) -> list[Quiz]:
        rows = await self.db.fetchall("SELECT id FROM quizzes ORDER BY id DESC LIMIT ?",
                                      (limit,))
        found = [await self.get(r["id"]) for r in rows]
        return [q for q in found if q is not None]

    async def set_retakes(self, quiz_id: int, allowed: bool) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE quizzes SET retakes = ? WHERE id = ?",
                             (int(allowed), quiz_id))

    async def attempts(self, quiz_id: int, person_id: int | None = None) -> list[Attempt]:
        if person_id is None:
            rows = await self.db.fetchall(
                "SELECT * FROM quiz_attempts WHERE quiz_id = ? ORDER BY id", (quiz_id,))
        else:
            rows = await self.db.fetchall(
                "SELECT * FROM quiz_attempts WHERE quiz_id = ? AND person_id = ? ORDER BY id",
                (quiz_id, person_id))
        return [_attempt(r) for r in rows]

    async def paper_score(self, quiz_id: int, person_id: int, score: int, *, at: str,
                          recorded_by: int, actor_tg: int) -> bool:
        """A quiz done on paper, its score entered by a leader; False when the member
        already has a finished attempt (a repeat entry changes nothing)."""
        async with self.db.transaction() as tx:
            if await tx.fetchone("SELECT 1 FROM quiz_attempts WHERE quiz_id = ? AND "
                                 "person_id = ? AND finished_at IS NOT NULL",
                                 (quiz_id, person_id)):
                return False
            await tx.insert(
                "INSERT INTO quiz_attempts (quiz_id, person_id, started_at, finished_at, "
                "score, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
                (quiz_id, person_id, at, at, score, recorded_by))
            await audit.record(tx, at=at, actor_tg=actor_tg, action="quiz-paper",
                               subject_person=person_id, detail=f"quiz={quiz_id}")
        return True

    async def start(self, quiz_id: int, person_id: int, at: str) -> int:
        async with self.db.transaction() as tx:
            return await tx.insert(
                "INSERT INTO quiz_attempts (quiz_id, person_id, started_at) VALUES (?, ?, ?)",
                (quiz_id, person_id, at))

    async def set_poll(self, attempt_id: int, poll_id: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE quiz_attempts SET poll_id = ? WHERE id = ?",
                             (poll_id, attempt_id))

    async def by_poll(self, poll_id: str) -> Attempt | None:
        row = await self.db.fetchone("SELECT * FROM quiz_attempts WHERE poll_id = ?",
                                     (poll_id,))
        return _attempt(row) if row else None

    async def answer(self, attempt: Attempt, option: int, correct: bool, *, last: bool,
                     at: str) -> bool:
        """Record the answer to the current question and move on; False if this poll's
        answer was already recorded."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "INSERT OR IGNORE INTO quiz_answers (attempt_id, position, option, correct) "
                "VALUES (?, ?, ?, ?)", (attempt.id, attempt.position, option, int(correct)))
            if not changed:
                return False
            await tx.execute(
                "UPDATE quiz_attempts SET score = score + ?, position = position + 1, "
                "poll_id = NULL, finished_at = CASE WHEN ? THEN ? END WHERE id = ?",
                (int(correct), int(last), at, attempt.id))
        return True
