"""Finding the one person a command names, within what the asker may see.

Used by every command that takes a name (`/roster`, `/invite`, `/role`, `/visits`,
`/flag`): by 编号 first, then the exact name, then part of a name. When it is not
exactly one visible person, the asker is told why (not found, not his group, or which
编号 to use) and None is returned.
"""

from __future__ import annotations

from telegram import Update

from bot import texts
from bot.context import BranchContext
from bot.services.access import Actor
from storage.models import Person


async def find_one(
    update: Update, context: BranchContext, actor: Actor, query: str
) -> Person | None:
    """One person the actor may see, or None after telling him why not."""
    message = update.effective_message
    assert message is not None
    found = await context.deps.roster.find(query)
    visible = [p for p in found if actor.may_see(p)]
    if not found:
        await message.reply_text(texts.ROSTER_NOT_FOUND.format(query=query))
        return None
    if not visible:
        await message.reply_text(texts.ROSTER_NOT_VISIBLE.format(query=query))
        return None
    if len(visible) > 1:
        lines = "\n".join(
            texts.ROSTER_MANY_LINE.format(ext_id=p.ext_id, name=p.name,
                                          group=p.group_name or texts.NO_GROUP)
            for p in visible[:20]
        )
        await message.reply_text(texts.ROSTER_MANY.format(count=len(visible), lines=lines))
        return None
    return visible[0]
