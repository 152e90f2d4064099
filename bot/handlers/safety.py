"""「我平安」: after a severe weather warning, members tap to say they are all right; the
leaders phone the key service targets who have not (see `bot.jobs.pushes`)."""

from __future__ import annotations

from datetime import date

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import texts
from bot.callbacks import parse, pattern
from bot.context import BranchApp, BranchContext


async def on_safe(update: Update, context: BranchContext) -> None:
    """`wx:ok:<yyyymmdd>`: record that this person is safe."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    try:
        digits = str(cb.ids[0]) if cb and cb.ids else ""
        day = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:  # forged or truncated
        await query.answer(texts.TAP_STALE)
        return
    if actor.person is None:
        await query.answer(texts.TAP_NOT_LINKED)
        return
    if not await deps.scheduler.mark_safe(day, actor.person):
        await query.answer(texts.TAP_STALE)
        return
    await query.answer(texts.SAFE_THANKS.format(name=actor.person.name))


def register(app: BranchApp) -> None:
    app.add_handler(CallbackQueryHandler(on_safe, pattern=pattern("wx")))
