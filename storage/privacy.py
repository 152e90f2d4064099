"""One person's data: everything the bot holds about him, and erasing what is personal.

Export collects every row that names the person, from every table. Erasure removes what
is personal — phone, address, birth date, notes, care flags, leave reasons, visit notes
and gifts, requests for help, reflections, his Telegram account — and keeps only what the
branch's Party records need: his name and 编号, and the bare facts of attendance and
visits (who, when, what kind), so the year's figures stay true. He is archived, so nothing
is ever sent to him or about him again.
"""

from __future__ import annotations

from typing import Any

from storage import audit
from storage.db import Database

# table -> the column naming the person
_BY_PERSON = {
    "care_flags": "person_id", "person_roles": "person_id", "attendance": "person_id",
    "makeups": "person_id", "visits": "person_id", "visit_tasks": "person_id",
    "help_requests": "person_id", "post_deliveries": "person_id", "post_acks": "person_id",
    "reflections": "person_id", "quiz_attempts": "person_id", "safe_taps": "person_id",
    "audit_log": "subject_person",
}


async def export_person(db: Database, person_id: int) -> dict[str, Any]:
    row = await db.fetchone("SELECT * FROM people WHERE id = ?", (person_id,))
    if row is None:
        raise LookupError(person_id)
    data: dict[str, Any] = {"person": dict(row)}
    data["person"].pop("tg_user_id", None)  # an account id is not his data to carry away
    for table, column in _BY_PERSON.items():
        rows = await db.fetchall(
            f"SELECT * FROM {table} WHERE {column} = ?", (person_id,))  # noqa: S608
        data[table] = [dict(r) for r in rows]
    data["visits_made"] = [dict(r) for r in await db.fetchall(
        "SELECT id, person_id, kind, visited_on FROM visits WHERE recorded_by = ?",
        (person_id,))]
    return data


async def erase_person(db: Database, person_id: int, *, at: str, actor_tg: int) -> None:
    async with db.transaction() as tx:
        await tx.execute(
            "UPDATE people SET phone = NULL, residence = NULL, birth_date = NULL, "
            "birth_leap = 0, joined_party = NULL, sex = NULL, notes = NULL, "
            "tg_user_id = NULL, linked_at = NULL, greet_in_group = 0, archived = 1, "
            "updated_at = ? WHERE id = ?", (at, person_id))
        await tx.execute("DELETE FROM care_flags WHERE person_id = ?", (person_id,))
        await tx.execute("DELETE FROM person_roles WHERE person_id = ?", (person_id,))
        await tx.execute("UPDATE party_groups SET leader_id = NULL WHERE leader_id = ?",
                         (person_id,))
        await tx.execute("UPDATE attendance SET reason = NULL WHERE person_id = ?",
                         (person_id,))
        await tx.execute("UPDATE visits SET notes = NULL, gifts = NULL, money_yuan = NULL, "
                         "companions = NULL WHERE person_id = ?", (person_id,))
        await tx.execute("UPDATE help_requests SET text = NULL WHERE person_id = ?",
                         (person_id,))
        await tx.execute("DELETE FROM reflections WHERE person_id = ?", (person_id,))
        await tx.execute("DELETE FROM invites WHERE person_id = ?", (person_id,))
        await tx.execute(
            "UPDATE visit_tasks SET cancelled_at = ? WHERE person_id = ? "
            "AND done_at IS NULL AND cancelled_at IS NULL", (at, person_id))
        await audit.record(tx, at=at, actor_tg=actor_tg, action="erase",
                           subject_person=person_id)
