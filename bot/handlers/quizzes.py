"""知识答题: the secretary imports a question bank with `/quiz` and posts it to the group;
members take it in private chat, one Telegram quiz poll per question; `/quiz` shows a
member his score, a leader his group's (and who is below the pass mark), the committee
all of it; a leader enters the score of a quiz done on paper (`/quiz 成绩 姓名 题数`).

Why one file over 400 lines: the bank import and the question-by-question editor share
one ConversationHandler with `/quiz` itself (its file step is the editor's first step);
splitting them would split that one conversation across modules. (The editor still
derives its step from its draft *and* returns it: see the closing note of issue 17.)
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Poll, Update
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    PollAnswerHandler,
    filters,
)

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack, parse, pattern
from bot.context import BranchApp, BranchContext
from bot.flows import TYPED, flow, start_payload
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.quizzes import (
    LETTERS,
    Next,
    QuizError,
    Score,
    Start,
    parse_bank,
    passed,
    typed_question,
)
from bot.services.tables import TableError, check_size
from bot.ui.lookup import find_one
from bot.ui.messaging import open_in_private, send_private
from storage.models import Quiz, QuizQuestion

WAIT_FILE, Q_TITLE, Q_TEXT, Q_OPTIONS, Q_ANSWER, Q_EXPLAIN, Q_MORE = range(7)
_DRAFT = "quiz_draft"


@dataclass
class QuizDraft:
    """A quiz being entered question by question."""

    title: str = ""
    questions: list[QuizQuestion] = field(default_factory=list)
    text: str = ""
    options: list[str] = field(default_factory=list)
    answer: int = 0


@guarded("quiz")
async def quiz_command(update: Update, context: BranchContext, actor: Actor) -> int:
    """The secretary: send a question bank. Everyone else: quizzes and scores."""
    message = update.effective_message
    assert message is not None
    args = list(context.args or [])
    if args and args[0] == texts.QUIZ_PAPER_WORD:  # /quiz 成绩 姓名 答对题数
        await _paper_score(update, context, actor, args[1:])
        return ConversationHandler.END
    if actor.is_secretary and not context.args:
        await message.reply_text(texts.QUIZ_ASK_FILE, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_QUIZ_ENTER, callback_data=pack("qe", "new"))]]))
        return WAIT_FILE
    await message.reply_text(await _overview(context, actor))
    return ConversationHandler.END


async def _paper_score(update: Update, context: BranchContext, actor: Actor,
                       args: list[str]) -> None:
    message = update.effective_message
    assert message is not None
    if len(args) != 2:
        await message.reply_text(texts.QUIZ_PAPER_USAGE)
        return
    person = await find_one(update, context, actor, args[0])
    if person is None:
        return
    try:
        quiz = await context.deps.quizzes.paper_score(actor, person, args[1])
    except QuizError as exc:
        await message.reply_text(texts.explain(exc))
        return
    total = len(quiz.questions)
    await message.reply_text(texts.QUIZ_PAPER_SAVED.format(
        name=person.name, title=quiz.title, score=int(args[1]), total=total,
        percent=round(100 * int(args[1]) / total) if total else 0))


async def quiz_file(update: Update, context: BranchContext) -> int:
    """The question bank arrives as a document: check it all, import it or explain."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    doc = message.document
    if doc is None:
        await message.reply_text(texts.QUIZ_NOT_A_FILE)
        return WAIT_FILE
    name = PurePath(doc.file_name or texts.QUIZ_DEFAULT_FILE)
    try:
        check_size(doc.file_size)  # before downloading it
        data = bytes(await (await doc.get_file()).download_as_bytearray())
        # Parsing is CPU work: in a thread, so nobody's tap waits behind it.
        questions, problems = await asyncio.to_thread(parse_bank, data, name.suffix)
    except TableError as exc:
        await message.reply_text(str(exc))
        return WAIT_FILE
    if problems:
        lines = [texts.QUIZ_IMPORT_FAILED.format(count=len(problems))]
        lines += [str(p) for p in problems[:30]]
        await message.reply_text("\n".join(lines))
        return WAIT_FILE
    await _created(update, context, name.stem, questions)
    return ConversationHandler.END


async def _created(update: Update, context: BranchContext, title: str,
                   questions: list[QuizQuestion]) -> None:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    actor = await context.deps.access.actor(update.effective_user.id)
    quiz = await context.deps.quizzes.create(title, questions, actor)
    await message.reply_text(
        texts.QUIZ_IMPORTED.format(title=quiz.title, count=len(quiz.questions),
                                   percent=quiz.pass_percent),
        reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_QUIZ_PUBLISH, callback_data=pack("qz", "pub",
                                                                               quiz.id)),
            InlineKeyboardButton(texts.BUTTON_QUIZ_RETAKES, callback_data=pack("qz", "rt",
                                                                               quiz.id))]]))


# -- entering a quiz question by question -----------------------------------------------------


def _draft(context: BranchContext) -> QuizDraft:
    assert context.user_data is not None
    draft = context.user_data.get(_DRAFT)
    if not isinstance(draft, QuizDraft):
        draft = context.user_data[_DRAFT] = QuizDraft()
    return draft


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("qe", "no"))]


async def entry_button(update: Update, context: BranchContext) -> int:
    """`qe:` buttons of the question-by-question entry."""
    query = update.callback_query
    assert query is not None and context.user_data is not None
    await query.answer()
    cb = parse(query.data)
    message = query.message
    assert message is not None
    draft = _draft(context)
    if cb is None or cb.action == "no":
        context.user_data.pop(_DRAFT, None)
        await context.bot.send_message(message.chat.id, texts.POST_CANCELLED)
        return ConversationHandler.END
    if cb.action == "new":
        context.user_data[_DRAFT] = QuizDraft()
        await context.bot.send_message(message.chat.id, texts.QE_TITLE,
                                       reply_markup=InlineKeyboardMarkup([_cancel_row()]))
        return Q_TITLE
    if cb.action == "a" and cb.ids and cb.ids[0] < len(draft.options):
        draft.answer = cb.ids[0]
        await context.bot.send_message(message.chat.id, texts.QE_EXPLAIN, reply_markup=(
            InlineKeyboardMarkup([[InlineKeyboardButton(
                texts.BUTTON_SKIP, callback_data=pack("qe", "skip"))], _cancel_row()])))
        return Q_EXPLAIN
    if cb.action == "skip":
        return await _add_question(update, context, None)
    if cb.action == "more":
        await context.bot.send_message(message.chat.id, texts.QE_QUESTION.format(
            n=len(draft.questions) + 1), reply_markup=InlineKeyboardMarkup([_cancel_row()]))
        return Q_TEXT
    if cb.action == "done" and draft.questions:
        context.user_data.pop(_DRAFT, None)
        await _created(update, context, draft.title, draft.questions)
        return ConversationHandler.END
    return ConversationHandler.END


async def entry_text(update: Update, context: BranchContext) -> int | None:
    """Typed title, question, options (one per line) or explanation."""
    message = update.effective_message
    assert message is not None and message.text is not None
    draft = _draft(context)
    state = _entry_state(context)
    text = message.text.strip()
    if state == Q_TITLE:
        draft.title = text[:60]
        await message.reply_text(texts.QE_QUESTION.format(n=1),
                                 reply_markup=InlineKeyboardMarkup([_cancel_row()]))
        return Q_TEXT
    if state == Q_TEXT:
        draft.text = text
        await message.reply_text(texts.QE_OPTIONS,
                                 reply_markup=InlineKeyboardMarkup([_cancel_row()]))
        return Q_OPTIONS
    if state == Q_OPTIONS:
        options = [line.strip() for line in text.splitlines() if line.strip()]
        if not 2 <= len(options) <= len(LETTERS):
            await message.reply_text(texts.QE_OPTIONS_BAD)
            return Q_OPTIONS
        draft.options = options
        buttons = [InlineKeyboardButton(f"{LETTERS[i]}. {o}"[:30],
                                        callback_data=pack("qe", "a", i))
                   for i, o in enumerate(options)]
        await message.reply_text(texts.QE_ANSWER, reply_markup=InlineKeyboardMarkup(
            [[b] for b in buttons] + [_cancel_row()]))
        return Q_ANSWER
    if state == Q_EXPLAIN:
        return await _add_question(update, context, text)
    return None


def _entry_state(context: BranchContext) -> int:
    """Where the entry stands, from what the draft holds."""
    draft = _draft(context)
    if not draft.title:
        return Q_TITLE
    if not draft.text:
        return Q_TEXT
    if not draft.options:
        return Q_OPTIONS
    return Q_EXPLAIN


async def _add_question(update: Update, context: BranchContext,
                        explanation: str | None) -> int:
    message = update.effective_message
    assert message is not None
    draft = _draft(context)
    question, problems = typed_question(draft.text, draft.options, draft.answer, explanation,
                                        position=len(draft.questions))
    draft.text, draft.options = "", []
    chat_id = message.chat.id
    if question is None:
        await context.bot.send_message(chat_id, "\n".join(
            p.reason for p in problems) + "\n" + texts.QE_QUESTION.format(
                n=len(draft.questions) + 1))
        return Q_TEXT
    draft.questions.append(question)
    await context.bot.send_message(
        chat_id, texts.QE_ADDED.format(count=len(draft.questions)),
        reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_QE_MORE, callback_data=pack("qe", "more")),
            InlineKeyboardButton(texts.BUTTON_QE_DONE, callback_data=pack("qe", "done"))],
            _cancel_row()]))
    return Q_MORE


async def cancel(update: Update, context: BranchContext) -> int:
    """/cancel while waiting for the file."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.POST_CANCELLED)
    return ConversationHandler.END


buttons = Buttons("qz")


@buttons.on("pub", "rt", "go")
async def _quiz_button(press: Press, context: BranchContext) -> None:
    """`qz:` buttons: publish, allow retakes, start answering."""
    deps = context.deps
    actor, action = press.actor, press.cb.action
    quiz = await deps.quizzes.get(press.id())
    if quiz is None:
        await press.stale()
        return
    if action == "pub" and actor.is_secretary:
        await press.answer(texts.QUIZ_PUBLISHED)
        await context.bot.send_message(
            deps.chats.group_chat_id,
            texts.QUIZ_ANNOUNCE.format(title=quiz.title, count=len(quiz.questions)),
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
                texts.BUTTON_QUIZ_START, callback_data=pack("qz", "go", quiz.id))]]))
    elif action == "rt" and await deps.quizzes.allow_retakes(quiz.id, actor):
        await press.answer(texts.QUIZ_RETAKES_ON)
    elif action == "go" and await open_in_private(
            press.query, context.bot.username, f"quiz_{quiz.id}", texts.QUIZ_OPEN_CHAT):
        return
    elif action == "go":
        await press.answer()
        await _begin(context, actor, quiz.id, press.query.from_user.id)
    else:
        await press.answer(texts.TAP_NOT_ALLOWED)


async def quiz_link(update: Update, context: BranchContext) -> None:
    """`/start quiz_<id>`: begin (or carry on) in the private chat."""
    message = update.effective_message
    assert message is not None and message.text and update.effective_user is not None
    actor = await context.deps.access.actor(update.effective_user.id)
    await _begin(context, actor, int(message.text.split("quiz_", 1)[1]),
                 update.effective_user.id)


async def _begin(context: BranchContext, actor: Actor, quiz_id: int, chat_id: int) -> None:
    outcome, detail = await context.deps.quizzes.start(quiz_id, actor)
    if outcome is Start.STARTED:
        await _ask(context, chat_id, detail)
    elif outcome is Start.DONE and isinstance(detail, Score):
        await context.bot.send_message(chat_id, texts.QUIZ_ALREADY.format(
            score=detail.score, total=detail.total, percent=detail.percent))
    elif outcome is Start.NOT_LINKED:
        await context.bot.send_message(chat_id, texts.NOT_LINKED)
    else:
        await context.bot.send_message(chat_id, texts.TAP_STALE)


async def _ask(context: BranchContext, chat_id: int, step: Next) -> None:
    q = step.question
    assert q is not None
    message = await context.bot.send_poll(
        chat_id, texts.QUIZ_QUESTION.format(n=q.position + 1, total=len(step.quiz.questions),
                                            question=q.question)[:300],
        list(q.options), type=Poll.QUIZ,
        correct_option_ids=[q.answer],  # type: ignore[list-item]  # 0..5, checked on import
        is_anonymous=False,
        explanation=q.explanation)
    assert message.poll is not None
    await context.deps.quizzes.asked(step.attempt, message.poll.id)


async def on_poll_answer(update: Update, context: BranchContext) -> None:
    """An answer to a quiz question: record it once, then the next question or the score."""
    answer = update.poll_answer
    if answer is None or answer.user is None or not answer.option_ids:
        return
    step = await context.deps.quizzes.answer(answer.poll_id, answer.user.id,
                                             answer.option_ids[0])
    if step is None:
        return
    if step.question is not None:
        await _ask(context, answer.user.id, step)
        return
    total = len(step.quiz.questions)
    percent = round(100 * step.attempt.score / total)
    ok = passed(step.quiz, percent)
    verdict = texts.QUIZ_PASSED if ok else texts.QUIZ_NOT_PASSED
    with contextlib.suppress(TelegramError):  # the score is saved; /quiz shows it
        await context.bot.send_message(answer.user.id, texts.QUIZ_FINISHED.format(
            score=step.attempt.score, total=total, percent=percent, verdict=verdict))
    if not ok:  # 帮学: what the member was promised reaches his leader
        person = await context.deps.roster.get(step.attempt.person_id)
        if person is not None:
            carer = await context.deps.org.carer_of(person)
            for helper in await context.deps.org.reach(carer.id if carer else None):
                await send_private(context, helper, texts.QUIZ_HELP_LEADER.format(
                    name=person.name, title=step.quiz.title, percent=percent))


async def _overview(context: BranchContext, actor: Actor) -> str:
    quizzes = await context.deps.quizzes.recent(5)
    if not quizzes:
        return texts.QUIZ_NONE
    lines = []
    for quiz in quizzes:
        lines += await _quiz_lines(context, actor, quiz)
    return "\n".join(lines)


async def _quiz_lines(context: BranchContext, actor: Actor, quiz: Quiz) -> list[str]:
    scores, missing = await context.deps.quizzes.scores(quiz, actor)
    total = len(quiz.questions)
    if not (actor.sees_whole_branch or actor.led_group_ids):
        mine = scores[0] if scores else None
        result = (texts.QUIZ_MEMBER_SCORE.format(score=mine.score, total=total,
                                                 percent=mine.percent)
                  if mine else texts.QUIZ_MEMBER_TODO)
        return [texts.QUIZ_MEMBER_LINE.format(title=quiz.title, result=result)]
    average = round(sum(s.percent for s in scores) / len(scores)) if scores else 0
    lines = [texts.QUIZ_STAFF_LINE.format(title=quiz.title, count=total, done=len(scores),
                                          average=average, percent=quiz.pass_percent)]
    below = [s.person.name for s in scores if not passed(quiz, s.percent)]
    if below:
        lines.append(texts.QUIZ_STAFF_BELOW.format(names="、".join(below)))
    if missing:
        lines.append(texts.QUIZ_STAFF_MISSING.format(names="、".join(p.name for p in missing)))
    return lines


def register(app: BranchApp) -> None:
    entry: BaseHandler[Update, BranchContext, object] = CallbackQueryHandler(
        entry_button, pattern=pattern("qe"))
    app.add_handler(flow(
        entry_points=[CommandHandler("quiz", quiz_command)],
        states={
            WAIT_FILE: [entry, MessageHandler(filters.ChatType.PRIVATE & ~filters.COMMAND,
                                              quiz_file)],
            **{state: [entry, MessageHandler(TYPED, entry_text)]
               for state in (Q_TITLE, Q_TEXT, Q_OPTIONS, Q_ANSWER, Q_EXPLAIN, Q_MORE)},
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        conversation_timeout=timedelta(minutes=15), name="quiz_import"))
    quiz_payload = start_payload("quiz")
    app.add_handler(CommandHandler("start", quiz_link, filters=quiz_payload))
    app.add_handler(buttons.handler())
    app.add_handler(PollAnswerHandler(on_poll_answer))
