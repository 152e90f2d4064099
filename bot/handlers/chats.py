"""Which chats the bot serves, before any feature sees an update.

`chat_gate` runs first (handler group -2) for every update: it lets private chats and the
two configured chats through, follows a group that Telegram moved to a new id, answers
the bot being added to a group it does not serve by saying so and leaving, and silently
drops everything else from unknown groups.

In our own chats it notes who leaves and who comes back: someone who left the branch
group (or the committee chat) can no longer use that chat's buttons, even through an old
or forged callback; his leader is told he left, in case an elderly member did it by
mistake. Private-chat features stay: leaving the chat does not take anyone off the roster.

`button_gate` runs next (group -1) for every button press: it drops presses of buttons
pressed where they do not live, so each feature only sees its own messages.
"""

from __future__ import annotations

import logging

from telegram import ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, TypeHandler

from bot import texts
from bot.callbacks import Place, parse, place_of
from bot.context import BranchApp, BranchContext
from bot.services.chats import ChatKind
from bot.ui.messaging import send_private

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
        # Telegram sends both halves of an upgrade; only the branch's own chat saying
        # where it went (above) moves it. A "came from the branch group" message in some
        # other chat proves nothing: anyone can post one into a chat of his own.
        log.info("ignored migrate_from %s in chat %s", message.migrate_from_chat_id, chat.id)
        raise ApplicationHandlerStop
    if directory.kind(chat.id, chat.type) is not ChatKind.UNKNOWN:
        await _membership(update, context, chat.id)
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


async def _membership(update: Update, context: BranchContext, chat_id: int) -> None:
    """Follow who leaves and rejoins our chats; refuse their buttons while they are out."""
    directory = context.deps.chats
    message = update.effective_message
    query = update.callback_query
    if query is not None:
        if directory.has_left(chat_id, query.from_user.id):
            kind = directory.kind(chat_id, "group")
            await query.answer(texts.LEFT_CHAT_BUTTON[kind.value], show_alert=True)
            raise ApplicationHandlerStop
        return
    # A service message, or (when the bot is an admin) a chat member update.
    came = list(message.new_chat_members or ()) if message is not None else []
    gone = message.left_chat_member if message is not None else None
    if update.chat_member is not None:
        member = update.chat_member.new_chat_member
        if member.status in _PRESENT:
            came.append(member.user)
        else:
            gone = member.user
    for user in came:
        await directory.joined(chat_id, user.id)
    if gone is None or gone.is_bot or not await directory.left(chat_id, gone.id):
        return
    log.info("user %s left chat %s", gone.id, chat_id)
    person = await context.deps.roster.by_tg_user(gone.id)
    if person is None or chat_id != directory.group_chat_id:
        return
    leader = await context.deps.org.carer_of(person)
    if leader is not None:
        await send_private(context, leader, texts.LEFT_GROUP_NOTICE.format(name=person.name))
    elif directory.committee_chat_id:
        await context.bot.send_message(directory.committee_chat_id,
                                       texts.LEFT_GROUP_NOTICE.format(name=person.name))


async def button_gate(update: Update, context: BranchContext) -> None:
    """Every button press, before any feature: a button the bot never makes, or one
    pressed where it does not live (`bot.callbacks.PLACES`), is answered and dropped.
    A private action (closing a meeting, a leave reason, 我住院了) forged onto the group's
    card therefore never reaches code that would edit that card."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    place = place_of(cb) if cb is not None else None
    message = query.message
    if place is not None and message is not None:
        chat = message.chat
        private = chat.type == "private" and chat.id == query.from_user.id
        ours = context.deps.chats.kind(chat.id, chat.type) in (ChatKind.BRANCH_GROUP,
                                                               ChatKind.COMMITTEE)
        allowed = {Place.EITHER: private or ours, Place.PRIVATE: private, Place.CARD: ours}
        if allowed[place]:
            return
    log.info("refused button %r from %s", query.data, query.from_user.id)
    await query.answer(texts.TAP_STALE)
    raise ApplicationHandlerStop


def register(app: BranchApp) -> None:
    app.add_handler(TypeHandler(Update, chat_gate), group=-2)
    app.add_handler(CallbackQueryHandler(button_gate), group=-1)
