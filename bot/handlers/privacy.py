"""`/export 姓名` and `/erase 姓名`: the secretary hands a person everything the bot holds
about him, or erases what is personal (see `storage.privacy` for what stays and why)."""

from __future__ import annotations

import io
import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.problems import ServiceError
from bot.ui.lookup import find_one


@guarded("export")
async def export_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Send the secretary one person's data as a JSON file."""
    message = update.effective_message
    assert message is not None
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(texts.EXPORT_USAGE)
        return
    person = await find_one(update, context, actor, query)
    if person is None:
        return
    data = await context.deps.privacy.export(person)
    payload = json.dumps(data, ensure_ascii=False, indent=2, default=str).encode("utf-8")
    await message.reply_document(io.BytesIO(payload),
                                 filename=texts.EXPORT_FILE.format(ext_id=person.ext_id),
                                 caption=texts.EXPORT_CAPTION.format(name=person.name))


@guarded("erase")
async def erase_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Ask the secretary to confirm erasing one person's personal data."""
    message = update.effective_message
    assert message is not None
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(texts.ERASE_USAGE)
        return
    person = await find_one(update, context, actor, query)
    if person is None:
        return
    await message.reply_text(texts.ERASE_ASK.format(name=person.name), reply_markup=(
        InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.BUTTON_ERASE, callback_data=pack("prv", "erase", person.id))]])))


buttons = Buttons("prv")


@buttons.on("erase")
async def _erase(press: Press, context: BranchContext) -> None:
    """The secretary's confirmation."""
    deps = context.deps
    person = await deps.roster.get(press.id())
    if person is None:
        await press.stale()
        return
    try:
        await deps.privacy.erase(press.actor, person)
    except ServiceError as exc:
        await press.answer(texts.explain(exc))
        return
    await press.answer()
    await press.edit(texts.ERASED.format(name=person.name))


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("export", export_command))
    app.add_handler(CommandHandler("erase", erase_command))
    app.add_handler(buttons.handler())
