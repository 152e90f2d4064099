"""Sending a phone round's lists: each carer (or the secretaries standing in for one who
cannot be reached) gets his list privately (bot/services/rounds.py)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from telegram.error import TelegramError
from telegram.ext import CallbackContext, JobQueue

from bot.context import BranchContext, Deps
from bot.ui.messaging import send_private
from bot.ui.rounds import sheet_message
from storage.rounds import Round

log = logging.getLogger(__name__)
RETRY = timedelta(minutes=10)


async def tell_carers(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                      r: Round | None) -> None:
    """Send the round's lists unless they all went out already. When Telegram fails, the
    lists are sent again in ten minutes: a second copy of a list is harmless (its buttons
    record each call once), a missing one is not."""
    if r is None or r.told_at is not None:
        return
    failed = False
    for sheet in await deps.rounds.sheets(r):
        if not sheet.open_rows:  # everybody on it was reached meanwhile
            continue
        text, markup = sheet_message(sheet)
        for carer in await deps.org.reach(sheet.assignee_id):
            try:
                await send_private(context, carer, text, markup)
            except TelegramError as exc:
                log.warning("round %s: list for %s not sent: %s", r.id, carer.id, exc)
                failed = True
    if not failed:
        await deps.rounds.mark_told(r)
    else:
        queue: JobQueue[Any] | None = context.job_queue
        if queue is not None:
            queue.run_once(_retry, when=RETRY, name=f"round:{r.id}", data=r.id)


async def _retry(context: BranchContext) -> None:
    assert context.job is not None and isinstance(context.job.data, int)
    deps = context.deps
    await tell_carers(context, deps, await deps.rounds.get(context.job.data))
