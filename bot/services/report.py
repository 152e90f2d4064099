"""The year-end work report (年度工作报告): meetings and attendance, visits, study,
greetings, dues, suggestions and good deeds, from the records the other features keep;
and the same as an Excel workbook with a chart of attendance by month.

Everything here reads; nothing is stored twice.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot import texts
from bot.services.tables import workbook_bytes
from storage.models import MeetingKind, VisitKind

if TYPE_CHECKING:
    from bot.services.care import CareService
    from bot.services.dues import DuesService
    from bot.services.meetings import MeetingService
    from bot.services.posts import PostService
    from bot.services.quizzes import QuizService
    from bot.services.rounds import RoundService
    from bot.services.suggestions import SuggestionService
    from bot.services.surveys import SurveyService
    from storage.pushes import PushRepo


@dataclass(frozen=True)
class Report:
    year: int
    meetings_by_kind: dict[MeetingKind, int]
    attendance_expected: int
    attendance_present: int
    attendance_proxy: int
    attendance_excused: int
    attendance_by_month: dict[int, float]
    visits_by_kind: dict[VisitKind, int]
    home_visits: int
    hospital_visits: int
    birthday_visits: int
    money_yuan: int
    study_posts: int
    study_done: int
    study_expected: int
    greetings: dict[str, int]
    dues_collected_fen: int
    dues_spent_fen: int
    suggestions: int
    good_deeds: int
    makeups_done: int = 0
    makeups_total: int = 0
    visits_by_visitor: dict[str, int] = field(default_factory=dict)
    quizzes: list[tuple[str, int, float]] = field(default_factory=list)  # title, n, avg %
    notices: int = 0
    notice_coverage: float | None = None
    surveys: list[tuple[str, int, float | None]] = field(default_factory=list)
    calls_reached: int = 0  # phone rounds: members told by their leader
    calls_total: int = 0

    @property
    def attendance_rate(self) -> float:
        return self.attendance_present / self.attendance_expected if \
            self.attendance_expected else 0.0


class ReportService:
    """The year's figures, read through the services that own them."""

    def __init__(self, meetings: MeetingService, care: CareService, posts: PostService,
                 dues: DuesService, quizzes: QuizService, surveys: SurveyService,
                 suggestions: SuggestionService, rounds: RoundService, pushes: PushRepo) -> None:
        self.meetings, self.care, self.posts, self.dues = meetings, care, posts, dues
        self.quizzes, self.surveys, self.suggestions = quizzes, surveys, suggestions
        self.rounds, self.pushes = rounds, pushes

    async def build(self, year: int) -> Report:
        return await build_report(self, year)


async def build_report(figures: ReportService, year: int) -> Report:
    counts = await figures.meetings.year_counts(year)  # counted in SQL
    rounds = await figures.rounds.since(f"{year}-01-01", f"{year}-12-31T23:59:59")
    kinds: dict[MeetingKind, set[int]] = defaultdict(set)
    status: Counter[str] = Counter()
    by_month: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    months: dict[int, int] = {}
    for c in counts:
        m = c.meeting
        assert m is not None
        kinds[m.kind].add(m.id)
        if m.id not in months:
            months[m.id] = figures.meetings.local(m.starts_at).month
        cell = by_month[months[m.id]]
        cell[1] += c.n
        if c.status == "present":
            cell[0] += c.n
            status["proxy" if c.proxy else "present"] += c.n
        else:
            status[c.status] += c.n
    visits = await figures.care.year_counts(year)
    study_posts = [p for p in await figures.posts.recent("study", 500)
                   if p.send_at.startswith(str(year))]
    greetings = Counter(key.split(":", 1)[0] for key in
                        await figures.pushes.sent_between(f"{year}-01-01", f"{year}-12-31"))
    statement = await figures.dues.statement(year)
    meeting_ids = set(months)
    makeups = [t for mid in meeting_ids
               for t in await figures.meetings.makeups_of(mid)]
    quizzes = []
    for quiz in await figures.quizzes.recent(50):
        scores = await figures.quizzes.finished_shares(quiz)
        if scores:
            quizzes.append((quiz.title, len(scores), sum(scores) / len(scores)))
    notice_posts = [p for p in await figures.posts.recent("notice", 500)
                    if p.send_at.startswith(str(year))]
    (done, expected), (reached, total) = await figures.posts.reached_of(
        study_posts, [post for post in notice_posts if figures.posts.is_tracked(post)])
    surveys = []
    for survey in await figures.surveys.recent(20):  # 民主评议's grades stay out of it
        results = await figures.surveys.results(survey)
        if results is not None:
            liked = [q.satisfied for q in results.questions if q.satisfied is not None]
            surveys.append((survey.title, results.answers,
                            sum(liked) / len(liked) if liked else None))
    return Report(
        year=year,
        meetings_by_kind={k: len(v) for k, v in kinds.items()},
        attendance_expected=sum(status.values()),
        attendance_present=status["present"] + status["proxy"],
        attendance_proxy=status["proxy"], attendance_excused=status["excused"],
        attendance_by_month={month: p / t for month, (p, t) in sorted(by_month.items()) if t},
        visits_by_kind=dict(visits.by_kind), home_visits=visits.home,
        hospital_visits=visits.hospital, birthday_visits=visits.birthday,
        money_yuan=visits.money_yuan, study_posts=len(study_posts), study_done=done,
        study_expected=expected, greetings=dict(greetings),
        dues_collected_fen=sum(statement.collected.values()),
        dues_spent_fen=sum(statement.spent.values()),
        suggestions=await figures.suggestions.count_since(f"{year}-01-01"),
        good_deeds=await figures.suggestions.deeds_in(year),
        makeups_done=sum(1 for t in makeups if t.done_on), makeups_total=len(makeups),
        visits_by_visitor=dict(visits.by_visitor.most_common()), quizzes=quizzes,
        notices=len(notice_posts), notice_coverage=reached / total if total else None,
        calls_reached=sum(c.via_leader for _, c in rounds),
        calls_total=sum(c.total - c.direct for _, c in rounds),
        surveys=surveys,
    )


def report_workbook(report: Report, rows: list[tuple[str, str]]) -> bytes:
    """The report as .xlsx: the summary, then one sheet per area (attendance by month with
    a bar chart, visits, quizzes, surveys)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "概况"
    ws.append(["项目", "数值"])
    for label, value in rows:
        ws.append([label, value])
    ws["A1"].font = ws["B1"].font = Font(bold=True)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 40
    monthly = wb.create_sheet("出勤率")
    monthly.append(["月份", "出勤率"])
    for month, rate in report.attendance_by_month.items():
        monthly.append([f"{month}月", round(rate * 100, 1)])
    if report.attendance_by_month:
        chart = BarChart()
        chart.title = f"{report.year}年各月出勤率（%）"
        count = len(report.attendance_by_month)
        chart.add_data(Reference(monthly, min_col=2, min_row=1, max_row=count + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(monthly, min_col=1, min_row=2, max_row=count + 1))
        monthly.add_chart(chart, "D2")
    visits = wb.create_sheet("走访")
    visits.append(["类别", "次数"])
    for kind, count in report.visits_by_kind.items():
        visits.append([texts.VISIT_KIND[kind], count])
    visits.append([])
    visits.append(["走访人", "次数"])
    for name, count in report.visits_by_visitor.items():
        visits.append([name, count])
    quizzes = wb.create_sheet("知识答题")
    quizzes.append(["答题", "人数", "平均分"])
    for title, count, average in report.quizzes:
        quizzes.append([title, count, round(average * 100)])
    surveys = wb.create_sheet("测评")
    surveys.append(["测评", "参加人数", "满意度"])
    for title, count, satisfied in report.surveys:
        surveys.append([title, count, None if satisfied is None else round(satisfied * 100)])
    return workbook_bytes(wb)
