"""Run the real bot against the fake Bot API, inside the current event loop.

    async with BotHarness(config) as h:
        h.fake.send(alice, alice.id, "/card")
        await h.settle()
        assert "亲情服务卡" in h.fake.last_bot_message(alice)["text"]

`settle()` returns once the bot has fetched every update the fake queued and the
application has finished handling them, so a test never sleeps or guesses.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from apscheduler.triggers.date import DateTrigger

from bot.app import build_application, start_application, stop_application
from bot.clock import Clock, FrozenClock
from bot.config import Config, StorageConfig, TelegramConfig
from bot.context import BranchApp, Deps
from bot.testing.fakeapi import FakeBotApi, FakeUser

DEFAULT_START = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


def config_for_fake(config: Config, fake: FakeBotApi, db_path: Path | str) -> Config:
    telegram = dataclasses.replace(config.telegram, token=fake.token, base_url=fake.base_url,
                                   mode="polling")
    return dataclasses.replace(config, telegram=telegram,
                               storage=StorageConfig(path=str(db_path)))


class BotHarness:
    def __init__(self, config: Config, db_path: Path | str, *, clock: Clock | None = None,
                 fake: FakeBotApi | None = None, poll_timeout: float = 5.0) -> None:
        self.clock = clock or FrozenClock(DEFAULT_START)
        self.fake = fake or FakeBotApi(clock=self.clock)
        self._base_config = config
        self._db_path = db_path
        self._poll_timeout = poll_timeout
        self.app: BranchApp | None = None
        self.config: Config | None = None

    async def __aenter__(self) -> BotHarness:
        await self.fake.start()
        self.config = config_for_fake(self._base_config, self.fake, self._db_path)
        self.app = build_application(self.config, clock=self.clock)
        try:
            await start_application(self.app, poll_timeout=self._poll_timeout)
        except BaseException:
            await self.fake.stop()
            raise
        return self

    async def __aexit__(self, *exc: Any) -> None:
        try:
            if self.app is not None:
                await stop_application(self.app)
        finally:
            await self.fake.stop()

    @property
    def deps(self) -> Deps:
        assert self.app is not None
        return self.app.bot_data.deps

    def job_names(self) -> list[str]:
        assert self.app is not None and self.app.job_queue is not None
        return sorted(j.name or "" for j in self.app.job_queue.jobs())

    async def run_job(self, name: str) -> None:
        """Run a scheduled job now: the clock is set by the caller, never waited for."""
        assert self.app is not None and self.app.job_queue is not None
        jobs = self.app.job_queue.get_jobs_by_name(name)
        if not jobs:
            raise LookupError(f"no job named {name}: {self.job_names()}")
        for job in jobs:
            if isinstance(job.job.trigger, DateTrigger):  # one-off: it must not fire again
                job.schedule_removal()
            await job.run(self.app)
        await self.settle()

    async def flush_cards(self) -> None:
        """Make every pending card edit now instead of after the throttle interval."""
        for name in [n for n in self.job_names() if n.startswith("card:")]:
            await self.run_job(name)

    async def tap_or_type(self, user: FakeUser, step: str) -> None:
        """Press the button labelled `step` on the bot's last message to `user`, or, if
        there is none, type `step`; then wait until the bot has handled it."""
        last = self.fake.last_bot_message(user)
        if step in self.fake.labels(last):
            self.fake.press(user, last, step)
        else:
            self.fake.send(user, user.id, step)
        await self.settle()

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until every queued update has been fetched and fully handled."""
        assert self.app is not None
        await self.fake.wait_delivered(timeout)
        await self.app.update_queue.join()


__all__ = ["DEFAULT_START", "BotHarness", "TelegramConfig", "config_for_fake"]
