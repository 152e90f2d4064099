"""`/report`: the year's work report for the secretary and committee: a message, two chart
images (attendance by month, visits by kind) and an Excel workbook."""

from __future__ import annotations

import io

from telegram import Update

from bot import texts
from bot.commands import entry
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.reader import read_off_loop
from bot.services.access import Actor
from bot.ui.report import report_files


@guarded("report")
async def report_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """The year so far (or `/report 2025`)."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    year = deps.care.today().year
    if context.args and context.args[0].isdigit() and 2000 <= int(context.args[0]) <= 2100:
        year = int(context.args[0])
    # Built beside the taps, not between them (on the loop only with an in-memory database).
    files = await read_off_loop(deps, report_files, year)
    await message.reply_text("\n".join(
        [texts.REPORT_TITLE.format(year=year)] +
        [texts.REPORT_LINE.format(label=label, value=value) for label, value in files.rows]))
    for name, png in files.charts:
        await message.reply_photo(io.BytesIO(png), filename=name)
    assert files.workbook is not None
    await message.reply_document(io.BytesIO(files.workbook),
                                 filename=texts.REPORT_FILE.format(year=year))


def register(app: BranchApp) -> None:
    app.add_handlers(entry("report", report_command, view=True))
