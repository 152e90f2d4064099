"""「我平安」: after a severe weather warning, members tap to say they are all right; the
leaders phone the key service targets who have not (see `bot.jobs.pushes`)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import texts
from bot.callbacks import parse, pattern
from bot.clock import iso
from bot.context import BranchApp, BranchContext


async def on_safe(update: Update, context: BranchContext) -> None:
    """`wx:ok:<yyyymmdd>`: record that this person is safe."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    day = str(cb.ids[0]) if cb and cb.ids else ""
    key = f"weather:{day[:4]}-{day[4:6]}-{day[6:8]}"
    if cb is None or cb.action != "ok" or await deps.push_repo.done(key) != "sent":
        await query.answer(texts.TAP_STALE)
        return
    if actor.person is None:
        await query.answer(texts.TAP_NOT_LINKED)
        return
    await deps.push_repo.tap_safe(key, actor.person.id, iso(deps.scheduler.now()))
    await query.answer(texts.SAFE_THANKS.format(name=actor.person.name))


def register(app: BranchApp) -> None:
    app.add_handler(CallbackQueryHandler(on_safe, pattern=pattern("wx")))
