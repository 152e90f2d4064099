"""The roster: importing it (all or nothing; the file itself is `bot.services.roster_file`)
and the rules for assigning roles and groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.people import normalize_phone
from bot.services.problems import Problem, ServiceError
from bot.services.roster_file import (
    COLUMNS,
    REQUIRED,
    RowProblem,
    read_roster_file,
    roster_workbook,
    validate_rows,
)
from bot.services.tables import check_size, read_grid, rows_by_header
from storage.models import (
    Group,
    ImportOutcome,
    Person,
)
from storage.people import PeopleRepo


class RosterError(ServiceError):
    """A change to the roster this actor cannot make (see bot.services.problems)."""


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

    # -- editing from the bot ------------------------------------------------------------

    @staticmethod
    def may_edit(actor: Actor, person: Person) -> bool:
        """The secretary anyone, a leader the members of his own group."""
        return actor.person is not None and actor.may_act_for(person)

    async def edit(self, actor: Actor, person: Person, field: str,
                   words: Sequence[str]) -> Person:
        """`手机 13800000000`, `住址 …`, `类别 离休`, `家属 张建军 儿子 13900000000`,
        `党小组 第二党小组` (the secretary only)."""
        if not self.may_edit(actor, person):
            raise RosterError(Problem.ROSTER_NOT_ALLOWED)
        if field not in texts.ROSTER_FIELDS or not words:
            raise RosterError(Problem.ROSTER_EDIT_USAGE)
        key = texts.ROSTER_FIELDS[field]
        assert actor.tg_user_id is not None
        if key == "group":  # moving between groups is the secretary's, as with /role 分组
            group = await self.people.group_by_name(" ".join(words))
            if group is None:
                raise RosterError(Problem.ROSTER_GROUP_UNKNOWN, group=" ".join(words))
            if not actor.is_secretary:
                raise RosterError(Problem.ROSTER_NOT_ALLOWED)
            await self.move(person, group.id, actor_tg=actor.tg_user_id)
            moved = await self.people.get(person.id)
            assert moved is not None
            return moved
        changes: dict[str, str | None]
        if key == "phone":  # as people write it: 139 0000 1234
            changes = {"phone": self._phone("".join(words))}
        elif key == "residence":
            changes = {"residence": " ".join(words)[:100]}
        elif key == "category":
            changes = {"category": self._word(words[0], texts.CATEGORY)}
        else:  # family: name, relation, phone
            if len(words) < 3:
                raise RosterError(Problem.ROSTER_EDIT_USAGE)
            changes = {"family_name": words[0][:30], "family_relation": words[1][:10],
                       "family_phone": self._phone("".join(words[2:]))}
        await self.people.edit(person.id, changes, at=iso(self.clock.now()),
                               actor_tg=actor.tg_user_id)
        edited = await self.people.get(person.id)
        assert edited is not None
        return edited

    async def add(self, actor: Actor, words: Sequence[str]) -> Person:
        """`编号 姓名 党小组 类别 政治面貌`: a new member between imports; a leader adds to
        his own group only."""
        if len(words) != 5:
            raise RosterError(Problem.ROSTER_ADD_USAGE)
        ext_id, name, group_name, category, status = words
        group = await self.people.group_by_name(group_name)
        if group is None:
            raise RosterError(Problem.ROSTER_GROUP_UNKNOWN, group=group_name)
        if actor.person is None or not (actor.is_secretary or group.id in actor.led_group_ids):
            raise RosterError(Problem.ROSTER_NOT_ALLOWED)
        assert actor.tg_user_id is not None
        person_id = await self.people.add(
            ext_id[:20], name[:30], group.id, self._word(category, texts.CATEGORY),
            self._word(status, texts.PARTY_STATUS), at=iso(self.clock.now()),
            actor_tg=actor.tg_user_id)
        if person_id is None:
            raise RosterError(Problem.ROSTER_ID_TAKEN, ext_id=ext_id)
        added = await self.people.get(person_id)
        assert added is not None
        return added

    @staticmethod
    def _phone(text: str) -> str:
        phone = normalize_phone(text)
        if phone is None:
            raise RosterError(Problem.ROSTER_BAD_PHONE, value=text)
        return phone

    @staticmethod
    def _word(word: str, labels: Mapping[Any, str]) -> str:
        for key, label in labels.items():
            if label == word:
                return str(key)
        raise RosterError(Problem.ROSTER_BAD_WORD, value=word, options="、".join(labels.values()))

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

    @staticmethod
    def may_import(actor: Actor) -> bool:
        """Replacing the roster from a file is the secretary's (as `export`)."""
        return actor.person is not None and actor.is_secretary

    def preview(self, data: bytes, suffix: str) -> tuple[list[dict[str, Any]], list[RowProblem]]:
        """A file's rows and every problem in them, nothing written (the desk shows it
        before the secretary confirms). Raises `RosterFileError` for an unreadable file."""
        check_size(len(data))
        rows = rows_by_header(read_grid(data, suffix), tuple(COLUMNS), REQUIRED)
        return rows, validate_rows(rows, self.today())[1]

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
