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
