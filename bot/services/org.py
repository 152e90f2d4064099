"""Who looks after whom: the branch's one answer, used by every feature.

A member is looked after by the leader of his 党小组; a leader is not his own carer, and a
member without a group, or whose leader has died or was archived, is looked after by the
secretary (`None` below means "the secretary"). Whoever cannot be reached in Telegram (no
account linked, archived) is stood in for by the secretaries (`reach`)."""

from __future__ import annotations

from collections.abc import Mapping

from storage.models import Person
from storage.people import PeopleRepo


def carer_id(person: Person, leaders: Mapping[int, int | None]) -> int | None:
    """The id of the leader who looks after `person`, from {group id: leader id}; None:
    the secretary. For a batch, with `Org.leaders()` read once."""
    if person.group_id is None:
        return None
    leader = leaders.get(person.group_id)
    return leader if leader is not None and leader != person.id else None


class Org:
    def __init__(self, people: PeopleRepo) -> None:
        self.people = people

    async def leaders(self) -> dict[int, int | None]:
        """{group id: id of its active leader, or None}."""
        out: dict[int, int | None] = {}
        for g in await self.people.groups():
            leader = await self.people.get(g.leader_id) if g.leader_id else None
            out[g.id] = leader.id if leader is not None and leader.active else None
        return out

    async def carer_of(self, person: Person) -> Person | None:
        """The leader who looks after `person`; None when that is the secretary."""
        found = carer_id(person, await self.leaders())
        return await self.people.get(found) if found is not None else None

    async def secretaries(self) -> list[Person]:
        return [p for p in await self.people.with_role("secretary") if p.active]

    async def reach(self, person_id: int | None) -> list[Person]:
        """Who hears about something meant for `person_id`: him, if he can be reached in
        Telegram, else the secretaries."""
        person = await self.people.get(person_id) if person_id else None
        if person is not None and person.active and person.tg_user_id is not None:
            return [person]
        return await self.secretaries()
