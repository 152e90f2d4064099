"""The year's report as lines of (label, value): the bot's message, the workbook and the
desk's page all show these (bot/handlers/report.py, bot/web); and the report with its
files as the worker process builds them (`bot.reader`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot import texts
from bot.context import Deps
from bot.services.charts import report_charts
from bot.services.dues import fen_text
from bot.services.report import Report, report_workbook


def report_rows(r: Report) -> list[tuple[str, str]]:
    """The report's lines as (label, value), shared by the message and the workbook."""
    labels = texts.REPORT_ROWS
    meetings = "、".join(f"{texts.MEETING_KIND[k]}{n}" for k, n in r.meetings_by_kind.items())
    study_rate = r.study_done / r.study_expected if r.study_expected else 0.0
    return [
        (labels["meetings"], texts.REPORT_VALUE_MEETINGS.format(
            total=sum(r.meetings_by_kind.values()), detail=meetings or "-")),
        (labels["attendance"], texts.REPORT_VALUE_RATE.format(
            rate=r.attendance_rate, present=r.attendance_present,
            expected=r.attendance_expected)),
        (labels["proxy_excused"], texts.REPORT_VALUE_PAIR.format(
            a=r.attendance_proxy, b=r.attendance_excused)),
        (labels["visits"], texts.REPORT_VALUE_COUNT.format(count=sum(r.visits_by_kind.values()))),
        (labels["seed"], f"{r.home_visits} / {r.hospital_visits} / {r.birthday_visits}"),
        (labels["money"], texts.MONEY_YUAN.format(amount=r.money_yuan)),
        (labels["study"], texts.REPORT_VALUE_STUDY.format(rate=study_rate,
                                                           posts=r.study_posts)),
        (labels["greetings"], texts.REPORT_VALUE_COUNT.format(count=sum(r.greetings.values()))),
        (labels["dues"], texts.REPORT_VALUE_PAIR.format(
            a=texts.MONEY_YUAN.format(amount=fen_text(r.dues_collected_fen)),
            b=texts.MONEY_YUAN.format(amount=fen_text(r.dues_spent_fen)))),
        (labels["makeups"], texts.REPORT_VALUE_PAIR.format(a=r.makeups_done,
                                                            b=r.makeups_total)),
        (labels["visitors"], "、".join(f"{n}{c}" for n, c in r.visits_by_visitor.items())
         or "-"),
        (labels["quizzes"], "；".join(texts.REPORT_VALUE_QUIZ.format(
            title=t, count=n, average=round(a * 100)) for t, n, a in r.quizzes) or "-"),
        (labels["notices"], texts.REPORT_VALUE_NOTICES.format(
            count=r.notices, coverage="-" if r.notice_coverage is None
            else f"{r.notice_coverage:.0%}")),
        (labels["calls"], texts.REPORT_VALUE_PAIR.format(a=r.calls_reached, b=r.calls_total)),
        (labels["surveys"], "；".join(texts.REPORT_VALUE_SURVEY.format(
            title=t, count=n, satisfied="-" if s is None else f"{s:.0%}")
            for t, n, s in r.surveys) or "-"),
        (labels["suggestions"], texts.REPORT_VALUE_ITEMS.format(count=r.suggestions)),
        (labels["deeds"], texts.REPORT_VALUE_ITEMS.format(count=r.good_deeds)),
    ]


@dataclass(frozen=True)
class ReportFiles:
    """The report as `/report` sends it."""

    rows: list[tuple[str, str]]
    charts: list[tuple[str, bytes]]  # (file name, PNG); none unless asked for
    workbook: bytes | None  # unless not asked for


async def report_files(deps: Deps, year: int, *, charts: bool = True,
                       workbook: bool = True) -> ReportFiles:
    """The report's lines, with its two chart images and its workbook, all made in one
    call in the worker process (`bot.reader.read_off_loop`): the report used to come back
    to the loop and go out to the worker again, for the charts and for the workbook,
    pickled each way, and those steps sat between the taps of a burst
    (bench/views_taps.py)."""
    report = await deps.report.build(year)
    rows = report_rows(report)
    return ReportFiles(rows, report_charts(report) if charts else [],
                       report_workbook(report, rows) if workbook else None)
