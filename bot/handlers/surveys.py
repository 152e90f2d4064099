"""满意度测评: the secretary starts an anonymous survey with `/survey` and a few lines;
members answer in private chat, one question at a time with buttons; the secretary closes
it and sees the totals.

Answers in progress live only in the member's conversation memory, never in the
database, until he submits; then only totals are stored (see `storage.surveys`).
"""

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
from bot.buttons import Buttons, Press
from bot.callbacks import pack, parse
from bot.context import BranchApp, BranchContext
from bot.flows import TYPED, flow, start_payload
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.surveys import MIN_ANSWERS, Results, SurveyError
from bot.ui.lookup import find_one
from bot.ui.messaging import open_in_private
from storage.surveys import Survey

ANSWER, COMMENT = range(2)
_FOR_KEY = "survey_for"  # a paper ballot: whose
_KEY = "survey_answers"


@guarded("survey")
async def survey_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """With lines: start a survey (the secretary). Without: the surveys and results."""
    message = update.effective_message
    assert message is not None and message.text is not None
    deps = context.deps
    parts = message.text.split(None, 1)  # the command, then the survey's lines
    body = parts[1] if len(parts) > 1 else ""
    if body.strip() and actor.is_secretary:
        try:
            survey = await deps.surveys.create(body, actor)
        except SurveyError as exc:
            await message.reply_text(texts.explain(exc))
            return
        await context.bot.send_message(
            deps.chats.group_chat_id, texts.SURVEY_ANNOUNCE.format(title=survey.title),
            reply_markup=_take_button(survey))
        await message.reply_text(texts.FORM_CREATED.format(title=survey.title))
        return
    surveys = await deps.surveys.recent(5)
    if not surveys:
        await message.reply_text(texts.SURVEY_USAGE if actor.is_secretary else texts.SURVEY_NONE)
        return
    for survey in surveys:
        count = await deps.surveys.voters(survey.id)
        if survey.status == "open":
            buttons = [InlineKeyboardButton(texts.BUTTON_SURVEY_TAKE,
                                            callback_data=pack("svy", "go", survey.id))]
            if actor.is_secretary:
                buttons.append(InlineKeyboardButton(
                    texts.BUTTON_SURVEY_CLOSE, callback_data=pack("svy", "end", survey.id)))
            await message.reply_text(
                texts.SURVEY_LINE_OPEN.format(title=survey.title, count=count),
                reply_markup=InlineKeyboardMarkup([buttons]))
        else:
            results = await deps.surveys.results(survey)
            await message.reply_text(
                _results_text(results) if results else
                texts.SURVEY_LINE_CLOSED.format(title=survey.title, count=count) + "\n"
                + texts.SURVEY_TOO_FEW.format(minimum=MIN_ANSWERS))


def _take_button(survey: Survey) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_SURVEY_TAKE, callback_data=pack("svy", "go", survey.id))]])


def _results_text(r: Results) -> str:
    lines = [texts.SURVEY_RESULT_TITLE.format(title=r.survey.title, count=r.answers)]
    for q in r.questions:
        lines.append(texts.SURVEY_RESULT_QUESTION.format(question=q.question))
        lines += [texts.SURVEY_RESULT_CHOICE.format(choice=c, count=n,
                                                    share=n / q.total if q.total else 0)
                  for c, n in q.counts]
        if q.satisfied is not None:
            lines.append(texts.SURVEY_RESULT_SATISFIED.format(share=q.satisfied))
    if r.comments:
        lines.append(texts.SURVEY_RESULT_COMMENTS.format(count=len(r.comments)))
        lines += [texts.SURVEY_RESULT_COMMENT.format(text=t) for t in r.comments]
    return "\n".join(lines)


buttons = Buttons("svy")


@buttons.on("end")
async def _close(press: Press, context: BranchContext) -> None:
    """`svy:end`: the secretary closes the survey and sees the results."""
    deps = context.deps
    survey = await deps.surveys.get(press.id())
    if survey is None or not await deps.surveys.close(survey, press.actor):
        await press.answer(texts.SURVEY_NOT_ALLOWED if survey else texts.TAP_STALE)
        return
    await press.answer()
    closed = await deps.surveys.get(survey.id)
    assert closed is not None
    results = await deps.surveys.results(closed)
    await press.edit(_results_text(results) if results else
                     texts.SURVEY_TOO_FEW.format(minimum=MIN_ANSWERS))


async def start(update: Update, context: BranchContext) -> int:
    """`svy:go` (or `/start svy_<id>`): begin answering, in private chat."""
    query = update.callback_query
    deps = context.deps
    assert update.effective_user is not None and context.user_data is not None
    if query is not None:
        cb = parse(query.data)
        survey_id = cb.ids[0] if cb and cb.ids else 0
        if await open_in_private(query, context.bot.username, f"svy_{survey_id}",
                                 texts.FORM_OPEN_CHAT):
            return ConversationHandler.END
        await query.answer()
    else:
        assert update.effective_message is not None and update.effective_message.text
        survey_id = int(update.effective_message.text.split("svy_", 1)[1])
    chat_id = update.effective_user.id
    actor = await deps.access.actor(update.effective_user.id)
    survey = await deps.surveys.get(survey_id)
    if survey is None or actor.person is None:
        await context.bot.send_message(chat_id, texts.TAP_STALE if survey is None
                                       else texts.NOT_LINKED)
        return ConversationHandler.END
    if survey.status != "open":
        await context.bot.send_message(chat_id, texts.SURVEY_CLOSED)
        return ConversationHandler.END
    if await deps.surveys.has_voted(survey.id, actor.person.id):
        await context.bot.send_message(chat_id, texts.SURVEY_ALREADY)
        return ConversationHandler.END
    context.user_data[_KEY] = (survey.id, [])
    context.user_data.pop(_FOR_KEY, None)  # his own answer, not a ballot he enters
    await _ask(context, chat_id, survey, 0)
    return ANSWER


@guarded("survey")
async def paper_ballot(update: Update, context: BranchContext, actor: Actor) -> int:
    """`/survey 代填 姓名`: a leader enters the paper ballot of a member without a phone,
    through the same questions; anonymous like every answer."""
    message = update.effective_message
    assert message is not None and message.text and context.user_data is not None
    name = message.text.split(texts.SURVEY_PAPER_WORD, 1)[1].strip()
    person = await find_one(update, context, actor, name)
    if person is None:
        return ConversationHandler.END
    try:
        survey = await context.deps.surveys.open_for_paper(actor, person)
    except SurveyError as exc:
        await message.reply_text(texts.explain(exc))
        return ConversationHandler.END
    context.user_data[_KEY] = (survey.id, [])
    context.user_data[_FOR_KEY] = person.id
    await message.reply_text(texts.SURVEY_PAPER_START.format(name=person.name,
                                                             title=survey.title))
    await _ask(context, message.chat_id, survey, 0)
    return ANSWER


async def _ask(context: BranchContext, chat_id: int, survey: Survey, index: int) -> None:
    question, choices = survey.questions[index]
    rows = [[InlineKeyboardButton(c, callback_data=pack("svy", "a", survey.id, index, ci))]
            for ci, c in enumerate(choices)]
    await context.bot.send_message(chat_id, texts.FORM_QUESTION.format(
        n=index + 1, total=len(survey.questions), question=question),
        reply_markup=InlineKeyboardMarkup(rows))


async def answer(update: Update, context: BranchContext) -> int:
    """A choice: the next question, the comment, or submit."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    context.deps.privacy.leave_no_trace()  # the press names the choice
    cb = parse(query.data)
    state = context.user_data.get(_KEY)
    if cb is None or len(cb.ids) != 3 or not state or state[0] != cb.ids[0] \
            or cb.ids[1] != len(state[1]):
        await query.answer(texts.TAP_STALE)
        return ANSWER
    survey = await context.deps.surveys.get(cb.ids[0])
    assert survey is not None
    await query.answer()
    state[1].append(cb.ids[2])
    await query.edit_message_reply_markup(None)
    if len(state[1]) < len(survey.questions):
        await _ask(context, query.from_user.id, survey, len(state[1]))
        return ANSWER
    if survey.comments:
        await context.bot.send_message(query.from_user.id, texts.SURVEY_COMMENT,
                                       reply_markup=InlineKeyboardMarkup([[
                                           InlineKeyboardButton(texts.BUTTON_SKIP,
                                                                callback_data=pack(
                                                                    "svy", "skip",
                                                                    survey.id))]]))
        return COMMENT
    return await _submit(update, context, survey, None)


async def comment(update: Update, context: BranchContext) -> int:
    """The free-text comment (or 跳过), then submit."""
    assert context.user_data is not None
    context.deps.privacy.leave_no_trace()
    state = context.user_data.get(_KEY)
    if not state:
        return ConversationHandler.END
    survey = await context.deps.surveys.get(state[0])
    assert survey is not None
    text = None
    if update.callback_query is not None:
        await update.callback_query.answer()
    elif update.effective_message is not None:
        text = update.effective_message.text
    return await _submit(update, context, survey, text)


async def _submit(update: Update, context: BranchContext, survey: Survey,
                  text: str | None) -> int:
    assert context.user_data is not None and update.effective_user is not None
    _, choices = context.user_data.pop(_KEY)
    actor = await context.deps.access.actor(update.effective_user.id)
    for_id = context.user_data.pop(_FOR_KEY, None)
    person = await context.deps.roster.get(for_id) if for_id is not None else None
    if person is not None:  # a paper ballot entered by his leader
        done = await context.deps.surveys.submit_paper(survey, actor, person, choices, text)
        thanks = texts.SURVEY_PAPER_THANKS.format(name=person.name)
    else:
        done = await context.deps.surveys.submit(survey, actor, choices, text)
        thanks = texts.SURVEY_THANKS
    await context.bot.send_message(update.effective_user.id,
                                   thanks if done else texts.SURVEY_ALREADY)
    return ConversationHandler.END


def register(app: BranchApp) -> None:
    private_start = start_payload("svy")
    app.add_handler(flow(
        entry_points=[CommandHandler("start", start, filters=private_start),
                      CallbackQueryHandler(start, pattern=r"^svy:go:"),
                      CommandHandler("survey", paper_ballot, filters=filters.Regex(
                          rf"^/survey\s+{texts.SURVEY_PAPER_WORD}\s"))],
        states={
            ANSWER: [CallbackQueryHandler(answer, pattern=r"^svy:a:")],
            COMMENT: [MessageHandler(TYPED, comment),
                      CallbackQueryHandler(comment, pattern=r"^svy:skip:")],
        },
        fallbacks=[], conversation_timeout=timedelta(minutes=30), name="survey",
        per_chat=False))
    app.add_handler(CommandHandler("survey", survey_command))
    app.add_handler(buttons.handler())
