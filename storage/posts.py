"""Notices and study material ("posts"), their deliveries, acknowledgements and
reflections.

A private fan-out is a list of `post_deliveries` rows written before the first message
goes out; each row moves from pending to sent (with its message id), unreachable
(Telegram said 403) or starts as unlinked. Resuming means sending to the rows still
pending, so nobody already reached is messaged again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from storage import audit
from storage.db import Database
from storage.models import Ack, Delivery, PassedOn, Post, Reflection

# Each person's (delivery state, how he acknowledged) for a post, None where there is none.
Marks = dict[int, tuple[str | None, str | None]]


def _post(r: sqlite3.Row) -> Post:
    return Post(
        id=r["id"], kind=r["kind"], title=r["title"], body=r["body"], file_id=r["file_id"],
        file_kind=r["file_kind"], audience=r["audience"], group_id=r["group_id"],
        receipt=bool(r["receipt"]), due_on=r["due_on"], created_by=r["created_by"],
        created_by_tg=r["created_by_tg"], send_at=r["send_at"], status=r["status"],
        chat_id=r["chat_id"], message_id=r["message_id"],
        progress_chat_id=r["progress_chat_id"], progress_message_id=r["progress_message_id"],
        followed_up_at=r["followed_up_at"], reminded_at=r["reminded_at"],
        failed_at=r["failed_at"],
    )


class PostRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def create(
        self, *, kind: str, title: str, body: str, file_id: str | None, file_kind: str | None,
        audience: str, group_id: int | None, receipt: bool, due_on: str | None,
        created_by: int | None, created_by_tg: int, send_at: str, at: str,
        recipients: Sequence[tuple[int, bool]],
    ) -> int:
        """The post and, for a private fan-out, one delivery row per (person, linked)."""
        async with self.db.transaction() as tx:
            post_id = await tx.insert(
                "INSERT INTO posts (kind, title, body, file_id, file_kind, audience, group_id, "
                "receipt, due_on, created_by, created_by_tg, created_at, send_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, title, body, file_id, file_kind, audience, group_id, int(receipt),
                 due_on, created_by, created_by_tg, at, send_at))
            await tx.executemany(
                "INSERT INTO post_deliveries (post_id, person_id, state) VALUES (?, ?, ?)",
                [(post_id, pid, "pending" if linked else "unlinked")
                 for pid, linked in recipients])
            await audit.record(tx, at=at, actor_tg=created_by_tg, action=f"{kind}+",
                               detail=str(post_id))
        return post_id

    async def get(self, post_id: int) -> Post | None:
        row = await self.db.fetchone("SELECT * FROM posts WHERE id = ?", (post_id,))
        return _post(row) if row else None

    async def recent(self, kind: str, limit: int) -> list[Post]:
        rows = await self.db.fetchall(
            "SELECT * FROM posts WHERE kind = ? AND status != 'withdrawn' "
            "ORDER BY id DESC LIMIT ?", (kind, limit))
        return [_post(r) for r in rows]

    async def unfinished(self) -> list[Post]:
        """Posts still to send or being sent: resumed on start-up."""
        rows = await self.db.fetchall(
            "SELECT * FROM posts WHERE status IN ('scheduled', 'sending') "
            "AND failed_at IS NULL ORDER BY id")
        return [_post(r) for r in rows]

    async def mark_failed(self, post_id: int, at: str) -> bool:
        """Note that Telegram refused the post for good; True the first time only."""
        return await self.db.write(
            "UPDATE posts SET failed_at = ? WHERE id = ? AND failed_at IS NULL",
            (at, post_id)) == 1

    async def sent_posts(self) -> list[Post]:
        rows = await self.db.fetchall("SELECT * FROM posts WHERE status = 'sent' ORDER BY id")
        return [_post(r) for r in rows]

    async def set_status(self, post_id: int, status: str) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE posts SET status = ? WHERE id = ?", (status, post_id))

    async def set_message(self, post_id: int, chat_id: int, message_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute("UPDATE posts SET chat_id = ?, message_id = ? WHERE id = ?",
                             (chat_id, message_id, post_id))

    async def set_progress(self, post_id: int, chat_id: int, message_id: int) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE posts SET progress_chat_id = ?, progress_message_id = ? WHERE id = ?",
                (chat_id, message_id, post_id))

    async def claim(self, post_id: int, column: str, at: str) -> bool:
        """Mark a one-time step (followed_up_at, reminded_at) done; False if it was."""
        if column not in ("followed_up_at", "reminded_at"):
            raise ValueError(column)
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                f"UPDATE posts SET {column} = ? WHERE id = ? AND {column} IS NULL",  # noqa: S608
                (at, post_id))
        return changed == 1

    async def withdraw(self, post_id: int, *, at: str, actor_tg: int) -> bool:
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE posts SET status = 'withdrawn' WHERE id = ? AND status != 'withdrawn'",
                (post_id,))
            if changed:
                await audit.record(tx, at=at, actor_tg=actor_tg, action="post-withdrawn",
                                   detail=str(post_id))
        return changed == 1

    # -- deliveries ---------------------------------------------------------------------

    async def deliveries(self, post_id: int) -> list[Delivery]:
        rows = await self.db.fetchall(
            "SELECT * FROM post_deliveries WHERE post_id = ? ORDER BY person_id", (post_id,))
        return [Delivery(r["post_id"], r["person_id"], r["state"], r["message_id"])
                for r in rows]

    async def mark_delivery(self, post_id: int, person_id: int, state: str,
                            message_id: int | None, at: str) -> None:
        await self.db.write(  # one statement: atomic alone, one round trip per recipient
            "UPDATE post_deliveries SET state = ?, message_id = ?, at = ? "
            "WHERE post_id = ? AND person_id = ? AND state = 'pending'",
            (state, message_id, at, post_id, person_id))

    async def marks(self, post_ids: Sequence[int]) -> dict[int, Marks]:
        """For each post, each person's delivery state and acknowledgement (`how`), either
        None where there is none: what decides whether he was reached
        (`PostService._standing`), for many posts at once and as plain values (as
        objects, one post at a time, 4 ms a post of 1,000 people)."""
        if not post_ids:
            return {}
        slots = ",".join("?" * len(post_ids))
        out: dict[int, Marks] = {}
        for post_id, person_id, state in await self.db.fetchall(
                "SELECT post_id, person_id, state FROM post_deliveries "  # noqa: S608 (?s)
                f"WHERE post_id IN ({slots})", post_ids):
            out.setdefault(post_id, {})[person_id] = (state, None)
        for post_id, person_id, how in await self.db.fetchall(
                "SELECT post_id, person_id, how FROM post_acks "  # noqa: S608 (?s)
                f"WHERE post_id IN ({slots})", post_ids):
            post_marks = out.setdefault(post_id, {})
            post_marks[person_id] = (post_marks.get(person_id, (None, None))[0], how)
        return out

    # -- acknowledgements ---------------------------------------------------------------

    async def acks(self, post_id: int) -> list[Ack]:
        rows = await self.db.fetchall("SELECT * FROM post_acks WHERE post_id = ?", (post_id,))
        return [Ack(r["post_id"], r["person_id"], PassedOn(r["how"]), r["recorded_by"])
                for r in rows]

    async def ack(self, post_id: int, person_id: int, *, how: str, recorded_by: int | None,
                  at: str) -> bool:
        """Record an acknowledgement once; False when it was already there."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "INSERT OR IGNORE INTO post_acks (post_id, person_id, how, recorded_by, at) "
                "VALUES (?, ?, ?, ?, ?)", (post_id, person_id, how, recorded_by, at))
            if changed:
                await audit.record(tx, at=at, actor_tg=None, action="ack",
                                   subject_person=person_id,
                                   detail=f"post={post_id} {how} by={recorded_by}")
        return changed == 1

    # -- reflections --------------------------------------------------------------------

    async def save_reflection(self, post_id: int, person_id: int, *, text: str | None,
                              voice_file_id: str | None, at: str,
                              recorded_by: int | None = None) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "INSERT INTO reflections (post_id, person_id, text, voice_file_id, at, "
                "recorded_by) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (post_id, person_id) "
                "DO UPDATE SET text = excluded.text, voice_file_id = excluded.voice_file_id, "
                "at = excluded.at, recorded_by = excluded.recorded_by",
                (post_id, person_id, text, voice_file_id, at, recorded_by))

    async def reflections(self, post_id: int) -> list[Reflection]:
        rows = await self.db.fetchall(
            "SELECT * FROM reflections WHERE post_id = ? ORDER BY at", (post_id,))
        return [Reflection(r["post_id"], r["person_id"], r["text"], r["voice_file_id"],
                           r["at"]) for r in rows]
