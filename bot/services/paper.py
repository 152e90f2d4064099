"""What goes on paper, for whom (the drawing is `bot.ui.paper`): a leader prints for his
own group, the secretary for the whole branch — the same rule as everything else
(`Actor.may_act_for`), so a leader's printout never carries another group's phones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.services.access import Actor
from bot.services.meetings import MeetingService
from bot.services.org import Org, carer_id
from storage.models import Group, Meeting, Person
from storage.people import PeopleRepo


@dataclass(frozen=True)
class Card:
    """One member's 亲情服务卡: whom to call."""

    person: Person
    leader: Person | None       # his carer; None: the secretary looks after him
    secretaries: Sequence[Person]
    branch: str
    hotline: str


class PaperService:
    def __init__(self, people: PeopleRepo, org: Org, meetings: MeetingService,
                 branch: str, hotline: str) -> None:
        self.people = people
        self.org = org
        self.meetings = meetings
        self.branch = branch
        self.hotline = hotline

    async def cards(self, actor: Actor) -> list[Card]:
        """A card for each active member this actor looks after."""
        people = [p for p in await self.people.all() if p.active and actor.may_act_for(p)]
        leaders = await self.org.leaders()
        secretaries = await self.org.secretaries()
        by_id = {p.id: p for p in await self.people.all()}
        out = []
        for p in sorted(people, key=lambda q: q.ext_id):
            leader_id = carer_id(p, leaders)
            leader = by_id.get(leader_id) if leader_id is not None else None
            out.append(Card(p, leader, [s for s in secretaries if s.id != p.id],
                            self.branch, self.hotline))
        return out

    async def groups(self, actor: Actor) -> tuple[list[Group], list[Person]]:
        """The groups on this actor's 联络图, and everyone (to look their leaders up)."""
        groups = [g for g in await self.people.groups()
                  if actor.is_secretary or g.id in actor.led_group_ids]
        return groups, await self.people.all()

    async def upcoming(self, actor: Actor) -> list[Meeting]:
        """The meetings still to come that this actor runs, soonest first."""
        return sorted((m for m in await self.meetings.manageable(actor)
                       if m.status in ("scheduled", "open")), key=lambda m: m.starts_at)

    async def next_meeting(self, actor: Actor) -> tuple[Meeting, list[Person]] | None:
        """The next meeting this actor runs and who is expected at it, for a sign-in sheet."""
        upcoming = await self.upcoming(actor)
        return await self.sign_in(actor, upcoming[0].id) if upcoming else None

    async def sign_in(self, actor: Actor, meeting_id: int,
                      ) -> tuple[Meeting, list[Person]] | None:
        """A meeting this actor runs, still to come, and who is expected at it; None for
        any other meeting (an old or forged button)."""
        m = next((m for m in await self.upcoming(actor) if m.id == meeting_id), None)
        if m is None:
            return None
        return m, sorted(await self.meetings.expected(m), key=lambda p: p.ext_id)
