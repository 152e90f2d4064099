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
from bot.services.surveys import MIN_ANSWERS, QUALIFIED, SKIPPED, Results, SurveyError
from bot.ui.lookup import find_one
from bot.ui.messaging import open_in_private
from storage.surveys import Survey

ANSWER, COMMENT = range(2)
_FOR_KEY = "survey_for"  # whose ballot it is (his own, or a paper ballot's member)
_PAPER_KEY = "survey_paper"  # True: a leader enters a paper ballot
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
        appraisal = body.strip() == texts.APPRAISAL_WORD
        try:
            survey = (await deps.surveys.create_appraisal(actor, await deps.roster.all())
                      if appraisal else await deps.surveys.create(body, actor))
        except SurveyError as exc:
            await message.reply_text(texts.explain(exc))
            return
        announce = texts.APPRAISAL_ANNOUNCE if appraisal else texts.SURVEY_ANNOUNCE
        await context.bot.send_message(
            deps.chats.group_chat_id, announce.format(title=survey.title),
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
            results = await deps.surveys.results(survey, actor)
            if results is None and survey.is_appraisal and not actor.is_secretary:
                await message.reply_text(
                    texts.SURVEY_LINE_CLOSED.format(title=survey.title, count=count))
                continue
            await message.reply_text(
                _results_text(results) if results else
                texts.SURVEY_LINE_CLOSED.format(title=survey.title, count=count) + "\n"
                + texts.SURVEY_TOO_FEW.format(minimum=MIN_ANSWERS))


def _take_button(survey: Survey) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_SURVEY_TAKE, callback_data=pack("svy", "go", survey.id))]])


def _results_text(r: Results) -> str:
    lines = [texts.SURVEY_RESULT_TITLE.format(title=r.survey.title, count=r.answers)]
    if r.survey.is_appraisal:  # a line a member: 90 members still fit in one message
        lines += [texts.APPRAISAL_RESULT_LINE.format(
            name=q.question, counts="　".join(texts.APPRAISAL_RESULT_COUNT.format(
                grade=grade, count=n) for grade, n in q.counts)) for q in r.questions]
        return "\n".join(lines)
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
    results = await deps.surveys.results(closed, press.actor)
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
    if not deps.surveys.may_take(survey, actor.person):
        await context.bot.send_message(chat_id, texts.APPRAISAL_ONLY_PARTY)
        return ConversationHandler.END
    context.user_data[_KEY] = (survey.id, [])
    context.user_data[_FOR_KEY] = actor.person.id
    context.user_data[_PAPER_KEY] = False  # his own answer, not a ballot he enters
    return await _ask(update, context, chat_id, survey)


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
    context.user_data[_PAPER_KEY] = True
    await message.reply_text(texts.SURVEY_PAPER_START.format(name=person.name,
                                                             title=survey.title))
    return await _ask(update, context, message.chat_id, survey)


async def _ask(update: Update, context: BranchContext, chat_id: int, survey: Survey) -> int:
    """The next question, skipping the voter's own in 民主评议; submit after the last."""
    assert context.user_data is not None
    _, choices = context.user_data[_KEY]
    voter = context.user_data[_FOR_KEY]
    while len(choices) < len(survey.questions) and \
            context.deps.surveys.skipped_for(survey, voter, len(choices)):
        choices.append(SKIPPED)
    index = len(choices)
    if index == len(survey.questions):
        return await _after_last(update, context, survey)
    question, options = survey.questions[index]
    rows = [[InlineKeyboardButton(c, callback_data=pack("svy", "a", survey.id, index, ci))]
            for ci, c in enumerate(options)]
    if survey.is_appraisal:
        rows.append([InlineKeyboardButton(texts.BUTTON_APPRAISAL_REST,
                                          callback_data=pack("svy", "rest", survey.id, index))])
    await context.bot.send_message(chat_id, texts.FORM_QUESTION.format(
        n=index + 1, total=len(survey.questions), question=question),
        reply_markup=InlineKeyboardMarkup(rows))
    return ANSWER


async def answer(update: Update, context: BranchContext) -> int:
    """A choice: the next question, the comment, or submit."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    context.deps.privacy.leave_no_trace()  # the press names the choice
    cb = parse(query.data)
    state = context.user_data.get(_KEY)
    size = 2 if cb is not None and cb.action == "rest" else 3
    if cb is None or len(cb.ids) != size or not state or state[0] != cb.ids[0] \
            or cb.ids[1] != len(state[1]):
        await query.answer(texts.TAP_STALE)
        return ANSWER
    survey = await context.deps.surveys.get(cb.ids[0])
    assert survey is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    if cb.action == "rest" and survey.is_appraisal:  # 其余都评合格: one tap for the rest
        voter = context.user_data[_FOR_KEY]
        state[1].extend(SKIPPED if context.deps.surveys.skipped_for(survey, voter, i)
                        else QUALIFIED for i in range(len(state[1]), len(survey.questions)))
    elif cb.action == "a":
        state[1].append(cb.ids[2])
    return await _ask(update, context, query.from_user.id, survey)


async def _after_last(update: Update, context: BranchContext, survey: Survey) -> int:
    """The comment, when the survey asks for one, or submit."""
    assert update.effective_user is not None
    if survey.comments:
        await context.bot.send_message(update.effective_user.id, texts.SURVEY_COMMENT,
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
    paper = context.user_data.pop(_PAPER_KEY, False)
    person = await context.deps.roster.get(for_id) if paper and for_id is not None else None
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
            ANSWER: [CallbackQueryHandler(answer, pattern=r"^svy:(a|rest):")],
            COMMENT: [MessageHandler(TYPED, comment),
                      CallbackQueryHandler(comment, pattern=r"^svy:skip:")],
        },
        fallbacks=[], conversation_timeout=timedelta(minutes=30), name="survey",
        per_chat=False))
    app.add_handler(CommandHandler("survey", survey_command))
    app.add_handler(buttons.handler())
