"""`/export 姓名` and `/erase 姓名`: the secretary hands a person everything the bot holds
about him, or erases what is personal (see `storage.privacy` for what stays and why)."""

from __future__ import annotations

import io
import json

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot import texts
from bot.callbacks import pack, parse, pattern
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


async def on_erase(update: Update, context: BranchContext) -> None:
    """The secretary's confirmation."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    person = await deps.roster.get(cb.ids[0]) if cb and cb.ids else None
    if person is None:
        await query.answer(texts.TAP_STALE)
        return
    try:
        await deps.privacy.erase(actor, person)
    except ServiceError as exc:
        await query.answer(texts.explain(exc))
        return
    await query.answer()
    await query.edit_message_text(texts.ERASED.format(name=person.name))


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("export", export_command))
    app.add_handler(CommandHandler("erase", erase_command))
    app.add_handler(CallbackQueryHandler(on_erase, pattern=pattern("prv")))
