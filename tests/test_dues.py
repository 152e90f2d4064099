"""党费: rates, payments by the secretary or a leader, arrears per role, the statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.clock import FrozenClock
from bot.services.dues import DuesError, parse_months, parse_yuan
from bot.services.problems import Problem
from storage.db import Database
from storage.dues import DuesRepo, Payment
from storage.people import PeopleRepo
from tests.conftest import Branch


def test_amounts_and_months_are_parsed_or_refused() -> None:
    assert (parse_yuan("120"), parse_yuan("8.5"), parse_yuan("8.50元")) == (12000, 850, 850)
    assert parse_months("1-6月", 2026) == ("2026-01", "2026-06")
    assert parse_months("全年", 2026) == ("2026-01", "2026-12")
    for bad in ("abc", "-5", "1.234"):
        with pytest.raises(DuesError) as refused:
            parse_yuan(bad)
        assert refused.value.problem is Problem.DUES_BAD_AMOUNT


async def test_dues_ledger_per_role(branch: Branch) -> None:
    clock = branch.h.clock
    assert isinstance(clock, FrozenClock)
    clock.set(datetime(2026, 6, 15, 2, 0, tzinfo=UTC))  # June: six months due so far
    secretary = await branch.link("王建国")
    leader = await branch.link("刘建华")
    member = await branch.link("尤凤英")
    for name in ("尤凤英", "孔繁荣"):
        await branch.say(secretary, f"/dues {name} 标准 20")
    assert "已设定孔繁荣同志每月党费20.00元" in branch.reply(secretary)
    await branch.say(secretary, "/dues 严德明 标准 20")  # 民主党派: no Party dues
    assert "不需要交党费" in branch.reply(secretary)
    await branch.say(leader, "/dues 尤凤英 交 1-6月 120 现金")
    assert "已记录：尤凤英 2026-01至2026-06 共120.00元（现金）" in branch.reply(leader)
    await branch.say(member, "/dues 孔繁荣 交 1-6月 120")  # a member may not record
    assert "不在您负责的党小组里" in branch.reply(member)
    await branch.say(secretary, "/dues 孔繁荣 交 1-3月 60 微信")
    await branch.say(secretary, "/dues 支出 50 慰问品 王建国")
    await branch.say(member, "/dues")
    assert branch.reply(member) == "您2026年的党费：每月20.00元，已交6个月。都已交清，谢谢！"
    await branch.say(leader, "/dues")
    group_view = branch.reply(leader)
    assert "孔繁荣：4、5、6月未交，60.00元" in group_view and "尤凤英" not in group_view
    await branch.say(secretary, "/dues")
    statement = branch.reply(secretary)
    assert "6月：收180.00元，支50.00元" in statement
    assert "合计：收180.00元，支50.00元，结余130.00元。" in statement


async def test_months_covered_are_counted_in_sql_as_the_payments_say(db: Database) -> None:
    """`DuesRepo.covered_months` (SQL) against the rule written out: a month of the year is
    paid when some payment's range holds it; ranges may cross the year or overlap."""
    people = PeopleRepo(db)
    ids = []
    for n in range(3):
        pid = await people.add(f"X{n}", f"测试{n}", None, "tuixiu", "member",
                               at="2026-01-01T00:00:00+00:00", actor_tg=1)
        assert pid is not None
        ids.append(pid)
    repo = DuesRepo(db)
    ranges = [(ids[0], "2025-11", "2026-02"), (ids[0], "2026-02", "2026-04"),
              (ids[1], "2026-12", "2027-03"), (ids[1], "2024-01", "2024-12"),
              (ids[2], "2027-01", "2027-12")]
    for pid, start, end in ranges:
        await repo.pay(Payment(pid, "2026-01-05", start, end, 100, "现金"), recorded_by=pid,
                       at="2026-01-05T00:00:00+00:00", actor_tg=1)
    expected = {pid: {m for m in range(1, 13) for p, a, b in ranges
                      if p == pid and a <= f"2026-{m:02d}" <= b} for pid in ids}
    assert await repo.covered_months(2026) == {k: v for k, v in expected.items() if v}
    assert await repo.covered_months(2026) == {ids[0]: {1, 2, 3, 4}, ids[1]: {12}}
