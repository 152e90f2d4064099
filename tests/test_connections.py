"""The bot's connections to Telegram (bot/connections.py): a pool for each request on its
way, so that no request walks the others' connections; one TLS context for them all."""

from __future__ import annotations

import asyncio
import ssl

import pytest
from telegram import Bot

from bot.app import close_deps, open_deps
from bot.clock import FrozenClock
from bot.config import Config
from bot.connections import SeparatePools, tls_context
from bot.context import BotData
from bot.testing.fakeapi import FakeBotApi
from bot.testing.harness import DEFAULT_START


async def test_requests_on_their_way_together_go_through_a_pool_each() -> None:
    async with FakeBotApi() as fake:
        group = fake.add_group(-1001, "群")
        request = SeparatePools(pools=8, connect_timeout=5, read_timeout=5, write_timeout=5)
        bot = Bot(fake.token, base_url=fake.base_url, request=request)
        async with bot:
            held = [fake.hold("sendMessage") for _ in range(3)]
            sending = [asyncio.create_task(bot.send_message(group.id, f"第{n}条"))
                       for n in range(3)]
            await fake.wait_for(lambda: sum(request.on_their_way) == 3)
            assert request.on_their_way == [1, 1, 1, 0, 0, 0, 0, 0]
            for event in held:
                event.set()
            await asyncio.gather(*sending)
            assert request.on_their_way == [0] * 8
            # One at a time, every request takes the first pool: the others stay empty.
            for n in range(3):
                release = fake.hold("sendMessage")
                sent = asyncio.create_task(bot.send_message(group.id, f"再{n}"))
                await fake.wait_for(lambda: sum(request.on_their_way) == 1)
                assert request.on_their_way == [1, 0, 0, 0, 0, 0, 0, 0]
                release.set()
                await sent
        assert [m["text"] for m in fake.bot_messages(group)][-3:] == ["再0", "再1", "再2"]


async def test_the_process_loads_the_certificate_store_once(
    monkeypatch: pytest.MonkeyPatch, file_config: Config
) -> None:
    """Each httpx client builds its own TLS context unless given one: for 64 pools that
    was 1.6 s and 54 MB of certificates at start-up (measured, session 13), and each
    view built in the worker spent ~20 ms on the one of a client it never used
    (`open_deps`, session 14)."""
    tls_context.cache_clear()
    loads: list[object] = []
    real = ssl.SSLContext.load_verify_locations

    def counted(self: ssl.SSLContext, *args: object, **kwargs: object) -> None:
        loads.append(self)
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    SeparatePools(pools=16)
    for reader in (False, True, True):  # the bot's deps, then two views'
        data = BotData()
        data.deps = await open_deps(file_config, FrozenClock(DEFAULT_START), reader=reader)
        await close_deps(data)
    assert len(loads) == 1
