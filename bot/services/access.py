"""Who is asking, and what may they see. One place decides roles for every handler.

Roles come from the database (`person_roles`, `party_groups.leader_id`); the config's
`admins.secretary_ids` bootstrap the secretary before any roster exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from storage.models import Person, VisitKind
from storage.people import PeopleRepo


class Role(StrEnum):
    STRANGER = "stranger"
    MEMBER = "member"
    LEADER = "leader"
    LIAISON = "liaison"
    COMMITTEE = "committee"
    SECRETARY = "secretary"


# Roles that see the whole branch's roster; a leader sees only his own group.
WHOLE_BRANCH = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.LIAISON})
STAFF = WHOLE_BRANCH | {Role.LEADER}
LINKED = STAFF | {Role.MEMBER}
EVERYONE = LINKED | {Role.STRANGER}

# Visit kinds whose very name tells of a hospital stay or hardship: shown as such only to
# those who may see private details (`Actor.may_see_private`).
PRIVATE_VISIT_KINDS = frozenset({VisitKind.HOSPITAL, VisitKind.HARDSHIP})


def shows_visit_kind(kind: VisitKind, private: bool) -> bool:
    """Whether a visit's kind may be named to someone: always, unless the kind itself tells
    of a hospital stay or hardship and he may not see private details."""
    return private or kind not in PRIVATE_VISIT_KINDS


@dataclass(frozen=True)
class Actor:
    tg_user_id: int
    person: Person | None
    roles: frozenset[Role]
    led_group_ids: frozenset[int] = frozenset()

    @property
    def linked(self) -> bool:
        return self.person is not None

    def has_any(self, roles: frozenset[Role]) -> bool:
        return bool(self.roles & roles)

    @property
    def is_secretary(self) -> bool:
        return Role.SECRETARY in self.roles

    @property
    def sees_whole_branch(self) -> bool:
        return self.has_any(WHOLE_BRANCH)

    def may_see(self, other: Person) -> bool:
        """Whether this actor may see another person's record (phone, flags, notes)."""
        if self.person is not None and other.id == self.person.id:
            return True
        if self.sees_whole_branch:
            return True
        return other.group_id is not None and other.group_id in self.led_group_ids

    def may_see_private(self, other: Person, recorded_by: int | None = None) -> bool:
        """The branch's one rule for health, hospital stays, hardship, money, visit notes
        and the kind of a visit that names them (`PRIVATE_VISIT_KINDS`): the secretary,
        the person's own leader, and the visitor who wrote that record (`recorded_by`).
        Never anyone else, whatever his role: a committee member of another group sees
        that a visit happened, not why."""
        if self.person is None:
            return False
        if self.is_secretary or (other.group_id is not None
                                 and other.group_id in self.led_group_ids):
            return True
        return recorded_by is not None and recorded_by == self.person.id

    def leads(self, other: Person) -> bool:
        """Whether `other` is in a group this actor leads (his own people, whatever else
        his role lets him see)."""
        return other.group_id is not None and other.group_id in self.led_group_ids

    def may_act_for(self, other: Person) -> bool:
        """Whether this actor may record things on another person's behalf."""
        if self.is_secretary:
            return True
        return other.group_id is not None and other.group_id in self.led_group_ids


class AccessService:
    def __init__(self, people: PeopleRepo, secretary_ids: tuple[int, ...]) -> None:
        self.people = people
        self.secretary_ids = frozenset(secretary_ids)

    async def actor(self, tg_user_id: int) -> Actor:
        person, leads = await self.people.account(tg_user_id)
        if person is not None and not person.active:
            person = None  # an archived record's old account gets nothing
        roles: set[Role] = set()
        led: frozenset[int] = frozenset()
        if person is not None:
            roles.add(Role.MEMBER)
            roles.update(Role(r) for r in person.roles)
            led = frozenset(leads)
            if led:
                roles.add(Role.LEADER)
        if tg_user_id in self.secretary_ids:
            roles.add(Role.SECRETARY)
        if not roles:
            roles.add(Role.STRANGER)
        return Actor(tg_user_id, person, frozenset(roles), led)
