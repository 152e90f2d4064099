"""The composition root: the only place that knows every part of the bot.

`build_application(config)` makes the PTB `Application` (rate limiter, time zone, custom
context, base URL) and calls every feature's `register`. `post_init` opens the database,
runs migrations, builds the services into `Deps`, loads chat ids and sets the command
menus; `post_shutdown` closes what `post_init` opened. `run_application` and
`start_application`/`stop_application` run it for real or inside tests and the demo.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any, cast

import httpx
from telegram import Update
from telegram.ext import ApplicationBuilder, ContextTypes, Defaults

from bot import texts
from bot.clock import Clock, SystemClock
from bot.commands import sync_menus
from bot.config import Config
from bot.connections import SeparatePools, tls_context
from bot.context import BotData, BranchApp, BranchContext, Deps
from bot.handlers import (
    attendance,
    attendance_views,
    audit,
    care,
    chats,
    collections,
    composer,
    desk,
    dues,
    errors,
    meeting_changes,
    meetings,
    membership,
    paper,
    posts,
    privacy,
    quizzes,
    report,
    roster,
    rounds,
    safety,
    suggestions,
    surveys,
    visits,
)
from bot.inbox import BranchApplication, DurableQueue, FlushingRequest
from bot.jobqueue import BranchJobQueue
from bot.jobs import backup as backup_jobs
from bot.jobs import care as care_jobs
from bot.jobs import meetings as meeting_jobs
from bot.jobs import posts as post_jobs
from bot.jobs import pushes as push_jobs
from bot.jobs.follow_ups import JobFollowUps
from bot.limits import BranchBot
from bot.order import PerPersonOrder
from bot.ratelimit import rate_limiter
from bot.reader import start_reader
from bot.services.access import AccessService, Role
from bot.services.care import CareService
from bot.services.chats import ChatDirectory
from bot.services.collections import CollectionService
from bot.services.desk import DeskService
from bot.services.dues import DuesService
from bot.services.linking import LinkingService
from bot.services.meetings import MeetingService
from bot.services.org import Org
from bot.services.paper import PaperService
from bot.services.posts import PostService
from bot.services.privacy import PrivacyService
from bot.services.quizzes import QuizService
from bot.services.report import ReportService
from bot.services.roster import RosterService
from bot.services.rounds import RoundService
from bot.services.schedule import Scheduler
from bot.services.suggestions import SuggestionService
from bot.services.surveys import SurveyService
from storage.chats import ChatRepo
from storage.collections import CollectionRepo
from storage.db import Database, RunLock
from storage.desk import DeskRepo
from storage.dues import DuesRepo
from storage.inbox import InboxRepo
from storage.links import InviteRepo
from storage.meetings import MeetingRepo
from storage.people import PeopleRepo
from storage.posts import PostRepo
from storage.pushes import PushRepo
from storage.quizzes import QuizRepo
from storage.rounds import RoundRepo
from storage.suggestions import SuggestionRepo
from storage.surveys import SurveyRepo
from storage.visits import VisitRepo

log = logging.getLogger(__name__)

# The chat gate registers itself in handler group -1, so it sees every update first.
# Within group 0 the first matching handler wins: features that own a /start payload
# (attendance `leave_<id>`, posts `refl_<id>`, quizzes `quiz_<id>`, surveys `svy_<id>`,
# collections `col_<id>`) come before membership, whose /start takes everything else.
FEATURES = (chats, errors, attendance, attendance_views, meetings, meeting_changes, visits,
            care, composer, posts, quizzes, surveys, suggestions, dues, collections, report,
            safety, rounds, paper, audit, desk, privacy, roster, membership)


def build_application(config: Config, *, clock: Clock | None = None) -> BranchApp:
    clock = clock or SystemClock()
    rl = config.telegram.rate_limit
    context_types = ContextTypes(context=BranchContext, bot_data=BotData)

    run_lock = RunLock(config.storage.path)

    async def post_init(app: BranchApp) -> None:
        if config.storage.path != ":memory:" and not run_lock.acquire():
            raise RuntimeError(texts.ALREADY_RUNNING.format(path=config.storage.path))
        app.bot_data.deps = await open_deps(config, clock)
        deps = app.bot_data.deps
        await sync_menus(app.bot, deps.chats.group_chat_id, deps.chats.committee_chat_id,
                         await staff_roles(deps))
        await meeting_jobs.schedule_all(app)
        await care_jobs.schedule_all(app)
        await post_jobs.schedule_all(app)
        await push_jobs.schedule_all(app)
        await backup_jobs.schedule_all(app)
        start_reader(config)  # the heavy views' worker process (bot/reader.py)
        # Last: the updates a previous run left unhandled are handled with all in place.
        assert isinstance(app.update_queue, DurableQueue)
        await app.update_queue.attach(deps.inbox, app.bot)

    async def post_shutdown(app: BranchApp) -> None:
        await close_deps(app.bot_data)
        run_lock.release()

    # Updates are written to the inbox before Telegram is told to forget them: before the
    # next getUpdates, or (webhook) before Telegram's request is answered (bot/inbox.py).
    queue = DurableQueue(eager=config.telegram.mode == "webhook")
    timeout = config.telegram.timeout_seconds
    # Every message the bot composes is kept within Telegram's limits (bot/limits.py).
    bot = BranchBot(
        token=config.telegram.token,
        base_url=config.telegram.base_url,
        base_file_url=config.telegram.base_url.replace("/bot", "/file/bot"),
        defaults=Defaults(tzinfo=config.branch.tz),
        # A connection pool for each request on its way (bot/connections.py).
        request=SeparatePools(connect_timeout=timeout, read_timeout=timeout,
                              write_timeout=timeout),
        get_updates_request=FlushingRequest(
            queue, connection_pool_size=1, connect_timeout=timeout, read_timeout=timeout,
            write_timeout=timeout),
        # Buckets sized so that no window at the server exceeds the limits (bot/ratelimit.py).
        rate_limiter=rate_limiter(rl.overall_per_second, rl.group_per_minute,
                                  rl.max_retries),
    )
    app = cast(BranchApp, (
        ApplicationBuilder()
        .application_class(BranchApplication)
        .bot(bot)
        .update_queue(queue)
        # Different people's updates at the same time, each person's in order (bot/order.py).
        .concurrent_updates(PerPersonOrder())
        .context_types(context_types)
        # Jobs are placed (and, except with the machine's clock, fired) by `clock`.
        .job_queue(BranchJobQueue(clock))
        .post_init(post_init)
        .post_shutdown(post_shutdown)
        .build()
    ))
    for feature in FEATURES:
        feature.register(app)
    return app


async def open_deps(config: Config, clock: Clock, *, reader: bool = False) -> Deps:
    """Everything the bot's handlers and jobs use, over one database connection. A
    `reader` (a heavy view built in the worker process, bot/reader.py) leaves the
    schema as the bot made it and writes nothing."""
    db = await Database.open(config.storage.path, migrate=not reader)
    people = PeopleRepo(db)
    org = Org(people)
    directory = ChatDirectory(ChatRepo(db), config.chats, clock)
    await directory.load()
    meeting_repo = MeetingRepo(db)
    visit_repo = VisitRepo(db)
    post_repo = PostRepo(db)
    quiz_repo = QuizRepo(db)
    survey_repo = SurveyRepo(db)
    collection_repo = CollectionRepo(db)
    suggestion_repo = SuggestionRepo(db)
    push_repo = PushRepo(db)
    meetings = MeetingService(meeting_repo, people, org, clock, config.branch.tz,
                              config.meetings)
    care = CareService(visit_repo, people, org, clock, config.branch.tz, config.care)
    access = AccessService(people, config.admins.secretary_ids)
    rounds = RoundService(RoundRepo(db), people, org, clock, config.branch.tz)
    posts = PostService(post_repo, people, org, rounds, clock, config.branch.tz)
    quizzes = QuizService(quiz_repo, people, clock, config.branch.tz)
    surveys = SurveyService(survey_repo, clock, config.branch.tz)
    suggestions = SuggestionService(suggestion_repo, people, org, clock, config.branch.tz)
    dues = DuesService(DuesRepo(db), clock, config.branch.tz)
    return Deps(
        config=config,
        clock=clock,
        db=db,
        http=httpx.AsyncClient(timeout=httpx.Timeout(10.0), verify=tls_context()),
        people=people,
        access=access,
        org=org,
        chats=directory,
        linking=LinkingService(people, InviteRepo(db), clock, config.linking.invite_days),
        roster=RosterService(people, clock, config.branch.tz),
        meeting_repo=meeting_repo,
        meetings=meetings,
        visit_repo=visit_repo,
        care=care,
        post_repo=post_repo,
        posts=posts,
        quiz_repo=quiz_repo,
        quizzes=quizzes,
        push_repo=push_repo,
        scheduler=Scheduler(people, config, clock, config.branch.tz, collection_repo,
                            push_repo, meeting_repo),
        survey_repo=survey_repo,
        surveys=surveys,
        suggestion_repo=suggestion_repo,
        suggestions=suggestions,
        dues=dues,
        collection_repo=collection_repo,
        collections=CollectionService(collection_repo, people, clock, config.branch.tz),
        inbox=InboxRepo(db),
        follow_ups=JobFollowUps(config.meetings.card_edit_seconds),
        privacy=PrivacyService(db, clock),
        rounds=rounds,
        report=ReportService(meetings, care, posts, dues, quizzes, surveys, suggestions,
                             rounds, push_repo),
        paper=PaperService(people, org, meetings, config.branch.name, config.branch.hotline),
        desk=DeskService(DeskRepo(db), access, people, clock, config.branch.tz),
    )


async def close_deps(data: BotData) -> None:
    try:
        deps = data.deps
    except RuntimeError:
        return
    await deps.http.aclose()
    await deps.db.close()
    data.deps = None


async def staff_roles(deps: Deps) -> dict[int, frozenset[Role]]:
    """Each linked staff member's roles, for his own command menu."""
    accounts = {p.tg_user_id for p in await deps.people.all()
                if p.tg_user_id is not None and p.active}
    accounts |= set(deps.config.admins.secretary_ids)
    staff: dict[int, frozenset[Role]] = {}
    for tg_user_id in sorted(accounts):
        actor = await deps.access.actor(tg_user_id)
        if actor.roles - {Role.MEMBER}:
            staff[tg_user_id] = actor.roles
    return staff


async def start_application(app: BranchApp, *, poll_timeout: float = 10.0,
                            webhook: dict[str, Any] | None = None) -> None:
    """Start inside a running event loop (tests, demo, the desk beside the bot): long
    polling, or PTB's webhook server with `webhook` (`webhook_settings`). Mirrors
    run_polling / run_webhook."""
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    assert app.updater is not None
    if webhook is not None:
        await app.updater.start_webhook(**webhook)
    else:
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=timedelta(seconds=poll_timeout),
            allowed_updates=Update.ALL_TYPES,
        )
    await app.start()


async def stop_application(app: BranchApp) -> None:
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop:
        await app.post_stop(app)
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


def run_application(config: Config) -> None:
    """Block until stopped: long polling or webhook, as the config says; with the desk
    (`[web] enabled`) served beside it in the same event loop."""
    app = build_application(config)
    if config.web.enabled:
        asyncio.run(_run_with_desk(app, config))
        return
    if config.telegram.mode == "webhook":
        app.run_webhook(**webhook_settings(config))
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


async def _run_with_desk(app: BranchApp, config: Config) -> None:
    """PTB's manual lifecycle around uvicorn (bot/web/server.py)."""
    from bot.web.server import desk_for, desk_server, serve_until_stopped

    try:
        await start_application(app, webhook=webhook_settings(config)
                                if config.telegram.mode == "webhook" else None)
        log.info("desk on http://%s:%s", config.web.listen, config.web.port)
        await serve_until_stopped(desk_server(desk_for(app, config.web), config.web))
    finally:
        await stop_application(app)


def webhook_settings(config: Config) -> dict[str, Any]:
    """Arguments for PTB's webhook server, shared by `run_webhook` and the tests."""
    hook = config.telegram.webhook
    return {
        "listen": hook.listen,
        "port": hook.port,
        "url_path": hook.path,
        "webhook_url": hook.url.rstrip("/") + "/" + hook.path,
        "secret_token": hook.secret or None,
        "allowed_updates": Update.ALL_TYPES,
    }


