"""Quizzes (知识答题, 以考促学): checking a question bank, taking it one question at a time,
and the scores each role may see.

A bank is a spreadsheet with the columns 题目, 选项A … 选项F, 答案 (a letter) and 解析;
every bad row is reported and nothing is imported unless all rows are good. The first
finished attempt is the one that counts, unless the secretary allows retakes, in which
case the best one does.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import BranchTime, Clock, iso
from bot.services.access import Actor
from bot.services.problems import Problem, ServiceError
from bot.services.roster_file import RowProblem
from bot.services.tables import cell_text, read_grid, rows_by_header
from storage.models import Attempt, Person, Quiz, QuizQuestion
from storage.people import PeopleRepo
from storage.quizzes import QuizRepo

LETTERS = "ABCDEF"
COLUMNS = ("题目", *(f"选项{c}" for c in LETTERS), "答案", "解析")
REQUIRED = ("题目", "选项A", "选项B", "答案")
# Telegram's limits for quiz polls.
MAX_QUESTION, MAX_OPTION, MAX_EXPLANATION = 300, 100, 200


class Start(StrEnum):
    STARTED = "started"
    DONE = "done"          # already taken, retakes not allowed
    NOT_LINKED = "not_linked"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Next:
    """What to do after an answer: ask `question`, or report the final score."""

    attempt: Attempt
    quiz: Quiz
    question: QuizQuestion | None


class QuizError(ServiceError):
    """A request this feature cannot do (see bot.services.problems)."""


def passed(quiz: Quiz, percent: int) -> bool:
    """At or above the quiz's pass mark; below it, the member's leader studies with him."""
    return percent >= quiz.pass_percent


@dataclass(frozen=True)
class Score:
    person: Person
    score: int
    total: int

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.total) if self.total else 0


def parse_bank(data: bytes, suffix: str) -> tuple[list[QuizQuestion], list[RowProblem]]:
    """Check every row of a question bank; TableError if the file itself is unusable."""
    rows = rows_by_header(read_grid(data, suffix), COLUMNS, REQUIRED)
    good: list[QuizQuestion] = []
    problems: list[RowProblem] = []
    for index, raw in enumerate(rows):
        question, bad = check_question({k: cell_text(v) for k, v in raw.items()}, index + 2,
                                       position=len(good))
        problems.extend(bad)
        if question is not None:
            good.append(question)
    if not rows:
        problems.append(RowProblem(1, None, texts.IMPORT_NO_PEOPLE))
    return good, problems


def typed_question(text: str, options: list[str], answer: int, explanation: str | None,
                   position: int) -> tuple[QuizQuestion | None, list[RowProblem]]:
    """A question entered step by step, checked by the same rules as a bank row."""
    cell = {"题目": text, "答案": LETTERS[answer], "解析": explanation or ""}
    cell.update({f"选项{LETTERS[i]}": o for i, o in enumerate(options)})
    return check_question(cell, position + 1, position=position)


def check_question(cell: dict[str, str], line: int,
                   position: int) -> tuple[QuizQuestion | None, list[RowProblem]]:
    """One question as the columns of a bank row; the question or what is wrong with it."""
    bad: list[RowProblem] = []
    question = cell.get("题目", "")
    if not question:
        bad.append(RowProblem(line, "题目", texts.IMPORT_REQUIRED))
    elif len(question) > MAX_QUESTION:
        bad.append(RowProblem(line, "题目", texts.QUIZ_TOO_LONG.format(limit=MAX_QUESTION)))
    options: list[str] = []
    for letter in LETTERS:
        text = cell.get(f"选项{letter}", "")
        if text and len(options) < LETTERS.index(letter):
            bad.append(RowProblem(line, f"选项{letter}", texts.QUIZ_OPTION_GAP))
        if len(text) > MAX_OPTION:
            bad.append(RowProblem(line, f"选项{letter}",
                                  texts.QUIZ_TOO_LONG.format(limit=MAX_OPTION)))
        if text:
            options.append(text)
    if len(options) < 2:
        bad.append(RowProblem(line, "选项B", texts.QUIZ_TWO_OPTIONS))
    answer = cell.get("答案", "").upper()
    if answer not in LETTERS[:len(options)] or len(answer) != 1:
        bad.append(RowProblem(line, "答案", texts.QUIZ_BAD_ANSWER.format(
            value=cell.get("答案", ""), letters="、".join(LETTERS[:max(2, len(options))]))))
    explanation = cell.get("解析") or None
    if explanation and len(explanation) > MAX_EXPLANATION:
        bad.append(RowProblem(line, "解析", texts.QUIZ_TOO_LONG.format(limit=MAX_EXPLANATION)))
    if bad:
        return None, bad
    return QuizQuestion(position, question, tuple(options), LETTERS.index(answer),
                        explanation), []


class QuizService(BranchTime):
    def __init__(self, repo: QuizRepo, people: PeopleRepo, clock: Clock, tz: ZoneInfo) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.people = people

    # -- reading, for handlers and jobs (repositories stay behind the services) ----------

    async def get(self, quiz_id: int) -> Quiz | None:
        return await self.repo.get(quiz_id)

    async def finished_shares(self, quiz: Quiz) -> list[float]:
        """Each finished attempt's share of right answers (0..1), for the year's report."""
        if not quiz.questions:
            return []
        return [a.score / len(quiz.questions) for a in await self.repo.attempts(quiz.id)
                if a.finished]

    async def paper_score(self, actor: Actor, person: Person, score_text: str) -> Quiz:
        """The latest quiz, done on paper: its score entered by the member's leader."""
        quizzes = await self.repo.recent(1)
        if not quizzes:
            raise QuizError(Problem.QUIZ_NONE_YET)
        quiz = quizzes[0]
        if actor.person is None or not actor.may_act_for(person):
            raise QuizError(Problem.NOT_ALLOWED)
        if not score_text.isdigit() or not 0 <= int(score_text) <= len(quiz.questions):
            raise QuizError(Problem.QUIZ_BAD_SCORE, total=len(quiz.questions))
        assert actor.tg_user_id is not None
        if not await self.repo.paper_score(quiz.id, person.id, int(score_text),
                                           at=iso(self.now()), recorded_by=actor.person.id,
                                           actor_tg=actor.tg_user_id):
            raise QuizError(Problem.QUIZ_ALREADY_TAKEN, name=person.name)
        return quiz

    async def recent(self, limit: int) -> list[Quiz]:
        return await self.repo.recent(limit)

    async def create(self, title: str, questions: list[QuizQuestion], actor: Actor, *,
                     pass_percent: int = 60) -> Quiz:
        quiz_id = await self.repo.create(title=title[:60], questions=questions,
                                         pass_percent=pass_percent, retakes=False,
                                         created_by_tg=actor.tg_user_id, at=iso(self.now()))
        quiz = await self.repo.get(quiz_id)
        assert quiz is not None
        return quiz

    async def start(self, quiz_id: int, actor: Actor) -> tuple[Start, Any]:
        """(STARTED, Next) with the first question, or (DONE, Score), or a refusal."""
        quiz = await self.repo.get(quiz_id)
        if quiz is None or not quiz.questions:
            return Start.UNKNOWN, None
        if actor.person is None:
            return Start.NOT_LINKED, None
        attempts = await self.repo.attempts(quiz.id, actor.person.id)
        unfinished = [a for a in attempts if not a.finished]
        if unfinished:  # carry on where he left off
            a = unfinished[-1]
            return Start.STARTED, Next(a, quiz, quiz.questions[a.position])
        if attempts and not quiz.retakes:
            return Start.DONE, self._kept(quiz, actor.person, attempts)
        attempt_id = await self.repo.start(quiz.id, actor.person.id, iso(self.now()))
        attempt = next(a for a in await self.repo.attempts(quiz.id, actor.person.id)
                       if a.id == attempt_id)
        return Start.STARTED, Next(attempt, quiz, quiz.questions[0])

    async def asked(self, attempt: Attempt, poll_id: str) -> None:
        await self.repo.set_poll(attempt.id, poll_id)

    async def answer(self, poll_id: str, tg_user_id: int, option: int) -> Next | None:
        """Record a poll answer; the next step, or None if it is not ours or a repeat."""
        attempt = await self.repo.by_poll(poll_id)
        if attempt is None:
            return None
        person = await self.people.by_tg_user(tg_user_id)
        quiz = await self.repo.get(attempt.quiz_id)
        if person is None or person.id != attempt.person_id or quiz is None:
            return None
        question = quiz.questions[attempt.position]
        last = attempt.position + 1 >= len(quiz.questions)
        if not await self.repo.answer(attempt, option, option == question.answer, last=last,
                                      at=iso(self.now())):
            return None
        moved = next(a for a in await self.repo.attempts(quiz.id, person.id)
                     if a.id == attempt.id)
        return Next(moved, quiz, None if last else quiz.questions[moved.position])

    @staticmethod
    def _kept(quiz: Quiz, person: Person, attempts: list[Attempt]) -> Score | None:
        finished = [a for a in attempts if a.finished]
        if not finished:
            return None
        kept = max(finished, key=lambda a: a.score) if quiz.retakes else finished[0]
        return Score(person, kept.score, len(quiz.questions))

    async def scores(self, quiz: Quiz, actor: Actor) -> tuple[list[Score], list[Person]]:
        """The scores this actor may see, and who (of those he looks after) has not
        taken it. A member sees only his own."""
        people = [p for p in await self.people.all() if p.active]
        if actor.is_secretary or actor.sees_whole_branch:
            visible = people
        elif actor.led_group_ids:
            visible = [p for p in people if p.group_id in actor.led_group_ids]
        else:
            visible = [p for p in people if actor.person and p.id == actor.person.id]
        scores, missing = [], []
        for p in visible:
            kept = self._kept(quiz, p, await self.repo.attempts(quiz.id, p.id))
            if kept is None:
                missing.append(p)
            else:
                scores.append(kept)
        return scores, missing

    async def allow_retakes(self, quiz_id: int, actor: Actor) -> bool:
        if not actor.is_secretary:
            return False
        await self.repo.set_retakes(quiz_id, True)
        return True
