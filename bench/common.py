"""Shared set-up for the benchmarks: a branch of N linked members on the fake Bot API."""

from __future__ import annotations

import platform
import statistics
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from bot.clock import ShiftedClock
from bot.config import Config, parse_config
from bot.testing.fakeapi import FakeBotApi, FakeChat, FakeUser
from bot.testing.harness import DEFAULT_START, BotHarness

GROUP_ID = -1001000000001
COMMITTEE_ID = -1001000000002
SECRETARY_TG = 500000


def config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "branch": {"name": "基准测试支部"},
        "chats": {"group_chat_id": GROUP_ID, "committee_chat_id": COMMITTEE_ID},
        "admins": {"secretary_ids": [SECRETARY_TG]},
        "weather": {"enabled": False},
        "backup": {"enabled": False},
    }
    for key, value in overrides.items():
        settings.setdefault(key, {}).update(value)
    return parse_config(settings, env={}, need_token=False)


@asynccontextmanager
async def branch(members: int, cfg: Config | None = None, *, groups: int = 3,
                 limits: tuple[float, float] | None = None,
                 ) -> AsyncIterator[tuple[BotHarness, list[FakeUser], FakeChat]]:
    """The real bot with `members` linked people (the first is the secretary)."""
    with tempfile.TemporaryDirectory() as tmp:
        # Seconds pass as on the machine (card refreshes fire by them), from a fixed date.
        clock = ShiftedClock(DEFAULT_START)
        fake = FakeBotApi(clock=clock)
        fake.limits = limits
        group = fake.add_group(GROUP_ID, "支部群")
        fake.add_group(COMMITTEE_ID, "支委群")
        async with BotHarness(cfg or config(), Path(tmp) / "bench.db", fake=fake,
                              clock=clock, poll_timeout=2.0) as h:
            rows = [{"编号": f"B{i:05d}", "姓名": f"成员{i:05d}",
                     "党小组": f"第{i % groups + 1}组", "类别": "退休", "政治面貌": "党员"}
                    for i in range(members)]
            rows[0]["角色"] = "书记"
            report = await h.deps.roster.import_rows(rows, actor_tg=None)
            assert report.ok, report.problems[:3]
            users = []
            for i, person in enumerate(await h.deps.people.all()):
                user = fake.add_user(SECRETARY_TG + i, person.name)
                fake.opened_private.add(user.id)
                group.members.add(user.id)
                await h.deps.people.link_account(person.id, user.id,
                                                 at="2026-01-01T00:00:00+00:00",
                                                 actor_tg=None, how="bench")
                users.append(user)
            yield h, users, group


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: list[float]) -> dict[str, float]:
    return {"n": len(values), "median_ms": statistics.median(values) * 1000,
            "p99_ms": percentile(values, 0.99) * 1000, "min_ms": min(values) * 1000,
            "max_ms": max(values) * 1000}


def machine() -> str:
    import os

    return f"{platform.python_implementation()} {platform.python_version()}, " \
           f"{os.cpu_count()} cores, {platform.machine()}"
