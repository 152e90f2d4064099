"""建言献策 and 做好事: who may mark, answer and read suggestions, and whose good deed a
person may record. Handlers translate Telegram to these calls and back."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.org import Org
from bot.services.problems import Problem, ServiceError
from storage.models import Person, SuggestionStatus
from storage.people import PeopleRepo
from storage.suggestions import Suggestion, SuggestionRepo

MAX_SUGGESTION = 1000
MAX_DEED = 500
# What the secretary's buttons set; a reply sets REPLIED.
MARKS = (SuggestionStatus.RECEIVED, SuggestionStatus.DONE)


class SuggestionError(ServiceError):
    """A request about suggestions or deeds that cannot be done."""


@dataclass(frozen=True)
class Sent:
    suggestion_id: int
    text: str
    tell: list[Person]  # who handles it: the secretaries


class SuggestionService(BranchTime):
    def __init__(self, repo: SuggestionRepo, people: PeopleRepo, org: Org, clock: Clock,
                 tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.people = people
        self.org = org

    async def suggest(self, actor: Actor, text: str) -> Sent:
        words = text.strip()[:MAX_SUGGESTION]
        if actor.person is None:
            raise SuggestionError(Problem.NOT_LINKED)
        if not words:
            raise SuggestionError(Problem.SUGGEST_USAGE)
        suggestion_id = await self.repo.add(actor.person.id, words, iso(self.now()))
        return Sent(suggestion_id, words, await self.org.secretaries())

    async def suggest_for(self, actor: Actor, person: Person, text: str) -> Sent:
        """A suggestion a member dictated to his leader (由谁代写 is kept)."""
        words = text.strip()[:MAX_SUGGESTION]
        if actor.person is None or not actor.may_act_for(person):
            raise SuggestionError(Problem.NOT_ALLOWED)
        if not words:
            raise SuggestionError(Problem.SUGGEST_USAGE)
        suggestion_id = await self.repo.add(person.id, words, iso(self.now()),
                                            recorded_by=actor.person.id)
        return Sent(suggestion_id, words, await self.org.secretaries())

    async def _handled_by_secretary(self, actor: Actor, suggestion_id: int) -> Suggestion:
        found = await self.repo.get(suggestion_id)
        if found is None:
            raise SuggestionError(Problem.STALE)
        if not actor.is_secretary:
            raise SuggestionError(Problem.NOT_ALLOWED)
        return found

    async def mark(self, actor: Actor, suggestion_id: int,
                   status: SuggestionStatus) -> Suggestion:
        found = await self._handled_by_secretary(actor, suggestion_id)
        if status not in MARKS:
            raise SuggestionError(Problem.STALE)
        await self.repo.set_status(found.id, status, reply=None, at=iso(self.now()),
                                   actor_tg=actor.tg_user_id)
        return found

    async def to_answer(self, actor: Actor, suggestion_id: int) -> Person | None:
        """The author of a suggestion the secretary is about to answer."""
        found = await self._handled_by_secretary(actor, suggestion_id)
        return await self.people.get(found.person_id)

    async def answer(self, actor: Actor, suggestion_id: int,
                     reply: str) -> tuple[Suggestion, Person | None, str]:
        """Save the answer; the author (to be told) and the words saved."""
        found = await self._handled_by_secretary(actor, suggestion_id)
        words = reply.strip()[:MAX_SUGGESTION]
        await self.repo.set_status(found.id, SuggestionStatus.REPLIED, reply=words,
                                   at=iso(self.now()), actor_tg=actor.tg_user_id)
        return found, await self.people.get(found.person_id), words

    async def waiting(self) -> int:
        """Suggestions nobody has answered yet (new, or only marked received)."""
        return await self.repo.count_in((SuggestionStatus.NEW, SuggestionStatus.RECEIVED))

    async def count_since(self, day: str) -> int:
        return await self.repo.count_since(day)

    async def deeds_in(self, year: int) -> int:
        return len([d for d in await self.repo.deeds_since(f"{year}-01-01")
                    if d[2].startswith(str(year))])

    async def recent(self, limit: int = 30) -> list[tuple[Suggestion, str]]:
        """The latest suggestions with their authors' names (the command is for staff)."""
        names = {p.id: p.name for p in await self.people.all()}
        return [(s, names.get(s.person_id, "?")) for s in await self.repo.recent(limit)]

    async def record_deed(self, actor: Actor, words: list[str]) -> tuple[Person, str]:
        """`内容` for oneself, or `姓名 内容` for someone a leader looks after."""
        if actor.person is None:
            raise SuggestionError(Problem.NOT_LINKED)
        if not words:
            raise SuggestionError(Problem.DEED_USAGE)
        person, text = actor.person, " ".join(words)
        if len(words) >= 2:
            named = [p for p in await self.people.by_name(words[0]) if p.active]
            if len(named) == 1:
                person, text = named[0], " ".join(words[1:])
        if person.id != actor.person.id and not actor.may_act_for(person):
            raise SuggestionError(Problem.DEED_NOT_ALLOWED)
        saved = text.strip()[:MAX_DEED]
        await self.repo.add_deed(person.id, saved, self.today().isoformat(), actor.person.id,
                                 iso(self.now()))
        return person, saved
