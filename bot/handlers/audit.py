"""`/audit`: the secretary reads who changed what, and when (people, roles, visits,
attendance, notices). The log itself is written by the repositories, in the same
transaction as each change."""

from __future__ import annotations

from datetime import datetime

from telegram import Update
from telegram.ext import CommandHandler

from bot import texts
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import show_date


@guarded("audit")
async def audit_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """The latest 30 changes, newest first."""
    message = update.effective_message
    assert message is not None
    entries = await context.deps.privacy.audit_trail(30)
    if not entries:
        await message.reply_text(texts.AUDIT_NONE)
        return
    tz = context.deps.config.branch.tz
    lines = [texts.AUDIT_TITLE]
    for e in entries:
        when = datetime.fromisoformat(str(e["at"])).astimezone(tz)
        action = texts.AUDIT_ACTIONS.get(str(e["action"]), str(e["action"]))
        subject = f" {e['subject_name']}" if e["subject_name"] else ""
        lines.append(texts.AUDIT_LINE.format(
            when=f"{show_date(when.date())} {when:%H:%M}",
            actor=e["actor_name"] or texts.AUDIT_SYSTEM, action=action, subject=subject))
    await message.reply_text("\n".join(lines))


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("audit", audit_command))
