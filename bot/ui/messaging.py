"""Sending to people, the one way: private messages that may not be deliverable.

Telegram refuses (403) to message someone who never opened a private chat with the bot
or blocked it. That is an everyday fact here, not an error: it is logged and the caller
learns it from the return value, so one unreachable member never stops a round of
messages.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    TelegramError,
)
from telegram.ext import CallbackContext

from bot import texts
from storage.models import Person

log = logging.getLogger(__name__)


def refused_for_good(exc: TelegramError) -> bool:
    """Whether Telegram's answer is final: trying the same request again cannot help (400:
    no rights, chat not found; 403: removed or blocked; a bad token). 429, 5xx, timeouts
    and network failures are not final: those are retried, with backoff."""
    return isinstance(exc, BadRequest | Forbidden | InvalidToken | ChatMigrated
                      | EndPointNotFound)


def refusal_advice(reason: str) -> str:
    """What the sender can do about a final refusal, in plain words, from Telegram's own
    reason."""
    reason = reason.lower()
    if "rights" in reason or "not allowed" in reason or "administrator" in reason:
        return texts.REFUSAL_NO_RIGHTS
    if "not found" in reason or "kicked" in reason or "not a member" in reason:
        return texts.REFUSAL_NOT_IN_CHAT
    return texts.REFUSAL_OTHER


def backoff_seconds(first: float, attempt: int, ceiling: float = 1800.0) -> float:
    """How long to wait before retry number `attempt` (1, 2, …): doubling, with a ceiling."""
    return float(min(ceiling, first * 2 ** max(0, attempt - 1)))


async def send_private(context: CallbackContext[Any, Any, Any, Any], person: Person,
                       text: str, markup: InlineKeyboardMarkup | None = None) -> bool:
    """Message one person privately; False (and logged) if Telegram will not deliver."""
    if person.tg_user_id is None:
        return False
    try:
        await context.bot.send_message(person.tg_user_id, text, reply_markup=markup)
    except Forbidden:
        log.info("person %s has not opened a private chat or blocked the bot", person.id)
        return False
    return True


async def open_in_private(query: CallbackQuery, bot_username: str, payload: str,
                          text: str) -> bool:
    """A button pressed in a group whose work happens in private chat: answer with a link
    that opens the private chat on `/start <payload>`. False for a press already there."""
    if query.message is None or query.message.chat.type == "private":
        return False
    await query.answer(text, url=f"https://t.me/{bot_username}?start={payload}")
    return True
