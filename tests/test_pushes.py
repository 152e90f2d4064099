"""Scheduled pushes: the calendar, once-only sending, catch-up, weather, digest, CLI.

Time is set on the frozen clock and jobs are run by name; the weather comes from a fake
Open-Meteo served on 127.0.0.1.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import demo_data, texts
from bot.__main__ import main
from bot.clock import FrozenClock
from bot.config import Config, WeatherConfig
from bot.jobs.pushes import digest_text, run_push
from bot.services.dates import LunarDate
from bot.services.holidays import BY_KEY, holiday_date, lunar_birthday
from bot.services.people import next_birthday
from bot.services.weather import DayForecast, warnings_for, wind_force
from bot.testing.fakeapi import FakeBotApi
from bot.testing.fakeweather import FakeOpenMeteo, daily_forecast
from bot.testing.harness import BotHarness
from storage.models import Category, MeetingKind, PartyStatus, Person, WeatherKind
from tests.conftest import COMMITTEE_ID, GROUP_ID, Branch

SHANGHAI = "Asia/Shanghai"

# Published dates (State Council holiday notices and almanacs), 2025-2030.
PUBLISHED = {
    "chunjie": ["2025-01-29", "2026-02-17", "2027-02-06", "2028-01-26", "2029-02-13",
                "2030-02-03"],
    "yuanxiao": ["2025-02-12", "2026-03-03", "2027-02-20", "2028-02-09", "2029-02-27",
                 "2030-02-17"],
    "duanwu": ["2025-05-31", "2026-06-19", "2027-06-09", "2028-05-28", "2029-06-16",
               "2030-06-05"],
    "zhongqiu": ["2025-10-06", "2026-09-25", "2027-09-15", "2028-10-03", "2029-09-22",
                 "2030-09-12"],
    "chongyang": ["2025-10-29", "2026-10-18", "2027-10-08", "2028-10-26", "2029-10-16",
                  "2030-10-05"],
}


@pytest.mark.parametrize("key", sorted(PUBLISHED))
def test_lunar_holidays_2025_to_2030(key: str) -> None:
    got = [holiday_date(BY_KEY[key], y).isoformat() for y in range(2025, 2031)]
    assert got == PUBLISHED[key]


def test_solar_holidays() -> None:
    assert holiday_date(BY_KEY["jiandang"], 2027) == date(2027, 7, 1)
    assert holiday_date(BY_KEY["guoqing"], 2026) == date(2026, 10, 1)


def test_lunar_birthday_in_a_leap_month_and_on_day_thirty() -> None:
    # 2025 has a leap sixth month; 2026 has none, so 闰六月初一 falls on 六月初一.
    leap = LunarDate(2025, 6, 1, leap=True)
    assert lunar_birthday(leap, 2025) == date(2025, 7, 25)
    assert lunar_birthday(leap, 2026) == lunar_birthday(LunarDate(2025, 6, 1), 2026)
    # 2026's second lunar month has 29 days: a 二月三十 birthday falls on 二月廿九.
    thirtieth = LunarDate(1950, 2, 30)
    assert lunar_birthday(thirtieth, 2026) == lunar_birthday(LunarDate(1950, 2, 29), 2026)


def test_next_birthday_counts_age_in_its_calendar() -> None:
    p = Person(1, "A1", "甲", None, None, Category.TUIXIU, PartyStatus.MEMBER,
               birth_date="1946-09-09",
               birth_calendar="lunar")
    assert next_birthday(p, date(2026, 10, 1)) == (date(2026, 10, 18), 80)
    solar = dataclasses.replace(p, birth_date="1944-02-29", birth_calendar="solar")
    assert next_birthday(solar, date(2026, 2, 1)) == (date(2026, 2, 28), 82)


# -- weather rules at and just below each threshold --------------------------------------

CFG = WeatherConfig()
TODAY = date(2026, 7, 20)


def day(offset: int, **kw: float) -> DayForecast:
    base = {"t_max": 25.0, "t_min": 18.0, "rain_mm": 0.0, "snow_cm": 0.0, "gust_kmh": 10.0,
            "code": 1}
    base.update(kw)
    return DayForecast(TODAY + timedelta(days=offset), base["t_max"], base["t_min"],
                       base["rain_mm"], base["snow_cm"], base["gust_kmh"], int(base["code"]))


def kinds(*days: DayForecast) -> dict[str, tuple[str, bool]]:
    return {w.kind: (w.text_key, w.severe) for w in warnings_for(list(days), TODAY, CFG)}


@pytest.mark.parametrize(
    ("t_max", "expected"),
    [(34.9, None), (35.0, ("WEATHER_HEAT", False)), (36.9, ("WEATHER_HEAT", False)),
     (37.0, ("WEATHER_HEAT_STRONG", False)), (39.9, ("WEATHER_HEAT_STRONG", False)),
     (40.0, ("WEATHER_HEAT_SEVERE", True))],
)
def test_heat(t_max: float, expected: tuple[str, bool] | None) -> None:
    assert kinds(day(0, t_max=t_max)).get(WeatherKind.HEAT) == expected


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [(12.0, 4.0, True),     # falls 8 to 4: a cold wave
     (11.9, 4.0, False),    # falls 7.9
     (13.0, 4.1, False),    # ends above 4
     (16.0, 4.0, True)],    # falls 12: severe
)
def test_cold_wave(before: float, after: float, expected: bool) -> None:
    found = kinds(day(-1, t_min=before), day(0, t_min=after))
    assert (WeatherKind.COLD_WAVE in found) is expected
    if expected:
        assert found[WeatherKind.COLD_WAVE][1] is (before - after >= 12)


@pytest.mark.parametrize(
    ("kw", "kind", "hit"),
    [({"t_min": -10.0}, WeatherKind.FREEZE, True), ({"t_min": -9.9}, WeatherKind.FREEZE, False),
     ({"gust_kmh": 39.0}, WeatherKind.WIND, True), ({"gust_kmh": 38.9}, WeatherKind.WIND, False),
     ({"rain_mm": 50.0}, WeatherKind.RAIN, True), ({"rain_mm": 49.9}, WeatherKind.RAIN, False),
     ({"code": 73}, WeatherKind.SNOW, True), ({"snow_cm": 0.2}, WeatherKind.SNOW, True),
     ({"code": 3}, WeatherKind.SNOW, False), ({"code": 67}, WeatherKind.SLEET, True),
     ({"code": 45}, WeatherKind.FOG, True), ({"code": 2}, WeatherKind.FOG, False)],
)
def test_other_rules(kw: dict[str, float], kind: str, hit: bool) -> None:
    assert (kind in kinds(day(-1), day(0, **kw))) is hit


@pytest.mark.parametrize(("kmh", "force"), [(0.0, 0), (39.0, 6), (50.0, 7), (61.6, 8),
                                             (62.0, 8), (75.0, 9), (118.0, 12), (250.0, 18)])
def test_wind_is_told_in_force_levels(kmh: float, force: int) -> None:
    assert wind_force(kmh) == force


def test_a_wind_warning_says_ji_not_kilometres() -> None:
    [warning] = warnings_for([day(-1), day(0, gust_kmh=62.0)], TODAY, CFG)
    text = texts.WEATHER_TEXTS[warning.text_key].format(day="今天", value=warning.value)
    assert "阵风8级" in text and "公里" not in text


def test_tomorrow_is_warned_today() -> None:
    found = warnings_for([day(0), day(1, rain_mm=80)], TODAY, CFG)
    assert [(w.kind, w.when) for w in found] == [(WeatherKind.RAIN, "tomorrow")]


# -- the bot ----------------------------------------------------------------------------


def _clock_at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> FrozenClock:
    """A clock stopped at a wall-clock time in Shanghai."""
    return FrozenClock(datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(SHANGHAI)))


async def _start(config: Config, path: Path, clock: FrozenClock,
                 weather: FakeOpenMeteo | None = None) -> BotHarness:
    if weather is not None:
        config = dataclasses.replace(config, weather=dataclasses.replace(
            config.weather, enabled=True, base_url=weather.url, timeout_seconds=0.3))
    fake = FakeBotApi(clock=clock)
    fake.add_group(GROUP_ID, "支部群")
    fake.add_group(COMMITTEE_ID, "支委群")
    return BotHarness(config, path, clock=clock, fake=fake)


async def _group_texts(h: BotHarness) -> list[str]:
    await h.settle()
    return [m.get("text", "") for m in h.fake.bot_messages(GROUP_ID)]


async def _wait_group(h: BotHarness, needle: str) -> None:
    await h.fake.wait_for(lambda: any(needle in m.get("text", "")
                                      for m in h.fake.bot_messages(GROUP_ID)))


async def test_holiday_greeting_once_across_a_restart(config: Config, tmp_path: Path) -> None:
    clock = _clock_at(2026, 10, 18, 7, 0)  # 重阳, an hour before the greeting
    path = tmp_path / "p.db"
    async with await _start(config, path, clock) as h:
        assert (await h.deps.roster.import_rows(demo_data.roster_rows(), actor_tg=None)).ok
        await h.advance_to(datetime(2026, 10, 18, 9, 0, tzinfo=ZoneInfo(SHANGHAI)))
        await _wait_group(h, "重阳")
        greetings = [t for t in await _group_texts(h) if "重阳" in t]
        assert len(greetings) == 1
        await h.fake.wait_for(lambda: any("看望" in m.get("text", "")
                                          for m in h.fake.bot_messages(COMMITTEE_ID)))
        visit_list = next(m["text"] for m in h.fake.bot_messages(COMMITTEE_ID)
                          if "看望" in m["text"])
        assert "请各位组长看望" in visit_list and "许茂林" in visit_list
        assert "行动不便" not in visit_list and "独居" not in visit_list
    clock.advance(timedelta(hours=1))
    async with await _start(config, path, clock) as h:
        await h.run_job("pushes:plan")
        assert not [t for t in await _group_texts(h) if "重阳" in t]
        assert "push:holiday:chongyang:2026-10-18" not in h.job_names()


async def test_a_push_a_crash_left_unconfirmed_is_sent_on_restart(
    config: Config, tmp_path: Path
) -> None:
    path = tmp_path / "p.db"
    key = "holiday:chongyang:2026-10-18"
    clock = _clock_at(2026, 10, 18, 6, 0)
    async with await _start(config, path, clock) as h:
        # What a process killed while sending leaves behind: the claim, no confirmation.
        assert await h.deps.push_repo.claim(key, "holiday", "2026-10-18", "2026-10-18T00:00")
        assert await h.deps.push_repo.sent_between("2026-10-18", "2026-10-18") == []
    clock.set(datetime(2026, 10, 18, 9, 0, tzinfo=ZoneInfo(SHANGHAI)))
    async with await _start(config, path, clock) as h:
        await _wait_group(h, "重阳")
        await h.run_job("pushes:plan")
        assert len([t for t in await _group_texts(h) if "重阳" in t]) == 1
        assert key in await h.deps.push_repo.sent_between("2026-10-18", "2026-10-18")


async def test_catch_up_only_within_the_grace_window(config: Config, tmp_path: Path) -> None:
    late = _clock_at(2027, 1, 1, 13, 59)  # 元旦 08:00 + 5h59: still sent
    async with await _start(config, tmp_path / "a.db", late) as h:
        await _wait_group(h, "元旦")
    too_late = _clock_at(2027, 1, 1, 14, 1)  # 6h01 late: skipped and logged
    async with await _start(config, tmp_path / "b.db", too_late) as h:
        await h.run_job("pushes:plan")
        assert not [t for t in await _group_texts(h) if "元旦" in t]
        assert await h.deps.push_repo.done("holiday:yuandan:2027-01-01") == "skipped"


async def test_future_pushes_are_scheduled_at_their_time(config: Config, tmp_path: Path) -> None:
    clock = _clock_at(2026, 10, 18, 6, 0)
    async with await _start(config, tmp_path / "c.db", clock) as h:
        await h.run_job("pushes:plan")
        planned = {p.key: p for p in await h.deps.scheduler.plan(date(2026, 10, 18))}
        holiday = planned["holiday:chongyang:2026-10-18"]
        assert holiday.when == datetime(2026, 10, 18, 8, 0, tzinfo=ZoneInfo(SHANGHAI))
        assert "push:holiday:chongyang:2026-10-18" in h.job_names()  # waiting for 08:00
        assert not [t for t in await _group_texts(h) if "重阳" in t]
        clock.set(datetime(2026, 10, 18, 0, 0, tzinfo=UTC))  # 08:00 in Shanghai
        await h.run_job("push:holiday:chongyang:2026-10-18")
        assert len([t for t in await _group_texts(h) if "重阳" in t]) == 1


@pytest.fixture
async def weather() -> AsyncIterator[FakeOpenMeteo]:
    async with FakeOpenMeteo() as fake:
        yield fake


async def _weather_day(h: BotHarness, clock: FrozenClock, day: date) -> None:
    """Plan the day just after midnight, then run its weather check at 07:00."""
    tz = h.deps.config.branch.tz
    clock.set(datetime.combine(day, time(0, 5), tzinfo=tz))
    await h.run_job("pushes:plan")
    clock.set(datetime.combine(day, time(7, 0), tzinfo=tz))
    await h.run_job(f"push:weather:{day}")


async def test_weather_warning_not_repeated_while_in_force(
    config: Config, tmp_path: Path, weather: FakeOpenMeteo
) -> None:
    clock = _clock_at(2026, 7, 19, 6, 0)
    weather.forecast = daily_forecast(date(2026, 7, 19), [
        {"t_max": 33, "t_min": 26}, {"t_max": 36, "t_min": 27}, {"t_max": 36, "t_min": 27},
        {"t_max": 34, "t_min": 26}])
    async with await _start(config, tmp_path / "w.db", clock, weather) as h:
        h.deps.sleep = _no_wait
        await _weather_day(h, clock, date(2026, 7, 20))
        texts_ = await _group_texts(h)
        assert sum("高温" in t or "炎热" in t for t in texts_) == 1
        assert "今天最高36℃，天气炎热" in texts_[-1]
        assert weather.requests[-1]["latitude"] == "30.59"
        await _weather_day(h, clock, date(2026, 7, 21))  # still hot: nothing new to say
        assert sum("炎热" in t for t in await _group_texts(h)) == 1


async def _no_wait(seconds: float) -> None:
    return None


async def test_a_gale_is_told_in_ji_in_the_group(
    config: Config, tmp_path: Path, weather: FakeOpenMeteo
) -> None:
    clock = _clock_at(2026, 3, 9, 6, 0)
    weather.forecast = daily_forecast(date(2026, 3, 9), [
        {"t_max": 15, "t_min": 8}, {"t_max": 14, "t_min": 8, "gust": 75.0},
        {"t_max": 14, "t_min": 8}, {"t_max": 14, "t_min": 8}])
    async with await _start(config, tmp_path / "wind.db", clock, weather) as h:
        h.deps.sleep = _no_wait
        await _weather_day(h, clock, date(2026, 3, 10))
        [said] = [t for t in await _group_texts(h) if "大风" in t]
        assert "阵风9级" in said and "公里" not in said, said


async def test_weather_service_failing_is_retried_then_skipped_quietly(
    config: Config, tmp_path: Path, weather: FakeOpenMeteo
) -> None:
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    clock = _clock_at(2026, 7, 19, 6, 0)
    weather.status = 500
    async with await _start(config, tmp_path / "f.db", clock, weather) as h:
        h.deps.sleep = record
        await _weather_day(h, clock, date(2026, 7, 20))
        assert len(weather.requests) == 4 and waits == [1.0, 4.0, 15.0]
        assert not any("天气" in t for t in await _group_texts(h))
        assert not h.fake.bot_messages(COMMITTEE_ID)  # one bad day: say nothing
        weather.status, weather.garbage = 200, True  # next day: an HTML error page
        await _weather_day(h, clock, date(2026, 7, 21))
        weather.garbage, weather.delay = False, 1.0  # and then too slow to answer
        await _weather_day(h, clock, date(2026, 7, 22))
        committee = [m["text"] for m in h.fake.bot_messages(COMMITTEE_ID)]
        assert committee == ["⚠️ 天气服务已连续2天取不到预报，今天的天气提醒没有发出。",
                             "⚠️ 天气服务已连续3天取不到预报，今天的天气提醒没有发出。"]


async def test_severe_weather_asks_for_i_am_safe_and_leaders_follow_up(
    branch: Branch, weather: FakeOpenMeteo
) -> None:
    h = branch.h
    h.deps.config = dataclasses.replace(h.deps.config, weather=dataclasses.replace(
        h.deps.config.weather, enabled=True, base_url=weather.url))
    h.deps.scheduler.config = h.deps.config
    weather.forecast = daily_forecast(date(2026, 11, 22), [
        {"t_max": 12, "t_min": 6}, {"t_max": 8, "t_min": -7}, {"t_max": 5, "t_min": -6}])
    clock = h.clock
    assert isinstance(clock, FrozenClock)
    await _weather_day(h, clock, date(2026, 11, 23))
    warning = branch.last(branch.group)
    assert "寒潮" in warning["text"] and "我平安" in warning["text"]
    zhang = await branch.link("张懋")  # a key service target (离休) in 第一党小组
    branch.fake.press(zhang, warning, "🙋 我平安")
    await h.settle()
    assert branch.fake.toasts_for(zhang) == ["张懋同志，收到，您平安就好！"]
    leader = await branch.link("刘建华")
    await h.run_job("safe:2026-11-23")
    follow = branch.reply(leader)
    assert "还没点「我平安」" in follow and "许茂林" in follow and "张桂兰" in follow
    secretary_list = [m["text"] for m in branch.fake.bot_messages(branch.user("王建国"))]
    assert not any("张懋" in t and "我平安" in t for t in secretary_list)


async def test_birthdays_private_group_and_committee(branch: Branch) -> None:
    h = branch.h
    rows = [{"编号": "Z1", "姓名": "八十寿星", "党小组": "第一党小组（幸福里）", "类别": "退休",
             "政治面貌": "党员", "出生日期": "1946-11-23", "群内祝寿": "是"},
            {"编号": "Z2", "姓名": "低调老人", "党小组": "第一党小组（幸福里）", "类别": "退休",
             "政治面貌": "党员", "出生日期": "1950-11-23", "群内祝寿": "否"}]
    assert (await h.deps.roster.import_rows(rows, actor_tg=None)).ok
    star = branch.fake.add_user(88001, "八十寿星")
    quiet = branch.fake.add_user(88002, "低调老人")
    for user, ext in ((star, "Z1"), (quiet, "Z2")):
        person = await h.deps.people.by_ext_id(ext)
        assert person is not None
        await h.deps.people.link_account(person.id, user.id, at="2026-11-01T00:00:00+00:00",
                                         actor_tg=None, how="test")
        branch.fake.opened_private.add(user.id)
    plan = await h.deps.scheduler.plan(date(2026, 11, 23))
    for p in plan:
        if p.kind.startswith(("birthday", "milestone")):
            assert isinstance(h.clock, FrozenClock)
            h.clock.set(p.when)
            assert h.app is not None and h.app.job_queue is not None
            h.app.job_queue.run_once(run_push, when=3600, name=f"push:{p.key}", data=p)
            await h.run_job(f"push:{p.key}")
    assert "80岁大寿" in branch.reply(star)
    assert "生日快乐" in branch.reply(quiet)
    group = branch.reply(branch.group)
    assert group == "🎂 今天过生日的同志：八十寿星（80岁大寿）。祝他们生日快乐，健康长寿！"
    assert "低调老人" not in group
    assert "八十寿星同志80岁大寿" in branch.reply(branch.committee)


async def test_weekly_digest(branch: Branch) -> None:
    h = branch.h
    leader = await branch.link("刘建华")
    await branch.say(leader, "/flag 许茂林 住院")
    text = await digest_text(h.deps, date(2026, 11, 23))
    assert "住院中：1人（详情请私聊 /care 查看）" in text
    assert "许茂林" not in text.split("住院中")[1].split("\n")[0]
    assert "未绑定（需组长代办）" in text
    assert "行动不便" not in text and "患病" not in text


def test_schedule_command_prints_the_calendar(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[branch]\nname = "测试"\nlatitude = 30.6\nlongitude = 114.3\n'
        f'[chats]\ngroup_chat_id = -100\ncommittee_chat_id = -200\n'
        f'[admins]\nsecretary_ids = [1]\n[storage]\npath = "{tmp_path / "s.db"}"\n',
        encoding="utf-8")
    assert main(["schedule", "--days", "60", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("未来60天的推送（Asia/Shanghai）：")
    assert "天气检查（有预警才发） → 支部群" in out
    assert "每周工作提示 → 支委群" in out
    assert out.count("每周工作提示") in (8, 9)
    # Over more than a year every line says which year.
    assert main(["schedule", "--days", "400", "--config", str(cfg)]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    assert lines and all(re.match(r"\s*20\d\d年\d+月\d+日", line) for line in lines), lines[:3]


async def test_a_failing_push_is_retried_and_sent_once(config: Config, tmp_path: Path) -> None:
    clock = _clock_at(2026, 10, 18, 6, 0)
    async with await _start(config, tmp_path / "r.db", clock) as h:
        await h.run_job("pushes:plan")
        clock.set(datetime(2026, 10, 18, 8, 0, tzinfo=ZoneInfo(SHANGHAI)))
        h.fake.fail("sendMessage", 502, times=1)
        await h.run_job("push:holiday:chongyang:2026-10-18")
        assert not [t for t in await _group_texts(h) if "重阳" in t]
        assert await h.deps.push_repo.done("holiday:chongyang:2026-10-18") is None
        # The retry job waits ten minutes; the other pushes were not held up by it.
        clock.advance(timedelta(minutes=10))
        await h.run_job("push:holiday:chongyang:2026-10-18")
        assert len([t for t in await _group_texts(h) if "重阳" in t]) == 1


async def test_monthly_study_day_is_announced_and_created_as_a_meeting(
    config: Config, tmp_path: Path
) -> None:
    # The first Tuesday of December 2026 is the 1st; it is announced on 28 November.
    clock = _clock_at(2026, 11, 28, 6, 0)
    async with await _start(config, tmp_path / "s.db", clock) as h:
        await h.run_job("pushes:plan")
        [ahead] = [p for p in await h.deps.scheduler.plan(date(2026, 11, 28))
                   if p.kind == "study_ahead"]
        clock.set(ahead.when)
        await h.run_job(f"push:{ahead.key}")
        assert any("12月1日（周二）是本月学习活动日" in t for t in await _group_texts(h))
        [meeting] = await h.deps.meeting_repo.active()
        assert (meeting.kind, meeting.starts_at) == (MeetingKind.STUDY_DAY,
                                                     "2026-12-01T01:30:00+00:00")
        assert f"mtg:{meeting.id}:open" in h.job_names()
