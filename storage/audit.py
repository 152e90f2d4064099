"""Audit trail: who changed people, roles and links, and when. Written inside the same
transaction as the change it describes."""

from __future__ import annotations

from storage.db import Database, Tx


async def record(
    tx: Tx,
    *,
    at: str,
    actor_tg: int | None,
    action: str,
    subject_person: int | None = None,
    detail: str | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO audit_log (at, actor_tg, action, subject_person, detail) "
        "VALUES (?, ?, ?, ?, ?)",
        (at, actor_tg, action, subject_person, detail),
    )


async def recent(db: Database, limit: int) -> list[dict[str, object]]:
    """The latest entries, newest first, as plain dicts."""
    rows = await db.fetchall(
        "SELECT a.*, p.name AS subject_name, actor.name AS actor_name FROM audit_log a "
        "LEFT JOIN people p ON p.id = a.subject_person "
        "LEFT JOIN people actor ON actor.tg_user_id = a.actor_tg "
        "ORDER BY a.id DESC LIMIT ?", (limit,))
    return [dict(r) for r in rows]
