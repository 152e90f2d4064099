"""建言献策 and 做好事: a member sends a suggestion with `/suggest`; the secretary marks it
已收到 / 已处理 or answers it (the answer reaches the member); `/suggestions` lists them.
`/deed` records a good deed: one's own, or, for a leader, one of his group's."""

from __future__ import annotations

from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack, parse
from bot.context import BranchApp, BranchContext
from bot.flows import TYPED, flow
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.problems import Problem
from bot.services.suggestions import SuggestionError
from bot.ui.lookup import find_one
from bot.ui.messaging import send_private
from storage.models import SuggestionStatus

REPLY = 0
_KEY = "suggestion_reply"
# Button action -> the status it sets (bot.services.suggestions.MARKS).
_MARKS = {"rcv": SuggestionStatus.RECEIVED, "done": SuggestionStatus.DONE}


@guarded("suggest")
async def suggest(update: Update, context: BranchContext, actor: Actor) -> None:
    """Save the suggestion and hand it to the secretary."""
    message = update.effective_message
    assert message is not None
    parts = (message.text or "").split(None, 3)
    proxy_for = None
    try:
        if len(parts) >= 3 and parts[1] == texts.SUGGEST_PROXY_WORD:  # /suggest 代 姓名 内容
            proxy_for = await find_one(update, context, actor, parts[2])
            if proxy_for is None:
                return
            sent = await context.deps.suggestions.suggest_for(
                actor, proxy_for, parts[3] if len(parts) > 3 else "")
        else:
            text = (message.text or "").split(None, 1)
            sent = await context.deps.suggestions.suggest(actor, text[1] if len(text) > 1
                                                          else "")
    except SuggestionError as exc:
        await message.reply_text(texts.explain(exc))
        return
    assert actor.person is not None
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_SUGGEST_RECEIVED,
                             callback_data=pack("sg", "rcv", sent.suggestion_id)),
        InlineKeyboardButton(texts.BUTTON_SUGGEST_DONE,
                             callback_data=pack("sg", "done", sent.suggestion_id)),
        InlineKeyboardButton(texts.BUTTON_SUGGEST_REPLY,
                             callback_data=pack("sg", "rep", sent.suggestion_id))]])
    notice = (texts.SUGGEST_NEW_PROXY.format(name=proxy_for.name, proxy=actor.person.name,
                                             text=sent.text) if proxy_for
              else texts.SUGGEST_NEW.format(name=actor.person.name, text=sent.text))
    for secretary in sent.tell:
        await send_private(context, secretary, notice, keyboard)
    if proxy_for is not None:
        await message.reply_text(texts.SUGGEST_PROXY_SAVED.format(name=proxy_for.name))
        return
    await message.reply_text(texts.SUGGEST_SAVED)


buttons = Buttons("sg")


@buttons.on("rcv", "done")
async def _mark(press: Press, context: BranchContext) -> None:
    """已收到 / 已处理."""
    status = _MARKS[press.cb.action]
    try:
        await context.deps.suggestions.mark(press.actor, press.id(), status)
    except SuggestionError as exc:
        await press.answer(texts.explain(exc))
        return
    await press.answer(texts.SUGGEST_STATUS_SET.format(status=texts.SUGGESTION_STATUS[status]))


async def ask_reply(update: Update, context: BranchContext) -> int:
    """💬 答复: ask the secretary for the words."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    try:
        if cb is None or not cb.ids:
            raise SuggestionError(Problem.STALE)
        author = await deps.suggestions.to_answer(actor, cb.ids[0])
    except SuggestionError as exc:
        await query.answer(texts.explain(exc))
        return ConversationHandler.END
    await query.answer()
    context.user_data[_KEY] = cb.ids[0]
    await context.bot.send_message(query.from_user.id, texts.SUGGEST_ASK_REPLY.format(
        name=author.name if author else ""))
    return REPLY


async def send_reply(update: Update, context: BranchContext) -> int:
    """The secretary's answer: saved, and sent to the member."""
    message = update.effective_message
    assert message is not None and message.text and context.user_data is not None
    assert update.effective_user is not None
    deps = context.deps
    actor = await deps.access.actor(update.effective_user.id)
    try:
        found, author, reply = await deps.suggestions.answer(
            actor, context.user_data.pop(_KEY, 0), message.text)
    except SuggestionError:
        return ConversationHandler.END
    if author is not None:
        await send_private(context, author, texts.SUGGEST_REPLY_TO_MEMBER.format(
            text=found.text[:40], reply=reply))
    await message.reply_text(texts.SUGGEST_REPLIED.format(name=author.name if author else ""))
    return ConversationHandler.END


@guarded("suggestions")
async def suggestions(update: Update, context: BranchContext, actor: Actor) -> None:
    """The latest suggestions and how far each got."""
    message = update.effective_message
    assert message is not None
    found = await context.deps.suggestions.recent()
    if not found:
        await message.reply_text(texts.SUGGESTIONS_NONE)
        return
    await message.reply_text("\n".join(
        texts.SUGGESTIONS_LINE.format(status=texts.SUGGESTION_STATUS[s.status], name=name,
                                      text=s.text[:60]) for s, name in found))


@guarded("deed")
async def deed(update: Update, context: BranchContext, actor: Actor) -> None:
    """`/deed 内容` for oneself; `/deed 姓名 内容` for someone a leader looks after."""
    message = update.effective_message
    assert message is not None
    words = (message.text or "").split(None, 2)[1:]
    try:
        person, saved = await context.deps.suggestions.record_deed(actor, words)
    except SuggestionError as exc:
        await message.reply_text(texts.explain(exc))
        return
    await message.reply_text(texts.DEED_SAVED.format(name=person.name, text=saved))


def register(app: BranchApp) -> None:
    app.add_handler(flow(
        entry_points=[CallbackQueryHandler(ask_reply, pattern=r"^sg:rep:")],
        states={REPLY: [MessageHandler(TYPED, send_reply)]},
        fallbacks=[], conversation_timeout=timedelta(minutes=30), name="suggestion_reply"))
    app.add_handler(buttons.handler())
    app.add_handler(CommandHandler("suggest", suggest))
    app.add_handler(CommandHandler("suggestions", suggestions))
    app.add_handler(CommandHandler("deed", deed))
