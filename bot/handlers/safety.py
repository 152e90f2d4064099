"""「我平安」: after a severe weather warning, members tap to say they are all right; the
leaders phone the key service targets who have not (see `bot.jobs.pushes`)."""

from __future__ import annotations

from datetime import date

from bot import texts
from bot.buttons import Buttons, Press
from bot.context import BranchApp, BranchContext

buttons = Buttons("wx")


@buttons.on("ok")
async def _safe(press: Press, context: BranchContext) -> None:
    """`wx:ok:<yyyymmdd>`: record that this person is safe."""
    try:
        digits = str(press.id())
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:  # forged or truncated
        await press.stale()
        return
    person = press.actor.person
    if person is None:
        await press.answer(texts.TAP_NOT_LINKED)
        return
    if not await context.deps.scheduler.mark_safe(day, person):
        await press.stale()
        return
    await press.answer(texts.SAFE_THANKS.format(name=person.name))


def register(app: BranchApp) -> None:
    app.add_handler(buttons.handler())
