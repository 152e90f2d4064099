"""The fake's world and what every part of it shares: users, chats and messages, the
numbering of updates and messages, the calls the bot made, and reading them back."""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.clock import Clock

Json = dict[str, Any]


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after


def bad_request(what: str) -> ApiError:
    return ApiError(400, f"Bad Request: {what}")


@dataclass
class FakeUser:
    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    is_bot: bool = False

    def json(self) -> Json:
        data: Json = {"id": self.id, "is_bot": self.is_bot, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        return data

    @property
    def display(self) -> str:
        return self.first_name + (self.last_name or "")


@dataclass
class FakeChat:
    id: int
    type: str  # "private" | "group" | "supergroup"
    title: str | None = None
    user: FakeUser | None = None  # for private chats
    members: set[int] = field(default_factory=set)
    bot_present: bool = True
    bot_may_post: bool = True  # False: the group's admins took the bot's right to post

    def json(self) -> Json:
        data: Json = {"id": self.id, "type": self.type}
        if self.type == "private" and self.user is not None:
            data["first_name"] = self.user.first_name
            if self.user.last_name:
                data["last_name"] = self.user.last_name
        else:
            data["title"] = self.title
        return data


@dataclass
class Call:
    method: str
    params: Json
    files: dict[str, str]
    ok: bool
    result: Any
    at: float


@dataclass
class Event:
    """One line of the conversation, for assertions and the demo transcript."""

    kind: str  # say | bot | edit | press | toast | delete | leave | document | photo | poll
    chat: str
    who: str
    text: str = ""
    buttons: list[list[str]] = field(default_factory=list)


@dataclass
class Fault:
    method: str  # a Bot API method name, or "*" for any
    status: int | None
    times: int
    retry_after: int | None = None
    delay: float = 0.0
    description: str | None = None
    skip: int = 0  # let this many matching calls through first
    until: asyncio.Event | None = None  # held until the test sets it (`hold`)


@dataclass
class Chaos:
    seed: int
    too_many: float
    server_error: float
    duplicate: float
    timeout: float
    dropped: float
    hang: float


_ERROR_TEXTS = {
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}



_WITH_FILES = {"senddocument", "sendphoto"}
_NEVER_CHAOS = {"getupdates", "getme", "deletewebhook", "setmycommands", "deletemycommands",
                "getfile"}
_LIMITED = {"sendmessage", "editmessagetext", "editmessagereplymarkup", "senddocument",
            "sendphoto", "sendpoll"}


def _labels(markup: Any) -> list[list[str]]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]


class World:
    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        *,
        bot_username: str = "branch_helper_bot",
        bot_name: str = "支部助手",
        clock: Clock | None = None,
        first_update_id: int = 1,
    ) -> None:
        # Telegram numbers a bot's updates in sequence across restarts; a test that
        # serves the same bot again from a new fake continues the numbering.
        self.token = token
        self.bot = FakeUser(int(token.split(":")[0]), bot_name, username=bot_username,
                            is_bot=True)
        self.clock = clock
        self.users: dict[int, FakeUser] = {}
        self.chats: dict[int, FakeChat] = {}
        self.messages: dict[tuple[int, int], Json] = {}
        self.deleted: set[tuple[int, int]] = set()
        self.calls: list[Call] = []
        self.events: list[Event] = []
        self.toasts: list[Json] = []
        self.commands: dict[str, list[Json]] = {}
        self.opened_private: set[int] = set()
        self.blocked_by: set[int] = set()
        self.faults: list[Fault] = []
        self.webhook: Json | None = None
        self.files: dict[str, bytes] = {}
        self.uploads: dict[str, bytes] = {}  # files the bot sent, by file name
        # Seeded chaos (see `chaos`): what was injected, by kind.
        self._chaos: Chaos | None = None
        self._chaos_draws: Counter[str] = Counter()
        self.injected: dict[str, int] = {"429": 0, "5xx": 0, "duplicate_update": 0,
                                         "timeout": 0, "dropped": 0}
        # Calls whose work was done but whose reply the bot never got (a connection cut
        # or a client timeout after the fake had acted): (method, chat_id).
        self.lost_replies: list[tuple[str, int | None]] = []
        # Telegram's flood limits, enforced only when set (benchmarks): messages a second
        # overall, and a minute per group chat. Beyond them: 429 with retry_after.
        self.limits: tuple[float, float] | None = None
        self.too_many = 0
        # The network between the bot and Telegram (benchmarks): seconds for a request to
        # reach the fake and its answer to come back, half each way. Loopback's is ~0.
        self.round_trip = 0.0
        self._sent_at: list[float] = []
        self._group_sent_at: dict[int, list[float]] = {}
        # Seconds from a button press entering the fake to the bot's answer.
        self.answer_latencies: list[float] = []
        self.first_poll_at: float | None = None  # perf_counter of the first getUpdates
        self._pressed_at: dict[str, float] = {}
        self._updates: list[Json] = []
        self._update_ids = itertools.count(first_update_id)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._query_ids = itertools.count(1)
        self._open_queries: dict[str, Json] = {}
        self._confirmed = 0  # highest update_id the bot has confirmed via offset
        self._changed = asyncio.Condition()
        self._server: tornado.httpserver.HTTPServer | None = None
        self._stopping = False
        self.port = 0

    # -- the world --------------------------------------------------------------------------

    def now(self) -> int:
        return int(self.clock.now().timestamp()) if self.clock else int(time.time())

    def add_user(self, user_id: int, first_name: str, last_name: str | None = None,
                 username: str | None = None) -> FakeUser:
        user = FakeUser(user_id, first_name, last_name, username)
        self.users[user_id] = user
        self.chats[user_id] = FakeChat(user_id, "private", user=user)
        return user

    def add_group(self, chat_id: int, title: str, members: list[FakeUser] | None = None,
                  *, supergroup: bool = True, bot_present: bool = True) -> FakeChat:
        chat = FakeChat(chat_id, "supergroup" if supergroup else "group", title,
                        members={u.id for u in members or []}, bot_present=bot_present)
        self.chats[chat_id] = chat
        return chat

    def chat_label(self, chat_id: int) -> str:
        chat = self.chats.get(chat_id)
        if chat is None:
            return str(chat_id)
        if chat.type == "private" and chat.user is not None:
            return f"私聊·{chat.user.display}"
        return chat.title or str(chat_id)

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def peek_next_update_id(self) -> int:
        """The id the next update will carry (without chaos duplicates in between)."""
        last = next(self._update_ids)
        self._update_ids = itertools.count(last)
        return last

    def _roll(self, *call: Any) -> float:
        """Chaos's draw for this call: the same for the same call (its kind, method and
        parameters, and how many times the same was drawn for before), whatever order
        the calls come in, so that a seed injects the same faults run after run while
        the bot handles several updates at once."""
        assert self._chaos is not None
        key = json.dumps(call, sort_keys=True, ensure_ascii=False, default=str)
        nth = self._chaos_draws[key]
        self._chaos_draws[key] += 1
        return random.Random(f"{self._chaos.seed}|{key}|{nth}").random()  # noqa: S311

    def _enqueue(self, kind: str, payload: Json) -> Json:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        chaos = self._chaos
        if chaos is not None and self._roll("duplicate", kind, payload) < chaos.duplicate:
            # Redelivered under a new id, as after a lost offset confirmation.
            self.injected["duplicate_update"] += 1
            self._updates.append({"update_id": next(self._update_ids), kind: payload})
        self._notify()
        return update

    def _notify(self) -> None:
        async def wake() -> None:
            async with self._changed:
                self._changed.notify_all()

        asyncio.get_running_loop().create_task(wake())

    # -- reading what the bot did ---------------------------------------------------------------

    def message(self, chat_id: int, message_id: int) -> Json:
        return self.messages[(chat_id, message_id)]

    def bot_messages(self, chat: FakeChat | FakeUser | int) -> list[Json]:
        chat_id = chat if isinstance(chat, int) else chat.id
        return [m for (cid, mid), m in self.messages.items()
                if cid == chat_id and m.get("from", {}).get("id") == self.bot.id
                and (cid, mid) not in self.deleted]

    def last_bot_message(self, chat: FakeChat | FakeUser | int) -> Json:
        sent = self.bot_messages(chat)
        if not sent:
            raise AssertionError(f"the bot sent nothing to {chat}")
        return sent[-1]

    def reply_keyboard(self, chat: FakeChat | FakeUser | int) -> tuple[list[str], Json]:
        """The keyboard the person sees under the chat now, as Telegram keeps it: the last
        one sent stays until another replaces it or one removes it. Its labels and markup."""
        for m in reversed(self.bot_messages(chat)):
            markup = m.get("_reply_keyboard")
            if markup is not None:
                if markup.get("remove_keyboard"):
                    return [], markup
                return [b["text"] for row in markup.get("keyboard", []) for b in row], markup
        return [], {}

    @staticmethod
    def labels(message: Json) -> list[str]:
        """The inline buttons' labels on a message, row by row."""
        return [label for row in _labels(message.get("reply_markup")) for label in row]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    def toasts_for(self, user: FakeUser) -> list[str]:
        return [t["text"] for t in self.toasts if t["user_id"] == user.id]

    async def wait_delivered(self, timeout: float = 10.0) -> None:
        """Until the bot has fetched every queued update and asked for more."""
        last = self._updates[-1]["update_id"] if self._updates else 0

        async def delivered() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self._confirmed >= last)

        await asyncio.wait_for(delivered(), timeout)

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Until `predicate()` holds, re-checked whenever the bot calls the API."""
        async def holds() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(holds(), timeout)

