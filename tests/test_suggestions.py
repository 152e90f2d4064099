"""建言献策 and good deeds."""

from __future__ import annotations

from tests.conftest import Branch


async def test_suggestion_reaches_the_secretary_and_the_answer_comes_back(
    branch: Branch,
) -> None:
    secretary = await branch.link("王建国")
    member = await branch.link("李秀英")
    await branch.say(member, "/suggest")
    assert "请在 /suggest 后面直接写上您的建议" in branch.reply(member)
    await branch.say(member, "/suggest 希望多组织户外参观学习")
    assert "已收到您的建议" in branch.reply(member)
    notice = branch.last(secretary)
    assert notice["text"] == "💡 新建议（李秀英）：希望多组织户外参观学习"
    branch.fake.press(secretary, notice, "✔️ 已收到")
    await branch.h.settle()
    assert branch.fake.toasts_for(secretary) == ["已标记为「已收到」"]
    branch.fake.press(secretary, notice, "💬 答复")
    await branch.h.settle()
    await branch.say(secretary, "好建议！下月安排参观红色教育基地。")
    assert "答复已发给李秀英同志" in branch.reply(secretary)
    assert branch.reply(member) == ("💬 书记答复了您的建议「希望多组织户外参观学习」：\n"
                                    "好建议！下月安排参观红色教育基地。")
    await branch.say(secretary, "/suggestions")
    assert "[已答复] 李秀英：希望多组织户外参观学习" in branch.reply(secretary)
    # A member cannot mark or answer suggestions with forged buttons.
    [found] = await branch.h.deps.suggestion_repo.recent(1)
    branch.fake.press_data(member, notice, f"sg:done:{found.id}")
    await branch.h.settle()
    assert (await branch.h.deps.suggestion_repo.get(found.id)).status == "replied"  # type: ignore[union-attr]


async def test_good_deeds_own_or_for_the_leaders_group(branch: Branch) -> None:
    member = await branch.link("尤凤英")
    await branch.say(member, "/deed 帮邻居修水管")
    assert branch.reply(member) == "已记下尤凤英同志的好事：帮邻居修水管。谢谢！"
    await branch.say(member, "/deed 许茂林 陪他去医院")
    assert "只能记自己或本组同志的好事" in branch.reply(member)
    leader = await branch.link("刘建华")
    await branch.say(leader, "/deed 许茂林 给小区老人读报")
    assert "许茂林同志的好事：给小区老人读报" in branch.reply(leader)
    deeds = await branch.h.deps.suggestion_repo.deeds_since("2026-01-01")
    assert [text for _, text, _ in deeds] == ["帮邻居修水管", "给小区老人读报"]


async def test_a_leader_writes_down_a_suggestion_a_member_dictated(branch: Branch) -> None:
    """许茂林 has no phone: his leader types it, the record says so, the secretary sees who
    acted for whom; another group's member is out of his reach."""
    secretary = await branch.link("王建国")
    leader = await branch.link("刘建华")
    await branch.say(leader, "/suggest 代 许茂林 希望活动室装个扶手")
    assert branch.reply(leader) == "已替许茂林同志记下建议，转给书记了。"
    assert branch.last(secretary)["text"] == (
        "💡 新建议（许茂林，由刘建华代写）：希望活动室装个扶手")
    rows = await branch.h.deps.db.fetchall(
        "SELECT s.person_id, s.recorded_by FROM suggestions s")
    xu = await branch.h.deps.people.by_ext_id("C003")
    me = await branch.h.deps.people.by_ext_id("C001")
    assert xu is not None and me is not None
    assert [tuple(r) for r in rows] == [(xu.id, me.id)]
    await branch.say(leader, "/suggest 代 张懋 多组织参观")
    assert branch.reply(leader) == "「张懋」不在您负责的党小组里。"
