"""People, 党小组, roles and care flags: the roster aggregate.

`PeopleRepo` returns `Person` records with their group name, care flags and roles already
attached, so callers never join tables themselves. Roster imports are applied in one
transaction by `apply_import`: either every row lands or none does.

Why one file over 400 lines: it is the one repository of the roster aggregate (people,
groups, roles, flags); every write that must stay consistent across those tables is here.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Sequence

from storage import audit
from storage.db import Database, Tx
from storage.models import (
    CareFlag,
    Category,
    Group,
    ImportOutcome,
    KeptRow,
    PartyStatus,
    Person,
    RosterRow,
    Sex,
)

_PERSON_SELECT = """
SELECT p.*, g.name AS group_name,
       (SELECT group_concat(flag, ',') FROM care_flags c WHERE c.person_id = p.id) AS flags,
       (SELECT group_concat(role, ',') FROM person_roles r WHERE r.person_id = p.id) AS role_list
FROM people p LEFT JOIN party_groups g ON g.id = p.group_id
"""
# The same with the groups the person leads: who is pressing a button, in one query.
_ACCOUNT_SELECT = _PERSON_SELECT.replace(
    "FROM people p",
    ", (SELECT group_concat(lg.id, ',') FROM party_groups lg WHERE lg.leader_id = p.id)"
    " AS led\nFROM people p", 1)


def _split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(",") if v]


def _person(row: sqlite3.Row) -> Person:
    return Person(
        id=row["id"],
        ext_id=row["ext_id"],
        name=row["name"],
        group_id=row["group_id"],
        group_name=row["group_name"],
        category=Category(row["category"]),
        status=PartyStatus(row["status"]),
        sex=Sex(row["sex"]) if row["sex"] else None,
        birth_date=row["birth_date"],
        birth_calendar=row["birth_calendar"],
        birth_leap=bool(row["birth_leap"]),
        joined_party=row["joined_party"],
        phone=row["phone"],
        residence=row["residence"],
        deceased_on=row["deceased_on"],
        archived=bool(row["archived"]),
        greet_in_group=bool(row["greet_in_group"]),
        notes=row["notes"],
        tg_user_id=row["tg_user_id"],
        care_flags=tuple(f for f in CareFlag if f in _split(row["flags"])),
        roles=frozenset(_split(row["role_list"])),
        family_name=row["family_name"],
        family_relation=row["family_relation"],
        family_phone=row["family_phone"],
    )


def _group(row: sqlite3.Row) -> Group:
    return Group(
        id=row["id"],
        name=row["name"],
        leader_id=row["leader_id"],
        leader_name=row["leader_name"],
        sort=row["sort"],
    )


# Who is pressing, kept between presses (`PeopleRepo.account`): at most this long, and
# only while nothing in the roster was written through the bot's connection.
ACCOUNT_SECONDS = 60.0
_ACCOUNTS_KEPT = 5_000
_Account = tuple[Person | None, list[int]]


class PeopleRepo:
    def __init__(self, db: Database) -> None:
        self.db = db
        # tg user id -> (roster version, when read, account); see `account`.
        self._accounts: dict[int, tuple[int, float, _Account]] = {}

    async def _many(self, where: str, params: Sequence[object] = ()) -> list[Person]:
        rows = await self.db.fetchall(
            f"{_PERSON_SELECT} WHERE {where} ORDER BY g.sort, g.name, p.ext_id",
            params,
        )
        return [_person(r) for r in rows]

    async def _one(self, where: str, params: Sequence[object]) -> Person | None:
        found = await self._many(where, params)
        return found[0] if found else None

    async def get(self, person_id: int) -> Person | None:
        return await self._one("p.id = ?", (person_id,))

    async def by_tg_user(self, tg_user_id: int) -> Person | None:
        return await self._one("p.tg_user_id = ?", (tg_user_id,))

    async def account(self, tg_user_id: int) -> _Account:
        """The person linked to a Telegram account and the groups he leads (one query).

        Kept in memory between presses: the query was one of a tap's two trips to
        SQLite's thread, and at saturation the bot handled 15–20% more taps a second
        without it (docs/PERFORMANCE.md §s9). A kept answer is used only while the
        roster's version is unchanged, i.e. nothing in people, groups, roles or care
        flags was written through this connection since (storage/db.py), and for at most
        `ACCOUNT_SECONDS`, which bounds how long a write from elsewhere (the
        `import-roster` command while the bot runs) goes unseen.
        """
        version, now = self.db.roster_version, time.monotonic()
        kept = self._accounts.get(tg_user_id)
        if kept is not None and kept[0] == version and now - kept[1] < ACCOUNT_SECONDS:
            person, led = kept[2]
            return person, list(led)
        row = await self.db.fetchone(f"{_ACCOUNT_SELECT} WHERE p.tg_user_id = ?",
                                     (tg_user_id,))
        found: _Account = (None, []) if row is None else (
            _person(row), [int(g) for g in _split(row["led"])])
        if len(self._accounts) >= _ACCOUNTS_KEPT:
            self._accounts.clear()
        self._accounts[tg_user_id] = (version, now, found)
        return found[0], list(found[1])

    async def by_ext_id(self, ext_id: str) -> Person | None:
        return await self._one("p.ext_id = ?", (ext_id,))

    async def by_name(self, name: str) -> list[Person]:
        return await self._many("p.name = ?", (name,))

    async def search(self, text: str) -> list[Person]:
        """People whose name contains `text` (LIKE wildcards in `text` are taken literally)."""
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        return await self._many("p.name LIKE ? ESCAPE '\\'", (f"%{escaped}%",))

    async def by_phone(self, digits: str) -> list[Person]:
        return await self._many("p.phone = ?", (digits,))

    async def all(self) -> list[Person]:
        return await self._many("1 = 1")

    async def in_group(self, group_id: int) -> list[Person]:
        return await self._many("p.group_id = ?", (group_id,))

    async def with_role(self, role: str) -> list[Person]:
        return await self._many(
            "EXISTS (SELECT 1 FROM person_roles r WHERE r.person_id = p.id AND r.role = ?)",
            (role,),
        )

    async def count(self) -> int:
        row = await self.db.fetchone("SELECT count(*) FROM people")
        return int(row[0]) if row else 0

    # -- groups ---------------------------------------------------------------------------

    async def groups(self) -> list[Group]:
        rows = await self.db.fetchall(
            "SELECT g.*, l.name AS leader_name FROM party_groups g "
            "LEFT JOIN people l ON l.id = g.leader_id ORDER BY g.sort, g.name"
        )
        return [_group(r) for r in rows]

    async def groups_led_by(self, person_id: int) -> list[int]:
        rows = await self.db.fetchall("SELECT id FROM party_groups WHERE leader_id = ?",
                                      (person_id,))
        return [r["id"] for r in rows]

    async def group_by_name(self, name: str) -> Group | None:
        for g in await self.groups():
            if g.name == name:
                return g
        return None

    # -- changes --------------------------------------------------------------------------

    async def link_account(
        self, person_id: int, tg_user_id: int, *, at: str, actor_tg: int | None, how: str
    ) -> None:
        async with self.db.transaction() as tx:
            await self._link(tx, person_id, tg_user_id, at=at)
            await audit.record(
                tx, at=at, actor_tg=actor_tg, action="link", subject_person=person_id, detail=how
            )

    @staticmethod
    async def _link(tx: Tx, person_id: int, tg_user_id: int, *, at: str) -> None:
        # A person has one account and an account one person: move, never duplicate.
        await tx.execute(
            "UPDATE people SET tg_user_id = NULL, updated_at = ? WHERE tg_user_id = ?",
            (at, tg_user_id),
        )
        await tx.execute(
            "UPDATE people SET tg_user_id = ?, linked_at = ?, updated_at = ? WHERE id = ?",
            (tg_user_id, at, at, person_id),
        )

    async def set_role(
        self, person_id: int, role: str, granted: bool, *, at: str, actor_tg: int | None
    ) -> None:
        async with self.db.transaction() as tx:
            if granted:
                await tx.execute(
                    "INSERT OR IGNORE INTO person_roles (person_id, role) VALUES (?, ?)",
                    (person_id, role),
                )
            else:
                await tx.execute(
                    "DELETE FROM person_roles WHERE person_id = ? AND role = ?", (person_id, role)
                )
            await audit.record(
                tx,
                at=at,
                actor_tg=actor_tg,
                action="role+" if granted else "role-",
                subject_person=person_id,
                detail=role,
            )

    async def set_leader(
        self, group_id: int, person_id: int | None, *, at: str, actor_tg: int | None
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE party_groups SET leader_id = ? WHERE id = ?", (person_id, group_id)
            )
            await audit.record(
                tx,
                at=at,
                actor_tg=actor_tg,
                action="leader",
                subject_person=person_id,
                detail=str(group_id),
            )

    async def move_to_group(
        self, person_id: int, group_id: int, *, at: str, actor_tg: int | None
    ) -> None:
        async with self.db.transaction() as tx:
            await tx.execute(
                "UPDATE people SET group_id = ?, updated_at = ? WHERE id = ?",
                (group_id, at, person_id),
            )
            # A leader moved away no longer leads his old group.
            await tx.execute(
                "UPDATE party_groups SET leader_id = NULL WHERE leader_id = ? AND id != ?",
                (person_id, group_id),
            )
            await audit.record(
                tx,
                at=at,
                actor_tg=actor_tg,
                action="move",
                subject_person=person_id,
                detail=str(group_id),
            )

    # The columns a person's record may be edited in from the bot (not name or 编号: the
    # roster file keys on them, and the Party record keeps them).
    EDITABLE = frozenset({"phone", "residence", "category", "family_name", "family_relation",
                          "family_phone"})

    async def edit(self, person_id: int, changes: dict[str, str | None], *, at: str,
                   actor_tg: int) -> None:
        """Change some of `EDITABLE`, audited by column name (the values stay out of the
        audit trail: a phone number is personal)."""
        if not changes or not set(changes) <= self.EDITABLE:
            raise ValueError(f"not editable: {sorted(set(changes) - self.EDITABLE)}")
        columns = ", ".join(f"{c} = ?" for c in changes)
        async with self.db.transaction() as tx:
            await tx.execute(f"UPDATE people SET {columns}, updated_at = ? "  # noqa: S608
                             "WHERE id = ?", (*changes.values(), at, person_id))
            await audit.record(tx, at=at, actor_tg=actor_tg, action="edit",
                               subject_person=person_id, detail=",".join(sorted(changes)))

    async def add(self, ext_id: str, name: str, group_id: int | None, category: str,
                  status: str, *, at: str, actor_tg: int) -> int | None:
        """A new member between imports; None when the 编号 is taken."""
        async with self.db.transaction() as tx:
            if await tx.fetchone("SELECT 1 FROM people WHERE ext_id = ?", (ext_id,)):
                return None
            person_id = await tx.insert(
                "INSERT INTO people (ext_id, name, group_id, category, status, created_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (ext_id, name, group_id, category, status, at, at))
            await audit.record(tx, at=at, actor_tg=actor_tg, action="add",
                               subject_person=person_id, detail=ext_id)
        return person_id

    async def set_flag(self, person_id: int, flag: str, on: bool, *, since: str, at: str,
                       actor_tg: int | None) -> bool:
        """Set or clear one care flag; False when nothing changed."""
        async with self.db.transaction() as tx:
            if on:
                changed = await tx.execute(
                    "INSERT OR IGNORE INTO care_flags (person_id, flag, since) VALUES (?, ?, ?)",
                    (person_id, flag, since))
            else:
                changed = await tx.execute(
                    "DELETE FROM care_flags WHERE person_id = ? AND flag = ?", (person_id, flag))
            if changed:
                await audit.record(tx, at=at, actor_tg=actor_tg,
                                   action="flag+" if on else "flag-",
                                   subject_person=person_id, detail=flag)
        return changed == 1

    async def flag_since(self, person_id: int, flag: str) -> str | None:
        row = await self.db.fetchone(
            "SELECT since FROM care_flags WHERE person_id = ? AND flag = ?", (person_id, flag))
        return row["since"] if row else None

    async def record_death(self, person_id: int, day: str, *, at: str,
                           actor_tg: int | None) -> bool:
        """Mark the person deceased and archived; False if already recorded."""
        async with self.db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE people SET deceased_on = ?, archived = 1, updated_at = ? "
                "WHERE id = ? AND deceased_on IS NULL", (day, at, person_id))
            if changed:
                await tx.execute("UPDATE party_groups SET leader_id = NULL WHERE leader_id = ?",
                                 (person_id,))
                await audit.record(tx, at=at, actor_tg=actor_tg, action="death",
                                   subject_person=person_id, detail=day)
        return changed == 1

    async def created_on(self) -> dict[int, str]:
        rows = await self.db.fetchall("SELECT id, created_at FROM people")
        return {r["id"]: r["created_at"] for r in rows}

    async def apply_import(
        self, rows: Iterable[RosterRow], *, at: str, actor_tg: int | None
    ) -> ImportOutcome:
        """Create or update every row by 编号, in one transaction."""
        rows = list(rows)
        created = updated = groups_created = 0
        async with self.db.transaction() as tx:
            group_ids: dict[str, int] = {
                r["name"]: r["id"] for r in await tx.fetchall("SELECT id, name FROM party_groups")
            }
            next_sort = len(group_ids)
            for row in rows:
                if row.group_name and row.group_name not in group_ids:
                    next_sort += 1
                    group_ids[row.group_name] = await tx.insert(
                        "INSERT INTO party_groups (name, sort) VALUES (?, ?)",
                        (row.group_name, next_sort),
                    )
                    groups_created += 1
            found = await tx.fetchall(
                "SELECT id, ext_id, name, archived, deceased_on FROM people")
            existing = {r["ext_id"]: r["id"] for r in found}
            # A death or an erasure recorded in the bot is never undone by a file: such
            # rows are left exactly as they are and named in the outcome.
            closed = {r["ext_id"]: KeptRow(r["ext_id"], r["name"],
                                           "deceased" if r["deceased_on"] else "erased")
                      for r in found if r["archived"]}
            known = len(existing)
            kept: list[KeptRow] = []
            for row in rows:
                if row.ext_id in closed:
                    kept.append(closed[row.ext_id])
                    continue
                values = (
                    row.name,
                    group_ids.get(row.group_name) if row.group_name else None,
                    row.category,
                    row.status,
                    row.sex,
                    row.birth_date,
                    row.birth_calendar,
                    int(row.birth_leap),
                    row.joined_party,
                    row.phone,
                    row.residence,
                    row.deceased_on,
                    int(row.deceased_on is not None),
                    int(row.greet_in_group),
                    row.notes,
                    row.family_name,
                    row.family_relation,
                    row.family_phone,
                )
                if row.ext_id in existing:
                    person_id = existing[row.ext_id]
                    await tx.execute(
                        "UPDATE people SET name = ?, group_id = ?, category = ?, status = ?, "
                        "sex = ?, birth_date = ?, birth_calendar = ?, birth_leap = ?, "
                        "joined_party = ?, phone = ?, residence = ?, deceased_on = ?, "
                        "archived = ?, greet_in_group = ?, notes = ?, family_name = ?, "
                        "family_relation = ?, family_phone = ?, updated_at = ? "
                        "WHERE id = ?",
                        (*values, at, person_id),
                    )
                    updated += 1
                else:
                    person_id = await tx.insert(
                        "INSERT INTO people (name, group_id, category, status, sex, birth_date, "
                        "birth_calendar, birth_leap, joined_party, phone, residence, "
                        "deceased_on, archived, greet_in_group, notes, family_name, "
                        "family_relation, family_phone, ext_id, created_at, updated_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (*values, row.ext_id, at, at),
                    )
                    existing[row.ext_id] = person_id
                    created += 1
                # The file is the truth for the flags it can carry; 住院中 is set in the bot
                # (it has a date and triggers visits) and survives an import.
                await tx.execute(
                    "DELETE FROM care_flags WHERE person_id = ? AND flag != 'hospital'",
                    (person_id,),
                )
                for flag in row.care_flags:
                    await tx.execute(
                        "INSERT OR IGNORE INTO care_flags (person_id, flag, since) "
                        "VALUES (?, ?, ?)",
                        (person_id, flag, at[:10]),
                    )
                await tx.execute(
                    "DELETE FROM person_roles WHERE person_id = ?", (person_id,)
                )
                await tx.executemany(
                    "INSERT INTO person_roles (person_id, role) VALUES (?, ?)",
                    [(person_id, role) for role in sorted(row.roles)],
                )
                if row.is_leader and row.group_name:
                    await tx.execute(
                        "UPDATE party_groups SET leader_id = ? WHERE id = ?",
                        (person_id, group_ids[row.group_name]),
                    )
            await audit.record(
                tx,
                at=at,
                actor_tg=actor_tg,
                action="import",
                detail=f"created={created} updated={updated} kept={len(kept)}",
            )
        untouched = known - updated - len(kept)
        return ImportOutcome(created, updated, groups_created, untouched, tuple(kept))
