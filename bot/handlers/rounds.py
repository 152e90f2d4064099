"""The carer's phone-round list: one tap records how a call went (bot/services/rounds.py)."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler

from bot import texts
from bot.callbacks import parse, pattern
from bot.context import BranchApp, BranchContext
from bot.services.rounds import CALL_BUTTONS, Recorded
from bot.ui.rounds import sheet_message


async def on_call(update: Update, context: BranchContext) -> None:
    """`rd:c:<round>:<person>:<outcome>`: record the call, then show the list as it is."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    if cb is None or cb.action != "c" or len(cb.ids) != 3 or cb.ids[2] >= len(CALL_BUTTONS):
        await query.answer(texts.TAP_STALE)
        return
    actor = await context.deps.access.actor(query.from_user.id)
    outcome = CALL_BUTTONS[cb.ids[2]]
    result, sheet, person = await context.deps.rounds.record(actor, cb.ids[0], cb.ids[1],
                                                             outcome)
    if result is Recorded.UNKNOWN or person is None:
        await query.answer(texts.TAP_STALE)
        return
    if result is Recorded.NOT_ALLOWED:
        await query.answer(texts.TAP_NOT_ALLOWED)
        return
    if result is Recorded.ALREADY:
        await query.answer(texts.CALL_ALREADY.format(name=person.name))
    else:
        await query.answer(texts.CALL_SAVED.format(name=person.name,
                                                   outcome=texts.CALL_OUTCOME[outcome]))
    assert sheet is not None
    text, markup = sheet_message(sheet)
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


def register(app: BranchApp) -> None:
    app.add_handler(CallbackQueryHandler(on_call, pattern=pattern("rd")))
