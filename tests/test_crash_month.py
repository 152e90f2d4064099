"""A month of the branch's life with the bot killed hard (SIGKILL) at seeded random points.

Eight days of December, each with a meeting whose card members tap, birthdays whose
greetings go out in the morning, and on two of them a notice to every member. Each day
the bot (its own process, `tests/crash_child.py`) is started, killed after a random
number of calls to Telegram, started again, left to finish the day, and killed once more.

Afterwards: every tap Telegram delivered is in the database exactly once; every push
planned for those days was sent and confirmed, none skipped; nobody got a greeting or a
notice twice, except a message Telegram had accepted in the instant before a kill (the
bot could not record it and sends it again: Telegram has no idempotency key). The run's
figures are printed (`-s`) and written in docs/RELIABILITY.md.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any
from zoneinfo import ZoneInfo

from bot import demo_data, texts
from bot.app import close_deps, open_deps
from bot.clock import FrozenClock
from bot.config import Config
from bot.context import BotData
from bot.services.meetings import Draft
from bot.services.posts import PostDraft
from bot.testing.fakeapi import FakeBotApi, FakeUser, Json
from storage.models import MeetingKind

TZ = ZoneInfo("Asia/Shanghai")
MEMBERS = 40
DAYS = (1, 3, 7, 10, 14, 17, 21, 28)  # December 2026
NOTICE_DAYS = (7, 21)
SEED = 20261122
SENDING = {"sendmessage", "editmessagetext", "editmessagereplymarkup", "senddocument"}


def _rows() -> list[dict[str, str]]:
    rows = []
    for i in range(MEMBERS):
        day = DAYS[i % len(DAYS)] if i % 5 == 0 else 15 + i % 10 - 5 * (i % 2)
        month = 12 if i % 5 == 0 else 11  # every fifth has a birthday on one of the days
        rows.append({"编号": f"M{i:03d}", "姓名": f"成员{i:03d}",
                     "党小组": ("第一党小组", "第二党小组")[i % 2], "类别": "退休",
                     "政治面貌": "党员", "出生日期": f"{1940 + i % 15}-{month}-{day:02d}"})
    rows[0]["角色"] = "书记"
    return rows


async def _prepare(config: Config, fake: FakeBotApi) -> dict[int, FakeUser]:
    """The roster, everyone linked, a meeting on each day and two notices; by person id."""
    holder = BotData()
    clock = FrozenClock(datetime(2026, 11, 30, 10, tzinfo=TZ))
    holder.deps = deps = await open_deps(config, clock)
    users = {}
    try:
        assert (await deps.roster.import_rows(_rows(), actor_tg=None)).ok
        for i, person in enumerate(await deps.people.all()):
            user = fake.add_user(demo_data.SECRETARY_TG if i == 0 else 70000 + i, person.name)
            fake.opened_private.add(user.id)
            fake.chats[config.chats.group_chat_id].members.add(user.id)
            await deps.people.link_account(person.id, user.id, at="2026-11-01T00:00:00+00:00",
                                           actor_tg=None, how="test")
            users[person.id] = user
        boss = await deps.access.actor(demo_data.SECRETARY_TG)
        for day in DAYS:
            await deps.meetings.create(Draft(MeetingKind.STUDY_DAY, None, date(2026, 12, day),
                                             time(9, 0),
                                             "活动室", f"{day}日学习"), boss)
        for day in NOTICE_DAYS:
            await deps.posts.create(PostDraft(
                kind="notice", title=f"{day}日通知", body=f"{day}日的通知", file_id=None,
                file_kind=None, audience="members", group_id=None, receipt=False,
                due_on=None, send_at=datetime(2026, 12, day, 8, tzinfo=TZ)), boss)
    finally:
        await close_deps(holder)
    return users


async def _planned(config: Config, morning: datetime) -> set[str]:
    """The pushes due by `morning` (the bot sends them at start-up): a day is complete only
    when each of them is confirmed. Checking only the rows already written let the day end
    between two pushes (the second killed half-sent, left claimed: a flaky failure)."""
    holder = BotData()
    holder.deps = deps = await open_deps(config, FrozenClock(morning))
    try:
        return {p.key for p in await deps.scheduler.plan(morning.date()) if p.when <= morning}
    finally:
        await close_deps(holder)


def _start(cfg: Path, tmp: Path, moment: datetime, log: IO[bytes]) -> subprocess.Popen[bytes]:
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    env.pop("BOT_TOKEN", None)
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.crash_child", str(cfg), moment.isoformat()], cwd=tmp,
        env=env, stdout=log, stderr=subprocess.STDOUT)


def _kill(proc: subprocess.Popen[bytes]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()  # SIGKILL cannot be ignored; a timeout would poll with time.sleep


class Day:
    """What the test expects of one day, read from what the fake saw."""

    def __init__(self, fake: FakeBotApi, db: Path, day: int, group_id: int,
                 birthdays: list[FakeUser], pressers: list[FakeUser],
                 planned: set[str]) -> None:
        self.fake, self.db, self.day, self.group_id = fake, db, day, group_id
        self.planned = planned
        self.birthdays, self.pressers = birthdays, pressers
        self.pressed: dict[int, str] = {}  # user id -> open query id
        self.topic = f"{day}日学习"

    def card(self) -> Json | None:
        cards = [m for m in self.fake.bot_messages(self.group_id)
                 if self.topic in m.get("text", "") and "✅ 签到" in self.fake.labels(m)]
        return cards[-1] if cards else None

    def press(self) -> None:
        """Everyone due to tap who has not, or whose tap met a replaced card, taps now."""
        card = self.card()
        if card is None:
            return
        for user in self.pressers:
            query = self.pressed.get(user.id)
            if query is None or self._stale(user, query):
                self.pressed[user.id] = self.fake.press(user, card, "✅ 签到")

    def _stale(self, user: FakeUser, query: str) -> bool:
        return any(t["query_id"] == query and t["text"] == texts.TAP_STALE
                   for t in self.fake.toasts)

    def answered(self) -> bool:
        return len(self.pressed) == len(self.pressers) and not any(
            q in self.fake._open_queries for q in self.pressed.values())

    def greeted(self) -> bool:
        return all(any(_greeting(m) for m in self.fake.bot_messages(u))
                   for u in self.birthdays)

    def pushes_done(self) -> bool:
        conn = sqlite3.connect(self.db, timeout=5)
        try:
            rows = conn.execute("SELECT key, sending FROM pushes WHERE day = ?",
                                (f"2026-12-{self.day:02d}",)).fetchall()
        finally:
            conn.close()
        confirmed = {key for key, sending in rows if sending == 0}
        return bool(rows) and all(sending == 0 for _, sending in rows) \
            and self.planned <= confirmed

    def notices_done(self) -> bool:
        if self.day not in NOTICE_DAYS:
            return True
        return any("发送完成" in m.get("text", "") and f"{self.day}日通知" in m.get("text", "")
                   for m in self.fake.bot_messages(demo_data.SECRETARY_TG))

    def status(self) -> dict[str, object]:
        return {"unanswered": [u for u, q in self.pressed.items()
                               if q in self.fake._open_queries],
                "card": self.card() is not None, "greeted": self.greeted(),
                "notices": self.notices_done(), "pushes": self.pushes_done()}

    def complete(self) -> bool:
        self.press()
        return (self.answered() and self.greeted() and self.notices_done()
                and self.pushes_done())


def _index(user: FakeUser) -> int:
    """The row a fake user's person came from: 成员007 is row 7."""
    return int(user.first_name.removeprefix("成员"))


def _greeting(message: Json) -> bool:
    return str(message.get("text", "")).startswith("🎂")


def _claimed_at_kill(db: Path, users: dict[int, FakeUser]) -> set[int]:
    """Whom the greetings claimed but not confirmed at a kill were for: Telegram may have
    taken them in the instant before it, and the bot sends them again after the restart.
    The last three calls before the kill were taken as the ones in flight; with the
    members' taps answered between a greeting's send and its confirmation, the greeting
    can come before them (a failure in CI at 2028-02-29, session 14)."""
    conn = sqlite3.connect(db, timeout=5)
    try:
        keys = [key for (key,) in conn.execute("SELECT key FROM pushes WHERE sending = 1")]
    finally:
        conn.close()
    return {users[int(key.split(":")[1])].id for key in keys
            if key.startswith("birthday:")}


def _sends(fake: FakeBotApi) -> int:
    return sum(1 for c in fake.calls if c.method.lower() in SENDING)


async def test_a_month_with_kills_loses_and_doubles_nothing(
    config: Config, tmp_path: Path
) -> None:
    rng = random.Random(SEED)
    with (tmp_path / "bot.log").open("ab") as log:  # the bot's log, for a failing run
        await _month(config, tmp_path, rng, log)


async def _month(config: Config, tmp_path: Path, rng: random.Random, log: IO[bytes]) -> None:
    async with FakeBotApi() as fake:
        group = fake.add_group(config.chats.group_chat_id, "支部群")
        fake.add_group(config.chats.committee_chat_id, "支委群")
        db_path = tmp_path / "month.db"
        settings = (
            f'[telegram]\ntoken = "{fake.token}"\nbase_url = "{fake.base_url}"\n'
            f'[telegram.rate_limit]\noverall_per_second = 200.0\ngroup_per_minute = 6000.0\n'
            f'[branch]\nname = "测试"\n[chats]\ngroup_chat_id = {group.id}\n'
            f'committee_chat_id = {config.chats.committee_chat_id}\n'
            f'[admins]\nsecretary_ids = [{demo_data.SECRETARY_TG}]\n'
            f'[storage]\npath = "{db_path}"\n[weather]\nenabled = false\n'
            f'[backup]\nenabled = false\n')
        cfg = tmp_path / "config.toml"
        cfg.write_text(settings, encoding="utf-8")
        from bot.config import load_config

        prepared = load_config(cfg, env={})
        users = await _prepare(prepared, fake)
        people = list(users.values())
        in_flight: list[set[int]] = []
        claims: list[set[int]] = []
        kills = 0
        days: list[Day] = []
        for day in DAYS:
            birthdays = [u for u in people if _index(u) % 5 == 0
                         and DAYS[_index(u) % len(DAYS)] == day]
            morning = datetime(2026, 12, day, 9, 30, tzinfo=TZ)
            today = Day(fake, db_path, day, group.id, birthdays,
                        rng.sample(people, rng.randint(10, 20)),
                        await _planned(prepared, morning))
            days.append(today)
            kill_at = _sends(fake) + rng.randint(1, 40)
            bot = _start(cfg, tmp_path, morning, log)
            try:
                def sent_enough(n: int = kill_at, d: Any = today) -> bool:
                    return _sends(fake) >= n or bool(d.complete())

                await fake.wait_for(sent_enough, timeout=60)
                before = len(fake.calls)
                _kill(bot)
                kills += 1
                claimed = _claimed_at_kill(db_path, users)
                claims.append(claimed)
                bot = _start(cfg, tmp_path, morning + timedelta(minutes=5), log)
                try:
                    await fake.wait_for(today.complete, timeout=60)
                except TimeoutError:
                    raise AssertionError(f"day {day} unfinished: {today.status()}") from None
                # In flight at the kill: the last sends before it, and any request already
                # on the wire that the fake handled afterwards, up to the new run's getMe.
                def restarted(b: int = before) -> bool:
                    return any(c.method.lower() == "getme" for c in fake.calls[b:])

                await fake.wait_for(restarted)
                restart = next(i for i in range(before, len(fake.calls))
                               if fake.calls[i].method.lower() == "getme")
                in_flight.append(claimed | {int(c.params["chat_id"])
                                            for c in fake.calls[before - 3:restart]
                                            if c.method.lower() == "sendmessage"})
            finally:
                _kill(bot)
            kills += 1

        # Every tap on a live card is in the database once; nothing planned was lost.
        conn = sqlite3.connect(db_path)
        try:
            for today in days:
                present = {tg for (tg,) in conn.execute(
                    "SELECT p.tg_user_id FROM attendance a JOIN people p ON p.id = a.person_id "
                    "JOIN meetings m ON m.id = a.meeting_id "
                    "WHERE m.topic = ? AND a.status = 'present'", (today.topic,))}
                pressed = {u.id for u in today.pressers}
                assert present == pressed, (today.day, [
                    t for t in fake.toasts if t["user_id"] in pressed ^ present])
            pushes = Counter(status for (status,) in conn.execute(
                "SELECT status FROM pushes WHERE day LIKE '2026-12-%' AND sending = 0"))
            assert conn.execute("SELECT count(*) FROM pushes WHERE sending = 1").fetchone() \
                == (0,)
            [[check]] = conn.execute("PRAGMA integrity_check").fetchall()
            assert check == "ok"
        finally:
            conn.close()
        assert pushes["skipped"] == 0 and pushes["sent"] >= len(DAYS)

        # Nobody got a greeting or a notice twice but for a message in flight at a kill.
        allowed = set().union(*in_flight)
        doubled = []
        for user in people:
            texts_seen = Counter(m.get("text", "") for m in fake.bot_messages(user)
                                 if _greeting(m) or "日的通知" in m.get("text", ""))
            for text, n in texts_seen.items():
                if n > 1:
                    doubled.append(user.id)
                    assert n == 2 and user.id in allowed, (user.display, text, n)
        # Each member, each notice: at least one copy (a duplicate cannot hide a loss).
        notices = 0
        missing = []
        for user in people:
            for day in NOTICE_DAYS:
                copies = sum(1 for m in fake.bot_messages(user)
                             if f"{day}日的通知" in m.get("text", ""))
                notices += copies
                if copies == 0:
                    missing.append((user.display, day))
        assert missing == []
        # Each birthday: the member greeted on his day.
        ungreeted = [(u.display, d.day) for d in days for u in d.birthdays
                     if not any(_greeting(m) for m in fake.bot_messages(u))]
        assert ungreeted == []
        lost_pushes = pushes["skipped"]
        taps = sum(len(d.pressers) for d in days)
        print(f"\n{len(DAYS)} days, {kills} kills ({len(DAYS)} at random points); "
              f"{taps} taps recorded once each; {pushes['sent']} pushes sent, "
              f"{lost_pushes} skipped; notice copies missing: {len(missing)}; "
              f"{notices} notice copies to {len(people)} members; sent twice (in flight at a "
              f"kill): {len(doubled)}; greetings claimed, not confirmed at a kill: "
              f"{sum(map(len, claims))}")
