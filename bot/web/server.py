"""The desk beside the bot, in PTB's own event loop (PTB's manual lifecycle, as in its
`customwebhookbot/starlettebot.py` example): the bot is started, then uvicorn serves the
desk until SIGINT or SIGTERM, then the bot is stopped as `run_polling` would. The durable
inbox is untouched: updates still arrive through the updater (polling or webhook)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import socket
from collections.abc import Generator
from typing import TYPE_CHECKING

import uvicorn

from bot.web.app import desk_app

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from bot.config import WebConfig
    from bot.context import BranchApp

log = logging.getLogger(__name__)


class DeskServer(uvicorn.Server):
    """uvicorn without its own signal handling: the bot's process decides when to stop,
    and stops the bot too (uvicorn would re-raise the signal and skip PTB's shutdown)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()  # set once the socket is bound

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if self.started:
            self.listening.set()

    @property
    def port(self) -> int:
        """The port it listens on (the configured one, or the one given for port 0)."""
        return int(self.servers[0].sockets[0].getsockname()[1])


def desk_server(asgi: Starlette, web: WebConfig) -> DeskServer:
    return DeskServer(uvicorn.Config(
        asgi, host=web.listen, port=web.port, log_level="warning",
        access_log=False,  # the login page's address holds a token: no access log
        lifespan="off", server_header=False, proxy_headers=True))


def desk_for(app: BranchApp, web: WebConfig) -> Starlette:
    secure = web.public_url.startswith("https://")
    return desk_app(lambda: app.bot_data.deps, secure_cookie=secure)


async def serve_until_stopped(server: DeskServer) -> None:
    """Serve until SIGINT/SIGTERM (or the server stops by itself)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    serving = asyncio.create_task(server.serve())
    waiting = asyncio.create_task(stop.wait())
    await asyncio.wait({serving, waiting}, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    waiting.cancel()
    await serving
