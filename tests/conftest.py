"""Shared fixtures: a valid config, a fresh database per test, and the real bot running
against the fake Bot API with the fictional sample branch loaded.

`branch` gives a `Branch`: the harness plus the sample people as fake users, named by
their Chinese names (`b.user("张懋")`), and helpers that read like what people do.
"""

from __future__ import annotations

import asyncio
import csv
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import _aioratelimiter

from bot import demo_data
from bot.config import Config, parse_config
from bot.testing.fakeapi import FakeChat, FakeUser, Json
from bot.testing.harness import BotHarness
from storage.db import Database

GROUP_ID = demo_data.GROUP_CHAT_ID
COMMITTEE_ID = demo_data.COMMITTEE_CHAT_ID
SECRETARY_TG = demo_data.SECRETARY_TG


def cli_config(tmp_path: Path, db: Path) -> Path:
    """The smallest config.toml the command line accepts, using the database `db`."""
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'[branch]\nname = "测试"\n[chats]\ngroup_chat_id = -100\n'
                   f'[admins]\nsecretary_ids = [1]\n[storage]\npath = "{db}"\n',
                   encoding="utf-8")
    return cfg


def demo_roster_csv(tmp_path: Path) -> Path:
    """The demo branch's roster as the .csv a secretary might export from a spreadsheet."""
    rows = demo_data.roster_rows()
    path = tmp_path / "roster.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def base_settings() -> dict[str, Any]:
    return {
        "branch": {"name": "测试支部", "timezone": "Asia/Shanghai", "city": "武汉",
                   "latitude": 30.59, "longitude": 114.31},
        "chats": {"group_chat_id": GROUP_ID, "committee_chat_id": COMMITTEE_ID},
        "admins": {"secretary_ids": [SECRETARY_TG]},
        # Tests must not wait on Telegram's real limits; test_errors checks the retry path.
        "telegram": {"rate_limit": {"overall_per_second": 100000, "group_per_minute": 100000,
                                    "max_retries": 2}},
        # No test may reach the internet: weather tests turn this on against a fake
        # Open-Meteo served on 127.0.0.1.
        "weather": {"enabled": False},
    }


class _SleepRecorder:
    """Stands in for the rate limiter's `asyncio` module: records each wait it is asked
    for and returns at once, so the test controls time instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def __getattr__(self, name: str) -> object:
        return getattr(asyncio, name)


@pytest.fixture
def limiter_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits PTB's rate limiter asks for (after a 429), recorded instead of slept."""
    recorder = _SleepRecorder()
    monkeypatch.setattr(_aioratelimiter, "asyncio", recorder)
    return recorder.waits


@pytest.fixture
def config() -> Config:
    return parse_config(base_settings(), env={}, need_token=False)


@pytest.fixture
def file_config(config: Config, tmp_path: Path) -> Config:
    """`config` with its database in a file, which another process (the views' worker)
    can open too."""
    return replace(config, storage=replace(config.storage, path=str(tmp_path / "bot.db")))


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "test.db")
    yield database
    await database.close()


# A mobile number however it is shown: 19900000001, 199 0000 0001, 199-0000-0001.
_PHONE = re.compile(r"1\d{2}[\s-]?\d{4}[\s-]?\d{4}")


def has_phone(text: str) -> bool:
    """Whether `text` shows a mobile number in any of the ways the bot writes one."""
    return _PHONE.search(text) is not None


@dataclass
class Branch:
    h: BotHarness
    users: dict[str, FakeUser]
    group: FakeChat
    committee: FakeChat
    outsider: FakeUser
    sent_before: dict[int, int] = field(default_factory=dict)

    @property
    def fake(self):  # type: ignore[no-untyped-def]
        return self.h.fake

    def user(self, name: str) -> FakeUser:
        return self.users[name]

    async def say(self, who: FakeUser, text: str, chat: FakeChat | None = None) -> None:
        """`who` sends `text` (private chat unless `chat` is given) and the bot handles it."""
        self.fake.send(who, chat.id if chat else who.id, text)
        await self.h.settle()

    async def arrange(self, who: FakeUser, line: str) -> None:
        """`who` arranges a meeting in one line and taps ✅ on what the bot understood."""
        await self.h.arrange(who, line)

    async def link(self, name: str) -> FakeUser:
        """The person links his account by sharing his own phone number."""
        who = self.user(name)
        index = next(i for i, row in enumerate(demo_data.PEOPLE, 1) if row[1] == name)
        await self.say(who, "/start")
        self.fake.share_contact(who, demo_data.phone_of(index))
        await self.h.settle()
        assert "绑定成功" in self.reply(who), self.reply(who)
        return who

    async def run_job(self, name: str) -> None:
        await self.h.run_job(name)

    def job_names(self) -> list[str]:
        return self.h.job_names()

    async def flush_cards(self) -> None:
        await self.h.flush_cards()

    def reply(self, chat: FakeUser | FakeChat | int) -> str:
        return str(self.fake.last_bot_message(chat).get("text", ""))

    def last(self, chat: FakeUser | FakeChat | int) -> Json:
        return self.fake.last_bot_message(chat)


@pytest.fixture
async def branch(config: Config, tmp_path: Path) -> AsyncIterator[Branch]:
    async with BotHarness(config, tmp_path / "branch.db", poll_timeout=2.0) as h:
        report = await h.deps.roster.import_rows(demo_data.roster_rows(), actor_tg=None)
        assert report.ok, report.problems
        users = {name: h.fake.add_user(tg, name[0], name[1:])
                 for name, tg in demo_data.telegram_ids().items()}
        group = h.fake.add_group(GROUP_ID, "支部群", list(users.values()))
        committee = h.fake.add_group(COMMITTEE_ID, "支委群",
                                     [users["王建国"], users["李平"], users["刘建华"]])
        outsider = h.fake.add_user(4242, "路人")
        yield Branch(h, users, group, committee, outsider)
