"""A fake Telegram Bot API served over HTTP on 127.0.0.1.

The real bot talks to it through its real HTTP stack (point `telegram.base_url` at
`FakeBotApi.base_url`). It keeps a small world (users, chats, messages), turns what a test
makes a user do (send a command, press a button by its label, share a contact, add the
bot to a group) into updates served by `getUpdates` with offset and long-poll timeout,
records every call the bot makes, and injects faults (429 with retry_after, 5xx, slow
replies). Error replies carry Telegram's own codes and descriptions, and replies are full
enough for python-telegram-bot's strict parsing.

Used by the tests and by `python -m bot demo`; it never touches the network.

The parts: `world` (its state and reading it), `users` (what users do), `faults`,
`methods` (the Bot API), `server` (HTTP, and `FakeBotApi` made of them all).
"""

from bot.testing.fakeapi.server import FakeBotApi
from bot.testing.fakeapi.world import (
    ApiError,
    Call,
    Chaos,
    Event,
    FakeChat,
    FakeUser,
    Fault,
    Json,
    bad_request,
)

__all__ = ["ApiError", "Call", "Chaos", "Event", "FakeBotApi", "FakeChat", "FakeUser", "Fault",
           "Json", "bad_request"]
