"""Collections (信息统计): the secretary asks a few questions of everyone, the Party
members, or one 党小组; members answer in private chat, or their leader fills it in for
them (recorded as such); answers can change until the deadline; progress per group, and
an Excel export with one row a person and one column a question.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.people import is_party_member
from bot.services.problems import Problem, ServiceError
from bot.services.tables import workbook_bytes
from bot.services.when import WhenError, parse_day
from storage.collections import Answer, Collection, CollectionRepo
from storage.models import Group, Person
from storage.people import PeopleRepo

KINDS = {"是否": "yesno", "文字": "text", "数字": "number"}
YES_NO = ("是", "否")
DEADLINE_WORD, AUDIENCE_WORD = "截止", "对象"
AUDIENCE_WORDS = {"全体": "everyone", "党员": "party"}


class CollectionError(ServiceError):
    """A request this feature cannot do (see bot.services.problems)."""


@dataclass(frozen=True)
class Progress:
    group: str
    answered: int
    expected: int


def parse_collection(text: str, today: date, groups: list[Group]) -> tuple[
        str, list[tuple[str, str, list[str]]], str, int | None, date]:
    """Title, then `截止 日期`, optional `对象 全体|党员|组名`, then one question a line
    ending with its kind: 是否, 文字, 数字, or choices `A/B/C`."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 3:
        raise CollectionError(Problem.COLLECT_USAGE)
    title, audience, group_id, deadline = lines[0][:60], "everyone", None, None
    questions: list[tuple[str, str, list[str]]] = []
    for line in lines[1:]:
        head, _, rest = line.partition(" ")
        if head == DEADLINE_WORD:
            try:
                deadline = parse_day(rest, today)
            except WhenError as exc:
                raise CollectionError(Problem.COLLECT_BAD_DEADLINE) from exc
            continue
        if head == AUDIENCE_WORD:
            by_name = {g.name: g.id for g in groups}
            if rest in AUDIENCE_WORDS:
                audience = AUDIENCE_WORDS[rest]
            elif rest in by_name:
                audience, group_id = "group", by_name[rest]
            else:
                raise CollectionError(Problem.COLLECT_BAD_AUDIENCE)
            continue
        question, _, kind_text = line.rpartition(" ")
        if not question.strip():
            raise CollectionError(Problem.COLLECT_USAGE)
        if kind_text in KINDS:
            kind = KINDS[kind_text]
            choices = list(YES_NO) if kind == "yesno" else []
        else:
            kind, choices = "choice", [c for c in kind_text.split("/") if c]
            if not 2 <= len(choices) <= 6:
                raise CollectionError(Problem.COLLECT_USAGE)
        questions.append((question.strip()[:100], kind, choices))
    if deadline is None or not questions:
        raise CollectionError(Problem.COLLECT_USAGE)
    return title, questions, audience, group_id, deadline


class CollectionService(BranchTime):
    def __init__(self, repo: CollectionRepo, people: PeopleRepo, clock: Clock,
                 tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.people = people

    # -- reading, for handlers and jobs (repositories stay behind the services) ----------

    async def get(self, collection_id: int) -> Collection | None:
        return await self.repo.get(collection_id)

    async def answers(self, collection_id: int) -> dict[int, Answer]:
        return await self.repo.answers(collection_id)

    async def recent(self, limit: int) -> list[Collection]:
        return await self.repo.recent(limit)

    async def create(self, text: str, actor: Actor) -> Collection:
        if not actor.is_secretary:
            raise CollectionError(Problem.NOT_ALLOWED)
        title, questions, audience, group_id, deadline = parse_collection(
            text, self.today(), await self.people.groups())
        cid = await self.repo.create(title, questions, audience, group_id,
                                     deadline.isoformat(), created_by_tg=actor.tg_user_id,
                                     at=iso(self.now()))
        found = await self.repo.get(cid)
        assert found is not None
        return found

    async def expected(self, c: Collection) -> list[Person]:
        people = [p for p in await self.people.all() if p.active]
        if c.audience == "party":
            return [p for p in people if is_party_member(p)]
        if c.audience == "group":
            return [p for p in people if p.group_id == c.group_id]
        return people

    def is_open(self, c: Collection) -> bool:
        return self.today().isoformat() <= c.deadline

    @staticmethod
    def check_answer(kind: str, text: str) -> Any:
        """A typed answer as stored; CollectionError(COLLECT_BAD_NUMBER) for a bad number."""
        if kind == "number":
            try:
                return float(text) if "." in text else int(text)
            except ValueError:
                raise CollectionError(Problem.COLLECT_BAD_NUMBER) from None
        return text.strip()[:200]

    async def save(self, c: Collection, actor: Actor, person: Person,
                   answers: list[Any]) -> None:
        if actor.person is None or not (person.id == actor.person.id
                                        or actor.may_act_for(person)):
            raise CollectionError(Problem.NOT_ALLOWED)
        if not self.is_open(c):
            raise CollectionError(Problem.COLLECT_CLOSED)
        if person.id not in {p.id for p in await self.expected(c)}:
            raise CollectionError(Problem.COLLECT_NOT_EXPECTED)
        await self.repo.save(c.id, person.id, answers, recorded_by=actor.person.id,
                             at=iso(self.now()))

    async def progress(self, c: Collection, actor: Actor) -> list[Progress]:
        answers = await self.repo.answers(c.id)
        groups = {g.id: g.name for g in await self.people.groups()}
        by_group: dict[str, list[int]] = {}
        for p in await self.expected(c):
            if not (actor.sees_whole_branch or p.group_id in actor.led_group_ids):
                continue
            cell = by_group.setdefault(groups.get(p.group_id or -1, "-"), [0, 0])
            cell[1] += 1
            cell[0] += p.id in answers
        return [Progress(g, a, e) for g, (a, e) in by_group.items()]

    async def missing_for(self, c: Collection, actor: Actor) -> list[Person]:
        answers = await self.repo.answers(c.id)
        return [p for p in await self.expected(c)
                if p.id not in answers and actor.may_act_for(p)]

    async def workbook(self, c: Collection) -> bytes:
        from openpyxl import Workbook

        answers: dict[int, Answer] = await self.repo.answers(c.id)
        names = {p.id: p for p in await self.people.all()}
        wb = Workbook()
        ws = wb.active
        ws.title = "统计"
        ws.append(["编号", "姓名", "党小组", *[q for q, _, _ in c.questions], "填写人"])
        for p in await self.expected(c):
            a = answers.get(p.id)
            row = [p.ext_id, p.name, p.group_name or ""]
            row += list(a.answers) if a else [""] * len(c.questions)
            recorder = names.get(a.recorded_by) if a else None
            row.append("" if a is None else ("本人" if a.recorded_by == p.id
                                             else (recorder.name if recorder else "")))
            ws.append(row)
        return workbook_bytes(wb)
