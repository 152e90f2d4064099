"""The typed context every handler and job receives.

`Deps` is built once in `bot.app.post_init` (after the event loop exists, because the
database connection and HTTP client belong to it) and hangs off `bot_data`; handlers
reach it as `context.deps` instead of string look-ups in a dict.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from telegram.ext import Application, CallbackContext, ExtBot

from bot.clock import Clock
from bot.config import Config
from bot.services.access import AccessService
from bot.services.care import CareService, NewTask
from bot.services.chats import ChatDirectory
from bot.services.collections import CollectionService
from bot.services.desk import DeskService
from bot.services.dues import DuesService
from bot.services.linking import LinkingService
from bot.services.meetings import Closing, MeetingService, Plan
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
from storage.collections import CollectionRepo
from storage.db import Database
from storage.inbox import InboxRepo
from storage.meetings import MeetingRepo
from storage.models import HelpRequest, Meeting, Post
from storage.people import PeopleRepo
from storage.posts import PostRepo
from storage.pushes import PushRepo
from storage.quizzes import QuizRepo
from storage.suggestions import SuggestionRepo
from storage.surveys import SurveyRepo
from storage.visits import VisitRepo


class FollowUps(Protocol):
    """What a handler sets in motion beyond its reply (bot/jobs/follow_ups.py)."""

    def plan_meeting(self, context: BranchContext, m: Meeting) -> Plan: ...

    def drop_meeting(self, context: BranchContext, meeting_id: int) -> None: ...

    async def close_meeting(self, context: BranchContext, meeting_id: int,
                            actor_tg: int | None) -> Closing | None: ...

    def refresh_card(self, context: BranchContext, m: Meeting) -> None:
        """Soon: a tap's change, coalesced with the others in the same chat."""

    async def edit_card(self, context: BranchContext, meeting_id: int) -> None:
        """Now: the card after a change of the meeting itself (cancelled, moved)."""

    def send_post(self, context: BranchContext, post: Post) -> None: ...

    def watch_help(self, context: BranchContext, request: HelpRequest) -> None: ...

    async def tell_tasks(self, context: BranchContext, tasks: list[NewTask]) -> None: ...


@dataclass
class Deps:
    config: Config
    clock: Clock
    db: Database
    http: httpx.AsyncClient
    people: PeopleRepo
    access: AccessService
    org: Org
    chats: ChatDirectory
    linking: LinkingService
    roster: RosterService
    meeting_repo: MeetingRepo
    meetings: MeetingService
    visit_repo: VisitRepo
    care: CareService
    post_repo: PostRepo
    posts: PostService
    quiz_repo: QuizRepo
    quizzes: QuizService
    push_repo: PushRepo
    scheduler: Scheduler
    survey_repo: SurveyRepo
    surveys: SurveyService
    suggestion_repo: SuggestionRepo
    suggestions: SuggestionService
    dues: DuesService
    collection_repo: CollectionRepo
    collections: CollectionService
    inbox: InboxRepo
    follow_ups: FollowUps
    privacy: PrivacyService
    rounds: RoundService
    report: ReportService
    paper: PaperService
    desk: DeskService
    # How jobs wait between retries; tests replace it to control time.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep


class BotData:
    """What the application keeps for its whole life. Filled in by post_init."""

    def __init__(self) -> None:
        self._deps: Deps | None = None

    @property
    def deps(self) -> Deps:
        if self._deps is None:
            raise RuntimeError("dependencies are not ready: post_init has not run")
        return self._deps

    @deps.setter
    def deps(self, value: Deps | None) -> None:
        self._deps = value


class BranchContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]):
    @property
    def deps(self) -> Deps:
        return self.bot_data.deps


BranchApp = Application[
    ExtBot[Any], BranchContext, dict[Any, Any], dict[Any, Any], BotData, Any
]
