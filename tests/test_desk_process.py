"""`python -m bot` with `[web] enabled = true`: one process answers Telegram (long polling
against the fake Bot API) and serves the desk; the link /web gives opens it; SIGTERM
stops both cleanly (exit 0, the database's run lock released)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from bot import demo_data
from bot.clock import SystemClock
from bot.config import Config
from bot.services.roster import RosterService
from bot.testing.fakeapi import FakeBotApi
from storage.db import Database, RunLock
from storage.people import PeopleRepo


def _start(cfg: Path, tmp: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", "--config", str(cfg)], cwd=tmp, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_the_bot_and_its_desk_are_one_process(config: Config, tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        fake.add_group(config.chats.group_chat_id, "支部群")
        fake.add_group(config.chats.committee_chat_id, "支委群")
        db_path = tmp_path / "desk.db"
        db = await Database.open(db_path)
        try:
            people = PeopleRepo(db)
            rows = [{"编号": "K001", "姓名": "王建国", "党小组": "一组", "类别": "退休",
                     "政治面貌": "党员", "角色": "书记"}]
            assert (await RosterService(people, SystemClock(), config.branch.tz)
                    .import_rows(rows, actor_tg=None)).ok
            secretary = fake.add_user(demo_data.SECRETARY_TG, "王建国")
            fake.opened_private.add(secretary.id)
            [me] = await people.all()
            await people.link_account(me.id, secretary.id, at="2026-11-01T00:00:00+00:00",
                                      actor_tg=None, how="test")
        finally:
            await db.close()
        port = _free_port()
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n'
            f'[branch]\nname = "测试"\n[chats]\ngroup_chat_id = {config.chats.group_chat_id}\n'
            f'committee_chat_id = {config.chats.committee_chat_id}\n'
            f'[admins]\nsecretary_ids = [{demo_data.SECRETARY_TG}]\n'
            f'[storage]\npath = "{db_path}"\n[weather]\nenabled = false\n'
            f'[backup]\nenabled = false\n'
            f'[web]\nenabled = true\nport = {port}\npublic_url = "http://127.0.0.1:{port}"\n',
            encoding="utf-8")
        bot = _start(cfg, tmp_path)
        try:
            fake.send(secretary, secretary.id, "/web")
            await fake.wait_for(lambda: any("/login?t=" in m.get("text", "")
                                            for m in fake.bot_messages(secretary)), timeout=60)
            text = next(m["text"] for m in fake.bot_messages(secretary)
                        if "/login?t=" in m.get("text", ""))
            link = next(w for w in text.split() if "/login?t=" in w)
            assert link.startswith(f"http://127.0.0.1:{port}/login?t=")
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as c:
                page = await c.get(link[link.index("/login"):])
                assert "进入工作台" in page.text
                done = await c.post("/login", data={"t": link.split("t=", 1)[1]})
                assert done.status_code == 303
                overview = await c.get("/")
                assert overview.status_code == 200 and "王建国" in overview.text
        finally:
            bot.send_signal(signal.SIGTERM)
            try:
                _, err = await asyncio.to_thread(bot.communicate, timeout=60)
            except subprocess.TimeoutExpired:
                bot.kill()  # never leave a bot behind the test
                await asyncio.to_thread(bot.communicate)
                raise
        assert bot.returncode == 0, err.decode()
        lock = RunLock(db_path)
        assert lock.acquire()  # released by the bot's shutdown
        lock.release()
