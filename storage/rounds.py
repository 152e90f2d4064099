"""Phone rounds (电话转达): one message passed on by the leaders to the members who have no
linked account, each call's outcome recorded once it is made."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from storage import audit
from storage.db import Database
from storage.models import CallOutcome, RoundKind


@dataclass(frozen=True)
class Round:
    id: int
    key: str
    kind: RoundKind
    what: str
    direct: int  # the audience the bot reached itself
    created_at: str
    told_at: str | None  # when the leaders were sent their lists


@dataclass(frozen=True)
class Call:
    round_id: int
    person_id: int
    assignee_id: int | None
    outcome: CallOutcome | None
    recorded_by: int | None


def _round(r: sqlite3.Row) -> Round:
    return Round(r["id"], r["key"], RoundKind(r["kind"]), r["what"], r["direct"],
                 r["created_at"], r["told_at"])


def _call(r: sqlite3.Row) -> Call:
    return Call(r["round_id"], r["person_id"], r["assignee_id"],
                CallOutcome(r["outcome"]) if r["outcome"] else None, r["recorded_by"])


class RoundRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def open(self, key: str, kind: RoundKind, what: str, direct: int,
                   calls: Sequence[tuple[int, int | None]], at: str) -> tuple[Round, bool]:
        """The round under `key`, made now with its calls (person, assignee) unless it
        exists; True when it was made by this call."""
        async with self.db.transaction() as tx:
            row = await tx.fetchone("SELECT * FROM rounds WHERE key = ?", (key,))
            if row is not None:
                return _round(row), False
            round_id = await tx.insert(
                "INSERT INTO rounds (key, kind, what, direct, created_at) "
                "VALUES (?, ?, ?, ?, ?)", (key, kind, what, direct, at))
            await tx.executemany(
                "INSERT INTO round_calls (round_id, person_id, assignee_id) VALUES (?, ?, ?)",
                [(round_id, person_id, assignee) for person_id, assignee in calls])
            made = await tx.fetchone("SELECT * FROM rounds WHERE id = ?", (round_id,))
        assert made is not None
        return _round(made), True

    async def mark_told(self, round_id: int, at: str) -> None:
        await self.db.write("UPDATE rounds SET told_at = ? WHERE id = ?", (at, round_id))

    async def get(self, round_id: int) -> Round | None:
        row = await self.db.fetchone("SELECT * FROM rounds WHERE id = ?", (round_id,))
        return _round(row) if row else None

    async def by_key(self, key: str) -> Round | None:
        row = await self.db.fetchone("SELECT * FROM rounds WHERE key = ?", (key,))
        return _round(row) if row else None

    async def calls(self, round_id: int) -> list[Call]:
        rows = await self.db.fetchall(
            "SELECT * FROM round_calls WHERE round_id = ? ORDER BY person_id", (round_id,))
        return [_call(r) for r in rows]

    async def record(self, round_id: int, person_id: int, outcome: CallOutcome,
                     recorded_by: int, at: str, actor_tg: int) -> bool:
        """Record a call; a member reached stays reached (a repeat tap changes nothing),
        one not reached may be tried again. False when nothing changed."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE round_calls SET outcome = ?, recorded_by = ?, at = ? "
                "WHERE round_id = ? AND person_id = ? "
                "AND (outcome IS NULL OR outcome = 'unreached') AND outcome IS NOT ?",
                (outcome, recorded_by, at, round_id, person_id, outcome))
            if changed:
                await audit.record(tx, at=at, actor_tg=actor_tg, action="call",
                                   subject_person=person_id,
                                   detail=f"round={round_id} {outcome} by={recorded_by}")
        return bool(changed)

    async def between(self, start: str, end: str) -> list[tuple[Round, list[Call]]]:
        """Rounds made in [start, end] with their calls, for the digest and the report."""
        rows = await self.db.fetchall(
            "SELECT * FROM rounds WHERE created_at >= ? AND created_at <= ? ORDER BY id",
            (start, end))
        return [(_round(r), await self.calls(r["id"])) for r in rows]
