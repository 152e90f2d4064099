"""The one error handler: log with the traceback, tell the committee in one line without
any personal data, and tell the user that something went wrong, or, when what he did
was saved before the failure, that it was saved and need not be done again."""

from __future__ import annotations

import logging
import sqlite3

from telegram import Update
from telegram.error import BadRequest, NetworkError, TelegramError

from bot import texts
from bot.context import BranchApp, BranchContext

log = logging.getLogger(__name__)


def _where(update: object) -> str:
    """Which kind of update failed: enough to find it in the log, nothing personal."""
    if isinstance(update, Update):
        if update.callback_query is not None:
            data = update.callback_query.data or ""
            return f"button {data.split(':', 1)[0]}"
        message = update.effective_message
        if message is not None and message.text and message.text.startswith("/"):
            return f"command {message.text.split()[0].split('@')[0]}"
        return f"update {update.update_id}"
    return "job"


def _storage_problem(error: BaseException | None) -> str | None:
    """A plain description when the database itself cannot be written."""
    if not isinstance(error, sqlite3.OperationalError):
        return None
    message = str(error).lower()
    for needle, text in (("locked", texts.DB_LOCKED), ("readonly", texts.DB_READONLY),
                         ("read-only", texts.DB_READONLY), ("disk", texts.DB_DISK_FULL),
                         ("full", texts.DB_DISK_FULL)):
        if needle in message:
            return text
    return None


def _harmless(error: BaseException | None) -> bool:
    """Telegram refusing a second answer to the same button press (an update delivered
    twice, or answered late) loses nothing: the press itself was saved."""
    return isinstance(error, BadRequest) and "query is too old" in error.message.lower()


def _transient(error: BaseException | None) -> bool:
    """A request to Telegram that timed out or lost its connection: whatever the user did
    was saved before the reply was attempted, and the committee can do nothing about one
    lost connection (BadRequest is a NetworkError subclass in PTB, but is not transient)."""
    return isinstance(error, NetworkError) and not isinstance(error, BadRequest)


async def on_error(update: object, context: BranchContext) -> None:
    """Log, tell the committee chat, apologise to the user."""
    error = context.error
    if _harmless(error):
        log.info("button answered twice or late: %s", error)
        return
    saved = await _saved(update, context)
    if _transient(error):
        log.warning("Telegram did not answer while handling %s: %r", _where(update), error)
        await _apologise(update, saved)
        return
    storage = _storage_problem(error)
    log.error("error while handling %s%s", _where(update),
              f" — the database cannot be written ({error})" if storage else "",
              exc_info=error)
    committee = context.deps.chats.committee_chat_id
    if committee:
        report = storage or texts.ERROR_COMMITTEE.format(error=type(error).__name__,
                                                          where=_where(update))
        try:
            await context.bot.send_message(committee, report)
        except TelegramError as exc:
            log.warning("could not tell the committee about the error: %s", exc)
    await _apologise(update, saved)


async def _saved(update: object, context: BranchContext) -> bool:
    """Whether the update's effect was committed before the error (storage/db.py records
    it with every write), so the person is told it was saved rather than to try again."""
    if not isinstance(update, Update):
        return False
    try:
        return await context.deps.inbox.was_applied(update.update_id)
    except sqlite3.Error:
        return False


async def _apologise(update: object, saved: bool) -> None:
    if not isinstance(update, Update):
        return
    text = texts.ERROR_USER_SAVED if saved else texts.ERROR_USER
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(text, show_alert=True)
        elif update.effective_message is not None:
            await update.effective_message.reply_text(text)
    except TelegramError as exc:
        log.warning("could not tell the user about the error: %s", exc)


def register(app: BranchApp) -> None:
    app.add_error_handler(on_error)
