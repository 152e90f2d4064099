"""Buttons, declared once.

Each feature makes one `Buttons("att")` and declares each action beside its code:

    buttons = Buttons("att")

    @buttons.on("ci", ids=1)
    async def check_in(press: Press, context: BranchContext) -> None: ...

`buttons.handler()` is the feature's one CallbackQueryHandler; routing to the action is
the declaration's dictionary, nowhere else. Before an action runs, the press is parsed
(`bot.callbacks`), checked to carry the ids the action needs, and its actor looked up; an
unknown action or forged data is answered 「这个按钮已失效」 at once and goes no further.
Where a button may be pressed (a group's card, a private chat) is checked before this, by
`bot.handlers.chats.button_gate`.
Whatever the ids name is re-checked by the service the action calls.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler

from bot import texts
from bot.callbacks import Callback, parse, pattern
from bot.context import BranchContext
from bot.services.access import Actor


@dataclass(frozen=True)
class Press:
    """One press of a declared button, its data parsed and its presser known."""

    update: Update
    query: CallbackQuery
    cb: Callback
    actor: Actor

    def id(self, index: int = 0) -> int:
        """An id the declaration guaranteed (`ids=`)."""
        return self.cb.ids[index]

    async def answer(self, text: str | None = None, *, url: str | None = None) -> None:
        await self.query.answer(text, url=url)

    async def stale(self) -> None:
        await self.query.answer(texts.TAP_STALE)

    async def edit(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await self.query.edit_message_text(text, reply_markup=markup)

    def card(self) -> tuple[int, int] | None:
        """The (chat, message) a group button sits on; None for one in a private chat."""
        msg = self.query.message
        if msg is None or msg.chat.type == "private":
            return None
        return msg.chat.id, msg.message_id


Action = Callable[[Press, BranchContext], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class _Declared:
    action: Action
    ids: int


class Buttons:
    def __init__(self, feature: str) -> None:
        self.feature = feature
        self._actions: dict[str, _Declared] = {}

    def on(self, *names: str, ids: int = 1) -> Callable[[Action], Action]:
        """Declare the action for `feature:<name>:…` presses carrying at least `ids` ids."""
        def declare(action: Action) -> Action:
            for name in names:
                if name in self._actions:
                    raise ValueError(f"{self.feature}:{name} is declared twice")
                self._actions[name] = _Declared(action, ids)
            return action
        return declare

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(self._actions)

    async def dispatch(self, update: Update, context: BranchContext) -> None:
        query = update.callback_query
        assert query is not None
        cb = parse(query.data)
        declared = self._actions.get(cb.action) if cb and cb.feature == self.feature else None
        if cb is None or declared is None or len(cb.ids) < declared.ids:
            await query.answer(texts.TAP_STALE)
            return
        actor = await context.deps.access.actor(query.from_user.id)
        await declared.action(Press(update, query, cb, actor), context)

    def handler(self) -> CallbackQueryHandler[BranchContext, None]:
        """Every press of this feature, declared or not: an undeclared one is answered too
        (a tap nobody answers leaves the old person's button spinning)."""
        return CallbackQueryHandler(self.dispatch, pattern=pattern(self.feature))
