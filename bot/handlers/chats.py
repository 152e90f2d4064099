"""Which chats the bot serves, before any feature sees an update.

`chat_gate` runs first (handler group -1) for every update: it lets private chats and the
two configured chats through, follows a group that Telegram moved to a new id, answers
the bot being added to a group it does not serve by saying so and leaving, and silently
drops everything else from unknown groups.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot import texts
from bot.context import BranchApp, BranchContext
from bot.services.chats import ChatKind

log = logging.getLogger(__name__)

_PRESENT = {ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER,
            ChatMember.RESTRICTED}


async def chat_gate(update: Update, context: BranchContext) -> None:
    """Stop updates from chats this branch does not own; follow chat migrations."""
    chat = update.effective_chat
    if chat is None or chat.type == "private":
        return
    directory = context.deps.chats
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id:
        if await directory.migrate(chat.id, message.migrate_to_chat_id):
            log.info(texts.GROUP_MIGRATED_LOG.format(old=chat.id, new=message.migrate_to_chat_id))
        raise ApplicationHandlerStop
    if message is not None and message.migrate_from_chat_id:
        if await directory.migrate(message.migrate_from_chat_id, chat.id):
            log.info(texts.GROUP_MIGRATED_LOG.format(old=message.migrate_from_chat_id,
                                                     new=chat.id))
        raise ApplicationHandlerStop
    if directory.kind(chat.id, chat.type) is not ChatKind.UNKNOWN:
        return
    joined = update.my_chat_member
    if joined is not None and joined.new_chat_member.status in _PRESENT:
        log.warning("added to unknown chat %s (%s); leaving", chat.id, chat.title)
        try:
            await context.bot.send_message(
                chat.id, texts.UNKNOWN_GROUP_BYE.format(branch=context.deps.config.branch.name))
        except TelegramError as exc:  # may lack the right to post; leave anyway
            log.info("could not say goodbye in %s: %s", chat.id, exc)
        await context.bot.leave_chat(chat.id)
    raise ApplicationHandlerStop


def register(app: BranchApp) -> None:
    app.add_handler(TypeHandler(Update, chat_gate), group=-1)
