"""Forged buttons: every action a button can trigger, pressed by people who may not,
with data naming other people's records. Nothing may change.

The scene: 第三党小组's meeting is open (leader 刘建华); a make-up task, a visit task and a
request for help belong to his group; a notice asks for receipts; a quiz exists. The
intruders are a stranger, a member of another group (李秀英), and the leader of another
group who is not the secretary (李平).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.callbacks import PLACES, Place, parse, place_of
from bot.services.care import CareError
from storage.models import VisitKind
from tests.conftest import Branch


async def _scene(b: Branch) -> dict[str, Any]:
    h = b.h
    leader = await b.link("刘建华")
    await b.arrange(leader, "/meeting 党小组会 12月5日 9:30 活动室 学习")
    [m] = await h.deps.meeting_repo.active()
    assert isinstance(h.clock, type(h.clock))
    h.clock.set(h.deps.meetings.opens_at(m))
    await h.run_job(f"mtg:{m.id}:open")
    card = b.last(b.group)
    await b.say(leader, "/flag 许茂林 住院")
    [task] = await h.deps.visit_repo.open_tasks()
    member = await b.link("孔繁荣")
    await b.say(member, "/helpme")
    for step in ("🙋 我需要帮助", "🏠 生活", "跳过"):
        await h.tap_or_type(member, step)
    [help_request] = await h.deps.visit_repo.open_help()
    secretary = await b.link("王建国")
    for step in ("📢 通知", "请大家周五开会", "✉️ 全体成员（私信）", "👍 要回执", "现在发",
                 "✅ 发送"):
        if step == "📢 通知":
            await b.say(secretary, "/notice")
        await h.tap_or_type(secretary, step)
    await h.fake.wait_for(lambda: any("发送完成" in x.get("text", "")
                                      for x in h.fake.bot_messages(secretary)))
    [post] = await h.deps.post_repo.recent("notice", 1)
    xu = await h.deps.people.by_ext_id("C003")
    kong = await h.deps.people.by_ext_id("C008")
    assert xu is not None and kong is not None
    return {"meeting": m, "card": card, "task": task, "help": help_request, "post": post,
            "xu": xu, "kong": kong}


async def _snapshot(b: Branch, s: dict[str, Any]) -> tuple[Any, ...]:
    repo = b.h.deps
    return (
        len(await repo.meeting_repo.attendance(s["meeting"].id)),
        (await repo.meeting_repo.get(s["meeting"].id)).status,  # type: ignore[union-attr]
        len(await repo.post_repo.acks(s["post"].id)),
        (await repo.post_repo.get(s["post"].id)).status,  # type: ignore[union-attr]
        len(await repo.visit_repo.open_help()),
        (await repo.people.by_ext_id("C003")).phone,  # type: ignore[union-attr]
        len(await repo.visit_repo.open_tasks()),
    )


INTRUDERS = ["stranger", "李秀英", "李平"]


@pytest.mark.parametrize("who", INTRUDERS)
async def test_forged_buttons_change_nothing(branch: Branch, who: str) -> None:
    s = await _scene(branch)
    intruder = branch.outsider if who == "stranger" else await branch.link(who)
    before = await _snapshot(branch, s)
    m, xu, post = s["meeting"], s["xu"], s["post"]
    forged = [
        f"att:px:{m.id}:{xu.id}",         # check someone else in
        f"att:pl:{m.id}:{xu.id}",         # excuse someone else
        f"att:cl:{m.id}",                 # close another group's meeting
        f"att:rs:{m.id}:1",               # a leave reason for a meeting not his
        f"mt:cx:{m.id}", f"mt:cy:{m.id}",  # cancel the meeting
        f"pst:px:{post.id}:{xu.id}:0",    # record that someone was told
        f"pst:wd:{post.id}", f"pst:wy:{post.id}",  # withdraw the notice
        f"hp:ok:{s['help'].id}",          # acknowledge someone's request for help
        f"prv:erase:{xu.id}",             # erase someone's data
        f"vt:go:{s['task'].id}",          # open someone's visit task
        f"qz:pub:{1}", f"qz:rt:{1}",      # quiz actions
        "att:ci:999999", "pst:ok:999999",  # records that do not exist
    ]
    answered_before = len(branch.fake.toasts_for(intruder))
    card_before = _card_now(branch, s)
    for data in forged:
        branch.fake.press_data(intruder, s["card"], data)
        await branch.h.settle()
    assert await _snapshot(branch, s) == before
    assert _card_now(branch, s) == card_before
    # Every press was answered (no spinning button), and none of them said "done".
    toasts = branch.fake.toasts_for(intruder)[answered_before:]
    assert len(toasts) == len(forged)
    assert not any(word in t for t in toasts for word in ("已为", "已记录", "已撤回"))


def _card_now(b: Branch, s: dict[str, Any]) -> dict[str, Any]:
    """The check-in card as the group sees it now: its text and its buttons."""
    card = b.fake.message(s["card"]["chat"]["id"], s["card"]["message_id"])
    return copy.deepcopy({"text": card.get("text"), "buttons": card.get("reply_markup")})


@pytest.mark.parametrize("who", ["李秀英", "许茂林的组长", "stranger"])
async def test_private_actions_pressed_on_the_card_leave_it_alone(branch: Branch,
                                                                   who: str) -> None:
    """The audit's case: 「关闭」 or 「选会议」 forged onto the group's check-in card replaced
    it with 「这个会议已经结束了。」 and took its buttons away, so nobody could check in.
    Linked members could do the same with 我住院了, 我需要帮助 and 补课 buttons."""
    s = await _scene(branch)
    m = s["meeting"]
    if who == "stranger":
        presser = branch.outsider
    else:
        presser = (branch.user("刘建华") if who == "许茂林的组长"  # linked in the scene
                   else await branch.link(who))
    before, card_before = await _snapshot(branch, s), _card_now(branch, s)
    flags_before = [p.care_flags for p in await branch.h.deps.people.all()]
    forged = [f"att:cl:{m.id}", f"att:pm:{m.id}", "hp:hos", "hp:ask", "mk:do:1:0",
              f"att:rs:{m.id}:2", f"vt:go:{s['task'].id}", "hp:k:0"]
    for data in forged:
        branch.fake.press_data(presser, s["card"], data)
        await branch.h.settle()
    assert _card_now(branch, s) == card_before
    assert await _snapshot(branch, s) == before
    assert [p.care_flags for p in await branch.h.deps.people.all()] == flags_before
    assert len(branch.fake.toasts_for(presser)) >= len(forged)
    # The card still works: a member checks in from it.
    member = await branch.link("何秀兰")
    branch.fake.press(member, s["card"], "✅ 签到")
    await branch.h.settle()
    assert len(await branch.h.deps.meeting_repo.attendance(m.id)) == before[0] + 1


async def test_a_leader_cannot_close_another_groups_visit_task(branch: Branch) -> None:
    """李平 leads 第二党小组; 许茂林's hospital visit task is 刘建华's. A forged 📝 记录走访
    in 李平's own chat used to save his visit and mark the task done, so 刘建华 was never
    reminded."""
    s = await _scene(branch)
    task = s["task"]
    other = await branch.link("李平")
    await branch.say(other, "/help")
    branch.fake.press_data(other, branch.last(other), f"vt:go:{task.id}")
    await branch.h.settle()
    assert "只有书记和这位同志的党小组长" in branch.fake.toasts_for(other)[-1]
    # Nor through the care service, whatever the handler does.
    actor = await branch.h.deps.access.actor(other.id)
    xu = await branch.h.deps.people.by_ext_id("C003")
    assert xu is not None
    with pytest.raises(CareError):
        await branch.h.deps.care.log_visit(actor, [xu], VisitKind.HOSPITAL, date(2026, 11, 28),
                                           task_id=task.id)
    assert [t.id for t in await branch.h.deps.visit_repo.open_tasks()] == [task.id]
    assert await branch.h.deps.visit_repo.visits_of(xu.id) == []
    # A leader may record visits only to people he may see: his own group.
    liu = await branch.h.deps.access.actor(branch.user("刘建华").id)
    chen = await branch.h.deps.people.by_ext_id("B002")  # 第二党小组, 李平's
    assert chen is not None
    with pytest.raises(CareError):
        await branch.h.deps.care.log_visit(liu, [chen], VisitKind.ROUTINE, date(2026, 11, 28))
    assert await branch.h.deps.visit_repo.visits_of(chen.id) == []
    # The task's own leader opens it from the button he was sent.
    leader = branch.user("刘建华")
    [sent] = [msg for msg in branch.fake.bot_messages(leader)
              if "📝 记录走访" in branch.fake.labels(msg)]
    branch.fake.press(leader, sent, "📝 记录走访")
    await branch.h.settle()
    assert branch.fake.toasts_for(leader)[-1] == ""  # answered, no refusal
    assert [t.id for t in await branch.h.deps.visit_repo.open_tasks()] == [task.id]


async def test_a_member_who_left_the_group_cannot_check_in_from_private(
        branch: Branch) -> None:
    s = await _scene(branch)
    m = s["meeting"]
    member = await branch.link("何秀兰")
    branch.fake.leave(member, branch.group)
    await branch.h.settle()
    await branch.say(member, "/help")
    branch.fake.press_data(member, branch.last(member), f"att:ci:{m.id}")
    await branch.h.settle()
    branch.fake.press_data(member, s["card"], f"att:ci:{m.id}")
    await branch.h.settle()
    assert await branch.h.deps.meeting_repo.attendance(m.id) == []
    assert branch.fake.toasts_for(member)[-2:] == [
        "这个按钮已失效，请看最新的消息",
        "您已退出支部群，群里的按钮不能再用了。需要帮助请联系党小组长。"]


def test_every_button_the_bot_makes_says_where_it_may_be_pressed() -> None:
    """A new button must be given a place in `bot.callbacks.PLACES`, or the gate refuses
    it everywhere; and no place is listed for a button nobody makes."""
    root = Path(__file__).resolve().parents[1] / "bot"
    made = set()
    for path in root.rglob("*.py"):
        made |= set(re.findall(r'pack\(\s*"([a-z]+)",\s*"([a-z]+)"', path.read_text()))
    assert made, "no buttons found: the pattern no longer matches the code"
    for feature, action in sorted(made):
        cb = parse(f"{feature}:{action}")
        assert cb is not None and place_of(cb) is not None, f"{feature}:{action}"
    features = {f for f, _ in made}
    for key in PLACES:
        feature, _, action = key.partition(":")
        assert feature in features and (not action or (feature, action) in made), key
    assert place_of(parse("att:ci:1")) is Place.CARD  # type: ignore[arg-type]
