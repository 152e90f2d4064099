"""The fake served over HTTP on 127.0.0.1 (tornado, as python-telegram-bot's own stack
serves), and `FakeBotApi`, all of it in one object."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.testing.fakeapi.methods import BotApiMethods, _int
from bot.testing.fakeapi.users import UserActions
from bot.testing.fakeapi.world import ApiError, Call, Json


class FakeBotApi(UserActions, BotApiMethods):
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
        if fake.round_trip and not await _travel(fake.round_trip / 2):
            return  # the request on its way; the client went away meanwhile
        loss = fake._chaos_loss(method, params)
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
        if fake.round_trip and not await _travel(fake.round_trip / 2):
            return  # the answer on its way back; the client went away meanwhile
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


async def _travel(seconds: float) -> bool:
    """Wait out the network's share of a round trip; False if the request was cancelled
    meanwhile (the bot stopping)."""
    try:
        await asyncio.sleep(seconds)
    except asyncio.CancelledError:
        return False
    return True
