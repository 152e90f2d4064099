"""One person's data: everything the bot holds about him, and erasing what is personal.

`PERSON_DATA` is the one list of every column that names a person, with what /export
shows of it and what /erase does to it; a test fails when a migration adds a column
naming a person that is not listed here. Erasure removes what is personal — phone,
address, birth date, notes, care flags, leave reasons, visit notes and gifts, requests for
help, reflections, suggestions, good deeds, collection answers, his dues rate, audit
details, his Telegram account — and keeps only what the branch's Party records need: his
name and 编号, and the bare facts of attendance and visits (who, when, what kind), so the
year's figures stay true. His dues payments stay in the ledger without his name, so the
year's dues statement still adds up. He is archived, so nothing is ever sent to him or
about him again.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from storage import audit
from storage.db import Database


class Erase(StrEnum):
    DELETE = "delete"   # the rows go
    CLEAR = "clear"     # the rows stay, the listed columns become NULL
    UNLINK = "unlink"   # the rows stay, no longer naming him (the column becomes NULL)
    KEEP = "keep"       # a Party record, or a record about somebody else


@dataclass(frozen=True)
class PersonColumn:
    table: str
    column: str
    export_as: str | None   # the key in /export's file; None: not his to carry away
    erase: Erase
    clear: tuple[str, ...] = ()
    why: str = ""
    # What /export shows of rows he made about others: never their private details.
    export_columns: str = "*"


# Every column naming a person (by people.id), in one place.
PERSON_DATA: tuple[PersonColumn, ...] = (
    PersonColumn("care_flags", "person_id", "care_flags", Erase.DELETE),
    PersonColumn("person_roles", "person_id", "person_roles", Erase.DELETE),
    PersonColumn("attendance", "person_id", "attendance", Erase.CLEAR, ("reason",),
                 why="who attended is the meeting's record; why someone was away is his"),
    PersonColumn("attendance", "recorded_by", "attendance_recorded", Erase.KEEP,
                 why="the record says who acted for whom",
                 export_columns="meeting_id, person_id, status, at"),
    PersonColumn("makeups", "person_id", "makeups", Erase.KEEP, why="a Party record"),
    PersonColumn("makeups", "assignee_id", None, Erase.KEEP, why="somebody else's task"),
    PersonColumn("makeups", "recorded_by", None, Erase.KEEP, why="somebody else's record"),
    PersonColumn("visits", "person_id", "visits", Erase.CLEAR,
                 ("notes", "gifts", "money_yuan", "companions"),
                 why="the bare fact of a visit keeps the year's figures true"),
    PersonColumn("visits", "recorded_by", "visits_made", Erase.KEEP,
                 why="visits to other people are their records",
                 export_columns="id, person_id, kind, visited_on"),
    PersonColumn("visit_tasks", "person_id", "visit_tasks", Erase.KEEP,
                 why="open tasks are cancelled; done ones are the visits' record"),
    PersonColumn("visit_tasks", "assignee_id", None, Erase.KEEP, why="tasks about others"),
    PersonColumn("help_requests", "person_id", "help_requests", Erase.CLEAR,
                 ("text", "resolution")),
    PersonColumn("help_requests", "resolved_by", None, Erase.KEEP,
                 why="somebody else's request"),
    PersonColumn("help_requests", "acknowledged_by", None, Erase.KEEP,
                 why="somebody else's request"),
    PersonColumn("post_deliveries", "person_id", "post_deliveries", Erase.KEEP,
                 why="who was told is the notice's record"),
    PersonColumn("post_acks", "person_id", "post_acks", Erase.KEEP,
                 why="who read it is the notice's record"),
    PersonColumn("post_acks", "recorded_by", None, Erase.KEEP, why="who acted for whom"),
    PersonColumn("posts", "created_by", None, Erase.KEEP, why="the branch's notices"),
    PersonColumn("reflections", "person_id", "reflections", Erase.DELETE),
    PersonColumn("quiz_attempts", "person_id", "quiz_attempts", Erase.KEEP,
                 why="the study record"),
    PersonColumn("safe_taps", "person_id", "safe_taps", Erase.DELETE),
    PersonColumn("suggestions", "person_id", "suggestions", Erase.DELETE),
    PersonColumn("suggestions", "recorded_by", None, Erase.KEEP, why="somebody else's"),
    PersonColumn("quiz_attempts", "recorded_by", None, Erase.KEEP, why="who acted for whom"),
    PersonColumn("good_deeds", "person_id", "good_deeds", Erase.DELETE),
    PersonColumn("good_deeds", "recorded_by", None, Erase.KEEP, why="somebody else's deed"),
    PersonColumn("collection_answers", "person_id", "collection_answers", Erase.DELETE),
    PersonColumn("collection_answers", "recorded_by", None, Erase.KEEP,
                 why="somebody else's answers"),
    PersonColumn("dues_rates", "person_id", "dues_rates", Erase.DELETE),
    PersonColumn("dues_payments", "person_id", "dues_payments", Erase.UNLINK,
                 why="the ledger keeps the sum, not the payer"),
    PersonColumn("dues_payments", "recorded_by", None, Erase.KEEP,
                 why="somebody else's payment"),
    PersonColumn("dues_spending", "recorded_by", None, Erase.KEEP, why="the branch's ledger"),
    PersonColumn("invites", "person_id", None, Erase.DELETE),
    PersonColumn("desk_links", "person_id", None, Erase.DELETE),
    PersonColumn("desk_sessions", "person_id", None, Erase.DELETE),
    PersonColumn("party_groups", "leader_id", None, Erase.UNLINK, why="he leads no more"),
    PersonColumn("survey_voters", "recorded_by", None, Erase.KEEP,
                 why="who entered a paper ballot, never how it was answered"),
    PersonColumn("reflections", "recorded_by", None, Erase.KEEP, why="who acted for whom"),
    PersonColumn("survey_voters", "person_id", None, Erase.KEEP,
                 why="only that he voted, so nobody votes twice; never how"),
    PersonColumn("round_calls", "person_id", "round_calls", Erase.KEEP,
                 why="who was told, and how, is the message's record"),
    PersonColumn("round_calls", "assignee_id", None, Erase.KEEP, why="calls to others"),
    PersonColumn("round_calls", "recorded_by", None, Erase.KEEP, why="who acted for whom"),
    PersonColumn("audit_log", "subject_person", "audit_log", Erase.CLEAR, ("detail",),
                 why="what was done and when stays; the details (flags, amounts) go"),
)


async def export_person(db: Database, person_id: int) -> dict[str, Any]:
    row = await db.fetchone("SELECT * FROM people WHERE id = ?", (person_id,))
    if row is None:
        raise LookupError(person_id)
    data: dict[str, Any] = {"person": dict(row)}
    data["person"].pop("tg_user_id", None)  # an account id is not his data to carry away
    for c in PERSON_DATA:
        if c.export_as is None:
            continue
        rows = await db.fetchall(
            f"SELECT {c.export_columns} FROM {c.table} WHERE {c.column} = ?",  # noqa: S608
            (person_id,))
        data[c.export_as] = [dict(r) for r in rows]
    return data


async def erase_person(db: Database, person_id: int, *, at: str, actor_tg: int) -> None:
    async with db.transaction() as tx:
        account = await tx.fetchone("SELECT tg_user_id FROM people WHERE id = ?",
                                    (person_id,))
        await tx.execute(
            "UPDATE people SET phone = NULL, residence = NULL, birth_date = NULL, "
            "birth_leap = 0, joined_party = NULL, sex = NULL, notes = NULL, "
            "family_name = NULL, family_relation = NULL, family_phone = NULL, "
            "tg_user_id = NULL, linked_at = NULL, greet_in_group = 0, archived = 1, "
            "updated_at = ? WHERE id = ?", (at, person_id))
        await tx.execute(
            "UPDATE visit_tasks SET cancelled_at = ? WHERE person_id = ? "
            "AND done_at IS NULL AND cancelled_at IS NULL", (at, person_id))
        for c in PERSON_DATA:
            where = f"WHERE {c.column} = ?"
            if c.erase is Erase.DELETE:
                await tx.execute(f"DELETE FROM {c.table} {where}", (person_id,))  # noqa: S608
            elif c.erase is Erase.CLEAR:
                sets = ", ".join(f"{col} = NULL" for col in c.clear)
                await tx.execute(f"UPDATE {c.table} SET {sets} {where}",  # noqa: S608
                                 (person_id,))
            elif c.erase is Erase.UNLINK:
                await tx.execute(f"UPDATE {c.table} SET {c.column} = NULL {where}",  # noqa: S608
                                 (person_id,))
        if account is not None and account["tg_user_id"] is not None:
            # Which of our chats he left is about his account, and goes with it.
            await tx.execute("DELETE FROM chat_departures WHERE tg_user_id = ?",
                             (account["tg_user_id"],))
        await audit.record(tx, at=at, actor_tg=actor_tg, action="erase",
                           subject_person=person_id)
