"""The carer's phone-round list: one tap records how a call went (bot/services/rounds.py)."""

from __future__ import annotations

from telegram.error import BadRequest

from bot import texts
from bot.buttons import Buttons, Press
from bot.context import BranchApp, BranchContext
from bot.services.rounds import CALL_BUTTONS, Recorded
from bot.ui.rounds import sheet_message

buttons = Buttons("rd")


@buttons.on("c", ids=3)
async def _call(press: Press, context: BranchContext) -> None:
    """`rd:c:<round>:<person>:<outcome>`: record the call, then show the list as it is."""
    if press.id(2) >= len(CALL_BUTTONS):
        await press.stale()
        return
    outcome = CALL_BUTTONS[press.id(2)]
    result, sheet, person = await context.deps.rounds.record(press.actor, press.id(),
                                                             press.id(1), outcome)
    if result is Recorded.UNKNOWN or person is None:
        await press.stale()
        return
    if result is Recorded.NOT_ALLOWED:
        await press.answer(texts.TAP_NOT_ALLOWED)
        return
    if result is Recorded.ALREADY:
        await press.answer(texts.CALL_ALREADY.format(name=person.name))
    else:
        await press.answer(texts.CALL_SAVED.format(name=person.name,
                                                   outcome=texts.CALL_OUTCOME[outcome]))
    assert sheet is not None
    try:
        await press.edit(*sheet_message(sheet))
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise


def register(app: BranchApp) -> None:
    app.add_handler(buttons.handler())
