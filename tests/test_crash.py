"""The bot process killed hard (SIGKILL) in the middle of a private fan-out, then started
again: the notice reaches everyone, and nobody gets it twice except, at most, the one
message that was in flight at the moment of the kill."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from bot import demo_data
from bot.clock import SystemClock
from bot.config import Config
from bot.services.access import AccessService
from bot.services.org import Org
from bot.services.posts import PostDraft, PostService
from bot.services.roster import RosterService
from bot.services.rounds import RoundService
from bot.testing.fakeapi import FakeBotApi
from storage.db import Database
from storage.people import PeopleRepo
from storage.posts import PostRepo
from storage.rounds import RoundRepo

MEMBERS = 150


async def _prepare(db_path: Path, fake: FakeBotApi, config: Config) -> None:
    db = await Database.open(db_path)
    try:
        people = PeopleRepo(db)
        rows = [{"编号": f"K{i:03d}", "姓名": f"成员{i:03d}", "党小组": "一组", "类别": "退休",
                 "政治面貌": "党员"} for i in range(MEMBERS)]
        rows[0]["角色"] = "书记"
        assert (await RosterService(people, SystemClock(), config.branch.tz)
                .import_rows(rows, actor_tg=None)).ok
        for i, p in enumerate(await people.all()):
            user = fake.add_user(demo_data.SECRETARY_TG if i == 0 else 80000 + i, p.name)
            fake.opened_private.add(user.id)
            await people.link_account(p.id, user.id, at="2026-11-01T00:00:00+00:00",
                                      actor_tg=None, how="test")
        actor = await AccessService(people, (demo_data.SECRETARY_TG,)).actor(
            demo_data.SECRETARY_TG)
        rounds = RoundService(RoundRepo(db), people, Org(people), SystemClock(),
                              config.branch.tz)
        await PostService(PostRepo(db), people, Org(people), rounds, SystemClock(),
                          config.branch.tz).create(
            PostDraft(kind="notice", title="通知", body="周五开会", file_id=None,
                      file_kind=None, audience="members", group_id=None, receipt=False,
                      due_on=None, send_at=None), actor)
    finally:
        await db.close()


def _start(cfg: Path, tmp: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bot", "--config", str(cfg)], cwd=tmp, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _copies(fake: FakeBotApi) -> Counter[int]:
    return Counter(m["chat"]["id"] for m in list(fake.messages.values())
                   if m.get("text", "").startswith("📢") and m["chat"]["type"] == "private")


async def test_killed_mid_fan_out_and_restarted(config: Config, tmp_path: Path) -> None:
    async with FakeBotApi() as fake:
        fake.add_group(config.chats.group_chat_id, "支部群")
        fake.add_group(config.chats.committee_chat_id, "支委群")
        fake.limits = (40.0, 20.0)  # the fan-out takes a few seconds: time to kill it
        db_path = tmp_path / "crash.db"
        await _prepare(db_path, fake, config)
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n'
            f'[telegram.rate_limit]\noverall_per_second = 40.0\n'
            f'[branch]\nname = "测试"\n[chats]\ngroup_chat_id = {config.chats.group_chat_id}\n'
            f'committee_chat_id = {config.chats.committee_chat_id}\n'
            f'[admins]\nsecretary_ids = [{demo_data.SECRETARY_TG}]\n'
            f'[storage]\npath = "{db_path}"\n[weather]\nenabled = false\n'
            f'[backup]\nenabled = false\n', encoding="utf-8")
        bot = _start(cfg, tmp_path)
        try:
            await fake.wait_for(lambda: sum(_copies(fake).values()) >= MEMBERS // 3,
                                timeout=60)
            os.kill(bot.pid, signal.SIGKILL)
            await asyncio.to_thread(bot.wait)
            at_kill = sum(_copies(fake).values())
            assert at_kill < MEMBERS  # really interrupted half way
            bot = _start(cfg, tmp_path)
            await fake.wait_for(lambda: any("发送完成" in m.get("text", "")
                                            for m in fake.messages.values()), timeout=90)
        finally:
            bot.kill()
            await asyncio.to_thread(bot.wait)
        copies = _copies(fake)
        assert len(copies) == MEMBERS  # everyone reached, the author included
        doubled = [chat for chat, n in copies.items() if n > 1]
        assert len(doubled) <= 1, doubled  # at most the message in flight at the kill
        print(f"\nkilled after {at_kill} of {MEMBERS}; delivered to {len(copies)}; "
              f"sent twice: {len(doubled)}")
