"""Visits and care (四必访) through the fake Bot API, with the clock set by the test.

In the sample branch 刘建华 leads 第三党小组（东湖花园） (许茂林 离休 and 行动不便,
张桂兰 独居), 李平 leads 第二党小组, and 王建国 is the secretary.
"""

from __future__ import annotations

from datetime import date, timedelta

from bot.clock import FrozenClock
from bot.testing.fakeapi import FakeUser
from storage.models import CareFlag, Person, VisitKind
from tests.conftest import Branch

# 离休, 80 or older (at the end of 2026 and early in 2027), or any care flag:
KEY_TARGETS = sorted(["张懋", "李秀英", "赵德顺", "周桂芬", "陈素华", "褚光明", "沈月娥", "韩立新",
                      "朱宝山", "许茂林", "尤凤英", "吕振国", "张桂兰"])


def clock(b: Branch) -> FrozenClock:
    assert isinstance(b.h.clock, FrozenClock)
    return b.h.clock


async def person(b: Branch, name: str) -> Person:
    found = await b.h.deps.people.by_name(name)
    assert len(found) == 1
    return found[0]


async def press(b: Branch, who: FakeUser, label: str) -> None:
    b.fake.press(who, b.last(who), label)
    await b.h.settle()


async def tasks_of(b: Branch, name: str) -> list[tuple[str, str]]:
    p = await person(b, name)
    return [(t.kind, t.due_on) for t in await b.h.deps.visit_repo.open_tasks()
            if t.person_id == p.id]


async def test_visit_logged_through_the_guided_flow(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/visit")
    assert "走访了谁" in branch.reply(leader)
    await press(branch, leader, "许茂林")
    await press(branch, leader, "✔️ 许茂林")  # tapping again unselects
    await press(branch, leader, "下一步 ➡️")
    assert "请至少选一位" in branch.reply(leader)
    branch.fake.press(leader, branch.fake.bot_messages(leader)[-2], "许茂林")
    await branch.h.settle()
    await press(branch, leader, "下一步 ➡️")
    assert "哪一类" in branch.reply(leader)
    await press(branch, leader, "↩️ 返回")  # back to the people, choice kept
    assert "✔️ 许茂林" in str(branch.last(leader)["reply_markup"])
    await press(branch, leader, "下一步 ➡️")
    await press(branch, leader, "日常走访")
    await press(branch, leader, "今天")
    await branch.say(leader, "李平")
    await branch.say(leader, "精神很好，腿脚不便")
    await branch.say(leader, "水果一箱 200元")
    summary = branch.reply(leader)
    assert "对象：许茂林" in summary and "慰问金：200元" in summary
    await press(branch, leader, "✅ 保存")
    assert "已记录1条走访" in branch.reply(leader)
    xu = await person(branch, "许茂林")
    [visit] = await branch.h.deps.visit_repo.visits_of(xu.id)
    assert (visit.kind, visit.visited_on, visit.companions, visit.notes, visit.gifts,
            visit.money_yuan) == (VisitKind.ROUTINE, "2026-11-22", "李平", "精神很好，腿脚不便",
                                  "水果一箱", 200)


async def test_several_people_found_by_name_in_one_visit(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/visit")
    await press(branch, secretary, "张懋")
    await branch.say(secretary, "张桂兰")  # another group: found by typing the name
    await press(branch, secretary, "张桂兰")
    await press(branch, secretary, "下一步 ➡️")
    await press(branch, secretary, "节日慰问")
    await press(branch, secretary, "昨天")
    for _ in range(3):
        await press(branch, secretary, branch.last(secretary)["reply_markup"]
                    ["inline_keyboard"][0][0]["text"])  # 只有我 / 跳过 / 跳过
    await press(branch, secretary, "✅ 保存")
    assert "已记录2条走访" in branch.reply(secretary)
    visits = await branch.h.deps.visit_repo.visits_between("2026-11-21", "2026-11-22")
    assert sorted(v.person_id for v in visits) == sorted(
        [(await person(branch, "张懋")).id, (await person(branch, "张桂兰")).id])


async def test_cancel_and_expiry_write_nothing(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/visit")
    await press(branch, leader, "许茂林")
    await press(branch, leader, "❌ 取消")
    assert "已取消，没有保存" in branch.reply(leader)
    await branch.say(leader, "/visit")
    await press(branch, leader, "许茂林")
    await press(branch, leader, "下一步 ➡️")
    await branch.run_job("_trigger_timeout")  # ten minutes pass without a step
    assert "已取消，没有保存" in branch.reply(leader)
    assert await branch.h.deps.visit_repo.visits_between("2000-01-01", "2100-01-01") == []


async def test_future_visit_date_is_refused(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/visit")
    await press(branch, leader, "许茂林")
    await press(branch, leader, "下一步 ➡️")
    await press(branch, leader, "电话联系")
    await branch.say(leader, "明天")
    assert "这个日期还没到" in branch.reply(leader)


async def test_hospital_task_raised_once_and_closed_by_its_visit(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/flag 许茂林 住院")
    assert "已生成走访任务：住院探望" in branch.reply(leader)
    task_msg = next(m for m in reversed(branch.fake.bot_messages(leader))
                    if "许茂林同志住院了" in m["text"])
    await branch.say(leader, "/flag 许茂林 住院")  # said twice: still one task
    assert await tasks_of(branch, "许茂林") == [(VisitKind.HOSPITAL, "2026-11-25")]
    branch.fake.press(leader, task_msg, "📝 记录走访")
    await branch.h.settle()
    assert "哪天去的" in branch.reply(leader)  # person and type already filled in
    await press(branch, leader, "今天")
    for label in ("只有我", "跳过", "跳过", "✅ 保存"):
        await press(branch, leader, label)
    assert "已记录1条走访" in branch.reply(leader)
    assert await tasks_of(branch, "许茂林") == []
    xu = await person(branch, "许茂林")
    # in hospital until 出院 is recorded
    assert xu.care_flags == (CareFlag.FRAIL, CareFlag.HOSPITAL)


async def test_member_reports_his_own_hospital_stay(branch: Branch) -> None:
    member = await branch.link("何秀兰")
    leader = await branch.link("刘建华")
    await branch.say(member, "/helpme")
    await press(branch, member, "🏥 我住院了")
    assert "祝您早日康复" in branch.reply(member)
    assert "何秀兰同志住院了" in branch.reply(leader)
    assert await tasks_of(branch, "何秀兰") == [(VisitKind.HOSPITAL, "2026-11-25")]
    for msg in branch.fake.bot_messages(branch.group) + branch.fake.bot_messages(
            branch.committee):
        assert "住院" not in msg["text"]


async def test_hardship_and_death_triggers(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/flag 吕振国 困难")
    assert await tasks_of(branch, "吕振国") == [(VisitKind.HARDSHIP, "2026-11-29")]
    await branch.say(leader, "/flag 吕振国 去世 11月20日")
    assert "已记录吕振国同志于11月20日（周五）去世" in branch.reply(leader)
    # The hardship visit is moot; the 善后 checklist remains.
    assert await tasks_of(branch, "吕振国") == [(VisitKind.FUNERAL, "2026-11-22"),
                                             (VisitKind.BEREAVEMENT, "2026-11-23"),
                                             (VisitKind.SURVIVOR, "2026-12-20")]
    lv = await person(branch, "吕振国")
    assert lv.archived and lv.deceased_on == "2026-11-20"
    await branch.say(leader, "/flag 吕振国 去世 11月20日")
    assert "已经记录过了" in branch.reply(leader)


async def test_a_deceased_member_gets_nothing_afterwards(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    member = await branch.link("尤凤英")
    await branch.say(leader, "/flag 尤凤英 去世 今天")
    sent_before = len(branch.fake.bot_messages(member))
    # A meeting, its reminders, the morning round: none of it reaches her or names her.
    await branch.arrange(leader, "/meeting 党小组会 12月5日 9:30 活动室 学习")
    m = (await branch.h.deps.meeting_repo.active())[0]
    assert "尤凤英" not in [p.name for p in await branch.h.deps.meetings.expected(m)]
    clock(branch).set(branch.h.deps.meetings.eve_reminder_at(m))
    await branch.run_job(f"mtg:{m.id}:eve")
    clock(branch).advance(timedelta(days=200))
    await branch.run_job("care:daily")
    assert len(branch.fake.bot_messages(member)) == sent_before
    you = await person(branch, "尤凤英")
    tasks = [t for t in await branch.h.deps.visit_repo.open_tasks() if t.person_id == you.id]
    assert [t.kind for t in tasks] == [VisitKind.FUNERAL, VisitKind.BEREAVEMENT,
                                       VisitKind.SURVIVOR]
    await branch.say(member, "/card")
    assert "还没有绑定身份" in branch.reply(member)


async def test_milestone_birthday_task_once(branch: Branch) -> None:
    rows = [{"编号": "C011", "姓名": "满八十", "党小组": "第三党小组（东湖花园）", "类别": "退休",
             "政治面貌": "党员", "出生日期": "1946-11-30"},
            {"编号": "C012", "姓名": "七十九", "党小组": "第三党小组（东湖花园）", "类别": "退休",
             "政治面貌": "党员", "出生日期": "1947-11-30"}]
    assert (await branch.h.deps.roster.import_rows(rows, actor_tg=None)).ok
    await branch.link("刘建华")
    await branch.run_job("care:daily")
    await branch.run_job("care:daily")
    assert await tasks_of(branch, "满八十") == [(VisitKind.BIRTHDAY, "2026-11-30")]
    assert await tasks_of(branch, "七十九") == []
    assert any("生日祝寿 满八十" in m["text"]
               for m in branch.fake.bot_messages(branch.user("刘建华")))


async def test_chunjie_visits_for_key_targets_in_the_week_before(branch: Branch) -> None:
    # 春节 2027 is 6 February; the round of 1 February raises the holiday visits.
    clock(branch).set(clock(branch).now() + (date(2027, 2, 1) - date(2026, 11, 22)))
    await branch.run_job("care:daily")
    holiday = [t for t in await branch.h.deps.visit_repo.open_tasks()
               if t.kind == VisitKind.HOLIDAY]
    people = {p.id: p for p in await branch.h.deps.people.all()}
    names = sorted(people[t.person_id].name for t in holiday)
    assert names == KEY_TARGETS
    assert all(t.due_on == "2027-02-06" for t in holiday)
    await branch.run_job("care:daily")  # the next morning's round raises no duplicates
    again = [t for t in await branch.h.deps.visit_repo.open_tasks() if t.kind == VisitKind.HOLIDAY]
    assert len(again) == len(holiday)


async def test_contact_interval_raises_phone_tasks(branch: Branch) -> None:
    clock(branch).advance(timedelta(days=31))
    await branch.run_job("care:daily")
    people = {p.id: p.name for p in await branch.h.deps.people.all()}
    contact = sorted(people[t.person_id] for t in await branch.h.deps.visit_repo.open_tasks()
                     if t.kind == VisitKind.PHONE)
    assert contact == KEY_TARGETS  # everyone else is due after 90 days, not 30
    today = branch.h.deps.care.today()
    # A phone call closes the task; a visit would too.
    leader = await branch.link("刘建华")
    await branch.say(leader, "/visit")
    await press(branch, leader, "许茂林")
    await press(branch, leader, "下一步 ➡️")
    await press(branch, leader, "电话联系")
    await press(branch, leader, "今天")
    for label in ("只有我", "跳过", "跳过", "✅ 保存"):
        await press(branch, leader, label)
    assert (VisitKind.PHONE, today.isoformat()) not in await tasks_of(branch, "许茂林")


async def test_overdue_reminder_then_escalation_once(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    secretary = await branch.link("王建国")
    await branch.say(leader, "/flag 许茂林 住院")  # due 11-25
    clock(branch).set(clock(branch).now() + timedelta(days=4))  # 11-26: one day late
    await branch.run_job("care:daily")
    assert "已过期" in branch.reply(leader) and "住院探望 许茂林" in branch.reply(leader)
    secretary_count = len(branch.fake.bot_messages(secretary))
    clock(branch).advance(timedelta(days=2))  # three days late
    await branch.run_job("care:daily")
    escalation = branch.reply(secretary)
    assert "已过期3天以上" in escalation and "负责：刘建华" in escalation
    assert len(branch.fake.bot_messages(secretary)) == secretary_count + 1
    clock(branch).advance(timedelta(days=1))
    await branch.run_job("care:daily")
    assert not any("已过期3天以上" in m["text"]
                   for m in branch.fake.bot_messages(secretary)[secretary_count + 1:])


async def ask_for_help(branch: Branch, member: FakeUser, kind: str, words: str) -> None:
    """What a member does: /helpme, 🙋 我需要帮助, the kind, then a few words."""
    await branch.say(member, "/helpme")
    await press(branch, member, "🙋 我需要帮助")
    await press(branch, member, kind)
    await branch.say(member, words)


async def test_help_request_reaches_the_leader_and_escalates(branch: Branch) -> None:
    member = await branch.link("孔繁荣")
    leader = await branch.link("刘建华")
    secretary = await branch.link("王建国")
    await ask_for_help(branch, member, "🏠 生活", "水管坏了")
    assert "已经告诉您的党小组长刘建华了" in branch.reply(member)
    notice = branch.last(leader)
    assert "孔繁荣同志需要帮助（生活）：水管坏了" in notice["text"]
    request = (await branch.h.deps.visit_repo.open_help())[0]
    clock(branch).advance(timedelta(hours=24))
    await branch.run_job(f"help:{request.id}")
    assert "组长还没有联系" in branch.reply(secretary)
    branch.fake.press(leader, notice, "☎️ 已联系")
    await branch.h.settle()
    assert branch.fake.toasts_for(leader)[-1] == "已记录：您联系了孔繁荣。"
    assert await branch.h.deps.visit_repo.open_help() == []


async def test_acknowledged_help_is_not_escalated(branch: Branch) -> None:
    member = await branch.link("孔繁荣")
    leader = await branch.link("刘建华")
    secretary = await branch.link("王建国")
    await branch.say(member, "/helpme")
    await press(branch, member, "🙋 我需要帮助")
    await press(branch, member, "🏥 就医")
    await press(branch, member, "跳过")
    press_on = branch.last(leader)
    branch.fake.press(leader, press_on, "☎️ 已联系")
    await branch.h.settle()
    before = len(branch.fake.bot_messages(secretary))
    request_id = max(int(n.split(":")[1]) for n in branch.job_names() if n.startswith("help:"))
    await branch.run_job(f"help:{request_id}")
    assert len(branch.fake.bot_messages(secretary)) == before


async def test_care_list_puts_the_most_urgent_first(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/flag 张桂兰 住院")
    clock(branch).advance(timedelta(days=5))
    await branch.say(leader, "/care")
    lines = branch.reply(leader).splitlines()
    assert lines[1] == "⏰ 张桂兰：住院探望已过期2天"
    assert lines[2] == "🏥 张桂兰：住院第6天"
    assert all("张懋" not in line for line in lines)  # another group


async def test_visits_per_role_and_notes_privacy(branch: Branch) -> None:
    other_leader = await branch.link("李平")
    await branch.say(other_leader, "/visit")
    await press(branch, other_leader, "陈素华")
    await press(branch, other_leader, "下一步 ➡️")
    await press(branch, other_leader, "困难帮扶")
    await press(branch, other_leader, "今天")
    await press(branch, other_leader, "只有我")
    await branch.say(other_leader, "家里经济困难，需要补助")
    await branch.say(other_leader, "米面油 500元")
    await press(branch, other_leader, "✅ 保存")
    leader = await branch.link("刘建华")  # another group's leader
    await branch.say(leader, "/visits 陈素华")
    assert "家里经济困难" not in branch.reply(leader)
    assert "500" not in branch.reply(leader)
    committee = await branch.link("卫红梅")
    await branch.say(committee, "/visits 陈素华")
    text = branch.reply(committee)
    # A committee member of another group sees that 李平 visited, not why: the kind of
    # visit names the hardship, and only the secretary, her leader and the visitor see it.
    assert "探望（李平）" in text and "困难" not in text
    assert "家里经济困难" not in text and "500元" not in text
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/visits 陈素华")
    text = branch.reply(secretary)
    assert "情况：家里经济困难，需要补助" in text and "米面油、500元" in text
    await branch.say(other_leader, "/visits 陈素华")
    assert "情况：家里经济困难" in branch.reply(other_leader)
    await branch.say(secretary, "/visits")
    year = branch.reply(secretary)
    assert "困难帮扶：1次" in year and "慰问金共500元" in year and "李平：1次" in year
    member = await branch.link("李秀英")
    await branch.say(member, "/visits 陈素华")
    assert "这项功能只对" in branch.reply(member)
    for msg in branch.fake.bot_messages(branch.group) + branch.fake.bot_messages(
            branch.committee):
        assert "困难" not in msg["text"] and "500" not in msg["text"]


async def test_a_long_visit_history_arrives_whole_in_several_messages(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    deps = branch.h.deps
    [person] = [p for p in await deps.people.all() if p.name == "赵德顺"]
    [recorder] = [p for p in await deps.people.all() if p.name == "王建国"]
    notes = [f"第{i}次：" + "老人身体情况稳定，聊了家常，嘱咐按时吃药。" * 45 for i in range(1, 6)]
    for i, note in enumerate(notes, 1):
        await deps.visit_repo.log_visits(
            [person.id], kind=VisitKind.HARDSHIP, visited_on=f"2026-11-0{i}",
            recorded_by=recorder.id,
            companions=None, notes=note, gifts=None, money_yuan=None, task_id=None,
            at=f"2026-11-0{i}T02:00:00+00:00")
    before = len(branch.fake.bot_messages(secretary))
    await branch.say(secretary, "/visits 赵德顺")
    replies = [m["text"] for m in branch.fake.bot_messages(secretary)[before:]]
    assert len(replies) >= 2 and all(len(r) <= 4096 for r in replies), [len(r) for r in replies]
    assert "出了点问题" not in "".join(replies)
    whole = "\n".join(replies)
    for i in range(1, 6):
        assert f"第{i}次" in whole


async def test_help_request_whose_notice_fails_is_still_escalated_and_saved(
    branch: Branch,
) -> None:
    member = await branch.link("孔繁荣")
    await branch.link("刘建华")
    await branch.say(member, "/helpme")
    await press(branch, member, "🙋 我需要帮助")
    await press(branch, member, "🏠 生活")
    # Telegram refuses the leader's notice (a 500 the rate limiter does not retry).
    branch.fake.fail("sendMessage", 500, times=1)
    await branch.say(member, "水管坏了")
    [request] = await branch.h.deps.visit_repo.open_help()
    assert f"help:{request.id}" in branch.job_names()
    assert "出了点问题" not in branch.reply(member)


async def test_a_reply_that_fails_after_the_deed_was_saved_says_it_was_saved(
    branch: Branch,
) -> None:
    member = await branch.link("孔繁荣")
    branch.fake.fail("sendMessage", 400, times=1, description="Bad Request: 偶发错误")
    await branch.say(member, "/deed 帮邻居修好了水管")
    assert "已经保存好了" in branch.reply(member), branch.reply(member)
    rows = await branch.h.deps.db.fetchall("SELECT COUNT(*) FROM good_deeds")
    assert rows[0][0] == 1


async def test_a_hospital_stay_is_not_told_by_the_kind_of_visit(branch: Branch) -> None:
    """The audit's case: a committee member of another group looked up 许茂林's visits and
    read 「住院探望（刘建华）」. The rule (`Actor.may_see_private`): the kind of a hospital or
    hardship visit is a private detail like its notes."""
    leader = await branch.link("刘建华")
    await branch.say(leader, "/flag 许茂林 住院")
    deps = branch.h.deps
    xu = await deps.people.by_ext_id("C003")
    liu = await deps.people.by_ext_id("C001")
    assert xu is not None and liu is not None
    await deps.visit_repo.log_visits(
        [xu.id], kind=VisitKind.HOSPITAL, visited_on="2026-11-20", recorded_by=liu.id,
        companions=None, notes="术后恢复中", gifts=None, money_yuan=None, task_id=None,
        at="2026-11-20T02:00:00+00:00")
    committee = await branch.link("卫红梅")  # 支委, in 第二党小组
    await branch.say(committee, "/visits 许茂林")
    text = branch.reply(committee)
    assert "探望（刘建华）" in text and "住院" not in text and "术后" not in text
    await branch.say(committee, "/roster 许茂林")
    assert "住院" not in branch.reply(committee)
    await branch.say(leader, "/visits 许茂林")
    assert "住院探望（刘建华）" in branch.reply(leader) and "术后恢复中" in branch.reply(leader)


async def test_a_death_raises_the_after_death_checklist_with_the_family_to_call(
    branch: Branch,
) -> None:
    """Seed 001: 主动上门慰问家属，积极协助办理丧事和其他善后事宜 — three tasks, not one, each
    telling the leader (privately) whom in the family to call."""
    leader = await branch.link("刘建华")
    before = len(branch.fake.bot_messages(leader))
    await branch.say(leader, "/flag 许茂林 去世 今天")
    reply = branch.reply(leader)
    assert "善后任务已生成：慰问家属、协助办理丧事、遗属帮扶" in reply
    told = [m["text"] for m in branch.fake.bot_messages(leader)[before:-1]]
    assert len(told) == 3 and all(t.startswith("📌 新的走访任务") for t in told)
    for kind in ("协助办理丧事", "慰问家属", "遗属帮扶"):
        [text] = [t for t in told if kind in t]
        assert "家属：许丽（女儿）199 0000 0112" in text
    for msg in branch.fake.bot_messages(branch.group):
        assert "许丽" not in msg.get("text", "") and "0112" not in msg.get("text", "")
    # The roster shows the family contact to his leader, not to another group's member.
    await branch.say(leader, "/roster 许茂林")
    assert "家属：许丽（女儿）199 0000 0112" in branch.reply(leader)


async def test_a_request_for_help_is_followed_to_its_end(branch: Branch) -> None:
    """已联系 → 上报书记 → 上报上级党委 (counted in the weekly digest) → 已解决, with what was
    done; /care lists it while it is open (seed 001: 急事快办、难事妥办)."""
    from bot.jobs.pushes import digest_text

    member = await branch.link("孔繁荣")
    leader = await branch.link("刘建华")
    secretary = await branch.link("王建国")
    await ask_for_help(branch, member, "🏠 生活", "房子漏雨，物业不管")
    notice = branch.last(leader)
    branch.fake.press(leader, notice, "☎️ 已联系")
    await branch.h.settle()
    notice = branch.fake.message(leader.id, notice["message_id"])
    assert branch.fake.labels(notice) == ["✅ 已解决", "⬆️ 上报书记"]
    await branch.say(leader, "/care")
    assert "🙋 孔繁荣：求助（生活），已联系" in branch.reply(leader)
    branch.fake.press(leader, notice, "⬆️ 上报书记")
    await branch.h.settle()
    assert branch.fake.toasts_for(leader)[-1] == "已上报书记：孔繁荣的求助。"
    handed = branch.last(secretary)
    assert handed["text"].startswith("⬆️ 刘建华上报：孔繁荣同志的求助（生活）：房子漏雨，物业不管")
    branch.fake.press(secretary, handed, "⬆️ 上报上级党委")
    await branch.h.settle()
    digest = await digest_text(branch.h.deps, branch.h.deps.care.today())
    assert "⬆️ 上报上级党委、还没解决的求助：1件（详情请私聊 /care 查看）" in digest
    assert "漏雨" not in digest  # the committee chat gets the count, not the story
    await branch.say(secretary, "/care")
    assert "🙋 孔繁荣：求助（生活），已上报上级党委" in branch.reply(secretary)
    handed = branch.fake.message(secretary.id, handed["message_id"])
    branch.fake.press(secretary, handed, "✅ 已解决")
    await branch.h.settle()
    assert "想记一句做了什么" in branch.reply(secretary)
    await branch.say(secretary, "街道协调物业修好了屋顶")
    assert branch.reply(secretary) == "记下了，谢谢您！"
    [request] = await branch.h.deps.db.fetchall(
        "SELECT resolution, resolved_by FROM help_requests")
    me = await person(branch, "王建国")
    assert tuple(request) == ("街道协调物业修好了屋顶", me.id)
    # Done: off the care list and out of the digest; a second tap changes nothing.
    branch.fake.press(leader, branch.fake.message(leader.id, notice["message_id"]), "✅ 已解决")
    await branch.h.settle()
    assert branch.fake.toasts_for(leader)[-1] == "孔繁荣的事已经记为解决了。"
    await branch.say(leader, "/care")
    assert "孔繁荣：求助" not in branch.reply(leader)
    digest = await digest_text(branch.h.deps, branch.h.deps.care.today())
    assert "上报上级党委" not in digest
