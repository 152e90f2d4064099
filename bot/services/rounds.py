"""The leader's phone round (全覆盖, seed 003: "做到支部人员全覆盖").

Whatever the bot tells members itself — a holiday greeting, a birthday or 政治生日
greeting, a severe-weather warning, a meeting's reminder — a member with no linked account
never sees. Each such message opens one round: the members the bot cannot reach, each
assigned to his carer (`bot.services.org`), who gets one list and records each call
(电话已告知 / 上门告知 / 没联系上). Notices and study material use the same round when
they are followed up (`PostService.open_round`); a member who reads one himself after his
round was made drops off his carer's list (`settle_with`). Coverage counts the audience
reached directly plus the calls that got through.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.org import Org, carer_id
from storage.models import CallOutcome, Person, RoundKind
from storage.people import PeopleRepo
from storage.rounds import Call, Round, RoundRepo

REACHED = frozenset({CallOutcome.PHONE, CallOutcome.DOOR})
CALL_BUTTONS = (CallOutcome.PHONE, CallOutcome.DOOR, CallOutcome.UNREACHED)  # their order


def needs_call(p: Person) -> bool:
    """Whom the bot cannot reach itself: an active member with no linked account."""
    return p.active and p.tg_user_id is None


@dataclass(frozen=True)
class Coverage:
    direct: int      # reached by the bot itself
    via_leader: int  # phoned or visited
    unreached: int   # tried, not reached
    pending: int     # not called yet

    @property
    def total(self) -> int:
        return self.direct + self.via_leader + self.unreached + self.pending

    @property
    def reached(self) -> int:
        return self.direct + self.via_leader

    def __add__(self, other: Coverage) -> Coverage:
        return Coverage(self.direct + other.direct, self.via_leader + other.via_leader,
                        self.unreached + other.unreached, self.pending + other.pending)


def coverage_of(r: Round, calls: list[Call]) -> Coverage:
    return Coverage(r.direct, sum(1 for c in calls if c.outcome in REACHED),
                    sum(1 for c in calls if c.outcome is CallOutcome.UNREACHED),
                    sum(1 for c in calls if c.outcome is None))


class Recorded(StrEnum):
    DONE = "done"
    ALREADY = "already"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN = "unknown"  # no such round or person on it: an old or forged button


@dataclass(frozen=True)
class Sheet:
    """One carer's list in a round: the people and their calls so far."""

    round: Round
    assignee_id: int | None
    rows: list[tuple[Person, Call]]

    @property
    def open_rows(self) -> list[tuple[Person, Call]]:
        return [(p, c) for p, c in self.rows if c.outcome not in REACHED]


Settler = Callable[[Round], Awaitable[set[int]]]


class RoundService(BranchTime):
    def __init__(self, repo: RoundRepo, people: PeopleRepo, org: Org, clock: Clock,
                 tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.people = people
        self.org = org
        self._settlers: dict[str, Settler] = {}

    def settle_with(self, prefix: str, settled: Settler) -> None:
        """Rounds keyed `<prefix>:…` ask `settled` who has been reached some other way
        since the round was made (a notice read by the member himself): they leave the
        lists while nobody has called them yet."""
        self._settlers[prefix] = settled

    async def open(self, key: str, kind: RoundKind, what: str, audience: Iterable[Person],
                   *, call: Callable[[Person], bool] = needs_call) -> Round | None:
        """The round for a message sent to `audience`, made once under `key`; None when
        the bot reached everybody itself. `call` picks who needs a call (the default:
        those without a linked account)."""
        people = [p for p in audience if p.active]
        to_call = [p for p in people if call(p)]
        if not to_call:
            return None
        leaders = await self.org.leaders()
        made, _ = await self.repo.open(
            key, kind, what, direct=len(people) - len(to_call),
            calls=[(p.id, carer_id(p, leaders)) for p in to_call], at=iso(self.now()))
        return made

    async def sheets(self, r: Round) -> list[Sheet]:
        """The round's lists, one per carer (None: the secretary), people by name."""
        by_assignee: dict[int | None, list[tuple[Person, Call]]] = defaultdict(list)
        settler = self._settlers.get(r.key.split(":", 1)[0])
        settled = await settler(r) if settler is not None else set()
        for c in await self.repo.calls(r.id):
            if c.outcome is None and c.person_id in settled:
                continue
            person = await self.people.get(c.person_id)
            if person is not None:
                by_assignee[c.assignee_id].append((person, c))
        return [Sheet(r, assignee, sorted(rows, key=lambda pc: pc[0].ext_id))
                for assignee, rows in by_assignee.items()]

    async def mark_told(self, r: Round) -> None:
        await self.repo.mark_told(r.id, iso(self.now()))

    @staticmethod
    def may_record(actor: Actor, call: Call, person: Person) -> bool:
        """The carer it was given to, the person's own leader, or the secretary."""
        if actor.person is None:
            return False
        return (actor.is_secretary or call.assignee_id == actor.person.id
                or actor.may_act_for(person))

    async def record(self, actor: Actor, round_id: int, person_id: int,
                     outcome: CallOutcome) -> tuple[Recorded, Sheet | None, Person | None]:
        """A call's outcome, recorded as made by `actor` on `person`'s behalf; with the
        sheet it belongs to, fresh, for the list's message."""
        r = await self.repo.get(round_id)
        calls = {c.person_id: c for c in await self.repo.calls(round_id)} if r else {}
        person = await self.people.get(person_id)
        call = calls.get(person_id)
        if r is None or call is None or person is None:
            return Recorded.UNKNOWN, None, None
        if not self.may_record(actor, call, person):
            return Recorded.NOT_ALLOWED, None, person
        assert actor.person is not None and actor.tg_user_id is not None
        done = await self.repo.record(round_id, person_id, outcome, actor.person.id,
                                      iso(self.now()), actor.tg_user_id)
        sheet = next(s for s in await self.sheets(r) if s.assignee_id == call.assignee_id)
        return (Recorded.DONE if done else Recorded.ALREADY), sheet, person

    async def coverage(self, r: Round) -> Coverage:
        return coverage_of(r, await self.repo.calls(r.id))

    async def get(self, round_id: int) -> Round | None:
        return await self.repo.get(round_id)

    async def calls(self, r: Round) -> list[Call]:
        return await self.repo.calls(r.id)

    async def by_key(self, key: str) -> Round | None:
        return await self.repo.by_key(key)

    async def since(self, start: str, end: str) -> list[tuple[Round, Coverage]]:
        """The rounds made between two UTC moments with their coverage (digest, report)."""
        return [(r, coverage_of(r, calls)) for r, calls in await self.repo.between(start, end)]
