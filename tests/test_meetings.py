"""Meetings and attendance, driven through the fake Bot API with the clock set by hand.

The sample branch's 第三党小组（东湖花园） has nine Party members (严德明 is a 民主党派
member and is not expected at a 党小组会); its leader 刘建华 is not on the committee.
"""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import FrozenClock
from bot.services.people import is_party_member
from bot.testing.fakeapi import Json
from storage import audit
from storage.models import LeaveReason, Meeting, MeetingKind
from tests.conftest import Branch

GROUP3 = "第三党小组（东湖花园）"
LINE = "/meeting 党小组会 12月5日 9:30 东湖花园活动室 学习会议精神"


def clock(b: Branch) -> FrozenClock:
    assert isinstance(b.h.clock, FrozenClock)
    return b.h.clock


async def only_meeting(b: Branch) -> Meeting:
    active = await b.h.deps.meeting_repo.active()
    assert len(active) == 1
    return active[0]


async def arrange(b: Branch) -> Meeting:
    leader = await b.link("刘建华")
    await b.arrange(leader, LINE)
    assert "已安排" in b.reply(leader), b.reply(leader)
    return await only_meeting(b)


async def open_card(b: Branch, m: Meeting) -> Json:
    clock(b).set(b.h.deps.meetings.opens_at(m))
    await b.run_job(f"mtg:{m.id}:open")
    return b.last(b.group)


async def test_leader_arranges_his_group_meeting_in_one_line(branch: Branch) -> None:
    m = await arrange(branch)
    assert (m.kind, m.topic, m.place) == (MeetingKind.GROUP, "学习会议精神", "东湖花园活动室")
    groups = {g.name: g.id for g in await branch.h.deps.people.groups()}
    assert m.group_id == groups[GROUP3]
    # 9:30 in Shanghai is 01:30 UTC; stored in UTC.
    assert m.starts_at == "2026-12-05T01:30:00+00:00"
    assert m.ends_at == "2026-12-05T03:30:00+00:00"
    assert "12月5日（周六）上午9点半" in branch.reply(branch.user("刘建华"))


async def test_jobs_are_scheduled_at_the_right_times_in_the_branch_zone(
    branch: Branch,
) -> None:
    m = await arrange(branch)
    app = branch.h.app
    assert app is not None and app.job_queue is not None
    times = {j.name: j.next_t for j in app.job_queue.jobs() if j.name and j.name.startswith("mtg")}
    shanghai = branch.h.deps.config.branch.tz
    assert times[f"mtg:{m.id}:open"] == datetime(2026, 12, 5, 8, 30, tzinfo=shanghai)
    assert times[f"mtg:{m.id}:eve"] == datetime(2026, 12, 4, 19, 0, tzinfo=shanghai)
    assert times[f"mtg:{m.id}:soon"] == datetime(2026, 12, 5, 8, 30, tzinfo=shanghai)
    assert times[f"mtg:{m.id}:close"] == datetime(2026, 12, 5, 11, 30, tzinfo=shanghai)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("/meeting 党小组会 13月5日 9:30 活动室 学习", "看不懂日期「13月5日」，例如"),
        ("/meeting 党小组会 昨天 9:30 活动室 学习", "看不懂日期"),
        ("/meeting 党小组会 11月20日 9:30 活动室 学习", "11月20日已经过去了"),
        ("/meeting 党小组会 12月5日 25:00 活动室 学习", "时间「25:00」不存在"),
        ("/meeting 党小组会 12月5日 早点 活动室 学习", "看不懂时间「早点」，例如"),
        ("/meeting 座谈会 12月5日 9:30 活动室 学习", "没有「座谈会」这种会议"),
        ("/meeting 党小组会 12月5日", "一行安排会议"),
        ("/meeting 支部党员大会 12月5日 9:30 礼堂 学习", "您只能安排和管理本党小组的党小组会"),
    ],
)
async def test_bad_one_line_requests_explain_and_create_nothing(
    branch: Branch, line: str, expected: str
) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, line)
    assert expected in branch.reply(leader)
    assert await branch.h.deps.meeting_repo.active() == []


async def test_relative_dates_are_understood(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.arrange(leader, "/meeting 党小组会 下周三 下午2点半 活动室 学习")
    m = await only_meeting(branch)
    # Today is Sunday 2026-11-22 in Shanghai; weeks start on Monday, so 下周三 is the
    # Wednesday of the week that starts tomorrow: 11-25, 14:30 local.
    assert m.starts_at == "2026-11-25T06:30:00+00:00"


async def test_one_line_shows_what_it_understood_and_saves_only_after_confirm(
    branch: Branch,
) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader,
                     "/meeting 党小组会 12月8日上午9点半，幸福里 社区 活动室，学习会议精神")
    shown = branch.reply(leader)
    assert "时间：12月8日（周二）上午9点半" in shown, shown
    assert "地点：幸福里 社区 活动室" in shown and "议题：学习会议精神" in shown
    assert await branch.h.deps.meeting_repo.active() == []  # nothing saved before ✅
    confirm = branch.last(leader)
    ok = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    branch.fake.press(leader, confirm, "✅ 确认")
    await branch.h.settle()
    m = await only_meeting(branch)
    assert (m.place, m.topic, m.starts_at) == ("幸福里 社区 活动室", "学习会议精神",
                                               "2026-12-08T01:30:00+00:00")
    assert "reply_markup" not in branch.fake.message(leader.id, confirm["message_id"])
    branch.fake.press_data(leader, confirm, ok)  # a second tap, as from a stale screen
    await branch.h.settle()
    assert len(await branch.h.deps.meeting_repo.active()) == 1


@pytest.mark.parametrize(
    ("line", "starts_at", "place", "topic", "hint"),
    [
        ("/meeting 党员大会 后天下午两点 礼堂 学习", "2026-11-24T06:00:00+00:00", "礼堂", "学习",
         False),
        ("/meeting 党员大会 后天下午两点 幸福里 社区 活动室", "2026-11-24T06:00:00+00:00",
         "幸福里", "社区 活动室", True),
        ("/meeting 支部大会，周二上午九点半，礼堂", "2026-11-24T01:30:00+00:00", "礼堂",
         "支部党员大会", False),
        ("/meeting 党小组会 十二月八号 9时30分 活动室", "2026-12-08T01:30:00+00:00", "活动室",
         "党小组会", False),
        ("/meeting 党小组会 下下周二 上午 9:30 活动室 学习", "2026-12-01T01:30:00+00:00", "活动室",
         "学习", False),
    ],
)
async def test_one_line_understands_spoken_dates_commas_and_other_names(
    branch: Branch, line: str, starts_at: str, place: str, topic: str, hint: bool,
) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, line)
    assert ("用逗号" in branch.reply(secretary)) is hint, branch.reply(secretary)
    branch.fake.press(secretary, branch.last(secretary), "✅ 确认")
    await branch.h.settle()
    m = await only_meeting(branch)
    assert (m.starts_at, m.place, m.topic) == (starts_at, place, topic)


async def test_a_place_used_before_keeps_its_spaces(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.arrange(leader, "/meeting 党小组会 12月5日 9:30，幸福里 社区 活动室，学习")
    await branch.say(leader, "/meeting 党小组会 12月8日 9:30 幸福里 社区 活动室 学习会议精神")
    shown = branch.reply(leader)
    assert "地点：幸福里 社区 活动室\n" in shown and "议题：学习会议精神" in shown, shown
    assert "用逗号" not in shown


async def test_guided_flow_with_buttons_and_typing(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    fake = branch.fake
    await branch.say(secretary, "/meeting")
    fake.press(secretary, branch.last(secretary), "党小组会")
    await branch.h.settle()
    fake.press(secretary, branch.last(secretary), GROUP3)
    await branch.h.settle()
    assert "哪一天" in branch.reply(secretary)
    await branch.say(secretary, "后天")
    assert "几点开始" in branch.reply(secretary)
    fake.press(secretary, branch.last(secretary), "09:30")
    await branch.h.settle()
    await branch.say(secretary, "东湖花园活动室")
    await branch.say(secretary, "学习会议精神")
    assert "请确认" in branch.reply(secretary)
    fake.press(secretary, branch.last(secretary), "✅ 确认")
    await branch.h.settle()
    assert "已安排" in branch.reply(secretary)
    m = await only_meeting(branch)
    assert (m.kind, m.place, m.starts_at) == (MeetingKind.GROUP, "东湖花园活动室",
                                             "2026-11-24T01:30:00+00:00")


async def test_guided_flow_rejects_a_bad_date_then_can_be_cancelled(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/meeting")
    assert "哪一天" in branch.reply(leader)  # a leader's only kind is his 党小组会
    await branch.say(leader, "三十二号")
    assert "看不懂日期" in branch.reply(leader)
    branch.fake.press(leader, branch.last(leader), "❌ 取消")
    await branch.h.settle()
    assert "已取消，没有安排会议" in branch.reply(leader)
    assert await branch.h.deps.meeting_repo.active() == []


async def test_card_opens_and_members_check_in(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    assert "应到 9 · 已签到 0 · 请假 0 · 未到 9" in card["text"]
    for name in ("尤凤英", "何秀兰"):
        await branch.link(name)
        branch.fake.press(branch.user(name), card, "✅ 签到")
    await branch.h.settle()
    assert branch.fake.toasts_for(branch.user("尤凤英")) == ["尤凤英同志，已为您签到"]
    await branch.flush_cards()
    text = branch.last(branch.group)["text"]
    assert "应到 9 · 已签到 2 · 请假 0 · 未到 7" in text
    assert "已签到：尤凤英、何秀兰" in text


async def test_repeat_taps_change_nothing(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = await branch.link("尤凤英")
    for _ in range(3):
        branch.fake.press(you, card, "✅ 签到")
    await branch.h.settle()
    assert branch.fake.toasts_for(you) == ["尤凤英同志，已为您签到",
                                           "尤凤英同志，您已经签到了",
                                           "尤凤英同志，您已经签到了"]
    assert len(await branch.h.deps.meeting_repo.attendance(m.id)) == 1


async def test_taps_by_people_not_expected(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    await branch.link("张懋")
    branch.fake.press(branch.user("张懋"), card, "✅ 签到")  # 第一党小组
    branch.fake.press(branch.outsider, card, "✅ 签到")       # not linked at all
    await branch.h.settle()
    assert branch.fake.toasts_for(branch.user("张懋")) == ["这次会议不需要您参加，谢谢关心！"]
    assert branch.fake.toasts_for(branch.outsider) == ["您还没有绑定身份，请先私聊我绑定"]
    assert await branch.h.deps.meeting_repo.attendance(m.id) == []


async def test_forged_and_stale_callback_data(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = branch.user("尤凤英")
    other_message = branch.fake.send(you, branch.group.id, "大家好")
    forged = [(card, "att:ci:999"), (card, "att:zz:1"), (card, "att:ci:abc"),
              (card, f"att:ci:{m.id}:1:2:3:4:5"), (other_message, f"att:ci:{m.id}")]
    for message, data in forged:
        branch.fake.press_data(you, message, data)
    await branch.h.settle()
    assert branch.fake.toasts_for(you) == ["这个按钮已失效，请看最新的消息"] * len(forged)
    assert await branch.h.deps.meeting_repo.attendance(m.id) == []


async def test_forty_members_tap_within_a_second(config, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.testing.harness import BotHarness

    rows = [{"编号": f"M{i:03d}", "姓名": f"党员{i:02d}", "党小组": "第一党小组", "类别": "退休",
             "政治面貌": "党员"} for i in range(1, 46)]
    rows[0]["角色"] = "书记"
    async with BotHarness(config, tmp_path / "big.db", poll_timeout=2.0) as h:
        assert (await h.deps.roster.import_rows(rows, actor_tg=None)).ok
        people = await h.deps.people.all()
        users = []
        for i, p in enumerate(people):
            user = h.fake.add_user(50000 + i, p.name)
            await h.deps.people.link_account(p.id, user.id, at="2026-11-22T00:00:00+00:00",
                                             actor_tg=None, how="test")
            users.append(user)
        group = h.fake.add_group(config.chats.group_chat_id, "支部群", users)
        await h.arrange(users[0], "/meeting 学习活动日 12月5日 9:30 礼堂 学习")
        m = (await h.deps.meeting_repo.active())[0]
        b = Branch(h, {}, group, group, users[-1])
        card = await open_card(b, m)
        edits_before = len(h.fake.calls_of("editMessageText"))
        for user in users[:40]:
            h.fake.press(user, card, "✅ 签到")
        await h.settle()
        answered = [t for t in h.fake.toasts if t["text"].endswith("已为您签到")]
        assert len(answered) == 40
        rows_saved = await h.deps.meeting_repo.attendance(m.id)
        assert len(rows_saved) == 40
        assert len({a.person_id for a in rows_saved}) == 40
        await b.flush_cards()
        final = h.fake.last_bot_message(group)["text"]
        assert "应到 45 · 已签到 40 · 请假 0 · 未到 5" in final
        # One edit may already have gone out by itself before the burst ended; the rest
        # were coalesced into the one run above. Far below 20 a minute.
        assert len(h.fake.calls_of("editMessageText")) - edits_before <= 2


async def test_a_card_edit_the_scheduler_dropped_is_asked_for_again(branch: Branch) -> None:
    """APScheduler drops a one-off job that runs too late to count; the card's next tap
    must schedule another edit (the refresher looks its job up by id, not by name: a
    remembered job that no longer exists would leave the card unchanged for good)."""
    m = await arrange(branch)
    card = await open_card(branch, m)
    first, second, third = [await branch.link(n) for n in ("尤凤英", "何秀兰", "施慧敏")]
    branch.fake.press(first, card, "✅ 签到")
    await branch.h.settle()  # the first edit goes out at once
    branch.fake.press(second, card, "✅ 签到")
    await branch.h.settle()  # the next waits for the interval
    assert branch.h.app is not None and branch.h.app.job_queue is not None
    [waiting] = branch.h.app.job_queue.get_jobs_by_name(f"card:{card['chat']['id']}")
    # As APScheduler does with a missed run: the job is gone, PTB's Job is not told.
    branch.h.app.job_queue.scheduler.remove_job(waiting.job.id)
    branch.fake.press(third, card, "✅ 签到")
    await branch.h.settle()
    await branch.flush_cards()
    text = branch.fake.message(card["chat"]["id"], card["message_id"])["text"]
    assert "已签到 3" in text


async def test_a_tap_is_answered_while_a_message_waits_out_a_429(branch: Branch) -> None:
    """A 429 makes PTB's rate limiter hold every request for `retry_after`; answers to
    presses are not messages and do not wait (bot/ratelimit.py): while a job's message
    (a notice going out, a reminder) waits out the 429, a member hears back at once."""
    m = await arrange(branch)
    card = await open_card(branch, m)
    member = await branch.link("尤凤英")
    leader = branch.user("刘建华")
    assert branch.h.app is not None
    branch.fake.fail("sendMessage", 429, retry_after=1)
    fault = branch.fake.faults[-1]
    sending = asyncio.create_task(branch.h.app.bot.send_message(leader.id, "通知"))
    await branch.fake.wait_for(lambda: fault.times == 0)  # the limiter now waits 1 s
    branch.fake.press(member, card, "✅ 签到")
    await branch.fake.wait_for(lambda: bool(branch.fake.toasts_for(member)), timeout=0.8)
    assert branch.fake.toasts_for(member) == ["尤凤英同志，已为您签到"]
    assert not sending.done()
    await sending  # and the message went out after its wait
    assert branch.reply(leader) == "通知"


async def test_one_members_stuck_answer_does_not_keep_another_waiting(
    branch: Branch,
) -> None:
    """Different people's updates are handled at the same time (bot/order.py): a tap
    whose answer is stuck on its way to Telegram does not hold up the next member's."""
    m = await arrange(branch)
    card = await open_card(branch, m)
    first, second = [await branch.link(n) for n in ("尤凤英", "何秀兰")]
    released = branch.fake.hold("answerCallbackQuery")
    held = branch.fake.faults[-1]
    branch.fake.press(first, card, "✅ 签到")
    await branch.fake.wait_for(lambda: held.times == 0)  # her answer is on its way
    branch.fake.press(second, card, "✅ 签到")
    await branch.fake.wait_for(lambda: bool(branch.fake.toasts_for(second)))
    assert branch.fake.toasts_for(first) == []
    released.set()
    await branch.h.settle()
    assert branch.fake.toasts_for(first) == ["尤凤英同志，已为您签到"]
    assert len(await branch.h.deps.meeting_repo.attendance(m.id)) == 2


async def test_leave_with_reason_in_private_chat(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = await branch.link("尤凤英")  # she has opened the private chat
    branch.fake.press(you, card, "📝 请假")
    await branch.h.settle()
    assert branch.fake.toasts_for(you) == ["尤凤英同志，已为您请假。请在私聊里选一下原因"]
    prompt = branch.last(you)
    assert "请选一下原因" in prompt["text"]
    branch.fake.press(you, prompt, "外出")
    await branch.h.settle()
    answer = await branch.h.deps.meeting_repo.answer_of(m.id, (await branch.h.deps.people.by_tg_user(you.id)).id)  # type: ignore[union-attr]  # noqa: E501
    assert answer is not None and (answer.status, answer.reason) == ("excused", LeaveReason.AWAY)
    await branch.flush_cards()
    assert "请假 1" in branch.last(branch.group)["text"]
    for msg in branch.fake.bot_messages(branch.group):
        assert "外出" not in msg["text"]


async def test_leave_without_a_private_chat_gives_a_link(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = branch.user("何秀兰")
    await branch.link("何秀兰")
    branch.fake.opened_private.discard(you.id)  # as if she never opened the chat
    branch.fake.press(you, card, "📝 请假")
    await branch.h.settle()
    toast = branch.fake.toasts[-1]
    assert toast["text"] == "何秀兰同志，已为您请假。点这里打开私聊选原因"
    assert toast["url"] == f"https://t.me/branch_helper_bot?start=leave_{m.id}"
    branch.fake.open_link(you, toast["url"])
    await branch.h.settle()
    branch.fake.press(you, branch.last(you), "住院")
    await branch.h.settle()
    assert "祝您早日康复" in branch.reply(you)
    # The leader hears privately; the group never hears about the hospital.
    assert "何秀兰同志住院了" in branch.reply(branch.user("刘建华"))
    for msg in branch.fake.bot_messages(branch.group):
        assert "住院" not in msg["text"]


async def test_leader_checks_in_and_excuses_people_without_phones(branch: Branch) -> None:
    m = await arrange(branch)
    await open_card(branch, m)
    leader = branch.user("刘建华")
    await branch.say(leader, "/proxy")
    # Both buttons of a row name the person, so a glance is enough.
    labels = branch.fake.labels(branch.last(leader))
    assert "✅ 许茂林 签到" in labels and "📝 许茂林 请假" in labels
    branch.fake.press(leader, branch.last(leader), "✅ 许茂林 签到")
    await branch.h.settle()
    branch.fake.press(leader, branch.last(leader), "📝 张桂兰 请假")
    await branch.h.settle()
    assert branch.fake.toasts_for(leader)[-2:] == ["已为许茂林代签到", "已为张桂兰代请假"]
    await branch.flush_cards()
    assert "许茂林（由刘建华代签到）" in branch.last(branch.group)["text"]
    xu = await branch.h.deps.people.by_ext_id("C003")
    leader_person = await branch.h.deps.people.by_ext_id("C001")
    assert xu is not None and leader_person is not None
    answer = await branch.h.deps.meeting_repo.answer_of(m.id, xu.id)
    assert answer is not None and answer.recorded_by == leader_person.id


async def test_every_answer_is_audited_once_and_repeats_are_not(branch: Branch) -> None:
    """The audit rows for answers are written by the database itself (migration 0014)."""
    m = await arrange(branch)
    card = await open_card(branch, m)
    you, he = await branch.link("尤凤英"), await branch.link("何秀兰")
    for user, button in ((you, "✅ 签到"), (you, "✅ 签到"), (he, "📝 请假"), (he, "📝 请假"),
                         (he, "✅ 签到"), (he, "📝 请假")):
        branch.fake.press(user, card, button)
        await branch.h.settle()
    leader = branch.user("刘建华")
    await branch.say(leader, "/proxy")
    branch.fake.press(leader, branch.last(leader), "✅ 许茂林 签到")
    await branch.h.settle()
    assert branch.fake.toasts_for(he)[-1] == "何秀兰同志，您已经签到，不用请假"
    clock(branch).set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    rows = await audit.recent(branch.h.deps.db, 100)
    leader_id = (await branch.h.deps.people.by_ext_id("C001")).id  # type: ignore[union-attr]
    answers = [(r["action"], r["subject_name"], r["detail"]) for r in reversed(rows)
               if str(r["action"]).startswith("attendance:")]
    assert answers == [
        ("attendance:present", "尤凤英", f"meeting={m.id} by=None"),
        ("attendance:excused", "何秀兰", f"meeting={m.id} by=None"),
        ("attendance:present", "何秀兰", f"meeting={m.id} by=None"),
        ("attendance:present", "许茂林", f"meeting={m.id} by={leader_id}"),
    ]
    # Closing wrote the absentees' rows; the closing's own row covers them.
    statuses = [a.status for a in await branch.h.deps.meeting_repo.attendance(m.id)]
    assert statuses.count("absent") == 6
    assert [r["action"] for r in rows].count("meeting:closed") == 1


async def test_leader_cannot_answer_for_another_group(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    other_leader = await branch.link("李平")
    xu = await branch.h.deps.people.by_ext_id("C003")
    assert xu is not None
    # Proxy buttons live in the leader's private chat: forged there, the service refuses.
    private = branch.last(other_leader)
    branch.fake.press_data(other_leader, private, f"att:px:{m.id}:{xu.id}")
    await branch.h.settle()
    # Forged onto the group card, the press never reaches the feature.
    branch.fake.press_data(other_leader, card, f"att:px:{m.id}:{xu.id}")
    await branch.h.settle()
    assert branch.fake.toasts_for(other_leader) == ["抱歉，您不能为这位同志代办",
                                                    "这个按钮已失效，请看最新的消息"]
    assert await branch.h.deps.meeting_repo.attendance(m.id) == []


async def test_reminders_go_to_the_group_and_to_who_has_not_answered(branch: Branch) -> None:
    m = await arrange(branch)
    for name in ("尤凤英", "何秀兰", "孔繁荣"):
        await branch.link(name)
    card_ready = await branch.h.deps.meetings.tally(m)
    assert len(card_ready.expected) == 9
    # 何秀兰 excused herself in advance through the private chat link.
    branch.fake.open_link(branch.user("何秀兰"), f"https://t.me/branch_helper_bot?start=leave_{m.id}")
    await branch.h.settle()
    clock(branch).set(branch.h.deps.meetings.eve_reminder_at(m))
    before = {n: len(branch.fake.bot_messages(branch.user(n)))
              for n in ("尤凤英", "何秀兰", "孔繁荣", "刘建华")}
    await branch.run_job(f"mtg:{m.id}:eve")
    eve = branch.reply(branch.group)
    assert "明天的会议" in eve
    # No card is up yet, so the group is pointed at what exists: the private reminder.
    assert "私聊提醒里的「📝 请假」" in eve and "签到卡" not in eve
    assert not any("reply_markup" in m for m in branch.fake.bot_messages(branch.group)
                   if "明天的会议" in m.get("text", ""))
    got = {n: len(branch.fake.bot_messages(branch.user(n))) - c for n, c in before.items()}
    # 刘建华: his own reminder, and the phone round for his members with no account.
    assert got == {"尤凤英": 1, "何秀兰": 0, "孔繁荣": 1, "刘建华": 2}
    assert "明天有会" in branch.reply(branch.user("孔繁荣"))
    round_list = branch.reply(branch.user("刘建华"))
    assert round_list.startswith("📞 请电话告知这些同志开会的事")
    assert "许茂林" in round_list and "孔繁荣" not in round_list
    # The private reminder's own 请假 button works from the private chat.
    kong = branch.user("孔繁荣")
    branch.fake.press(kong, branch.last(kong), "📝 请假")
    await branch.h.settle()
    assert branch.fake.toasts_for(kong) == ["孔繁荣同志，已为您请假。请在私聊里选一下原因"]
    # A second run (a restart, a duplicate job) sends nothing more.
    group_count = len(branch.fake.bot_messages(branch.group))
    app = branch.h.app
    assert app is not None and app.job_queue is not None
    from bot.jobs.meetings import remind_eve

    app.job_queue.run_once(remind_eve, when=3600, name="again", data=m.id)
    await branch.run_job("again")
    assert len(branch.fake.bot_messages(branch.group)) == group_count


async def test_closing_creates_exactly_the_right_makeup_tasks(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    for name in ("尤凤英", "孔繁荣"):
        await branch.link(name)
        branch.fake.press(branch.user(name), card, "✅ 签到")
    he = await branch.link("何秀兰")
    branch.fake.press(he, card, "📝 请假")
    await branch.h.settle()
    clock(branch).set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    final = branch.fake.message(branch.group.id, card["message_id"])
    assert "会议已结束：应到 9 · 实到 2 · 请假 1 · 缺席 6" in final["text"]
    assert "reply_markup" not in final
    tasks = await branch.h.deps.meeting_repo.makeups_for_meeting(m.id)
    people = {p.id: p.name for p in await branch.h.deps.people.all()}
    assert sorted(people[t.person_id] for t in tasks) == sorted(
        ["刘建华", "许茂林", "何秀兰", "吕振国", "施慧敏", "张桂兰", "曹玉珍"])
    leader_id = next(pid for pid, n in people.items() if n == "刘建华")
    # The leader's own absence goes to the secretary; everyone else's to the leader.
    assert {people[t.person_id] for t in tasks if t.assignee_id is None} == {"刘建华"}
    assert all(t.assignee_id == leader_id for t in tasks if people[t.person_id] != "刘建华")
    leader = branch.user("刘建华")
    # One message for the meeting, a row a person, each button naming him.
    [sheet] = [msg for msg in branch.fake.bot_messages(leader) if "reply_markup" in msg]
    assert len(sheet["reply_markup"]["inline_keyboard"]) == 6
    assert "许茂林·电话传达" in branch.fake.labels(sheet)
    # Late taps on the frozen card are refused; the record does not change.
    late = await branch.link("施慧敏")
    branch.fake.press_data(late, card, f"att:ci:{m.id}")
    await branch.h.settle()
    assert branch.fake.toasts_for(late)[-1] == "会议已结束，签到已关闭"
    # The leader records one make-up by phone; its row is done, the others keep buttons.
    branch.fake.press(leader, sheet, "许茂林·电话传达")
    await branch.h.settle()
    now = branch.fake.message(leader.id, sheet["message_id"])
    assert "✔️ 许茂林：电话传达" in now["text"] and "何秀兰（请假）" in now["text"]
    assert len(now["reply_markup"]["inline_keyboard"]) == 5
    assert not any(label.startswith("许茂林") for label in branch.fake.labels(now))
    await branch.say(leader, "/makeups")
    items = [msg["text"] for msg in branch.fake.bot_messages(leader)[-6:]]
    assert "未完成的补课任务（5项）" in items[0]
    assert not any("许茂林" in t for t in items)


async def test_close_command_and_second_close_changes_nothing(branch: Branch) -> None:
    m = await arrange(branch)
    await open_card(branch, m)
    leader = branch.user("刘建华")
    clock(branch).advance(timedelta(minutes=70))
    await branch.say(leader, "/close")
    assert "会议已结束：实到 0/9" in branch.reply(leader)
    count = len(await branch.h.deps.meeting_repo.makeups_for_meeting(m.id))
    await branch.say(leader, "/close")
    assert "没有您可以结束的会议" in branch.reply(leader)
    assert len(await branch.h.deps.meeting_repo.makeups_for_meeting(m.id)) == count == 9


async def test_reschedule_tells_those_who_answered(branch: Branch) -> None:
    m = await arrange(branch)
    you = await branch.link("尤凤英")
    branch.fake.open_link(you, f"https://t.me/branch_helper_bot?start=leave_{m.id}")
    await branch.h.settle()
    leader = branch.user("刘建华")
    await branch.say(leader, "/meetings")
    branch.fake.press(leader, branch.last(leader), "🕘 改时间")
    await branch.h.settle()
    await branch.say(leader, "12月6日 10:00")
    assert "已改期" in branch.reply(leader)
    moved = await only_meeting(branch)
    assert moved.starts_at == "2026-12-06T02:00:00+00:00"
    assert "会议时间有变化" in branch.reply(you)
    assert "12月6日（周日）上午10点" in branch.reply(you)
    app = branch.h.app
    assert app is not None and app.job_queue is not None
    job = app.job_queue.get_jobs_by_name(f"mtg:{m.id}:open")[0]
    assert job.next_t == datetime(2026, 12, 6, 1, 0, tzinfo=UTC)


async def test_cancel_tells_those_who_answered_and_closes_the_card(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = await branch.link("尤凤英")
    branch.fake.press(you, card, "✅ 签到")
    await branch.h.settle()
    leader = branch.user("刘建华")
    await branch.say(leader, "/meetings")
    branch.fake.press(leader, branch.last(leader), "❌ 取消会议")
    await branch.h.settle()
    branch.fake.press(leader, branch.last(leader), "确定取消")
    await branch.h.settle()
    assert "已取消" in branch.reply(you)
    assert "取消了" in branch.reply(branch.group)
    assert "会议已取消" in branch.fake.message(branch.group.id, card["message_id"])["text"]
    assert f"mtg:{m.id}:close" not in branch.job_names()
    branch.fake.press_data(you, card, f"att:ci:{m.id}")
    await branch.h.settle()
    assert branch.fake.toasts_for(you)[-1] == "这个会议已取消"


async def test_attendance_per_role(branch: Branch) -> None:
    m = await arrange(branch)
    card = await open_card(branch, m)
    you = await branch.link("尤凤英")
    branch.fake.press(you, card, "✅ 签到")
    await branch.h.settle()
    leader = branch.user("刘建华")
    await branch.say(leader, "/proxy")
    branch.fake.press(leader, branch.last(leader), "✅ 许茂林 签到")
    await branch.h.settle()
    clock(branch).set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    await branch.say(you, "/attendance")
    mine = branch.reply(you)
    assert "12月5日（周六） 党小组会：✅ 出席" in mine
    assert "共1次：出席1次，请假0次，缺席0次" in mine
    await branch.say(leader, "/attendance")
    group_view = branch.reply(leader)
    assert "许茂林：出席1/1（代签1）" in group_view
    assert "吕振国：出席0/1（代签0）请假0 缺席1" in group_view
    assert "张懋" not in group_view  # another group's member
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/attendance")
    branch_view = branch.reply(secretary)
    assert "党小组会：22%（出席2/9，代签1，请假0，缺席7）" in branch_view
    assert "12月：22%" in branch_view
    assert f"{GROUP3}：22%" in branch_view


def _card_recorded(db_path: Path, meeting_id: int) -> bool:
    conn = sqlite3.connect(db_path)
    try:
        row = conn.execute("SELECT card_message_id FROM meetings WHERE id = ?",
                           (meeting_id,)).fetchone()
    finally:
        conn.close()
    return row is not None and row[0] is not None


async def _one_meeting(h, config):  # type: ignore[no-untyped-def]
    """A one-person branch whose secretary creates one Party meeting on 12月5日."""
    assert (await h.deps.roster.import_rows(
        [{"编号": "S1", "姓名": "书记甲", "党小组": "一组", "类别": "退休",
          "政治面貌": "党员", "角色": "书记、组长"}], actor_tg=None)).ok
    sec = h.fake.add_user(config.admins.secretary_ids[0], "书记甲")
    await h.arrange(sec, "/meeting 支部党员大会 12月5日 9:30 礼堂 学习")
    [m] = await h.deps.meeting_repo.active()
    return m


async def test_restart_catches_up_a_card_missed_while_down(config, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from bot.testing.fakeapi import FakeBotApi
    from bot.testing.harness import DEFAULT_START, BotHarness

    def fake_with_group() -> FakeBotApi:
        fake = FakeBotApi(clock=clock_)
        fake.add_group(config.chats.group_chat_id, "支部群")
        return fake

    db_path = tmp_path / "restart.db"
    clock_ = FrozenClock(DEFAULT_START)
    async with BotHarness(config, db_path, clock=clock_) as h:
        m = await _one_meeting(h, config)
    # Down through the opening time; back up while the meeting is on.
    clock_.set(datetime.fromisoformat(m.starts_at))
    async with BotHarness(config, db_path, clock=clock_, fake=fake_with_group()) as h:
        group = h.fake.chats[config.chats.group_chat_id]
        await h.fake.wait_for(lambda: bool(h.fake.bot_messages(group)))
        assert "应到 1" in h.fake.last_bot_message(group)["text"]
        await h.fake.wait_for(lambda: h.fake.calls_of("sendMessage") != [])
        reopened = await h.deps.meeting_repo.get(m.id)
        assert reopened is not None and reopened.card_message_id is not None
    # Down past the end: the next start closes it, once.
    clock_.set(datetime.fromisoformat(m.ends_at) + timedelta(hours=1))
    async with BotHarness(config, db_path, clock=clock_, fake=fake_with_group()) as h:
        await h.fake.wait_for(lambda: bool(h.fake.calls_of("editMessageText")))
        closed = await h.deps.meeting_repo.get(m.id)
        assert closed is not None and closed.status == "closed"
        assert len(await h.deps.meeting_repo.makeups_for_meeting(m.id)) == 1


async def test_a_meeting_left_open_without_its_card_gets_it_on_restart(  # type: ignore[no-untyped-def]
    config, tmp_path
) -> None:
    # A crash between marking the meeting open and posting its card leaves exactly this.
    from bot.testing.fakeapi import FakeBotApi
    from bot.testing.harness import DEFAULT_START, BotHarness

    db_path = tmp_path / "open.db"
    clock_ = FrozenClock(DEFAULT_START)
    async with BotHarness(config, db_path, clock=clock_) as h:
        m = await _one_meeting(h, config)
        assert await h.deps.meetings.mark_open(m)
    clock_.set(datetime.fromisoformat(m.starts_at))
    fake = FakeBotApi(clock=clock_)
    group = fake.add_group(config.chats.group_chat_id, "支部群")
    async with BotHarness(config, db_path, clock=clock_, fake=fake) as h:
        await h.fake.wait_for(lambda: bool(h.fake.bot_messages(group)))
        assert "✅ 签到" in h.fake.labels(h.fake.last_bot_message(group))
        # The job records the card just after Telegram answers; re-checked on the bot's
        # next call to the fake (its next poll at the latest).
        await h.fake.wait_for(lambda: _card_recorded(db_path, m.id))
        opened = await h.deps.meeting_repo.get(m.id)
        assert opened is not None and opened.card_message_id == h.fake.last_bot_message(
            group)["message_id"]


async def test_changing_the_place_and_topic_tells_those_who_answered(branch: Branch) -> None:
    m = await arrange(branch)
    you = await branch.link("尤凤英")
    branch.fake.open_link(you, f"https://t.me/branch_helper_bot?start=leave_{m.id}")
    await branch.h.settle()
    leader = branch.user("刘建华")
    for button, typed in (("📍 改地点", "社区会议室"), ("📝 改议题", "学习党章")):
        await branch.say(leader, "/meetings")
        branch.fake.press(leader, branch.last(leader), button)
        await branch.h.settle()
        await branch.say(leader, typed)
        assert "已修改" in branch.reply(leader)
    changed = await only_meeting(branch)
    assert (changed.place, changed.topic) == ("社区会议室", "学习党章")
    assert "会议安排有变化" in branch.reply(you)
    assert "学习党章" in branch.reply(you)


def _card_of(b: Branch, m: Meeting) -> Json | None:
    cards = [msg for msg in b.fake.bot_messages(b.group)
             if m.topic in msg.get("text", "") and "✅ 签到" in b.fake.labels(msg)]
    return cards[-1] if cards else None


async def test_a_meeting_at_short_notice_gets_its_card_at_once(branch: Branch) -> None:
    # 09:00 on 22 November; the meeting starts in 30 minutes, inside the 60-minute window.
    leader = await branch.link("刘建华")
    await branch.arrange(leader, "/meeting 党小组会 11月22日 9:30 东湖花园活动室 紧急学习")
    reply = branch.reply(leader)
    assert "签到卡现在就发到群里" in reply, reply
    assert "前一晚" not in reply and "会前60分钟" not in reply
    m = await only_meeting(branch)
    card = _card_of(branch, m)
    assert card is not None, "no check-in card in the group"
    you = await branch.link("尤凤英")
    branch.fake.press(you, card, "✅ 签到")
    await branch.h.settle()
    assert "已签到 1" in branch.fake.message(branch.group.id, card["message_id"])["text"]
    assert (await branch.h.deps.meeting_repo.get(m.id)).status == "open"  # type: ignore[union-attr]


async def test_moving_a_meeting_into_its_window_posts_the_card_at_once(branch: Branch) -> None:
    m = await arrange(branch)  # 5 December
    leader = branch.user("刘建华")
    await branch.say(leader, "/meetings")
    branch.fake.press(leader, branch.last(leader), "🕘 改时间")
    await branch.h.settle()
    await branch.say(leader, "11月22日 9:02")  # two minutes from now
    assert "签到卡现在就发到群里" in branch.reply(leader)
    assert _card_of(branch, m) is not None


async def test_a_time_in_the_small_hours_keeps_its_hour(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.arrange(leader, "/meeting 党小组会 11月30日 0:50 东湖花园活动室 守岁")
    assert "凌晨0点50分" in branch.reply(leader), branch.reply(leader)


async def test_a_card_telegram_refuses_for_good_is_not_retried_and_the_organiser_told(
    branch: Branch,
) -> None:
    m = await arrange(branch)
    branch.group.bot_may_post = False
    clock(branch).set(branch.h.deps.meetings.opens_at(m))
    await branch.run_job(f"mtg:{m.id}:open")
    assert "签到卡没能发到群里" in branch.reply(branch.user("刘建华"))
    assert f"mtg:{m.id}:open" not in branch.job_names()  # not tried again every minute


async def test_makeups_of_a_group_whose_leader_died_go_to_the_secretary(
        branch: Branch) -> None:
    """Who looks after whom is one rule (`Org`): a leader who died looks after nobody, so
    his group's make-up tasks and their lists go to the secretary, not to his account."""
    m = await arrange(branch)
    await open_card(branch, m)
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/flag 刘建华 去世 今天")
    leader = branch.user("刘建华")
    before = len(branch.fake.bot_messages(leader))
    clock(branch).set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    tasks = await branch.h.deps.meeting_repo.makeups_for_meeting(m.id)
    assert tasks and all(t.assignee_id is None for t in tasks)
    assert branch.fake.bot_messages(leader)[before:] == []
    [sheet] = [msg for msg in branch.fake.bot_messages(secretary)
               if any(b.get("callback_data", "").startswith("mk:")
                      for row in msg.get("reply_markup", {}).get("inline_keyboard", [])
                      for b in row)]
    assert len(sheet["reply_markup"]["inline_keyboard"]) == len(tasks)


async def test_the_secretary_is_not_asked_to_help_himself_make_up(branch: Branch) -> None:
    """王建国 is secretary and leader of 第一党小组; when he misses a meeting his 补课 is his
    own, and his list holds only the others he looks after."""
    secretary = await branch.link("王建国")
    await branch.arrange(secretary, "/meeting 支部党员大会 12月5日 9:30 礼堂 学习")
    m = await only_meeting(branch)
    await open_card(branch, m)
    before = len(branch.fake.bot_messages(secretary))
    clock(branch).set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    me = await branch.h.deps.people.by_ext_id("A001")
    assert me is not None
    tasks = await branch.h.deps.meeting_repo.makeups_for_meeting(m.id)
    assert me.id in {t.person_id for t in tasks}  # the record keeps his own make-up
    told = [msg["text"] for msg in branch.fake.bot_messages(secretary)[before:]]
    assert told and not any(t.startswith("王建国") for t in told)


async def test_a_monthly_meeting_is_made_once_and_each_time_a_week_ahead(
    branch: Branch,
) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/meeting 党小组会 每月第一个周二 上午9点半 东湖花园活动室 学习")
    shown = branch.reply(leader)
    assert "时间：每月第一个周二上午9点半（第一次：12月1日（周二）上午9点半）" in shown, shown
    branch.fake.press(leader, branch.last(leader), "✅ 确认")
    await branch.h.settle()
    assert "以后每月第一个周二都会自动安排" in branch.reply(leader)
    [first] = await branch.h.deps.meeting_repo.active()
    assert first.series_id is not None and first.starts_at == "2026-12-01T01:30:00+00:00"
    shanghai = branch.h.deps.config.branch.tz
    # A week before the first Tuesday of January the next one is made, with its own jobs.
    await branch.h.advance_to(datetime(2026, 12, 29, 12, 0, tzinfo=shanghai))
    [january] = [m for m in await branch.h.deps.meeting_repo.active()
                 if m.series_id == first.series_id]
    assert january.starts_at == "2027-01-05T01:30:00+00:00" and january.id != first.id
    assert f"mtg:{january.id}:open" in branch.job_names()
    await branch.run_job("pushes:plan")  # planned again the same day: still one
    assert len([m for m in await branch.h.deps.meeting_repo.active()
                if m.series_id == first.series_id]) == 1
    # Stopped from /meetings: January's stays, February's is never made.
    await branch.say(leader, "/meetings")
    listed = next(m for m in reversed(branch.fake.bot_messages(leader))
                  if "⏹ 停止每月重复" in branch.fake.labels(m))
    branch.fake.press(leader, listed, "⏹ 停止每月重复")
    await branch.h.settle()
    assert "以后不再自动安排" in branch.reply(leader)
    await branch.h.advance_to(datetime(2027, 1, 27, 12, 0, tzinfo=shanghai))
    made = await branch.h.deps.meeting_repo.between("2027-01-06T00:00:00+00:00",
                                                    "2027-12-31T00:00:00+00:00")
    assert made == []


async def test_org_life_meeting_expects_the_party_members(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.arrange(secretary, "/meeting 组织生活会 12月5日 9:30 礼堂 专题组织生活会")
    [m] = await branch.h.deps.meeting_repo.active()
    assert m.kind == MeetingKind.ORG_LIFE
    expected = await branch.h.deps.meetings.expected(m)
    everyone = await branch.h.deps.people.all()
    assert expected and {p.id for p in expected} == {
        p.id for p in everyone if p.active and is_party_member(p)}
    assert len(expected) < len([p for p in everyone if p.active])  # not the masses too
    # When it closes, the secretary is told how to start 民主评议党员.
    assert isinstance(branch.h.clock, FrozenClock)
    branch.h.clock.set(datetime.fromisoformat(m.ends_at))
    await branch.run_job(f"mtg:{m.id}:close")
    assert "/survey 民主评议" in branch.reply(secretary)


async def test_reschedule_takes_a_date_and_time_as_spoken(branch: Branch) -> None:
    m = await arrange(branch)
    leader = branch.user("刘建华")
    await branch.say(leader, "/meetings")
    branch.fake.press(leader, branch.last(leader), "🕘 改时间")
    await branch.h.settle()
    await branch.say(leader, "12月6日上午10点")
    moved = await branch.h.deps.meeting_repo.get(m.id)
    assert moved is not None and moved.starts_at == "2026-12-06T02:00:00+00:00"
