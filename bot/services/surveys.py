"""Anonymous surveys: creating one from a few typed lines, the one-answer-each rule, and
results that are shown only once it is closed and only if enough people answered that no
one can be picked out."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.people import is_party_member
from bot.services.problems import Problem, ServiceError
from storage.models import Person
from storage.surveys import Survey, SurveyRepo

MIN_ANSWERS = 5
SATISFIED = ("满意", "基本满意", "非常满意", "比较满意")
COMMENT_MARK = "+"
SKIPPED = -1  # a voter's own question in 民主评议: not answered, not counted
QUALIFIED = 1  # 合格, the grade 「其余都评合格」 gives (texts.APPRAISAL_GRADES)


class SurveyError(ServiceError):
    """A request this feature cannot do (see bot.services.problems)."""


@dataclass(frozen=True)
class QuestionResult:
    question: str
    counts: tuple[tuple[str, int], ...]
    satisfied: float | None  # share of the 满意-like choices, when the question has them

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)


@dataclass(frozen=True)
class Results:
    survey: Survey
    answers: int
    questions: tuple[QuestionResult, ...]
    comments: tuple[str, ...]


def parse_survey(text: str) -> tuple[str, list[tuple[str, list[str]]], bool]:
    """Title on the first line, then one question a line: `问题 选项/选项/选项`; a line
    starting with + adds a free-text comment at the end."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    if len(lines) < 2:
        raise SurveyError(Problem.SURVEY_USAGE)
    title, questions, comments = lines[0][:60], [], False
    for line in lines[1:]:
        if line.startswith(COMMENT_MARK):
            comments = True
            continue
        question, _, choices = line.rpartition(" ")
        options = [c.strip() for c in choices.split("/") if c.strip()]
        if not question.strip() or not 2 <= len(options) <= 6:
            raise SurveyError(Problem.SURVEY_USAGE)
        questions.append((question.strip()[:200], [o[:30] for o in options]))
    if not questions:
        raise SurveyError(Problem.SURVEY_USAGE)
    return title, questions, comments


class SurveyService(BranchTime):
    def __init__(self, repo: SurveyRepo, clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo

    # -- reading, for handlers and jobs (repositories stay behind the services) ----------

    async def get(self, survey_id: int) -> Survey | None:
        return await self.repo.get(survey_id)

    async def recent(self, limit: int) -> list[Survey]:
        return await self.repo.recent(limit)

    async def voters(self, survey_id: int) -> int:
        return await self.repo.voters(survey_id)

    async def has_voted(self, survey_id: int, person_id: int) -> bool:
        return await self.repo.has_voted(survey_id, person_id)

    async def create(self, text: str, actor: Actor) -> Survey:
        if not actor.is_secretary:
            raise SurveyError(Problem.NOT_ALLOWED)
        title, questions, comments = parse_survey(text)
        survey_id = await self.repo.create(title, questions, comments,
                                           created_by_tg=actor.tg_user_id, at=iso(self.now()))
        survey = await self.repo.get(survey_id)
        assert survey is not None
        return survey

    async def create_appraisal(self, actor: Actor, members: list[Person]) -> Survey:
        """民主评议党员: one question per Party member (`members`, the branch's as the caller
        found them), graded 优秀/合格/基本合格/不合格, anonymous like any survey."""
        if not actor.is_secretary:
            raise SurveyError(Problem.NOT_ALLOWED)
        party = [p for p in members if p.active and is_party_member(p)]
        if len(party) < MIN_ANSWERS:
            raise SurveyError(Problem.APPRAISAL_TOO_FEW, minimum=MIN_ANSWERS)
        title = texts.APPRAISAL_TITLE.format(year=self.today().year)
        survey_id = await self.repo.create(
            title, [(texts.APPRAISAL_SUBJECT.format(name=p.name), texts.APPRAISAL_GRADES)
                    for p in party], False, created_by_tg=actor.tg_user_id,
            at=iso(self.now()), subjects=[p.id for p in party])
        survey = await self.repo.get(survey_id)
        assert survey is not None
        return survey

    @staticmethod
    def may_take(survey: Survey, voter: Person) -> bool:
        """Anyone linked answers a survey; only the Party members rated in 民主评议 rate."""
        return survey.subjects is None or voter.id in survey.subjects

    @staticmethod
    def skipped_for(survey: Survey, voter_id: int, index: int) -> bool:
        """Whether question `index` is the voter's own (he does not rate himself)."""
        return survey.subjects is not None and survey.subjects[index] == voter_id

    def _valid(self, survey: Survey, voter: Person, choices: list[int]) -> bool:
        if len(choices) != len(survey.questions) or not self.may_take(survey, voter):
            return False
        return all((c == SKIPPED) if self.skipped_for(survey, voter.id, i)
                   else 0 <= c < len(survey.questions[i][1]) for i, c in enumerate(choices))

    async def submit(self, survey: Survey, actor: Actor, choices: list[int],
                     comment: str | None) -> bool:
        if actor.person is None or not self._valid(survey, actor.person, choices):
            return False
        return await self.repo.submit(survey.id, actor.person.id, choices,
                                      (comment or "").strip()[:500] or None)

    async def open_for_paper(self, actor: Actor, person: Person) -> Survey:
        """The latest open survey, for a paper ballot a leader enters for `person`."""
        if actor.person is None or not actor.may_act_for(person):
            raise SurveyError(Problem.NOT_ALLOWED)
        found = [s for s in await self.repo.recent(5) if s.status == "open"]
        if not found:
            raise SurveyError(Problem.SURVEY_NONE_OPEN)
        if await self.repo.has_voted(found[0].id, person.id):
            raise SurveyError(Problem.SURVEY_ALREADY_IN, name=person.name)
        if not self.may_take(found[0], person):
            raise SurveyError(Problem.APPRAISAL_NOT_PARTY, name=person.name)
        return found[0]

    async def submit_paper(self, survey: Survey, actor: Actor, person: Person,
                           choices: list[int], comment: str | None) -> bool:
        """A paper ballot: anonymous like any other; only the voter row names who entered
        it."""
        if actor.person is None or not actor.may_act_for(person) \
                or not self._valid(survey, person, choices):
            return False
        return await self.repo.submit(survey.id, person.id, choices,
                                      (comment or "").strip()[:500] or None,
                                      recorded_by=actor.person.id)

    async def close(self, survey: Survey, actor: Actor) -> bool:
        if not actor.is_secretary:
            return False
        return await self.repo.close(survey.id, iso(self.now()))

    async def results(self, survey: Survey, actor: Actor | None = None) -> Results | None:
        """None while open, or when fewer than MIN_ANSWERS answered; 民主评议's per-person
        counts are the secretary's alone (`actor`)."""
        answers = await self.repo.voters(survey.id)
        if survey.status != "closed" or answers < MIN_ANSWERS:
            return None
        if survey.is_appraisal and (actor is None or not actor.is_secretary):
            return None
        tallies = await self.repo.tallies(survey.id)
        out = []
        for qi, (question, choices) in enumerate(survey.questions):
            counts = tuple((c, tallies.get((qi, ci), 0)) for ci, c in enumerate(choices))
            total = sum(n for _, n in counts)
            liked = [n for c, n in counts if c in SATISFIED]
            satisfied = sum(liked) / total if liked and total else None
            out.append(QuestionResult(question, counts, satisfied))
        return Results(survey, answers, tuple(out), tuple(await self.repo.comments(survey.id)))
