"""A fake Telegram Bot API served over HTTP on 127.0.0.1.

The real bot talks to it through its real HTTP stack (point `telegram.base_url` at
`FakeBotApi.base_url`). It keeps a small world (users, chats, messages), turns what a test
makes a user do (send a command, press a button by its label, share a contact, add the
bot to a group) into updates served by `getUpdates` with offset and long-poll timeout,
records every call the bot makes, and injects faults (429 with retry_after, 5xx, slow
replies). Error replies carry Telegram's own codes and descriptions, and replies are full
enough for python-telegram-bot's strict parsing.

Used by the tests and by `python -m bot demo`; it never touches the network.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

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


@dataclass
class Chaos:
    rng: random.Random
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


class FakeBotApi:
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
        self.injected: dict[str, int] = {"429": 0, "5xx": 0, "duplicate_update": 0,
                                         "timeout": 0, "dropped": 0}
        # Calls whose work was done but whose reply the bot never got (a connection cut
        # or a client timeout after the fake had acted): (method, chat_id).
        self.lost_replies: list[tuple[str, int | None]] = []
        # Telegram's flood limits, enforced only when set (benchmarks): messages a second
        # overall, and a minute per group chat. Beyond them: 429 with retry_after.
        self.limits: tuple[float, float] | None = None
        self.too_many = 0
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

    # -- server lifecycle -------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping = False  # the same world may be served again after a stop
        app = tornado.web.Application([
            (r"/bot([^/]+)/(\w+)", _MethodHandler, {"fake": self}),
            (r"/file/bot([^/]+)/documents/(.+)", _FileHandler, {"fake": self}),
        ])
        sockets = tornado.netutil.bind_sockets(0, "127.0.0.1", family=socket.AF_INET)
        self.port = sockets[0].getsockname()[1]
        self._server = tornado.httpserver.HTTPServer(app)
        self._server.add_sockets(sockets)

    async def stop(self) -> None:
        # Release any long poll still waiting so its connection closes cleanly.
        self._stopping = True
        async with self._changed:
            self._changed.notify_all()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()
            self._server = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

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

    def _enqueue(self, kind: str, payload: Json) -> Json:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        if self._chaos is not None and self._chaos.rng.random() < self._chaos.duplicate:
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

    # -- what users do ------------------------------------------------------------------------

    def send(self, user: FakeUser, chat: FakeChat | int, text: str) -> Json:
        """The user types `text` in `chat` (a command if it starts with /)."""
        chat = self.chats[chat] if isinstance(chat, int) else chat
        msg = self._user_message(user, chat, text=text)
        if text.startswith("/"):
            command = text.split()[0]
            msg["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(command)}]
        self.events.append(Event("say", self.chat_label(chat.id), user.display, text))
        self._enqueue("message", msg)
        return msg

    def _user_message(self, user: FakeUser, chat: FakeChat, **content: Any) -> Json:
        if chat.type == "private":
            self.opened_private.add(user.id)
        msg: Json = {"message_id": self._next_message_id(chat.id), "date": self.now(),
                     "chat": chat.json(), "from": user.json(), **content}
        self.messages[(chat.id, msg["message_id"])] = msg
        return msg

    def send_file(self, user: FakeUser, chat: FakeChat | int, *, file_name: str | None = None,
                  photo: bool = False, caption: str = "", data: bytes = b"") -> Json:
        """The user sends a document (or a photo) with an optional caption; the bot can
        download `data` through getFile."""
        chat = self.chats[chat] if isinstance(chat, int) else chat
        file_id = f"user-file-{len(self.messages)}"
        self.files[file_id] = data
        content: Json = ({"photo": [{"file_id": file_id, "file_unique_id": file_id,
                                     "width": 800, "height": 600}]} if photo else
                         {"document": {"file_id": file_id, "file_unique_id": file_id,
                                       "file_name": file_name or "file.pdf",
                                       "file_size": len(data)}})
        if caption:
            content["caption"] = caption
        msg = self._user_message(user, chat, **content)
        label = "图片" if photo else f"文件 {file_name or ''}"
        self.events.append(Event("say", self.chat_label(chat.id), user.display,
                                 f"[{label}] {caption}"))
        self._enqueue("message", msg)
        return msg

    def forward(self, user: FakeUser, text: str, *, origin: FakeUser | None = None) -> Json:
        """The user forwards someone's message to the bot's private chat."""
        origin = origin or user
        msg = self._user_message(user, self.chats[user.id], text=text, forward_origin={
            "type": "user", "date": self.now(), "sender_user": origin.json()})
        self.events.append(Event("say", self.chat_label(user.id), user.display,
                                 f"[转发] {text}"))
        self._enqueue("message", msg)
        return msg

    def send_voice(self, user: FakeUser, seconds: int = 5) -> Json:
        msg = self._user_message(user, self.chats[user.id], voice={
            "file_id": f"voice-{len(self.messages)}", "file_unique_id": f"v{len(self.messages)}",
            "duration": seconds})
        self.events.append(Event("say", self.chat_label(user.id), user.display, "[语音]"))
        self._enqueue("message", msg)
        return msg

    def answer_poll(self, user: FakeUser, message: Json, option: int) -> Json:
        """The user picks `option` in a poll the bot sent (a quiz question)."""
        poll = message["poll"]
        self.events.append(Event("press", self.chat_label(message["chat"]["id"]), user.display,
                                 poll["options"][option]["text"]))
        return self._enqueue("poll_answer", {
            "poll_id": poll["id"], "user": user.json(), "option_ids": [option],
            "option_persistent_ids": [poll["options"][option]["persistent_id"]]})

    def share_contact(self, user: FakeUser, phone: str, *,
                      owner: FakeUser | None = None) -> Json:
        """The user taps the contact button (or forwards someone else's card: `owner`)."""
        owner = owner or user
        chat = self.chats[user.id]
        contact = {"phone_number": phone, "first_name": owner.first_name,
                   "user_id": owner.id}
        msg = self._user_message(user, chat, contact=contact)
        self.events.append(Event("say", self.chat_label(chat.id), user.display,
                                 f"[分享手机号 {phone}]"))
        self._enqueue("message", msg)
        return msg

    def press(self, user: FakeUser, message: Json, label: str) -> str:
        """Press the inline button showing `label`; returns the callback query id or, for
        a URL button, the URL."""
        current = self.message(message["chat"]["id"], message["message_id"])
        for row in (current.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if button["text"] != label:
                    continue
                self.events.append(Event("press", self.chat_label(current["chat"]["id"]),
                                         user.display, label))
                if "url" in button:
                    return str(button["url"])
                return self.press_data(user, current, button["callback_data"], quiet=True)
        raise AssertionError(f"no button {label!r} on message: {current.get('text')!r}")

    def press_data(self, user: FakeUser, message: Json, data: str, *,
                   quiet: bool = False) -> str:
        """Send a callback query with any data, as a forged or stale button would."""
        query_id = str(next(self._query_ids))
        query = {"id": query_id, "from": user.json(), "message": message,
                 "chat_instance": str(message["chat"]["id"]), "data": data}
        self._open_queries[query_id] = query
        self._pressed_at[query_id] = time.perf_counter()
        if not quiet:
            self.events.append(Event("press", self.chat_label(message["chat"]["id"]),
                                     user.display, f"[data {data}]"))
        self._enqueue("callback_query", query)
        return query_id

    def open_link(self, user: FakeUser, url: str) -> Json:
        """Follow a t.me deep link: Telegram opens the private chat and sends /start."""
        parsed = urlparse(url)
        if parsed.path.strip("/") != self.bot.username:
            raise AssertionError(f"link is not for this bot: {url}")
        payload = parse_qs(parsed.query).get("start", [""])[0]
        return self.send(user, user.id, f"/start {payload}".strip())

    def add_bot_to_group(self, by: FakeUser, chat: FakeChat) -> Json:
        chat.bot_present = True
        chat.members.add(by.id)
        self.events.append(Event("say", self.chat_label(chat.id), by.display,
                                 "[把助手拉进了群]"))
        return self._enqueue("my_chat_member", {
            "chat": chat.json(), "from": by.json(), "date": self.now(),
            "old_chat_member": {"status": "left", "user": self.bot.json()},
            "new_chat_member": {"status": "member", "user": self.bot.json()},
        })

    def upgrade_to_supergroup(self, chat: FakeChat, new_id: int) -> FakeChat:
        """What Telegram does when a basic group becomes a supergroup."""
        new_chat = FakeChat(new_id, "supergroup", chat.title, members=set(chat.members),
                            bot_present=chat.bot_present)
        self.chats[new_id] = new_chat
        chat.bot_present = False
        anyone = self.users[next(iter(chat.members))] if chat.members else self.bot
        self._enqueue("message", self._user_message(anyone, chat, migrate_to_chat_id=new_id))
        self._enqueue("message", self._user_message(anyone, new_chat,
                                                    migrate_from_chat_id=chat.id))
        return new_chat

    def forge_migrated_from(self, by: FakeUser, chat: FakeChat, old_id: int) -> Json:
        """A message in `chat` claiming the group `old_id` was upgraded into it: what a
        forged update (or a stranger's own group) can carry."""
        return self._enqueue("message", self._user_message(by, chat,
                                                           migrate_from_chat_id=old_id))

    def join(self, user: FakeUser, chat: FakeChat) -> Json:
        """The user joins a group: Telegram posts a service message."""
        chat.members.add(user.id)
        self.events.append(Event("say", self.chat_label(chat.id), user.display, "[加入了群]"))
        return self._enqueue("message", self._user_message(
            user, chat, new_chat_members=[user.json()]))

    def leave(self, user: FakeUser, chat: FakeChat) -> Json:
        chat.members.discard(user.id)
        self.events.append(Event("say", self.chat_label(chat.id), user.display, "[退出了群]"))
        return self._enqueue("message", self._user_message(
            user, chat, left_chat_member=user.json()))

    def forget(self) -> None:
        """Drop what the fake recorded so far (long benchmarks measure the bot, not this)."""
        self.calls.clear()
        self.events.clear()
        self.toasts.clear()
        self.answer_latencies.clear()
        self.messages = {k: v for k, v in self.messages.items()
                         if v.get("from", {}).get("id") == self.bot.id and k[0] < 0}

    def block(self, user: FakeUser) -> None:
        self.blocked_by.add(user.id)

    # -- faults ---------------------------------------------------------------------------------

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None,
             description: str | None = None, after: int = 0) -> None:
        """The next `times` calls of `method` (after letting `after` through) fail."""
        self.faults.append(Fault(method, status, times, retry_after, 0.0, description, after))

    def chaos(self, seed: int, *, too_many: float = 0.0, server_error: float = 0.0,
              duplicate: float = 0.0, timeout: float = 0.0, dropped: float = 0.0,
              hang: float = 1.5) -> None:
        """From now on, at these rates and reproducibly: answer a call with 429
        (retry_after 1) or 502; leave it unanswered for `hang` seconds and then cut the
        connection (the client's read timeout must be shorter); cut the connection at
        once; deliver an update twice (Telegram's at-least-once). A timeout or a cut
        happens half the time before the fake acts and half the time after, when the
        bot cannot know its message went out (`lost_replies`)."""
        self._chaos = Chaos(random.Random(seed), too_many, server_error, duplicate,  # noqa: S311
                            timeout, dropped, hang)

    def _chaos_loss(self, method: str) -> tuple[str, bool] | None:
        """Whether this call's connection is lost, how, and whether after acting."""
        chaos = self._chaos
        if chaos is None or method.lower() in _NEVER_CHAOS:
            return None
        roll = chaos.rng.random()
        if roll < chaos.timeout + chaos.dropped:
            kind = "timeout" if roll < chaos.timeout else "dropped"
            self.injected[kind] += 1
            return kind, chaos.rng.random() < 0.5
        return None

    def _chaos_fault(self, method: str) -> None:
        chaos = self._chaos
        if chaos is None or method.lower() in _NEVER_CHAOS:
            return
        roll = chaos.rng.random()
        if roll < chaos.too_many:
            self.injected["429"] += 1
            raise ApiError(429, "Too Many Requests: retry after 1", 1)
        if roll < chaos.too_many + chaos.server_error:
            self.injected["5xx"] += 1
            raise ApiError(502, "Bad Gateway")

    def slow(self, method: str, delay: float, *, times: int = 1) -> None:
        self.faults.append(Fault(method, None, times, delay=delay))

    async def _apply_faults(self, method: str) -> None:
        for fault in self.faults:
            if fault.times <= 0 or fault.method not in (method, "*"):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                continue
            fault.times -= 1
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status is not None:
                text = fault.description or _ERROR_TEXTS.get(fault.status, "Error")
                raise ApiError(fault.status, text.format(retry_after=fault.retry_after),
                               fault.retry_after)
            return

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

    # -- the Bot API ---------------------------------------------------------------------------

    def _check_limits(self, method: str, params: Json) -> None:
        if self.limits is None or method.lower() not in _LIMITED:
            return
        per_second, per_minute = self.limits
        now = time.monotonic()
        self._sent_at = [t for t in self._sent_at if now - t < 1.0]
        chat_id = _int(params.get("chat_id"), 0)
        group = self._group_sent_at.setdefault(chat_id, []) if chat_id < 0 else None
        if group is not None:
            group[:] = [t for t in group if now - t < 60.0]
        if len(self._sent_at) >= per_second:
            self.too_many += 1
            raise ApiError(429, "Too Many Requests: retry after 1", 1)
        if group is not None and len(group) >= per_minute:
            self.too_many += 1
            wait = max(1, int(60.0 - (now - group[0])) + 1)
            raise ApiError(429, f"Too Many Requests: retry after {wait}", wait)
        self._sent_at.append(now)
        if group is not None:
            group.append(now)

    async def handle(self, method: str, params: Json, files: dict[str, str]) -> Any:
        await self._apply_faults(method)
        self._chaos_fault(method)
        self._check_limits(method, params)
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            raise ApiError(404, "Not Found: method not found")
        if method.lower() == "getupdates":
            return await handler(params)
        return handler(params, files) if method.lower() in _WITH_FILES else handler(params)

    def api_getme(self, p: Json) -> Json:
        return {**self.bot.json(), "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def api_deletewebhook(self, p: Json) -> bool:
        self.webhook = None
        return True

    def api_setwebhook(self, p: Json) -> bool:
        url = str(p.get("url") or "")
        if not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": p.get("secret_token")}
        return True

    def api_logout(self, p: Json) -> bool:
        return True

    async def api_getupdates(self, p: Json) -> list[Json]:
        if self.first_poll_at is None:
            self.first_poll_at = time.perf_counter()
        offset = _int(p.get("offset"), 0)
        timeout = float(p.get("timeout") or 0)
        limit = _int(p.get("limit"), 100)
        if offset:
            self._confirmed = max(self._confirmed, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        self._notify()

        def pending() -> list[Json]:
            return [u for u in self._updates if u["update_id"] >= offset][:limit]

        if not pending() and timeout > 0:
            async with self._changed:
                try:
                    await asyncio.wait_for(
                        self._changed.wait_for(lambda: bool(pending()) or self._stopping),
                        timeout)
                except TimeoutError:
                    return []
        return pending()

    def _chat_for_sending(self, p: Json) -> FakeChat:
        chat_id = _int(p.get("chat_id"), None)
        chat = self.chats.get(chat_id) if chat_id is not None else None
        if chat is None:
            raise bad_request("chat not found")
        if chat.type == "private":
            if chat.id in self.blocked_by:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat.id not in self.opened_private:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        elif not chat.bot_present:
            raise ApiError(403, f"Forbidden: bot is not a member of the {chat.type} chat")
        elif not chat.bot_may_post:
            raise bad_request("not enough rights to send text messages to the chat")
        return chat

    def _bot_message(self, chat: FakeChat, p: Json, kind: str, **content: Any) -> Json:
        msg: Json = {"message_id": self._next_message_id(chat.id), "date": self.now(),
                     "chat": chat.json(), "from": self.bot.json(), **content}
        markup = _json(p.get("reply_markup"))
        if markup:
            msg["reply_markup"] = markup
        self.messages[(chat.id, msg["message_id"])] = msg
        text = content.get("text") or content.get("caption") or ""
        self.events.append(Event(kind, self.chat_label(chat.id), self.bot.first_name, text,
                                 _labels(markup)))
        return msg

    def api_sendmessage(self, p: Json) -> Json:
        chat = self._chat_for_sending(p)
        text = str(p.get("text") or "")
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > 4096:
            raise bad_request("message is too long")
        msg = self._bot_message(chat, p, "bot", text=text)
        if (markup := _json(p.get("reply_markup"))) and "inline_keyboard" not in markup:
            msg.pop("reply_markup")  # reply keyboards are not part of the message
            msg["_reply_keyboard"] = markup
        return msg

    def _editable(self, p: Json) -> Json:
        key = (_int(p.get("chat_id"), 0), _int(p.get("message_id"), 0))
        if key not in self.messages or key in self.deleted:
            raise bad_request("message to edit not found")
        msg = self.messages[key]
        if msg["from"]["id"] != self.bot.id:
            raise bad_request("message can't be edited")
        return msg

    def api_editmessagetext(self, p: Json) -> Json:
        msg = self._editable(p)
        text = str(p.get("text") or "")
        markup = _json(p.get("reply_markup"))
        if text == msg.get("text") and markup == msg.get("reply_markup"):
            raise bad_request("message is not modified: specified new message content and "
                              "reply markup are exactly the same as a current content and "
                              "reply markup of the message")
        msg["text"] = text
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = self.now()
        self.events.append(Event("edit", self.chat_label(msg["chat"]["id"]),
                                 self.bot.first_name, text, _labels(markup)))
        return msg

    def api_editmessagereplymarkup(self, p: Json) -> Json:
        msg = self._editable(p)
        markup = _json(p.get("reply_markup"))
        if markup == msg.get("reply_markup"):
            raise bad_request("message is not modified")
        if markup:
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)
        msg["edit_date"] = self.now()
        self.events.append(Event("edit", self.chat_label(msg["chat"]["id"]),
                                 self.bot.first_name, msg.get("text", ""), _labels(markup)))
        return msg

    def api_answercallbackquery(self, p: Json) -> bool:
        pressed = self._pressed_at.pop(str(p.get("callback_query_id")), None)
        if pressed is not None:
            self.answer_latencies.append(time.perf_counter() - pressed)
        query = self._open_queries.pop(str(p.get("callback_query_id")), None)
        if query is None:
            raise bad_request("query is too old and response timeout expired or query ID "
                              "is invalid")
        toast = {"user_id": query["from"]["id"], "text": str(p.get("text") or ""),
                 "show_alert": _json(p.get("show_alert")) is True, "url": p.get("url"),
                 "query_id": query["id"]}
        self.toasts.append(toast)
        user = self.users.get(query["from"]["id"])
        self.events.append(Event("toast", self.chat_label(query["message"]["chat"]["id"]),
                                 user.display if user else "?", toast["text"]))
        return True

    def api_deletemessage(self, p: Json) -> bool:
        key = (_int(p.get("chat_id"), 0), _int(p.get("message_id"), 0))
        if key not in self.messages or key in self.deleted:
            raise bad_request("message to delete not found")
        self.deleted.add(key)
        self.events.append(Event("delete", self.chat_label(key[0]), self.bot.first_name,
                                 self.messages[key].get("text", "")))
        return True

    def api_setmycommands(self, p: Json) -> bool:
        scope = _json(p.get("scope")) or {"type": "default"}
        self.commands[json.dumps(scope, sort_keys=True)] = _json(p.get("commands")) or []
        return True

    def api_deletemycommands(self, p: Json) -> bool:
        scope = _json(p.get("scope")) or {"type": "default"}
        self.commands.pop(json.dumps(scope, sort_keys=True), None)
        return True

    def api_getmycommands(self, p: Json) -> list[Json]:
        scope = _json(p.get("scope")) or {"type": "default"}
        return self.commands.get(json.dumps(scope, sort_keys=True), [])

    def commands_for_scope(self, scope: Json) -> list[str]:
        return [c["command"] for c in self.commands.get(json.dumps(scope, sort_keys=True), [])]

    def api_getfile(self, p: Json) -> Json:
        file_id = str(p.get("file_id") or "")
        if file_id not in self.files:
            raise bad_request("invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id,
                "file_size": len(self.files[file_id]), "file_path": f"documents/{file_id}"}

    def api_senddocument(self, p: Json, files: dict[str, str]) -> Json:
        chat = self._chat_for_sending(p)
        name = files.get("document") or str(p.get("document") or "file")
        doc = {"file_id": f"doc-{len(self.calls)}", "file_unique_id": f"u{len(self.calls)}",
               "file_name": name}
        return self._bot_message(chat, p, "document", document=doc,
                                 caption=str(p.get("caption") or ""))

    def api_sendphoto(self, p: Json, files: dict[str, str]) -> Json:
        chat = self._chat_for_sending(p)
        photo = [{"file_id": f"photo-{len(self.calls)}", "file_unique_id": f"p{len(self.calls)}",
                  "width": 800, "height": 600}]
        return self._bot_message(chat, p, "photo", photo=photo,
                                 caption=str(p.get("caption") or ""))

    def api_sendpoll(self, p: Json) -> Json:
        chat = self._chat_for_sending(p)
        options = [o if isinstance(o, str) else o.get("text", "")
                   for o in _json(p.get("options")) or []]
        poll = {"id": f"poll-{len(self.calls)}", "question": str(p.get("question") or ""),
                "options": [{"text": o, "voter_count": 0, "persistent_id": str(i)}
                            for i, o in enumerate(options)],
                "total_voter_count": 0, "is_closed": False,
                "is_anonymous": _json(p.get("is_anonymous")) is not False,
                "type": str(p.get("type") or "regular"), "allows_multiple_answers": False,
                "allows_revoting": False, "members_only": False}
        if p.get("correct_option_ids") is not None:
            poll["correct_option_ids"] = _json(p.get("correct_option_ids"))
        return self._bot_message(chat, p, "poll", poll=poll)

    def api_leavechat(self, p: Json) -> bool:
        chat = self.chats.get(_int(p.get("chat_id"), 0))
        if chat is None or not chat.bot_present:
            raise bad_request("chat not found")
        chat.bot_present = False
        self.events.append(Event("leave", self.chat_label(chat.id), self.bot.first_name))
        return True

    def api_getchat(self, p: Json) -> Json:
        chat = self.chats.get(_int(p.get("chat_id"), 0))
        if chat is None:
            raise bad_request("chat not found")
        return {**chat.json(), "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def api_getchatmember(self, p: Json) -> Json:
        chat = self.chats.get(_int(p.get("chat_id"), 0))
        user = self.users.get(_int(p.get("user_id"), 0))
        if chat is None:
            raise bad_request("chat not found")
        if user is None:
            raise bad_request("user not found")
        present = user.id in chat.members or (chat.type == "private" and chat.id == user.id)
        return {"status": "member" if present else "left", "user": user.json()}


_WITH_FILES = {"senddocument", "sendphoto"}
_NEVER_CHAOS = {"getupdates", "getme", "deletewebhook", "setmycommands", "deletemycommands",
                "getfile"}
_LIMITED = {"sendmessage", "editmessagetext", "editmessagereplymarkup", "senddocument",
            "sendphoto", "sendpoll"}


def _int(value: Any, default: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _json(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _labels(markup: Any) -> list[list[str]]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
    return [[b["text"] if isinstance(b, dict) else str(b) for b in row] for row in rows]


class _FileHandler(tornado.web.RequestHandler):
    """Serves the bytes of files users sent, as Telegram's file server does."""

    fake: FakeBotApi

    def initialize(self, fake: FakeBotApi) -> None:
        self.fake = fake

    def get(self, token: str, file_id: str) -> None:
        if token != self.fake.token or file_id not in self.fake.files:
            self.set_status(404)
            self.finish()
            return
        self.finish(self.fake.files[file_id])


class _MethodHandler(tornado.web.RequestHandler):
    fake: FakeBotApi

    def initialize(self, fake: FakeBotApi) -> None:
        self.fake = fake

    def check_xsrf_cookie(self) -> None:
        return None

    async def get(self, token: str, method: str) -> None:
        await self.post(token, method)

    async def post(self, token: str, method: str) -> None:
        params: Json = {k: v[-1].decode("utf-8") for k, v in
                        self.request.body_arguments.items()}
        params.update({k: v[-1] for k, v in self.request.query_arguments.items()
                       if k not in params})
        if self.request.headers.get("Content-Type", "").startswith("application/json"):
            params.update(json.loads(self.request.body or b"{}"))
        files = {k: v[0].filename for k, v in self.request.files.items()}
        fake = self.fake
        for uploaded in self.request.files.values():
            fake.uploads[uploaded[0].filename] = bytes(uploaded[0].body)
        if token != fake.token:
            self._reply(fake, method, params, files, ApiError(401, "Unauthorized"))
            return
        loss = fake._chaos_loss(method)
        if loss is not None and not loss[1]:
            await self._lose(loss[0])  # before acting: as if the request never arrived
            return
        try:
            result = await fake.handle(method, params, files)
        except asyncio.CancelledError:
            return  # the client went away (the bot is stopping); nobody to answer
        except ApiError as exc:
            self._reply(fake, method, params, files, exc)
            return
        if loss is not None:
            fake.lost_replies.append((method.lower(), _int(params.get("chat_id"), None)))
            await self._lose(loss[0])
            return
        self._reply(fake, method, params, files, result)

    async def _lose(self, kind: str) -> None:
        """Cut the connection without an answer, at once or after hanging."""
        if kind == "timeout":
            assert self.fake._chaos is not None
            await asyncio.sleep(self.fake._chaos.hang)
        self.request.connection.close()  # type: ignore[union-attr]

    def _reply(self, fake: FakeBotApi, method: str, params: Json, files: dict[str, str],
               outcome: Any) -> None:
        if isinstance(outcome, ApiError):
            body: Json = {"ok": False, "error_code": outcome.code,
                          "description": outcome.description}
            if outcome.retry_after is not None:
                body["parameters"] = {"retry_after": outcome.retry_after}
            self.set_status(outcome.code)
        else:
            body = {"ok": True, "result": outcome}
        if method.lower() != "getupdates":
            fake.calls.append(Call(method, params, files, body["ok"], body.get("result"),
                                   time.monotonic()))
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body, ensure_ascii=False))
        fake._notify()
