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
    filters,
)

from bot import texts
from bot.callbacks import pack, parse, pattern
from bot.clock import iso
from bot.context import BranchApp, BranchContext
from bot.flows import flow
from bot.guard import guarded
from bot.messaging import send_private
from bot.services.access import Actor

REPLY = 0
_KEY = "suggestion_reply"
STATUSES = {"rcv": "已收到", "done": "已处理"}


@guarded("suggest")
async def suggest(update: Update, context: BranchContext, actor: Actor) -> None:
    """Save the suggestion and hand it to the secretary."""
    message = update.effective_message
    assert message is not None and actor.person is not None
    parts = (message.text or "").split(None, 1)
    if len(parts) < 2 or not parts[1].strip():
        await message.reply_text(texts.SUGGEST_USAGE)
        return
    deps = context.deps
    text = parts[1].strip()[:1000]
    suggestion_id = await deps.suggestion_repo.add(actor.person.id, text, iso(deps.clock.now()))
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_SUGGEST_RECEIVED,
                             callback_data=pack("sg", "rcv", suggestion_id)),
        InlineKeyboardButton(texts.BUTTON_SUGGEST_DONE,
                             callback_data=pack("sg", "done", suggestion_id)),
        InlineKeyboardButton(texts.BUTTON_SUGGEST_REPLY,
                             callback_data=pack("sg", "rep", suggestion_id))]])
    for secretary in await deps.org.reach(None):
        await send_private(context, secretary,
                           texts.SUGGEST_NEW.format(name=actor.person.name, text=text), keyboard)
    await message.reply_text(texts.SUGGEST_SAVED)


async def on_status(update: Update, context: BranchContext) -> None:
    """已收到 / 已处理."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    found = await deps.suggestion_repo.get(cb.ids[0]) if cb and cb.ids else None
    if found is None or cb is None or cb.action not in STATUSES or not actor.is_secretary:
        await query.answer(texts.TAP_STALE if found is None else texts.TAP_NOT_ALLOWED)
        return
    status = STATUSES[cb.action]
    await deps.suggestion_repo.set_status(found.id, status, reply=None,
                                          at=iso(deps.clock.now()), actor_tg=actor.tg_user_id)
    await query.answer(texts.SUGGEST_STATUS_SET.format(status=status))


async def ask_reply(update: Update, context: BranchContext) -> int:
    """💬 答复: ask the secretary for the words."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    found = await deps.suggestion_repo.get(cb.ids[0]) if cb and cb.ids else None
    if found is None or not actor.is_secretary:
        await query.answer(texts.TAP_STALE if found is None else texts.TAP_NOT_ALLOWED)
        return ConversationHandler.END
    await query.answer()
    author = await deps.people.get(found.person_id)
    context.user_data[_KEY] = found.id
    await context.bot.send_message(query.from_user.id, texts.SUGGEST_ASK_REPLY.format(
        name=author.name if author else ""))
    return REPLY


async def send_reply(update: Update, context: BranchContext) -> int:
    """The secretary's answer: saved, and sent to the member."""
    message = update.effective_message
    assert message is not None and message.text and context.user_data is not None
    assert update.effective_user is not None
    deps = context.deps
    found = await deps.suggestion_repo.get(context.user_data.pop(_KEY, 0))
    if found is None:
        return ConversationHandler.END
    reply = message.text.strip()[:1000]
    await deps.suggestion_repo.set_status(found.id, "已答复", reply=reply,
                                          at=iso(deps.clock.now()),
                                          actor_tg=update.effective_user.id)
    author = await deps.people.get(found.person_id)
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
    deps = context.deps
    found = await deps.suggestion_repo.recent(30)
    if not found:
        await message.reply_text(texts.SUGGESTIONS_NONE)
        return
    names = {p.id: p.name for p in await deps.people.all()}
    await message.reply_text("\n".join(
        texts.SUGGESTIONS_LINE.format(status=s.status, name=names.get(s.person_id, "?"),
                                      text=s.text[:60]) for s in found))


@guarded("deed")
async def deed(update: Update, context: BranchContext, actor: Actor) -> None:
    """`/deed 内容` for oneself; `/deed 姓名 内容` for someone a leader looks after."""
    message = update.effective_message
    assert message is not None and actor.person is not None
    deps = context.deps
    parts = (message.text or "").split(None, 2)
    if len(parts) < 2:
        await message.reply_text(texts.DEED_USAGE)
        return
    person, text = actor.person, " ".join(parts[1:])
    if len(parts) == 3:
        named = [p for p in await deps.people.by_name(parts[1]) if p.active]
        if len(named) == 1:
            person, text = named[0], parts[2]
    if person.id != actor.person.id and not actor.may_act_for(person):
        await message.reply_text(texts.DEED_NOT_ALLOWED)
        return
    saved = text.strip()[:500]
    await deps.suggestion_repo.add_deed(person.id, saved, deps.care.today().isoformat(),
                                        actor.person.id, iso(deps.clock.now()))
    await message.reply_text(texts.DEED_SAVED.format(name=person.name, text=saved))


def register(app: BranchApp) -> None:
    app.add_handler(flow(
        entry_points=[CallbackQueryHandler(ask_reply, pattern=r"^sg:rep:")],
        states={REPLY: [MessageHandler(filters.ChatType.PRIVATE & filters.TEXT
                                       & ~filters.COMMAND, send_reply)]},
        fallbacks=[], conversation_timeout=timedelta(minutes=30), name="suggestion_reply"))
    app.add_handler(CallbackQueryHandler(on_status, pattern=pattern("sg")))
    app.add_handler(CommandHandler("suggest", suggest))
    app.add_handler(CommandHandler("suggestions", suggestions))
    app.add_handler(CommandHandler("deed", deed))
