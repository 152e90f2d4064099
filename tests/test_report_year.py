"""The year-end report over a whole seeded year: every figure it shows is computed again
here from the records this test created, and the chart images are read back as pictures
whose bars have the heights the data gives.

The year is made through the services (a year of taps through HTTP would take minutes);
the report is asked for through the fake Bot API like the secretary would.
"""

from __future__ import annotations

import io
import random
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from PIL import Image

from bot import texts
from bot.clock import FrozenClock
from bot.services.charts import BAR, HEIGHT_PX, WIDTH_PX
from bot.services.meetings import Draft
from bot.services.people import is_party_member
from storage.models import VISIT_KINDS, MakeupMethod, MeetingKind, VisitKind
from tests.conftest import SECRETARY_TG, Branch

TZ = ZoneInfo("Asia/Shanghai")


def bar_heights(png: bytes) -> list[int]:
    """The height in pixels of each bar of the chart's colour, left to right."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    colour = tuple(int(BAR[i:i + 2], 16) for i in (1, 3, 5))
    width, height = image.size
    pixels = image.load()
    assert pixels is not None
    columns = [sum(1 for y in range(height) if pixels[x, y] == colour) for x in range(width)]
    bars: list[int] = []
    inside = False
    for count in columns:
        if count and not inside:
            bars.append(0)
        if count:
            bars[-1] = max(bars[-1], count)
        inside = bool(count)
    return bars


async def test_a_seeded_year_reports_what_was_recorded(branch: Branch) -> None:
    h = branch.h
    deps = h.deps
    clock = h.clock
    assert isinstance(clock, FrozenClock)
    secretary = await branch.link("王建国")
    member = await branch.link("尤凤英")
    clock.set(datetime(2026, 1, 2, 9, tzinfo=TZ))
    boss = await deps.access.actor(SECRETARY_TG)
    herself = await deps.access.actor(member.id)
    assert boss.person is not None and herself.person is not None
    people = [p for p in await deps.people.all() if p.active]
    party = [p for p in people if is_party_member(p)]
    rng = random.Random(2026)

    kinds: Counter[str] = Counter()
    month_cells: dict[int, list[int]] = defaultdict(lambda: [0, 0])  # present, expected
    present = proxy = excused = 0
    makeups_done = makeups_total = 0
    visits: Counter[VisitKind] = Counter()
    by_visitor: Counter[str] = Counter()
    money = 0
    for month in range(1, 13):
        plan = [(MeetingKind.STUDY_DAY, people)] + (
            [(MeetingKind.GENERAL, party)] if month % 3 == 0 else [])
        for n, (kind, audience) in enumerate(plan):
            day = date(2026, month, 10 + n)
            clock.set(datetime.combine(day - timedelta(days=1), time(9), tzinfo=TZ))
            m = await deps.meetings.create(
                Draft(kind, None, day, time(9, 30), "活动室", "学习"), boss)
            clock.set(datetime.combine(day, time(9), tzinfo=TZ))
            assert await deps.meetings.mark_open(m)
            kinds[kind] += 1
            for person in audience:
                month_cells[month][1] += 1
                roll = rng.random()
                if person.id == herself.person.id and roll < 0.8:
                    await deps.meetings.check_in(m.id, herself, card=None)
                    present += 1
                    month_cells[month][0] += 1
                elif roll < 0.7:
                    await deps.meetings.proxy(m.id, boss, person.id, "present")
                    present += 1
                    proxy += person.id != boss.person.id  # his own tap is no proxy
                    month_cells[month][0] += 1
                elif roll < 0.8:
                    await deps.meetings.proxy(m.id, boss, person.id, "excused")
                    excused += 1
            clock.set(datetime.combine(day, time(12), tzinfo=TZ))
            assert await deps.meetings.close(m.id, None) is not None
            tasks = await deps.meeting_repo.makeups_for_meeting(m.id)
            makeups_total += len(tasks)
            for task in tasks:
                if rng.random() < 0.6:
                    await deps.meetings.record_makeup(task.id, boss, MakeupMethod.HOME)
                    makeups_done += 1
        clock.set(datetime(2026, month, 25, 18, tzinfo=TZ))
        for _ in range(rng.randint(2, 6)):
            visit_kind = rng.choice(VISIT_KINDS)
            who = rng.sample(people, rng.randint(1, 2))
            amount = rng.choice([None, 200, 500]) if visit_kind == VisitKind.HOLIDAY else None
            await deps.care.log_visit(boss, who, visit_kind, date(2026, month, rng.randint(1, 25)),
                                      money_yuan=amount)
            visits[visit_kind] += len(who)
            by_visitor["王建国"] += len(who)
            money += (amount or 0) * len(who)

    collected = 0
    for month, person in ((2, party[0]), (5, party[1]), (9, party[0])):
        clock.set(datetime(2026, month, 3, 10, tzinfo=TZ))
        await deps.dues.pay(boss, person, f"{month}月", "20", "现金")
        collected += 2000
    await deps.dues.spend(boss, "150", "订阅党刊", "支委会")

    clock.set(datetime(2026, 12, 31, 20, tzinfo=TZ))
    await branch.say(secretary, "/report 2026")
    text = next(m["text"] for m in reversed(branch.fake.bot_messages(secretary))
                if m.get("text", "").startswith("📊"))
    expected = sum(cell[1] for cell in month_cells.values())
    total = sum(kinds.values())
    assert f"召开会议：{total}次（学习活动日12、支部党员大会4）" in text
    assert f"出勤率（含代签）：{present / expected:.0%}（{present}/{expected}）" in text
    assert f"其中代签 / 请假：{proxy} / {excused}" in text
    assert f"补课完成 / 应补：{makeups_done} / {makeups_total}" in text
    assert f"走访慰问：{sum(visits.values())}次" in text
    home = sum(visits.values()) - visits[VisitKind.PHONE] - visits[VisitKind.HOSPITAL]
    assert (f"入户走访 / 住院探望 / 生日祝寿：{home} / {visits[VisitKind.HOSPITAL]} / "
            f"{visits[VisitKind.BIRTHDAY]}") in text
    assert f"慰问金：{money}元" in text
    assert f"党费收 / 支：{collected / 100:.2f}元 / 150.00元" in text
    assert f"各人走访次数：王建国{by_visitor['王建国']}" in text
    assert makeups_total == expected - present  # everyone expected who did not come

    wb = load_workbook(io.BytesIO(branch.fake.uploads["2026年工作报告.xlsx"]))
    sheet = {row[0]: row[1] for row in wb["出勤率"].iter_rows(min_row=2, values_only=True)}
    assert sheet == {f"{month}月": round(p / e * 100, 1)
                     for month, (p, e) in sorted(month_cells.items())}
    rows = list(wb["走访"].iter_rows(min_row=2, values_only=True))
    shown = dict(rows[:rows.index((None, None))])
    assert shown == {texts.VISIT_KIND[k]: n for k, n in visits.items()}

    photos = [m for m in branch.fake.bot_messages(secretary) if m.get("photo")]
    assert len(photos) == 2
    attendance = branch.fake.uploads["2026年各月出勤率.png"]
    assert Image.open(io.BytesIO(attendance)).format == "PNG"
    assert Image.open(io.BytesIO(attendance)).size == (WIDTH_PX, HEIGHT_PX)
    # Twelve bars whose heights follow the monthly rates (to the pixel, give or take).
    heights = bar_heights(attendance)
    rates = [p / e for _, (p, e) in sorted(month_cells.items())]
    assert len(heights) == 12
    for pixels, rate in zip(heights, rates, strict=True):
        assert abs(pixels / max(heights) - rate / max(rates)) < 0.02, (heights, rates)
    by_kind = branch.fake.uploads["2026年走访慰问.png"]
    assert Image.open(io.BytesIO(by_kind)).size == (WIDTH_PX, HEIGHT_PX)
    # Horizontal bars: measured sideways, longest for the most frequent kind.
    widths = bar_heights(_rotated_png(by_kind))
    counts = sorted(visits.values(), reverse=True)
    assert len(widths) == len(visits)
    for pixels, count in zip(widths, counts, strict=True):
        assert abs(pixels / max(widths) - count / counts[0]) < 0.02, (widths, counts)


def _rotated_png(png: bytes) -> bytes:
    """The picture turned a quarter left, so horizontal bars stand up, largest first."""
    buffer = io.BytesIO()
    Image.open(io.BytesIO(png)).rotate(90, expand=True).save(buffer, format="PNG")
    return buffer.getvalue()
