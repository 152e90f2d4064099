"""Meetings, their attendance and the make-up tasks that closing them creates.

`record` writes one tap: insert, or change an existing answer only where the branch's
rules allow it (the service decides; this layer only does it atomically). `close` freezes
a meeting in one transaction: absentees written, make-up tasks created, status closed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from storage import audit
from storage.db import Database
from storage.models import (
    Attendance,
    LeaveReason,
    Makeup,
    MakeupMethod,
    Meeting,
    MeetingKind,
    MeetingSeries,
)


def _meeting(r: sqlite3.Row) -> Meeting:
    return Meeting(
        id=r["id"], kind=MeetingKind(r["kind"]), topic=r["topic"], group_id=r["group_id"],
        starts_at=r["starts_at"], ends_at=r["ends_at"], place=r["place"], status=r["status"],
        created_by_tg=r["created_by_tg"], card_chat_id=r["card_chat_id"],
        card_message_id=r["card_message_id"], eve_reminded_at=r["eve_reminded_at"],
        soon_reminded_at=r["soon_reminded_at"], series_id=r["series_id"],
    )


def _series(r: sqlite3.Row) -> MeetingSeries:
    return MeetingSeries(id=r["id"], kind=MeetingKind(r["kind"]), group_id=r["group_id"],
                         nth=r["nth"], weekday=r["weekday"], start_time=r["start_time"],
                         place=r["place"], topic=r["topic"], stopped_at=r["stopped_at"])


def _attendance(r: sqlite3.Row) -> Attendance:
    return Attendance(meeting_id=r["meeting_id"], person_id=r["person_id"], status=r["status"],
                      reason=LeaveReason(r["reason"]) if r["reason"] else None,
                      recorded_by=r["recorded_by"], at=r["at"])


def _makeup(r: sqlite3.Row) -> Makeup:
    return Makeup(id=r["id"], meeting_id=r["meeting_id"], person_id=r["person_id"],
                  assignee_id=r["assignee_id"],
                  method=MakeupMethod(r["method"]) if r["method"] else None, done_on=r["done_on"])


class MeetingRepo:
    """Meetings, attendance and make-up tasks.

    `get` is on every button tap's path, so meetings read by id are kept in memory. This
    repository is the only writer of the meetings table (the command-line tools only read
    it; a restore needs the bot stopped), and each of its writes drops the meeting from
    memory when done. A read that overlapped a write is not kept (`_version`)."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._known: dict[int, Meeting] = {}
        self._version = 0

    @contextmanager
    def _changing(self, meeting_id: int) -> Iterator[None]:
        try:
            yield
        finally:
            self._version += 1
            self._known.pop(meeting_id, None)

    async def create(
        self, *, kind: str, topic: str, group_id: int | None, starts_at: str, ends_at: str,
        place: str, created_by_tg: int, at: str, series_id: int | None = None,
    ) -> int | None:
        """The new meeting's id; None when the series already has a meeting at that start
        (an occurrence planned twice is made once)."""
        async with self.db.transaction() as tx:
            if series_id is not None and await tx.fetchone(
                    "SELECT 1 FROM meetings WHERE series_id = ? AND starts_at = ?",
                    (series_id, starts_at)):
                return None
            meeting_id = await tx.insert(
                "INSERT INTO meetings (kind, topic, group_id, starts_at, ends_at, place, "
                "created_by_tg, created_at, series_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, topic, group_id, starts_at, ends_at, place, created_by_tg, at,
                 series_id),
            )
            await audit.record(tx, at=at, actor_tg=created_by_tg, action="meeting+",
                               detail=str(meeting_id))
        return meeting_id

    async def create_series(self, *, kind: str, group_id: int | None, nth: int, weekday: int,
                            start_time: str, place: str, topic: str, created_by_tg: int,
                            at: str) -> int:
        async with self.db.transaction() as tx:
            series_id = await tx.insert(
                "INSERT INTO meeting_series (kind, group_id, nth, weekday, start_time, place, "
                "topic, created_by_tg, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, group_id, nth, weekday, start_time, place, topic, created_by_tg, at))
            await audit.record(tx, at=at, actor_tg=created_by_tg, action="series+",
                               detail=str(series_id))
        return series_id

    async def series(self, series_id: int) -> MeetingSeries | None:
        row = await self.db.fetchone("SELECT * FROM meeting_series WHERE id = ?", (series_id,))
        return _series(row) if row else None

    async def running_series(self) -> list[MeetingSeries]:
        rows = await self.db.fetchall(
            "SELECT * FROM meeting_series WHERE stopped_at IS NULL ORDER BY id")
        return [_series(r) for r in rows]

    async def stop_series(self, series_id: int, *, at: str, actor_tg: int) -> bool:
        """Stop making occurrences; False if it was stopped already."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE meeting_series SET stopped_at = ? WHERE id = ? AND stopped_at IS NULL",
                (at, series_id))
            if changed:
                await audit.record(tx, at=at, actor_tg=actor_tg, action="series-",
                                   detail=str(series_id))
        return bool(changed)

    async def get(self, meeting_id: int) -> Meeting | None:
        known = self._known.get(meeting_id)
        if known is not None:
            return known
        version = self._version
        row = await self.db.fetchone("SELECT * FROM meetings WHERE id = ?", (meeting_id,))
        m = _meeting(row) if row else None
        if m is not None and version == self._version:
            self._known[meeting_id] = m
        return m

    async def active(self) -> list[Meeting]:
        """Scheduled or open meetings, soonest first."""
        rows = await self.db.fetchall(
            "SELECT * FROM meetings WHERE status IN ('scheduled', 'open') ORDER BY starts_at")
        return [_meeting(r) for r in rows]

    async def between(self, start: str, end: str) -> list[Meeting]:
        rows = await self.db.fetchall(
            "SELECT * FROM meetings WHERE starts_at >= ? AND starts_at < ? "
            "AND status != 'cancelled' ORDER BY starts_at", (start, end))
        return [_meeting(r) for r in rows]

    async def recent_places(self, limit: int) -> list[tuple[str, int]]:
        """The places of the latest meetings, newest first, each with one meeting id."""
        rows = await self.db.fetchall(
            "SELECT place, max(id) AS mid FROM meetings GROUP BY place "
            "ORDER BY mid DESC LIMIT ?", (limit,))
        return [(r["place"], r["mid"]) for r in rows]

    async def update_details(
        self, meeting_id: int, *, starts_at: str, ends_at: str, place: str, topic: str,
        at: str, actor_tg: int,
    ) -> None:
        with self._changing(meeting_id):
            async with self.db.transaction() as tx:
                # A new time means the reminders are due again.
                await tx.execute(
                    "UPDATE meetings SET starts_at = ?, ends_at = ?, place = ?, topic = ?, "
                    "eve_reminded_at = CASE WHEN starts_at = ? THEN eve_reminded_at END, "
                    "soon_reminded_at = CASE WHEN starts_at = ? THEN soon_reminded_at END "
                    "WHERE id = ?",
                    (starts_at, ends_at, place, topic, starts_at, starts_at, meeting_id))
                await audit.record(tx, at=at, actor_tg=actor_tg, action="meeting~",
                                   detail=str(meeting_id))

    async def set_status(self, meeting_id: int, status: str, *, at: str,
                         actor_tg: int | None) -> None:
        column = {"open": "opened_at", "closed": "closed_at"}.get(status)
        with self._changing(meeting_id):
            async with self.db.transaction() as tx:
                if column:
                    await tx.execute(
                        f"UPDATE meetings SET status = ?, {column} = ? WHERE id = ?",  # noqa: S608
                        (status, at, meeting_id))
                else:
                    await tx.execute("UPDATE meetings SET status = ? WHERE id = ?",
                                     (status, meeting_id))
                await audit.record(tx, at=at, actor_tg=actor_tg, action=f"meeting:{status}",
                                   detail=str(meeting_id))

    async def set_card(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        with self._changing(meeting_id):
            async with self.db.transaction() as tx:
                await tx.execute(
                    "UPDATE meetings SET card_chat_id = ?, card_message_id = ? WHERE id = ?",
                    (chat_id, message_id, meeting_id))

    async def mark_reminded(self, meeting_id: int, which: str, at: str) -> bool:
        """Claim a reminder; False when it was already sent (restart-safe)."""
        column = {"eve": "eve_reminded_at", "soon": "soon_reminded_at"}[which]
        with self._changing(meeting_id):
            async with self.db.transaction() as tx:
                changed = await tx.execute(
                    f"UPDATE meetings SET {column} = ? WHERE id = ? AND {column} IS NULL",  # noqa: S608
                    (at, meeting_id))
            return changed == 1

    # -- attendance -----------------------------------------------------------------------

    async def attendance(self, meeting_id: int) -> list[Attendance]:
        rows = await self.db.fetchall(
            "SELECT * FROM attendance WHERE meeting_id = ? ORDER BY at", (meeting_id,))
        return [_attendance(r) for r in rows]

    async def answer_of(self, meeting_id: int, person_id: int) -> Attendance | None:
        row = await self.db.fetchone(
            "SELECT * FROM attendance WHERE meeting_id = ? AND person_id = ?",
            (meeting_id, person_id))
        return _attendance(row) if row else None

    async def record(
        self, meeting_id: int, person_id: int, status: str, *, at: str,
        recorded_by: int | None, replace: Sequence[str] = (), reason: str | None = None,
    ) -> Attendance | None:
        """Write an answer in one statement; its audit row is written by a trigger in the
        same statement (migration 0014), so a tap costs one round trip to SQLite's thread.

        An existing answer is replaced only when its status is in `replace` and differs
        from the new one. Returns None when this answer was saved; otherwise the answer
        that was already there and stands (read again: only repeat taps pay for it)."""
        conflict = "DO NOTHING"
        if replace:
            marks = ", ".join("?" * len(replace))
            conflict = ("DO UPDATE SET status = excluded.status, reason = excluded.reason, "
                        "recorded_by = excluded.recorded_by, at = excluded.at "
                        f"WHERE attendance.status IN ({marks}) "
                        "AND attendance.status != excluded.status")
        # `conflict` is fixed text and placeholders only.
        sql = ("INSERT INTO attendance (meeting_id, person_id, status, reason, recorded_by, at) "  # noqa: S608
               "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (meeting_id, person_id) "
               f"{conflict} RETURNING status")
        saved = await self.db.returning(
            sql, (meeting_id, person_id, status, reason, recorded_by, at, *replace))
        if saved:
            return None
        return await self.answer_of(meeting_id, person_id)

    async def set_reason(self, meeting_id: int, person_id: int, reason: str) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE attendance SET reason = ? WHERE meeting_id = ? AND person_id = ? "
                "AND status = 'excused'", (reason, meeting_id, person_id))
        return changed == 1

    async def close(
        self, meeting_id: int, *, absent: Sequence[int], makeups: Sequence[tuple[int, int | None]],
        at: str, actor_tg: int | None,
    ) -> bool:
        """Freeze the meeting: absentees recorded, one make-up task per (person, assignee).
        False when it was already closed (a second close changes nothing)."""
        with self._changing(meeting_id):
            async with self.db.transaction() as tx:
                changed = await tx.execute(
                    "UPDATE meetings SET status = 'closed', closed_at = ? "
                    "WHERE id = ? AND status IN ('scheduled', 'open')", (at, meeting_id))
                if changed != 1:
                    return False
                await tx.executemany(
                    "INSERT OR IGNORE INTO attendance (meeting_id, person_id, status, at) "
                    "VALUES (?, ?, 'absent', ?)", [(meeting_id, pid, at) for pid in absent])
                await tx.executemany(
                    "INSERT OR IGNORE INTO makeups (meeting_id, person_id, assignee_id, "
                    "created_at) VALUES (?, ?, ?, ?)",
                    [(meeting_id, pid, who, at) for pid, who in makeups])
                await audit.record(tx, at=at, actor_tg=actor_tg, action="meeting:closed",
                                   detail=str(meeting_id))
            return True

    # -- make-up tasks --------------------------------------------------------------------

    async def makeups_for_meeting(self, meeting_id: int) -> list[Makeup]:
        rows = await self.db.fetchall(
            "SELECT * FROM makeups WHERE meeting_id = ? ORDER BY id", (meeting_id,))
        return [_makeup(r) for r in rows]

    async def open_makeups(self) -> list[Makeup]:
        rows = await self.db.fetchall(
            "SELECT * FROM makeups WHERE done_on IS NULL ORDER BY meeting_id, id")
        return [_makeup(r) for r in rows]

    async def makeup(self, makeup_id: int) -> Makeup | None:
        row = await self.db.fetchone("SELECT * FROM makeups WHERE id = ?", (makeup_id,))
        return _makeup(row) if row else None

    async def finish_makeup(self, makeup_id: int, *, method: str, done_on: str,
                            recorded_by: int | None, at: str) -> bool:
        """Record how a make-up was done; False when it was already recorded."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE makeups SET method = ?, done_on = ?, recorded_by = ? "
                "WHERE id = ? AND done_on IS NULL", (method, done_on, recorded_by, makeup_id))
            if changed:
                await audit.record(tx, at=at, actor_tg=None, action="makeup",
                                   detail=f"{makeup_id}:{method}")
        return changed == 1

    async def closed_between(self, start: str, end: str) -> list[Meeting]:
        rows = await self.db.fetchall(
            "SELECT * FROM meetings WHERE status = 'closed' AND starts_at >= ? "
            "AND starts_at < ? ORDER BY starts_at", (start, end))
        return [_meeting(r) for r in rows]

    async def attendance_counts(self, start: str, end: str, *, by: str = "group",
                                group_ids: Sequence[int] = ()) -> list[tuple[int, int, str,
                                                                             bool, int]]:
        """Counted in SQL, not row by row (a year of a large branch is 50,000 rows,
        bench/views_taps.py): (meeting id, the person's group or person id as `by` says,
        status, whether recorded for him by another, how many), closed meetings in
        [start, end). `group_ids` keeps only those groups' people."""
        key = "p.group_id" if by == "group" else "a.person_id"
        only = (f"AND p.group_id IN ({', '.join('?' * len(group_ids))}) "
                if group_ids else "")
        rows = await self.db.fetchall(
            f"SELECT a.meeting_id, {key}, a.status, "  # noqa: S608  (a fixed name; ? marks)
            "a.recorded_by IS NOT NULL AND a.recorded_by != a.person_id AS proxy, count(*) "
            "FROM attendance a JOIN meetings m ON m.id = a.meeting_id "
            "JOIN people p ON p.id = a.person_id "
            f"WHERE m.status = 'closed' AND m.starts_at >= ? AND m.starts_at < ? {only}"
            f"GROUP BY a.meeting_id, {key}, a.status, proxy",
            (start, end, *group_ids))
        return [(r[0], r[1], r[2], bool(r[3]), r[4]) for r in rows]

    async def attendance_of(self, person_id: int, start: str,
                            end: str) -> list[tuple[Meeting, Attendance]]:
        """One person's answers at the closed meetings in [start, end), oldest first."""
        rows = await self.db.fetchall(
            "SELECT m.*, a.status AS a_status, a.recorded_by AS a_by FROM attendance a "
            "JOIN meetings m ON m.id = a.meeting_id WHERE a.person_id = ? "
            "AND m.status = 'closed' AND m.starts_at >= ? AND m.starts_at < ? "
            "ORDER BY m.starts_at", (person_id, start, end))
        return [(_meeting(r), Attendance(r["id"], person_id, r["a_status"], None, r["a_by"], ""))
                for r in rows]

