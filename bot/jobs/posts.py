"""Sending notices and study material, and following them up, on the JobQueue.

`post:<id>:send` posts to a group chat, or fans out privately to each recipient in turn
through the rate limiter, saving each recipient's outcome as it goes and editing a
progress message for the sender every few seconds (「已发送 35/60」). If Telegram fails
(network, or 429 beyond the limiter's retries) the job stops and tries again a little
later; it resumes
with whoever is still pending, so nobody is messaged twice. Only a message already handed
to Telegram when the process dies can be sent again: Telegram gives no way to ask whether
it arrived.

`post:<id>:followup` opens the post's phone round: each leader gets the people of his
group not yet reached, with the round's buttons (bot/services/rounds.py);
`post:<id>:remind` reminds, the day before a study due date, whoever has not studied it.
All are re-created on start-up.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime, timedelta
from typing import Any

from telegram import Message
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import CallbackContext, JobQueue

from bot import texts
from bot.context import BranchApp, BranchContext, Deps
from bot.jobs.rounds import tell_carers
from bot.services.dates import show_date
from bot.services.posts import PRIVATE_AUDIENCES
from bot.ui.messaging import backoff_seconds, refusal_advice, refused_for_good, send_private
from bot.ui.posts import post_keyboard, post_text
from storage.models import Post

log = logging.getLogger(__name__)
RETRY_SECONDS = 30  # the first wait after a passing failure; doubled each time after
# Passing failures in a row, per post, in this process (a restart starts again at 30 s).
_attempts: dict[int, int] = {}
# The progress message is edited at most this often: each edit counts against the same
# 30-a-second limit as the notice itself (bench/broadcast.py).
PROGRESS_SECONDS = 5.0


def job_name(post_id: int, step: str) -> str:
    return f"post:{post_id}:{step}"


async def deliver(context: CallbackContext[Any, Any, Any, Any], chat_id: int,
                  post: Post) -> Message:
    text = post_text(post)
    markup = post_keyboard(post)
    if post.file_kind == "document" and post.file_id:
        return await context.bot.send_document(chat_id, post.file_id, caption=text[:1000],
                                               reply_markup=markup)
    if post.file_kind == "photo" and post.file_id:
        return await context.bot.send_photo(chat_id, post.file_id, caption=text[:1000],
                                            reply_markup=markup)
    return await context.bot.send_message(chat_id, text, reply_markup=markup)


def schedule_send(job_queue: JobQueue[Any], deps: Deps, post: Post) -> None:
    delay = max(timedelta(0), datetime.fromisoformat(post.send_at) - deps.posts.now())
    job_queue.run_once(send_post, when=delay, name=job_name(post.id, "send"), data=post.id)


async def send_post(context: BranchContext) -> None:
    """Post or fan out; on a Telegram failure, try again later from where it stopped."""
    assert context.job is not None and isinstance(context.job.data, int)
    deps = context.deps
    post = await deps.posts.get(context.job.data)
    if post is None or post.status in ("sent", "withdrawn"):
        return
    if post.status == "scheduled":
        await deps.posts.start_sending(post)
    try:
        if post.audience in PRIVATE_AUDIENCES:
            await _fan_out(context, deps, post)
        else:
            await _post_in_chat(context, deps, post)
    except TelegramError as exc:
        if refused_for_good(exc):
            log.error("post %s refused by Telegram: %s", post.id, exc)
            await _give_up(context, deps, post, texts.SEND_REFUSED,
                           advice=refusal_advice(str(exc)))
            return
        attempt = _attempts[post.id] = _attempts.get(post.id, 0) + 1
        delay = backoff_seconds(RETRY_SECONDS, attempt)
        log.warning("post %s interrupted (%s); resuming in %ss", post.id, exc, delay)
        queue: JobQueue[Any] | None = context.job_queue
        if queue is not None:
            queue.run_once(send_post, when=delay, name=job_name(post.id, "send"),
                           data=post.id)
        return
    _attempts.pop(post.id, None)
    current = await deps.posts.get(post.id)
    if current is None or current.failed_at is not None:
        return
    await deps.posts.finish_sending(post)
    sent = await deps.posts.get(post.id)
    assert sent is not None
    if context.job_queue is not None:
        schedule_follow_ups(context.job_queue, deps, sent)


async def _give_up(context: BranchContext, deps: Deps, post: Post, sentence: str,
                   **more: str) -> None:
    """The post cannot be sent (refused for good, or nowhere to send it): mark it failed
    and tell its sender once; `sentence` has {title}, {chat} and `more` to fill in."""
    _attempts.pop(post.id, None)
    if not await deps.posts.give_up(post):
        return
    text = sentence.format(title=post.title, chat=texts.AUDIENCE_NAMES.get(post.audience, ""),
                           **more)
    try:
        await context.bot.send_message(post.created_by_tg, text)
    except TelegramError as told:
        log.warning("sender of post %s not told why it failed: %s", post.id, told)


async def _post_in_chat(context: BranchContext, deps: Deps, post: Post) -> None:
    if post.message_id is not None:
        return
    chat_id = deps.chats.destination(post.audience)
    if chat_id is None:  # never the branch group instead of the committee's chat
        await _give_up(context, deps, post, texts.SEND_NO_CHAT)
        return
    message = await deliver(context, chat_id, post)
    await deps.posts.posted_in(post, chat_id, message.message_id)
    creator = await deps.roster.get(post.created_by) if post.created_by else None
    if creator is not None:
        name = texts.AUDIENCE_NAMES[post.audience]
        await send_private(context, creator, texts.SEND_POSTED.format(chat=name))


async def _fan_out(context: BranchContext, deps: Deps, post: Post) -> None:
    deliveries = await deps.posts.deliveries(post.id)
    linked = [d for d in deliveries if d.state != "unlinked"]
    done = sum(1 for d in linked if d.state != "pending")
    if post.progress_message_id is None:
        progress = await context.bot.send_message(
            post.created_by_tg, texts.PROGRESS.format(title=post.title, done=done,
                                                      total=len(linked)))
        await deps.posts.progress_shown_in(post, progress.chat.id, progress.message_id)
        post = await deps.posts.get(post.id) or post
    # Read once for the whole run rather than once per recipient (bench/broadcast.py).
    people = {p.id: p for p in await deps.roster.all()}
    last_progress = time.monotonic()
    for d in linked:
        if d.state != "pending":
            continue
        person = people.get(d.person_id)
        state, message_id = "unreachable", None
        if person is not None and person.tg_user_id is not None and person.active:
            try:
                message_id = (await deliver(context, person.tg_user_id, post)).message_id
                state = "sent"
            except Forbidden:
                pass  # never opened the private chat, or blocked the bot
            except BadRequest as exc:
                # Refused for this one person (chat not found, deactivated…): the others
                # still get it; the leaders' follow-up reaches him as unreachable.
                log.warning("post %s not delivered to person %s: %s", post.id, d.person_id,
                            exc.message)
        await deps.posts.delivered(post, d.person_id, state, message_id)
        done += 1
        if time.monotonic() - last_progress >= PROGRESS_SECONDS:
            last_progress = time.monotonic()
            await _progress(context, post, done, len(linked))
    await _summary(context, deps, post)


async def _progress(context: BranchContext, post: Post, done: int, total: int) -> None:
    if post.progress_chat_id is None or post.progress_message_id is None:
        return
    try:
        await context.bot.edit_message_text(
            texts.PROGRESS.format(title=post.title, done=done, total=total),
            chat_id=post.progress_chat_id, message_id=post.progress_message_id)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            log.info("progress of post %s not shown: %s", post.id, exc)


async def _summary(context: BranchContext, deps: Deps, post: Post) -> None:
    deliveries = await deps.posts.deliveries(post.id)
    names = {p.id: p.name for p in await deps.roster.all()}

    def who(state: str) -> list[str]:
        return [names.get(d.person_id, "?") for d in deliveries if d.state == state]

    lines = [texts.SEND_SUMMARY.format(title=post.title, sent=len(who("sent")))]
    if who("unreachable"):
        lines.append(texts.SEND_UNREACHABLE.format(count=len(who("unreachable")),
                                                   names="、".join(who("unreachable"))))
    if who("unlinked"):
        lines.append(texts.SEND_UNLINKED.format(count=len(who("unlinked")),
                                                names="、".join(who("unlinked"))))
    if who("unreachable") or who("unlinked"):
        lines.append(texts.SEND_LEADERS_WILL)
    text = "\n".join(lines)
    if post.progress_chat_id is not None and post.progress_message_id is not None:
        try:  # the progress message becomes the summary: one message, not two
            await context.bot.edit_message_text(text, chat_id=post.progress_chat_id,
                                                message_id=post.progress_message_id)
            return
        except BadRequest as exc:  # deleted by the sender, or too old to edit
            log.info("progress of post %s not replaced: %s", post.id, exc)
    await context.bot.send_message(post.created_by_tg, text)


def schedule_follow_ups(job_queue: JobQueue[Any], deps: Deps, post: Post) -> None:
    """Leaders' lists after `posts.followup_hours`; a study reminder the day before."""
    now = deps.posts.now()
    sent_at = datetime.fromisoformat(post.send_at)
    tracked = deps.posts.is_tracked(post)
    # Study material with a due date is followed up by its reminder instead.
    if post.followed_up_at is None and tracked and (post.kind == "notice" or not post.due_on):
        when = sent_at + timedelta(hours=deps.config.posts.followup_hours)
        job_queue.run_once(follow_up, when=max(timedelta(0), when - now),
                           name=job_name(post.id, "followup"), data=post.id)
    if post.kind == "study" and post.due_on and post.reminded_at is None:
        day_before = date.fromisoformat(post.due_on) - timedelta(days=1)
        when = datetime.combine(day_before, deps.config.posts.study_reminder,
                                tzinfo=deps.posts.tz)
        job_queue.run_once(remind_study, when=max(timedelta(0), when - now),
                           name=job_name(post.id, "remind"), data=post.id)


async def send_follow_up(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                         post: Post) -> None:
    """Each leader with people still to reach gets his phone-round list (the secretary,
    for people whose group has no leader)."""
    await tell_carers(context, deps, await deps.posts.open_round(post))


async def follow_up(context: BranchContext) -> None:
    """Leaders' lists, once."""
    assert context.job is not None and isinstance(context.job.data, int)
    deps = context.deps
    post = await deps.posts.get(context.job.data)
    if post is None or post.status != "sent":
        return
    if await deps.posts.claim_follow_up(post):
        await send_follow_up(context, deps, post)


async def remind_study(context: BranchContext) -> None:
    """The day before the due date: one private reminder, and the leaders' lists."""
    assert context.job is not None and isinstance(context.job.data, int)
    deps = context.deps
    post = await deps.posts.get(context.job.data)
    if post is None or post.status != "sent" or post.due_on is None:
        return
    if not await deps.posts.claim_reminder(post):
        return
    due = show_date(date.fromisoformat(post.due_on))
    for cov in (await deps.posts.coverage(post)).values():
        for m in cov.missing:
            await send_private(context, m.person, texts.STUDY_REMIND.format(
                name=m.person.name, title=post.title, due=due), post_keyboard(post))
    await send_follow_up(context, deps, post)


async def schedule_all(app: BranchApp) -> None:
    """On start-up: resume unfinished sends; re-create pending follow-ups."""
    deps = app.bot_data.deps
    assert app.job_queue is not None
    for post in await deps.posts.unfinished():
        schedule_send(app.job_queue, deps, post)
    for post in await deps.posts.sent_posts():
        schedule_follow_ups(app.job_queue, deps, post)
