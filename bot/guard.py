"""The one access guard every command goes through.

`guarded("name")` wraps a handler `(update, context, actor)`: it looks the command up in
`bot.commands.COMMANDS`, refuses politely in the wrong chat or for the wrong role, and
otherwise calls the handler with the resolved `Actor`. Roles are read from the database
on every call, so a role change takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from bot import texts
from bot.commands import COMMANDS
from bot.context import BranchContext
from bot.services.access import Actor, Role
from bot.services.chats import ChatKind

GuardedHandler = Callable[[Update, BranchContext, Actor], Coroutine[Any, Any, Any]]
PlainHandler = Callable[[Update, BranchContext], Coroutine[Any, Any, Any]]


def private_chat_button(bot_username: str, payload: str = "help") -> InlineKeyboardMarkup:
    url = f"https://t.me/{bot_username}?start={payload}"
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_OPEN_PRIVATE, url=url)]])


def chat_kind(update: Update, context: BranchContext) -> ChatKind:
    chat = update.effective_chat
    if chat is None:
        return ChatKind.UNKNOWN
    return context.deps.chats.kind(chat.id, chat.type)


def refusal(actor: Actor, allowed: frozenset[Role]) -> str:
    if not actor.linked and not actor.is_secretary:
        return texts.NOT_LINKED
    order = [Role.SECRETARY, Role.COMMITTEE, Role.LEADER, Role.LIAISON, Role.MEMBER]
    names = texts.ROLES_JOINER.join(texts.ROLE_NAMES[r] for r in order if r in allowed)
    return texts.NOT_ALLOWED.format(roles=names)


def guarded(name: str) -> Callable[[GuardedHandler], PlainHandler]:
    spec = COMMANDS[name]

    def decorate(handler: GuardedHandler) -> PlainHandler:
        async def wrapper(update: Update, context: BranchContext) -> Any:
            """Refuse politely, or run the handler and pass on what it returns (a
            ConversationHandler reads its next state from it)."""
            message = update.effective_message
            user = update.effective_user
            if message is None or user is None:
                return None
            kind = chat_kind(update, context)
            if kind not in spec.chats:
                if kind is not ChatKind.UNKNOWN:
                    await message.reply_text(
                        texts.USE_IN_PRIVATE,
                        reply_markup=private_chat_button(context.bot.username),
                    )
                return None
            actor = await context.deps.access.actor(user.id)
            if not actor.has_any(spec.roles):
                await message.reply_text(refusal(actor, spec.roles))
                return None
            return await handler(update, context, actor)

        wrapper.__doc__ = handler.__doc__
        wrapper.__name__ = handler.__name__
        return wrapper

    return decorate
