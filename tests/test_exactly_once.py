"""A command the bot answered is never applied again: not after SIGKILL, not after a stop.

`/dues 张懋 交 1-6月 120 现金` is not idempotent: run twice, it records two payments. The
real bot runs as its own process (`python -m bot`), in polling and in webhook mode; the
secretary's command is answered "已记录", the process is killed at once, and started
again. Before the fix the update was still in the inbox (it is removed only at the next
poll or webhook request) and the restart applied it a second time.
"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import sys
from pathlib import Path

import httpx
import pytest

from bot import demo_data, texts
from bot.clock import SystemClock
from bot.config import Config
from bot.inbox import DurableQueue
from bot.services.roster import RosterService
from bot.testing.fakeapi import FakeBotApi, FakeUser
from bot.testing.harness import BotHarness
from storage.db import Database
from storage.people import PeopleRepo
from tests.conftest import Branch
from tests.test_webhook import free_port

DUES = "/dues 张懋 交 1-6月 120 现金"
SECRET = "exactly-once-secret"


async def _prepare(db_path: Path, config: Config) -> None:
    db = await Database.open(db_path)
    try:
        people = PeopleRepo(db)
        service = RosterService(people, SystemClock(), config.branch.tz)
        assert (await service.import_rows(demo_data.roster_rows(), actor_tg=None)).ok
        secretary = next(p for p in await people.all() if p.name == "王建国")
        await people.link_account(secretary.id, demo_data.SECRETARY_TG,
                                  at="2026-11-01T00:00:00+00:00", actor_tg=None, how="test")
    finally:
        await db.close()


def _config(tmp: Path, fake: FakeBotApi, config: Config, db_path: Path, *,
            webhook_port: int | None) -> Path:
    text = (
        f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n'
        f'[branch]\nname = "测试"\n[chats]\ngroup_chat_id = {config.chats.group_chat_id}\n'
        f'committee_chat_id = {config.chats.committee_chat_id}\n'
        f'[admins]\nsecretary_ids = [{demo_data.SECRETARY_TG}]\n'
        f'[storage]\npath = "{db_path}"\n[weather]\nenabled = false\n'
        f'[backup]\nenabled = false\n')
    if webhook_port is not None:
        text = text.replace(
            "[branch]", f'mode = "webhook"\n[telegram.webhook]\nlisten = "127.0.0.1"\n'
            f'port = {webhook_port}\nurl = "https://bot.example.org"\npath = "tg"\n'
            f'secret = "{SECRET}"\n[branch]', 1)
    path = tmp / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


class _Bot:
    """`python -m bot` as its own process. `start()` returns once the bot says it has
    started (PTB logs "Application started" when polling, or the webhook server, runs):
    an event read from its log, not a guess at how long start-up takes."""

    def __init__(self, cfg: Path, tmp: Path) -> None:
        self.cfg, self.tmp = cfg, tmp
        self.proc: asyncio.subprocess.Process | None = None
        self._drain: asyncio.Task[None] | None = None
        self._lines: list[bytes] = []
        self._more = asyncio.Event()

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
        env["LOG_LEVEL"] = "INFO"
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "--config", str(self.cfg), cwd=self.tmp, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        started = asyncio.Event()
        self._drain = asyncio.get_running_loop().create_task(self._log(started))
        await asyncio.wait_for(started.wait(), timeout=30)

    async def _log(self, started: asyncio.Event) -> None:
        """Copy the bot's log to bot.log (the pipe must never fill up), noting the start."""
        assert self.proc is not None and self.proc.stderr is not None
        with (self.tmp / "bot.log").open("ab") as log:
            while line := await self.proc.stderr.readline():
                log.write(line)
                self._lines.append(line)
                self._more.set()
                if b"Application started" in line:
                    started.set()

    async def logged(self, text: bytes) -> bytes:
        """The first line of the bot's log that holds `text`, once it is written."""
        while not (found := [line for line in self._lines if text in line]):
            self._more.clear()
            await self._more.wait()
        return found[0]

    async def kill(self) -> None:
        """SIGKILL: no chance to flush or clean up."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
        if self._drain is not None:
            await self._drain


def _payments(db_path: Path) -> int:
    conn = sqlite3.connect(db_path, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM dues_payments").fetchone()[0])
    finally:
        conn.close()


def _recorded(fake: FakeBotApi, secretary: FakeUser) -> int:
    return sum(1 for m in fake.bot_messages(secretary)
               if str(m.get("text", "")).startswith("已记录：张懋"))


class _Webhook:
    """Telegram's side of webhook mode: POSTs each update with the secret."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}/tg"
        self.next_id = 1

    async def send(self, user: FakeUser, text: str) -> None:
        update = {"update_id": self.next_id, "message": {
            "message_id": self.next_id, "date": 1_795_000_000,
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.json(), "text": text,
            "entities": [{"type": "bot_command", "offset": 0,
                          "length": len(text.split()[0])}]}}
        self.next_id += 1
        async with httpx.AsyncClient() as client:
            response = await client.post(
                self.url, content=json.dumps(update, ensure_ascii=False),
                headers={"X-Telegram-Bot-Api-Secret-Token": SECRET,
                         "Content-Type": "application/json"})
        assert response.status_code == 200


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_an_answered_command_is_not_applied_again_after_sigkill(
    config: Config, tmp_path: Path, mode: str
) -> None:
    async with FakeBotApi() as fake:
        fake.add_group(config.chats.group_chat_id, "支部群")
        fake.add_group(config.chats.committee_chat_id, "支委群")
        secretary = fake.add_user(demo_data.SECRETARY_TG, "王建国")
        fake.opened_private.add(secretary.id)
        db_path = tmp_path / "once.db"
        await _prepare(db_path, config)
        port = free_port() if mode == "webhook" else None
        cfg = _config(tmp_path, fake, config, db_path, webhook_port=port)
        hook = _Webhook(port) if port is not None else None

        async def say(text: str) -> None:
            if hook is not None:
                await hook.send(secretary, text)
            else:
                fake.send(secretary, secretary.id, text)

        # The reply takes a moment, as over a real network: the update is then written
        # to the inbox before it is handled.
        fake.slow("sendMessage", 0.3)
        bot = _Bot(cfg, tmp_path)
        try:
            await bot.start()
            await say(DUES)
            await fake.wait_for(lambda: _recorded(fake, secretary) == 1, timeout=30)
            await bot.kill()
            assert _payments(db_path) == 1
            await bot.start()
            # Updates are handled in order: once /help is answered, whatever the inbox
            # held has been handled too.
            await say("/help")
            await fake.wait_for(lambda: any("/dues" in str(m.get("text", ""))
                                            for m in fake.bot_messages(secretary)),
                                timeout=30)
        finally:
            await bot.kill()
        assert _payments(db_path) == 1
        assert _recorded(fake, secretary) == 1


async def test_a_stop_while_the_command_is_answered_does_not_apply_it_again(
    config: Config, tmp_path: Path
) -> None:
    db_path = tmp_path / "stop.db"
    await _prepare(db_path, config)

    def world(first_update_id: int) -> tuple[FakeBotApi, FakeUser]:
        fake = FakeBotApi(first_update_id=first_update_id)
        fake.add_group(config.chats.group_chat_id, "支部群")
        fake.add_group(config.chats.committee_chat_id, "支委群")
        secretary = fake.add_user(demo_data.SECRETARY_TG, "王建国")
        fake.opened_private.add(secretary.id)
        return fake, secretary

    fake, secretary = world(1)
    fake.slow("sendMessage", 1.0)  # the stop comes while the answer is on its way
    async with BotHarness(config, db_path, fake=fake) as h:
        fake.send(secretary, secretary.id, DUES)
        await fake.wait_for(lambda: _payments(db_path) == 1)
        await h.deps.inbox.db.fetchall("SELECT 1")  # the bot is alive and well
    fake, secretary = world(100)  # the same bot: Telegram goes on numbering
    async with BotHarness(config, db_path, fake=fake) as h:
        fake.send(secretary, secretary.id, "/help")
        await h.settle()
        assert any("/dues" in str(m.get("text", "")) for m in fake.bot_messages(secretary))
    assert _payments(db_path) == 1
    assert _recorded(fake, secretary) == 0  # the new run did not answer it a second time


async def test_a_press_saved_before_a_restart_is_answered_not_redone(branch: Branch) -> None:
    """A kill between a saved press and its answer: delivered again after the restart,
    the press is not applied a second time, but its button stops spinning."""
    secretary = await branch.link("王建国")
    await branch.arrange(secretary, "/meeting 学习活动日 12月5日 9:30 礼堂 学习")
    [m] = await branch.h.deps.meeting_repo.active()
    branch.h.clock.set(branch.h.deps.meetings.opens_at(m))
    await branch.run_job(f"mtg:{m.id}:open")
    card = branch.last(branch.group)
    member = await branch.link("李秀英")
    queue = branch.h.app.update_queue  # type: ignore[union-attr]
    assert isinstance(queue, DurableQueue)
    queue.applied[branch.fake.peek_next_update_id()] = 0.0  # its effect is in the database
    branch.fake.press(member, card, "✅ 签到")
    await branch.h.settle()
    assert branch.fake.toasts_for(member) == [texts.TAP_SAVED_BEFORE]
    assert await branch.h.deps.meeting_repo.attendance(m.id) == []  # not applied again
