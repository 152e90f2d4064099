"""`/report`: the year's work report for the secretary and committee: a message, two chart
images (attendance by month, visits by kind) and an Excel workbook."""

from __future__ import annotations

import io

from telegram import Update

from bot import texts
from bot.commands import entry
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.charts import report_charts
from bot.services.dues import fen_text
from bot.services.offload import off_loop
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


@guarded("report")
async def report_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """The year so far (or `/report 2025`)."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    year = deps.care.today().year
    if context.args and context.args[0].isdigit() and 2000 <= int(context.args[0]) <= 2100:
        year = int(context.args[0])
    report = await deps.report.build(year)
    rows = report_rows(report)
    await message.reply_text("\n".join(
        [texts.REPORT_TITLE.format(year=year)] +
        [texts.REPORT_LINE.format(label=label, value=value) for label, value in rows]))
    for name, png in await off_loop(report_charts, report):
        await message.reply_photo(io.BytesIO(png), filename=name)
    workbook = await off_loop(report_workbook, report, rows)
    await message.reply_document(io.BytesIO(workbook),
                                 filename=texts.REPORT_FILE.format(year=year))


def register(app: BranchApp) -> None:
    app.add_handlers(entry("report", report_command, view=True))
