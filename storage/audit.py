"""Audit trail: who changed people, roles and links, and when. Written inside the same
transaction as the change it describes."""

from __future__ import annotations

from storage.db import Tx


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
