"""What every guided flow (arranging a meeting, logging a visit, composing a notice) shares:
the ConversationHandler built one way (`flow`), the private deep links that start some of
them (`start_payload`), a per-person draft kept in `user_data` until the flow ends, and
the two ways a flow ends without writing anything — 取消, and expiry after a spell
without a step."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Coroutine
from datetime import timedelta
from typing import Any, Generic, TypeVar

from telegram import Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.callbacks import pattern
from bot.commands import MENU_TAP
from bot.context import BranchContext

D = TypeVar("D")


# Words typed in private chat as an answer: not a command, and not a main-menu button (a
# tap on the menu in the middle of a flow does what the button says instead).
TYPED = filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND & ~MENU_TAP


def flow(**kwargs: Any) -> ConversationHandler[BranchContext]:
    """A ConversationHandler for one flow per person, mixing buttons and typed text. PTB
    warns that with per_message=False a button is tracked per user, not per message;
    that is what these flows want, so the warning is silenced here, once."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=PTBUserWarning)
        return ConversationHandler(**kwargs)


Step = Callable[[Update, BranchContext], Coroutine[Any, Any, Any]]
Steps = dict[object, list[BaseHandler[Update, BranchContext, object]]]


# A wizard's one conversation state. Which step it is on is derived from its draft (each
# wizard's `_step`), the one state machine: the ConversationHandler only knows whether the
# person is in the wizard, and when he left it alone too long.
IN_WIZARD = 0


def wizard_steps(*, buttons: str, on_button: Step, typed: filters.BaseFilter, on_text: Step,
                 on_timeout: Step) -> Steps:
    """A wizard that takes its buttons (callback data `buttons`) and typed text alike at
    every step, and hears `on_timeout` when left alone too long."""
    steps: Steps = {IN_WIZARD: [CallbackQueryHandler(on_button, pattern=pattern(buttons)),
                                MessageHandler(typed, on_text)]}
    steps[ConversationHandler.TIMEOUT] = [MessageHandler(filters.ALL, on_timeout),
                                          CallbackQueryHandler(on_timeout)]
    return steps


def words_or_skip(*, entry: str, on_entry: Step, state: int, on_words: Step, skip: str,
                  name: str, minutes: int = 30) -> ConversationHandler[BranchContext]:
    """A button (callback data matching `entry`) that asks for a few words in private
    chat, which `on_words` takes — typed, or the 跳过 button (`skip`) instead."""
    return flow(
        entry_points=[CallbackQueryHandler(on_entry, pattern=entry)],
        states={state: [
            MessageHandler(TYPED, on_words),
            CallbackQueryHandler(on_words, pattern=skip)]},
        fallbacks=[], conversation_timeout=timedelta(minutes=minutes), name=name)


def start_payload(prefix: str) -> filters.BaseFilter:
    """A `/start <prefix>_<id>` deep link, in the private chat."""
    return filters.ChatType.PRIVATE & filters.Regex(rf"^/start {prefix}_\d{{1,9}}$")


class Drafts(Generic[D]):
    """One flow's draft for the person in the conversation."""

    def __init__(self, key: str, empty: Callable[[], D]) -> None:
        self.key = key
        self.empty = empty

    def get(self, context: BranchContext) -> D:
        assert context.user_data is not None
        draft = context.user_data.get(self.key)
        return draft if draft is not None else self.empty()

    def put(self, context: BranchContext, draft: D | None) -> None:
        assert context.user_data is not None
        if draft is None:
            context.user_data.pop(self.key, None)
        else:
            context.user_data[self.key] = draft


def cancel_handler(drafts: Drafts[Any], text: str) -> Callable[
        [Update, BranchContext], Coroutine[Any, Any, int]]:
    """取消 or /cancel: drop the draft, say so, end the flow."""
    async def cancel(update: Update, context: BranchContext) -> int:
        drafts.put(context, None)
        if update.effective_message is not None:
            await update.effective_message.reply_text(text)
        return ConversationHandler.END

    return cancel


def timeout_handler(drafts: Drafts[Any], text: str) -> Callable[
        [Update, BranchContext], Coroutine[Any, Any, None]]:
    """The conversation timed out: drop the draft and say nothing was written."""
    async def expired(update: Update, context: BranchContext) -> None:
        drafts.put(context, None)
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id, text)

    return expired
