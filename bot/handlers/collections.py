"""信息统计: `/collect` starts a collection (the secretary) or shows progress; members
fill it in in private chat, leaders for the people of their group without a phone; the
secretary exports it to Excel."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

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
from bot.flows import TYPED, flow, start_payload
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.collections import CollectionError
from bot.services.dates import show_date
from bot.ui.messaging import open_in_private
from storage.collections import Collection

ANSWER = 0
_KEY = "collect_answers"


@guarded("collect")
async def collect_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """With lines: start a collection. Without: progress, filling in, export."""
    message = update.effective_message
    assert message is not None and message.text is not None
    deps = context.deps
    parts = message.text.split(None, 1)
    if len(parts) > 1 and actor.is_secretary:
        try:
            c = await deps.collections.create(parts[1], actor)
        except CollectionError as exc:
            await message.reply_text(texts.explain(exc))
            return
        await context.bot.send_message(
            deps.chats.group_chat_id,
            texts.COLLECT_ANNOUNCE.format(title=c.title, deadline=_day(c.deadline)),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
                texts.BUTTON_COLLECT_FILL, callback_data=pack("col", "go", c.id))]]))
        await message.reply_text(texts.FORM_CREATED.format(title=c.title))
        return
    found = await deps.collections.recent(5)
    if not found:
        await message.reply_text(texts.COLLECT_USAGE if actor.is_secretary else
                                 texts.COLLECT_NONE)
        return
    for c in found:
        lines = [texts.COLLECT_PROGRESS_TITLE.format(title=c.title, deadline=_day(c.deadline))]
        lines += [texts.COLLECT_PROGRESS_LINE.format(group=p.group, answered=p.answered,
                                                     expected=p.expected)
                  for p in await deps.collections.progress(c, actor)]
        rows = [[InlineKeyboardButton(texts.BUTTON_COLLECT_FILL,
                                      callback_data=pack("col", "go", c.id))]]
        if actor.is_secretary:
            rows.append([InlineKeyboardButton(texts.BUTTON_COLLECT_EXPORT,
                                              callback_data=pack("col", "x", c.id))])
        if actor.led_group_ids or actor.is_secretary:
            rows += [[InlineKeyboardButton(texts.COLLECT_FILL_FOR.format(name=p.name),
                                           callback_data=pack("col", "for", c.id, p.id))]
                     for p in (await deps.collections.missing_for(c, actor))[:20]
                     if p.tg_user_id is None]
        await message.reply_text("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


def _day(iso_day: str) -> str:
    return show_date(date.fromisoformat(iso_day))


buttons = Buttons("col")


@buttons.on("x")
async def _export(press: Press, context: BranchContext) -> None:
    """📥 导出表格: the secretary gets the Excel file."""
    deps = context.deps
    c = await deps.collections.get(press.id())
    if c is None or not press.actor.is_secretary:
        await press.answer(texts.TAP_STALE if c is None else texts.TAP_NOT_ALLOWED)
        return
    await press.answer()
    await context.bot.send_document(press.query.from_user.id,
                                    io.BytesIO(await deps.collections.workbook(c)),
                                    filename=texts.COLLECT_FILE.format(title=c.title))


async def start(update: Update, context: BranchContext) -> int:
    """Begin filling in: for oneself (`col:go`, `/start col_<id>`) or, for a leader, for
    someone of his group (`col:for`)."""
    assert update.effective_user is not None and context.user_data is not None
    deps = context.deps
    actor = await deps.access.actor(update.effective_user.id)
    query = update.callback_query
    person = actor.person
    if query is not None:
        cb = parse(query.data)
        cid = cb.ids[0] if cb and cb.ids else 0
        if await open_in_private(query, context.bot.username, f"col_{cid}",
                                 texts.FORM_OPEN_CHAT):
            return ConversationHandler.END
        if cb is not None and cb.action == "for" and len(cb.ids) == 2:
            person = await deps.roster.get(cb.ids[1])
        await query.answer()
    else:
        assert update.effective_message is not None and update.effective_message.text
        cid = int(update.effective_message.text.split("col_", 1)[1])
    c = await deps.collections.get(cid)
    chat_id = update.effective_user.id
    if c is None or person is None or actor.person is None:
        await context.bot.send_message(chat_id, texts.TAP_STALE if c is None
                                       else texts.NOT_LINKED)
        return ConversationHandler.END
    if person.id != actor.person.id and not actor.may_act_for(person):
        await context.bot.send_message(chat_id, texts.TAP_NOT_ALLOWED)
        return ConversationHandler.END
    if not deps.collections.is_open(c):
        await context.bot.send_message(chat_id, texts.COLLECT_CLOSED)
        return ConversationHandler.END
    context.user_data[_KEY] = (c.id, person.id, [])
    await _ask(context, chat_id, c, 0)
    return ANSWER


async def _ask(context: BranchContext, chat_id: int, c: Collection, index: int) -> None:
    question, kind, choices = c.questions[index]
    text = texts.FORM_QUESTION.format(n=index + 1, total=len(c.questions), question=question)
    if kind in ("yesno", "choice"):
        rows = [[InlineKeyboardButton(choice, callback_data=pack("col", "a", c.id, index, i))]
                for i, choice in enumerate(choices)]
        await context.bot.send_message(chat_id, text, reply_markup=InlineKeyboardMarkup(rows))
    else:
        await context.bot.send_message(chat_id, f"{text}\n{texts.COLLECT_TYPE_HINT}")


async def answer(update: Update, context: BranchContext) -> int:
    """A button (是否, a choice) or typed text (文字, 数字) for the current question."""
    assert context.user_data is not None and update.effective_user is not None
    state = context.user_data.get(_KEY)
    if not state:
        return ConversationHandler.END
    cid, person_id, answers = state
    c = await context.deps.collections.get(cid)
    assert c is not None
    _, kind, choices = c.questions[len(answers)]
    value: Any
    query = update.callback_query
    if query is not None:
        cb = parse(query.data)
        if cb is None or len(cb.ids) != 3 or cb.ids[0] != cid or cb.ids[1] != len(answers) \
                or cb.ids[2] >= len(choices):
            await query.answer(texts.TAP_STALE)
            return ANSWER
        await query.answer()
        value = choices[cb.ids[2]]
    else:
        message = update.effective_message
        if kind in ("yesno", "choice") or message is None or not message.text:
            return ANSWER
        try:
            value = context.deps.collections.check_answer(kind, message.text)
        except CollectionError as exc:
            await message.reply_text(texts.explain(exc))
            return ANSWER
    answers.append(value)
    chat_id = update.effective_user.id
    if len(answers) < len(c.questions):
        await _ask(context, chat_id, c, len(answers))
        return ANSWER
    context.user_data.pop(_KEY, None)
    deps = context.deps
    actor = await deps.access.actor(chat_id)
    person = await deps.roster.get(person_id)
    assert person is not None
    try:
        await deps.collections.save(c, actor, person, answers)
    except CollectionError as exc:
        await context.bot.send_message(chat_id, texts.explain(exc))
        return ConversationHandler.END
    done = (texts.COLLECT_SAVED if actor.person and actor.person.id == person.id
            else texts.COLLECT_SAVED_FOR.format(name=person.name))
    await context.bot.send_message(chat_id, done)
    return ConversationHandler.END


def register(app: BranchApp) -> None:
    private_start = start_payload("col")
    app.add_handler(flow(
        entry_points=[CommandHandler("start", start, filters=private_start),
                      CallbackQueryHandler(start, pattern=r"^col:(go|for):")],
        states={ANSWER: [CallbackQueryHandler(answer, pattern=r"^col:a:"),
                         MessageHandler(TYPED, answer)]},
        fallbacks=[], conversation_timeout=timedelta(minutes=30), name="collect",
        per_chat=False))
    app.add_handler(CommandHandler("collect", collect_command))
    app.add_handler(buttons.handler())
