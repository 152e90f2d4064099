"""Telegram failing under the bot: the error handler, and waiting out 429."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import aiosqlite
import pytest

from bot import texts
from tests.conftest import Branch, has_phone


async def test_a_failing_handler_is_logged_reported_and_apologised_for(
    branch: Branch, caplog: pytest.LogCaptureFixture
) -> None:
    zhang = await branch.link("张懋")
    # Telegram refuses the reply to /card once, as it would a bug of ours: the handler
    # raises.
    branch.fake.fail("sendMessage", 400, times=1, description="Bad Request: can't parse")
    with caplog.at_level(logging.ERROR, logger="bot.handlers.errors"):
        await branch.say(zhang, "/card")
    assert any("command /card" in r.getMessage() and r.exc_info for r in caplog.records)
    committee = branch.reply(branch.committee)
    assert committee == "⚠️ 支部助手出错：BadRequest（command /card）。详情见日志。"
    assert branch.reply(zhang) == "出了点问题，请稍后再试。"


@pytest.mark.parametrize("status", [500, 502])
async def test_telegram_failing_once_is_logged_not_reported(
    branch: Branch, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    # A 5xx or a timeout from Telegram is Telegram's passing trouble: the committee can do
    # nothing about it, so it is logged and the user is asked to try again.
    zhang = await branch.link("张懋")
    branch.fake.fail("sendMessage", status, times=1)
    with caplog.at_level(logging.WARNING, logger="bot.handlers.errors"):
        await branch.say(zhang, "/card")
    assert any("Telegram did not answer while handling command /card" in r.getMessage()
               for r in caplog.records)
    assert branch.fake.bot_messages(branch.committee) == []
    assert branch.reply(zhang) == "出了点问题，请稍后再试。"


async def test_a_button_press_delivered_twice_is_not_an_error(branch: Branch) -> None:
    # Telegram may deliver an update again (and the inbox replays one after a crash):
    # the second answer to the same press is refused with "Query is too old" (PTB
    # capitalises it), which is expected and must not alarm the committee.
    secretary = await branch.link("王建国")
    member = await branch.link("尤凤英")
    await branch.arrange(secretary, "/meeting 学习活动日 12月5日 9:30 礼堂 学习")
    [m] = await branch.h.deps.meeting_repo.active()
    branch.h.clock.set(branch.h.deps.meetings.opens_at(m))
    await branch.run_job(f"mtg:{m.id}:open")
    committee_before = len(branch.fake.bot_messages(branch.committee))
    branch.fake.chaos(1, duplicate=1.0)
    branch.fake.press(member, branch.last(branch.group), "✅ 签到")
    await branch.h.settle()
    assert branch.fake.injected["duplicate_update"] == 1
    assert len(branch.fake.bot_messages(branch.committee)) == committee_before
    assert len(await branch.h.deps.meeting_repo.attendance(m.id)) == 1


async def test_error_report_to_the_committee_has_no_personal_data(branch: Branch) -> None:
    zhang = await branch.link("张懋")
    branch.fake.fail("sendMessage", 400, times=1, description="Bad Request: can't parse")
    await branch.say(zhang, "/me")
    report = branch.reply(branch.committee)
    assert "张懋" not in report and not has_phone(report)


async def test_429_is_waited_out_and_the_reply_arrives(
    branch: Branch, limiter_waits: list[float]
) -> None:
    zhang = await branch.link("张懋")
    sent_before = len(branch.fake.calls_of("sendMessage"))
    branch.fake.fail("sendMessage", 429, times=2, retry_after=7)
    await branch.say(zhang, "/card")
    calls = branch.fake.calls_of("sendMessage")[sent_before:]
    assert [c.ok for c in calls] == [False, False, True]
    assert limiter_waits == [pytest.approx(7.1), pytest.approx(7.1)]
    assert "亲情服务卡" in branch.reply(zhang)


async def test_read_only_database_is_reported_and_nothing_is_half_written(
    branch: Branch,
) -> None:
    member = branch.user("李秀英")
    await branch.say(member, "/start")
    conn = branch.h.deps.db.connection
    await conn.execute("PRAGMA query_only = ON")  # as if the disk went read-only
    branch.fake.share_contact(member, "19900000003")
    await branch.h.settle()
    assert branch.reply(branch.committee) == (
        "⚠️ 数据库变成了只读，刚才的操作没有保存。请检查文件权限或磁盘。")
    assert branch.reply(member) == "出了点问题，请稍后再试。"
    await conn.execute("PRAGMA query_only = OFF")
    assert await branch.h.deps.people.by_tg_user(member.id) is None
    branch.fake.share_contact(member, "19900000003")  # tried again once it is fixed
    await branch.h.settle()
    assert "绑定成功" in branch.reply(member)


async def _fill(conn: aiosqlite.Connection, size: int) -> None:
    for _ in range(10_000):
        await conn.execute("INSERT INTO audit_log (at, action, detail) VALUES ('', '', ?)",
                           ("x" * size,))


async def test_full_disk_is_reported_and_nothing_is_half_written(branch: Branch) -> None:
    member = branch.user("李秀英")
    await branch.say(member, "/start")
    conn = branch.h.deps.db.connection
    # The disk fills up: the database may not grow by a page more. Every change writes
    # an audit row, so fill the audit table's last page (and any free pages) first.
    [[pages]] = await conn.execute_fetchall("PRAGMA page_count")
    await conn.execute(f"PRAGMA max_page_count = {pages}")
    for size in (500, 50, 0):  # big rows, then ever smaller, until not a byte is left
        with pytest.raises(sqlite3.OperationalError, match="full"):
            await _fill(conn, size)
    branch.fake.share_contact(member, "19900000003")
    await branch.h.settle()
    assert branch.reply(branch.committee) == texts.DB_DISK_FULL
    assert branch.reply(member) == "出了点问题，请稍后再试。"
    assert await branch.h.deps.people.by_tg_user(member.id) is None  # nothing half-done
    [[check]] = await conn.execute_fetchall("PRAGMA integrity_check")
    assert check == "ok"
    await conn.execute("PRAGMA max_page_count = 1073741823")  # space freed
    branch.fake.share_contact(member, "19900000003")
    await branch.h.settle()
    assert "绑定成功" in branch.reply(member)


async def test_locked_database_is_reported(branch: Branch, tmp_path: Path) -> None:
    member = branch.user("李秀英")
    await branch.say(member, "/start")
    db = branch.h.deps.db
    db.busy_ms = 50  # what a tap's statement waits for again, after its first try
    await db.connection.execute(f"PRAGMA busy_timeout = {db.busy_ms}")
    other = sqlite3.connect(branch.h.config.storage.path)  # type: ignore[union-attr]
    other.execute("BEGIN EXCLUSIVE")
    try:
        branch.fake.share_contact(member, "19900000003")
        await branch.h.settle()
    finally:
        other.rollback()
        other.close()
    assert "数据库被别的程序占用" in branch.reply(branch.committee)
