"""The roster: importing it (all or nothing; the file itself is `bot.services.roster_file`)
and the rules for assigning roles and groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.roster_file import (
    RowProblem,
    read_roster_file,
    roster_workbook,
    validate_rows,
)
from storage.models import (
    Group,
    ImportOutcome,
    Person,
)
from storage.people import PeopleRepo


@dataclass(frozen=True)
class ImportReport:
    outcome: ImportOutcome | None
    problems: list[RowProblem]

    @property
    def ok(self) -> bool:
        return self.outcome is not None


class RosterService(BranchTime):
    def __init__(self, people: PeopleRepo, clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.people = people

    # -- reading the roster, for handlers and jobs -------------------------------------

    async def get(self, person_id: int) -> Person | None:
        return await self.people.get(person_id)

    async def export(self, actor: Actor) -> bytes | None:
        """The whole roster as the import's own file; the secretary's only (None: refused)."""
        if not actor.is_secretary:
            return None
        return roster_workbook(await self.people.all(), await self.people.groups())

    async def all(self) -> list[Person]:
        return await self.people.all()

    async def groups(self) -> list[Group]:
        return await self.people.groups()

    async def in_group(self, group_id: int) -> list[Person]:
        return await self.people.in_group(group_id)

    async def by_tg_user(self, tg_user_id: int) -> Person | None:
        return await self.people.by_tg_user(tg_user_id)

    async def import_rows(
        self, rows: Sequence[dict[str, Any]], *, actor_tg: int | None
    ) -> ImportReport:
        good, problems = validate_rows(rows, self.today())
        if problems:
            return ImportReport(None, problems)
        outcome = await self.people.apply_import(good, at=iso(self.clock.now()),
                                                 actor_tg=actor_tg)
        return ImportReport(outcome, [])

    async def import_file(self, path: Path, *, actor_tg: int | None) -> ImportReport:
        return await self.import_rows(read_roster_file(path), actor_tg=actor_tg)

    async def find(self, query: str) -> list[Person]:
        """By 编号 (#A001 or A001) first, then exact name, then part of a name."""
        query = query.strip()
        by_id = await self.people.by_ext_id(query.lstrip("#"))
        if by_id is not None:
            return [by_id]
        exact = await self.people.by_name(query)
        return exact or await self.people.search(query)

    async def unassigned(self) -> list[Person]:
        return [p for p in await self.people.all() if p.active and p.group_id is None]

    async def set_role(self, person: Person, role: str, granted: bool, *,
                       actor_tg: int | None) -> None:
        await self.people.set_role(person.id, role, granted, at=iso(self.clock.now()),
                                   actor_tg=actor_tg)

    async def set_leader(self, group_id: int, person: Person | None, *,
                         actor_tg: int | None) -> None:
        await self.people.set_leader(group_id, person.id if person else None,
                                     at=iso(self.clock.now()), actor_tg=actor_tg)

    async def move(self, person: Person, group_id: int, *, actor_tg: int | None) -> None:
        await self.people.move_to_group(person.id, group_id, at=iso(self.clock.now()),
                                        actor_tg=actor_tg)


def names(people: Iterable[Person]) -> str:
    return "、".join(p.name for p in people)


ROLE_WORDS = {"书记": "secretary", "支委": "committee", "联络员": "liaison"}


@dataclass(frozen=True)
class RoleCommand:
    """A parsed `/role 姓名 ...` request."""

    who: str
    action: str  # "grant" | "revoke" | "lead" | "unlead" | "move"
    role: str | None = None
    group: str | None = None


def parse_role_args(args: Sequence[str]) -> RoleCommand | None:
    """`张三 支委`, `张三 取消支委`, `张三 组长 第一党小组`, `张三 取消组长`,
    `张三 分组 第二党小组`; None when it matches none of these."""
    if len(args) < 2:
        return None
    who, word, rest = args[0], args[1], " ".join(args[2:]).strip()
    if word in ROLE_WORDS and not rest:
        return RoleCommand(who, "grant", role=ROLE_WORDS[word])
    if word.startswith("取消") and word[2:] in ROLE_WORDS and not rest:
        return RoleCommand(who, "revoke", role=ROLE_WORDS[word[2:]])
    if word in ("组长", "党小组长") and rest:
        return RoleCommand(who, "lead", group=rest)
    if word in ("取消组长", "取消党小组长") and not rest:
        return RoleCommand(who, "unlead")
    if word in ("分组", "调组") and rest:
        return RoleCommand(who, "move", group=rest)
    return None
