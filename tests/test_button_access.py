"""Forged buttons: every action a button can trigger, pressed by people who may not,
with data naming other people's records. Nothing may change.

The scene: 第三党小组's meeting is open (leader 刘建华); a make-up task, a visit task and a
request for help belong to his group; a notice asks for receipts; a quiz exists. The
intruders are a stranger, a member of another group (李秀英), and the leader of another
group who is not the secretary (李平).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Branch


async def _scene(b: Branch) -> dict[str, Any]:
    h = b.h
    leader = await b.link("刘建华")
    await b.say(leader, "/meeting 党小组会 12月5日 9:30 活动室 学习")
    [m] = await h.deps.meeting_repo.active()
    assert isinstance(h.clock, type(h.clock))
    h.clock.set(h.deps.meetings.opens_at(m))  # type: ignore[attr-defined]
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
    for data in forged:
        branch.fake.press_data(intruder, s["card"], data)
        await branch.h.settle()
    assert await _snapshot(branch, s) == before
    # Every press was answered (no spinning button), and none of them said "done".
    toasts = branch.fake.toasts_for(intruder)[answered_before:]
    assert len(toasts) == len(forged)
    assert not any(word in t for t in toasts for word in ("已为", "已记录", "已撤回"))
