"""Visits, visit tasks and requests for help.

A task is raised once per trigger (`trigger_key` is unique) and closed by logging a visit:
`log_visits` writes the visits and closes, in the same transaction, every open task the
visit answers (same kind, or a contact task, which any visit satisfies; a phone call
satisfies only contact tasks).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from storage import audit
from storage.db import Database
from storage.models import HelpKind, HelpRequest, Visit, VisitKind, VisitTask

CONTACT = VisitKind.PHONE


def _task(r: sqlite3.Row) -> VisitTask:
    return VisitTask(id=r["id"], person_id=r["person_id"], kind=VisitKind(r["kind"]),
                     trigger_key=r["trigger_key"], assignee_id=r["assignee_id"],
                     due_on=r["due_on"], done_at=r["done_at"], cancelled_at=r["cancelled_at"],
                     escalated_at=r["escalated_at"], reminded_on=r["reminded_on"])


def _visit(r: sqlite3.Row) -> Visit:
    return Visit(id=r["id"], person_id=r["person_id"], kind=VisitKind(r["kind"]),
                 visited_on=r["visited_on"], recorded_by=r["recorded_by"],
                 companions=r["companions"], notes=r["notes"], gifts=r["gifts"],
                 money_yuan=r["money_yuan"], task_id=r["task_id"])


def _help(r: sqlite3.Row) -> HelpRequest:
    return HelpRequest(id=r["id"], person_id=r["person_id"], kind=HelpKind(r["kind"]),
                       text=r["text"],
                       created_at=r["created_at"], acknowledged_by=r["acknowledged_by"],
                       acknowledged_at=r["acknowledged_at"], escalated_at=r["escalated_at"],
                       resolved_at=r["resolved_at"], resolved_by=r["resolved_by"],
                       resolution=r["resolution"], reported_at=r["reported_at"],
                       reported_up_at=r["reported_up_at"])


class VisitRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- tasks --------------------------------------------------------------------------

    async def add_task(self, *, person_id: int, kind: str, key: str, assignee_id: int | None,
                       due_on: str, at: str) -> int | None:
        """Raise a task; None when this trigger already raised one."""
        async with self.db.transaction() as tx:
            exists = await tx.fetchone("SELECT 1 FROM visit_tasks WHERE trigger_key = ?", (key,))
            if exists:
                return None
            task_id = await tx.insert(
                "INSERT INTO visit_tasks (person_id, kind, trigger_key, assignee_id, due_on, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (person_id, kind, key, assignee_id, due_on, at))
            await audit.record(tx, at=at, actor_tg=None, action="task+",
                               subject_person=person_id, detail=f"{kind} {key}")
        return task_id

    async def task(self, task_id: int) -> VisitTask | None:
        row = await self.db.fetchone("SELECT * FROM visit_tasks WHERE id = ?", (task_id,))
        return _task(row) if row else None

    async def task_by_key(self, key: str) -> VisitTask | None:
        row = await self.db.fetchone("SELECT * FROM visit_tasks WHERE trigger_key = ?", (key,))
        return _task(row) if row else None

    async def open_tasks(self) -> list[VisitTask]:
        rows = await self.db.fetchall(
            "SELECT * FROM visit_tasks WHERE done_at IS NULL AND cancelled_at IS NULL "
            "ORDER BY due_on, id")
        return [_task(r) for r in rows]

    async def mark_reminded(self, task_ids: Sequence[int], day: str) -> None:
        async with self.db.transaction() as tx:
            await tx.executemany("UPDATE visit_tasks SET reminded_on = ? WHERE id = ?",
                                 [(day, t) for t in task_ids])

    async def escalate(self, task_id: int, at: str) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE visit_tasks SET escalated_at = ? WHERE id = ? AND escalated_at IS NULL",
                (at, task_id))
        return changed == 1

    async def cancel_open_tasks(self, person_id: int, *, keep_kinds: Sequence[str],
                                at: str) -> int:
        marks = ", ".join("?" * len(keep_kinds))
        async with self.db.transaction() as tx:
            return await tx.execute(
                f"UPDATE visit_tasks SET cancelled_at = ? WHERE person_id = ? "  # noqa: S608
                f"AND kind NOT IN ({marks}) AND done_at IS NULL AND cancelled_at IS NULL",
                (at, person_id, *keep_kinds))

    # -- visits -------------------------------------------------------------------------

    async def log_visits(
        self, person_ids: Sequence[int], *, kind: str, visited_on: str, recorded_by: int,
        companions: str | None, notes: str | None, gifts: str | None,
        money_yuan: int | None, task_id: int | None, at: str,
    ) -> list[int]:
        ids = []
        async with self.db.transaction() as tx:
            for person_id in person_ids:
                visit_id = await tx.insert(
                    "INSERT INTO visits (person_id, kind, visited_on, recorded_by, companions, "
                    "notes, gifts, money_yuan, task_id, created_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (person_id, kind, visited_on, recorded_by, companions, notes, gifts,
                     money_yuan, task_id, at))
                ids.append(visit_id)
                answers = (CONTACT,) if kind == CONTACT else (kind, CONTACT)
                await tx.execute(
                    "UPDATE visit_tasks SET done_at = ? WHERE person_id = ? "
                    "AND done_at IS NULL AND cancelled_at IS NULL "
                    "AND (kind IN (?, ?) OR id = ?)",
                    (at, person_id, answers[0], answers[-1], task_id or -1))
                await audit.record(tx, at=at, actor_tg=None, action="visit",
                                   subject_person=person_id, detail=f"{kind} by={recorded_by}")
        return ids

    async def visits_of(self, person_id: int) -> list[Visit]:
        rows = await self.db.fetchall(
            "SELECT * FROM visits WHERE person_id = ? ORDER BY visited_on DESC, id DESC",
            (person_id,))
        return [_visit(r) for r in rows]

    async def visits_between(self, start: str, end: str) -> list[Visit]:
        rows = await self.db.fetchall(
            "SELECT * FROM visits WHERE visited_on >= ? AND visited_on < ? "
            "ORDER BY visited_on, id", (start, end))
        return [_visit(r) for r in rows]

    async def visit_counts(self, start: str, end: str) -> tuple[
            dict[str, int], dict[int, int], int, int, int]:
        """Visits on days in [start, end), counted in SQL (a year of a large branch is
        12,000 rows): by kind, by visitor, people reached, money (yuan), with gifts."""
        where = "FROM visits WHERE visited_on >= ? AND visited_on < ?"
        kinds = {r[0]: r[1] for r in await self.db.fetchall(
            f"SELECT kind, count(*) {where} GROUP BY kind", (start, end))}
        visitors = {r[0]: r[1] for r in await self.db.fetchall(
            f"SELECT recorded_by, count(*) {where} GROUP BY recorded_by",
            (start, end))}
        row = await self.db.fetchone(
            "SELECT count(DISTINCT person_id), coalesce(sum(money_yuan), 0), "
            f"count(nullif(gifts, '')) {where}", (start, end))
        assert row is not None
        return kinds, visitors, row[0], row[1], row[2]

    async def last_contacts(self) -> dict[int, str]:
        """Each person's latest visit or call date (any kind counts as contact)."""
        rows = await self.db.fetchall(
            "SELECT person_id, max(visited_on) AS last FROM visits GROUP BY person_id")
        return {r["person_id"]: r["last"] for r in rows}

    # -- help requests ------------------------------------------------------------------

    async def add_help(self, person_id: int, kind: str, text: str | None, at: str) -> int:
        async with self.db.transaction() as tx:
            help_id = await tx.insert(
                "INSERT INTO help_requests (person_id, kind, text, created_at) "
                "VALUES (?, ?, ?, ?)", (person_id, kind, text, at))
            await audit.record(tx, at=at, actor_tg=None, action="help",
                               subject_person=person_id, detail=kind)
        return help_id

    async def help_request(self, help_id: int) -> HelpRequest | None:
        row = await self.db.fetchone("SELECT * FROM help_requests WHERE id = ?", (help_id,))
        return _help(row) if row else None

    async def open_help(self) -> list[HelpRequest]:
        rows = await self.db.fetchall(
            "SELECT * FROM help_requests WHERE acknowledged_at IS NULL ORDER BY id")
        return [_help(r) for r in rows]

    async def acknowledge_help(self, help_id: int, by: int, at: str) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE help_requests SET acknowledged_by = ?, acknowledged_at = ? "
                "WHERE id = ? AND acknowledged_at IS NULL", (by, at, help_id))
        return changed == 1

    async def unresolved_help(self) -> list[HelpRequest]:
        rows = await self.db.fetchall(
            "SELECT * FROM help_requests WHERE resolved_at IS NULL ORDER BY id")
        return [_help(r) for r in rows]

    async def resolve_help(self, help_id: int, by: int, at: str, actor_tg: int) -> bool:
        """Resolved (contacted too, if nobody had said so); False when it already was."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE help_requests SET resolved_at = ?, resolved_by = ?, "
                "acknowledged_at = coalesce(acknowledged_at, ?), "
                "acknowledged_by = coalesce(acknowledged_by, ?) "
                "WHERE id = ? AND resolved_at IS NULL", (at, by, at, by, help_id))
            if changed:
                await audit.record(tx, at=at, actor_tg=actor_tg, action="help-resolved",
                                   detail=str(help_id))
        return changed == 1

    async def note_resolution(self, help_id: int, text: str) -> None:
        await self.db.write("UPDATE help_requests SET resolution = ? WHERE id = ?",
                            (text, help_id))

    async def report_help(self, help_id: int, *, up: bool, at: str, actor_tg: int) -> bool:
        """Handed to the secretary, or (`up`) on to the Party committee above; once each."""
        column = "reported_up_at" if up else "reported_at"
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE help_requests SET {column} = ? "  # noqa: S608  (one of two names)
                f"WHERE id = ? AND {column} IS NULL AND resolved_at IS NULL", (at, help_id))
            if changed:
                await audit.record(tx, at=at, actor_tg=actor_tg, action=f"help-{column}",
                                   detail=str(help_id))
        return changed == 1

    async def escalate_help(self, help_id: int, at: str) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE help_requests SET escalated_at = ? WHERE id = ? "
                "AND acknowledged_at IS NULL AND escalated_at IS NULL", (at, help_id))
        return changed == 1
