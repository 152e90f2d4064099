"""全覆盖: members without a phone hear what the bot tells everyone else, through their
leader's phone round (bot/services/rounds.py), and the coverage says so."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FrozenClock
from bot.config import Config
from bot.testing.fakeapi import FakeBotApi, FakeUser, Json
from bot.testing.fakeweather import FakeOpenMeteo, daily_forecast
from bot.testing.harness import BotHarness
from storage.models import CallOutcome, Person
from tests.conftest import COMMITTEE_ID, GROUP_ID

TZ = ZoneInfo("Asia/Shanghai")
GROUPS = ("一组", "二组", "三组")
NO_PHONE = ("一组成员05", "二组成员07", "三组成员11")  # no smartphone, no account


@dataclass
class Branch37:
    h: BotHarness
    users: dict[str, FakeUser]
    leaders: dict[str, FakeUser]
    secretary: FakeUser

    async def person(self, name: str) -> Person:
        found = [p for p in await self.h.deps.roster.all() if p.name == name]
        assert len(found) == 1
        return found[0]


def _rows() -> list[dict[str, str]]:
    rows = []
    for g, group in enumerate(GROUPS):
        for i in range(12 + (g == 2)):  # 12 + 12 + 13 = 37
            row = {"编号": f"R{g}{i:02d}", "姓名": f"{group}成员{i:02d}", "党小组": group,
                   "类别": "退休", "政治面貌": "党员", "手机号": f"1390000{g}{i:03d}"}
            if i == 0:
                row["姓名"], row["角色"] = f"{group}组长", "组长" + ("、书记" if g == 0 else "")
            rows.append(row)
    return rows


@pytest.fixture
async def weather() -> AsyncIterator[FakeOpenMeteo]:
    async with FakeOpenMeteo() as fake:
        yield fake


@pytest.fixture
async def b37(config: Config, tmp_path: Path, weather: FakeOpenMeteo) -> AsyncIterator[Branch37]:
    config = dataclasses.replace(config, weather=dataclasses.replace(
        config.weather, enabled=True, base_url=weather.url))
    clock = FrozenClock(datetime(2026, 10, 17, 20, 0, tzinfo=TZ))
    fake = FakeBotApi(clock=clock)
    async with BotHarness(config, tmp_path / "r.db", clock=clock, fake=fake) as h:
        assert (await h.deps.roster.import_rows(_rows(), actor_tg=None)).ok
        users: dict[str, FakeUser] = {}
        for n, p in enumerate(await h.deps.roster.all()):
            if p.name in NO_PHONE:
                continue
            user = fake.add_user(61000 + n, p.name)
            await h.deps.people.link_account(p.id, user.id, at="2026-10-01T00:00:00+00:00",
                                             actor_tg=None, how="test")
            fake.opened_private.add(user.id)
            users[p.name] = user
        fake.add_group(GROUP_ID, "支部群", list(users.values()))
        fake.add_group(COMMITTEE_ID, "支委群")
        leaders = {g: users[f"{g}组长"] for g in GROUPS}
        yield Branch37(h, users, leaders, leaders["一组"])


def _round_lists(b: Branch37, leader: FakeUser) -> list[Json]:
    return [m for m in b.h.fake.bot_messages(leader) if m.get("text", "").startswith("📞")]


async def _call_everyone(b: Branch37, message: Json, leader: FakeUser, label: str) -> None:
    """Tap the first button of `label`'s kind until the list has no buttons left."""
    fake = b.h.fake
    while "reply_markup" in (current := fake.message(leader.id, message["message_id"])):
        first = next(t for t in fake.labels(current) if label in t)
        fake.press(leader, current, first)
        await b.h.settle()


async def test_thirty_seven_members_three_without_phone_all_reached(
    b37: Branch37, weather: FakeOpenMeteo
) -> None:
    """A notice, a holiday greeting and a severe-weather warning each reach 37 of 37:
    34 by the bot, 3 by their leaders' phone rounds, counted by the bot itself."""
    h, fake = b37.h, b37.h.fake
    clock = h.clock
    assert isinstance(clock, FrozenClock)
    no_phone = {g: n for g in GROUPS for n in NO_PHONE if n.startswith(g)}

    # 重阳 2026-10-18: the greeting in the group, and one list per leader.
    clock.set(datetime(2026, 10, 18, 0, 5, tzinfo=TZ))
    await h.run_job("pushes:plan")
    clock.set(datetime(2026, 10, 18, 8, 0, tzinfo=TZ))
    await h.run_job("push:holiday:chongyang:2026-10-18")
    for group, leader in b37.leaders.items():
        [holiday] = _round_lists(b37, leader)
        assert holiday["text"].startswith("📞 请电话转达支部的节日问候")
        assert no_phone[group] in holiday["text"]
        assert [n for n in NO_PHONE if n in holiday["text"]] == [no_phone[group]]
        # The number to call, grouped for reading aloud (the leader's private chat only).
        person = await b37.person(no_phone[group])
        assert person.phone is not None
        assert f"{person.phone[:3]} {person.phone[3:7]} {person.phone[7:]}" in holiday["text"]
        await _call_everyone(b37, holiday, leader, "已告知")
        assert "全部告知到了" in fake.message(leader.id, holiday["message_id"])["text"]
    greeting = await h.deps.rounds.by_key("holiday:chongyang:2026-10-18")
    assert greeting is not None
    coverage = await h.deps.rounds.coverage(greeting)
    assert (coverage.reached, coverage.total, coverage.via_leader) == (37, 37, 3)
    assert not any("成员05" in m.get("text", "") for m in fake.bot_messages(GROUP_ID))

    # A cold wave: the warning in the group, and the same rounds for those not in it.
    weather.forecast = daily_forecast(date(2026, 10, 18), [
        {"t_max": 12, "t_min": 6}, {"t_max": 8, "t_min": -7}, {"t_max": 5, "t_min": -6}])
    clock.set(datetime(2026, 10, 19, 0, 5, tzinfo=TZ))
    await h.run_job("pushes:plan")
    clock.set(datetime.combine(date(2026, 10, 19), time(7, 0), tzinfo=TZ))
    await h.run_job("push:weather:2026-10-19")
    assert "寒潮" in fake.last_bot_message(fake.chats[GROUP_ID])["text"]
    for leader in b37.leaders.values():
        warning = _round_lists(b37, leader)[-1]
        assert warning["text"].startswith("📞 天气预警") and "寒潮" in warning["text"]
        await _call_everyone(b37, warning, leader, "上门")
    cold = await h.deps.rounds.by_key("weather:2026-10-19")
    assert cold is not None
    coverage = await h.deps.rounds.coverage(cold)
    assert (coverage.reached, coverage.total) == (37, 37)

    # A notice to every member privately: the same three through the same leaders.
    fake.send(b37.secretary, b37.secretary.id, "/notice")
    await h.settle()
    for step in ("📢 通知", "周五上午九点在活动室学习。", "✉️ 全体成员（私信）", "👍 要回执",
                 "现在发", "✅ 发送"):
        await h.tap_or_type(b37.secretary, step)
    await fake.wait_for(lambda: any("发送完成" in m.get("text", "")
                                    for m in fake.bot_messages(b37.secretary)))
    for user in b37.users.values():
        notice = next(m for m in fake.bot_messages(user)
                      if m.get("text", "").startswith("📢 通知"))
        fake.press(user, notice, "👍 收到")
    await h.settle()
    post = (await h.deps.posts.recent("notice", 1))[0]
    await h.run_job(f"post:{post.id}:followup")
    for group, leader in b37.leaders.items():
        # The same round as the greeting's and the warning's: the same three buttons.
        [sent] = [m for m in _round_lists(b37, leader) if "通知「" in m["text"]]
        assert sent["text"].startswith("📞 通知「") and no_phone[group] in sent["text"]
        assert [n for n in NO_PHONE if n in sent["text"]] == [no_phone[group]]
        assert fake.labels(sent) == [f"📞{no_phone[group]}已告知", f"🚪{no_phone[group]}上门",
                                     f"❌{no_phone[group]}没联系上"]
    # 没联系上 keeps him missing (and on the list, to try again) ...
    first = b37.leaders["一组"]
    [sent] = [m for m in _round_lists(b37, first) if "通知「" in m["text"]]
    fake.press(first, sent, f"❌{no_phone['一组']}没联系上")
    await h.settle()
    fake.send(b37.secretary, b37.secretary.id, "/notices")
    await h.settle()
    assert "合计：34/37" in fake.last_bot_message(b37.secretary)["text"]
    assert (await h.deps.posts.status_of(post, await b37.person(no_phone["一组"]))
            ).reason == "unreached"  # type: ignore[union-attr]
    # ... and 已告知 counts him as reached through his leader.
    for leader in b37.leaders.values():
        [sent] = [m for m in _round_lists(b37, leader) if "通知「" in m["text"]]
        await _call_everyone(b37, sent, leader, "已告知")
    fake.send(b37.secretary, b37.secretary.id, "/notices")
    await h.settle()
    assert "合计：37/37（100%）" in fake.last_bot_message(b37.secretary)["text"]
    by_group = await h.deps.posts.coverage(post)
    assert sorted(p.name for cov in by_group.values() for p in cov.via_leader) == sorted(NO_PHONE)

    # What the committee reads each week counts the calls: greeting, warning, notice.
    from bot.jobs.pushes import digest_text
    digest = await digest_text(h.deps, date(2026, 10, 19))
    assert "📞 电话转达：本周3次，应转达9人，已告知9人，没联系上0人，还没打0人" in digest


async def test_a_call_is_one_tap_and_says_who_acted_for_whom(b37: Branch37) -> None:
    h, fake = b37.h, b37.h.fake
    clock = h.clock
    assert isinstance(clock, FrozenClock)
    clock.set(datetime(2026, 10, 18, 0, 5, tzinfo=TZ))
    await h.run_job("pushes:plan")
    clock.set(datetime(2026, 10, 18, 8, 0, tzinfo=TZ))
    await h.run_job("push:holiday:chongyang:2026-10-18")
    leader = b37.leaders["二组"]
    [sheet] = _round_lists(b37, leader)
    fake.press(leader, sheet, "❌二组成员07没联系上")
    await h.settle()
    # Not reached: the buttons stay, so the leader can try again and record it then.
    again = fake.message(leader.id, sheet["message_id"])
    assert "二组成员07：没联系上" in again["text"]
    fake.press(leader, again, "📞二组成员07已告知")
    fake.press(leader, again, "📞二组成员07已告知")  # a repeat tap on the old message
    await h.settle()
    assert fake.toasts_for(leader) == ["已记录：二组成员07 没联系上",
                                       "已记录：二组成员07 电话已告知",
                                       "二组成员07已经告知到了。"]
    r = await h.deps.rounds.by_key("holiday:chongyang:2026-10-18")
    assert r is not None
    person = await b37.person("二组成员07")
    rows = await h.deps.db.fetchall(
        "SELECT outcome, recorded_by FROM round_calls WHERE round_id = ? AND person_id = ?",
        (r.id, person.id))
    recorder = await b37.person("二组组长")
    assert [tuple(x) for x in rows] == [(CallOutcome.PHONE, recorder.id)]
    # Another group's leader cannot record it; a forged button changes nothing.
    other = b37.leaders["三组"]
    [own] = _round_lists(b37, other)  # forged onto his own list
    fake.press_data(other, own, f"rd:c:{r.id}:{person.id}:1")
    fake.press_data(other, own, f"rd:c:{r.id + 50}:{person.id}:0")
    fake.press_data(other, own, f"rd:c:{r.id}:{person.id}:9")
    await h.settle()
    assert fake.toasts_for(other) == ["抱歉，您不能为这位同志代办",
                                      "这个按钮已失效，请看最新的消息",
                                      "这个按钮已失效，请看最新的消息"]
    rows = await h.deps.db.fetchall(
        "SELECT outcome FROM round_calls WHERE round_id = ? AND person_id = ?",
        (r.id, person.id))
    assert [x[0] for x in rows] == [CallOutcome.PHONE]


async def test_greetings_for_members_without_phone_are_planned_as_calls(
    b37: Branch37
) -> None:
    """`schedule` used to plan no birthday or 政治生日 greeting for them at all."""
    h = b37.h
    person = await b37.person("三组成员11")
    await h.deps.db.write("UPDATE people SET birth_date = '1946-10-20', "
                          "joined_party = '1966-10-21' WHERE id = ?", (person.id,))
    plan = await h.deps.scheduler.upcoming(date(2026, 10, 18), 5)
    mine = [(p.kind, p.to) for p in plan if p.data.get("person") == person.id]
    assert mine == [("birthday", "三组成员11（组长电话转达）"),
                    ("milestone", "支委群"),
                    ("anniversary", "三组成员11（组长电话转达）")]
    clock = h.clock
    assert isinstance(clock, FrozenClock)
    clock.set(datetime(2026, 10, 20, 0, 5, tzinfo=TZ))
    await h.run_job("pushes:plan")
    clock.set(datetime(2026, 10, 20, 9, 0, tzinfo=TZ))
    await h.run_job(f"push:birthday:{person.id}:2026-10-20")
    leader = b37.leaders["三组"]
    [birthday] = _round_lists(b37, leader)
    assert birthday["text"].startswith("📞 请电话转达支部的生日祝福")
    assert "三组成员11" in birthday["text"] and "80" in birthday["text"]
