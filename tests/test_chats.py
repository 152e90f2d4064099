"""The chats the bot serves: unknown groups, group upgrades, and strangers."""

from __future__ import annotations

from bot.services.chats import ChatDirectory
from bot.testing.fakeapi import Json
from storage.chats import ChatRepo
from tests.conftest import Branch


async def test_added_to_an_unknown_group_it_says_so_and_leaves(branch: Branch) -> None:
    fake = branch.fake
    other = fake.add_group(-100777, "别的群", [branch.outsider], bot_present=False)
    fake.add_bot_to_group(branch.outsider, other)
    await branch.h.settle()
    assert "只为本支部服务" in branch.reply(other)
    assert [c.params["chat_id"] for c in fake.calls_of("leaveChat")] == [str(other.id)]
    assert not other.bot_present


async def test_commands_from_unknown_groups_are_ignored(branch: Branch) -> None:
    fake = branch.fake
    other = fake.add_group(-100778, "旧群", [branch.user("张懋")])
    before = len(fake.calls_of("sendMessage"))
    await branch.say(branch.user("张懋"), "/help", other)
    await branch.say(branch.user("张懋"), "/card", other)
    assert len(fake.calls_of("sendMessage")) == before
    assert fake.bot_messages(other) == []


async def test_group_upgraded_to_supergroup_keeps_working(branch: Branch) -> None:
    fake = branch.fake
    zhang = await branch.link("张懋")
    new = fake.upgrade_to_supergroup(branch.group, -1009876543210)
    await branch.h.settle()
    assert branch.h.deps.chats.group_chat_id == new.id
    await branch.say(zhang, "/help", new)
    assert "您可以使用这些功能" in branch.reply(new)
    # The new id is remembered across a restart.
    rows = await branch.h.deps.db.fetchall("SELECT kind, chat_id FROM chat_ids")
    assert [(r["kind"], r["chat_id"]) for r in rows] == [("group", new.id)]


async def test_stranger_in_the_group_is_told_to_link(branch: Branch) -> None:
    await branch.say(branch.outsider, "/help", branch.group)
    assert "还没有绑定身份" in branch.reply(branch.group)


async def _open_card(branch: Branch) -> Json:
    secretary = await branch.link("王建国")
    await branch.arrange(secretary, "/meeting 学习活动日 12月5日 9:30 礼堂 学习")
    [m] = await branch.h.deps.meeting_repo.active()
    branch.h.clock.set(branch.h.deps.meetings.opens_at(m))
    await branch.run_job(f"mtg:{m.id}:open")
    return branch.last(branch.group)


async def test_a_member_who_left_the_group_cannot_use_its_buttons(branch: Branch) -> None:
    card = await _open_card(branch)
    leader = await branch.link("刘建华")
    member = await branch.link("尤凤英")  # in 刘建华's group
    branch.fake.leave(member, branch.group)
    await branch.h.settle()
    assert branch.reply(leader) == "尤凤英同志退出了支部群。如是不小心退出的，请帮忙重新拉进群。"
    # Telegram hides the chat from her; an old or forged button press is refused anyway.
    branch.fake.press_data(member, card, card["reply_markup"]["inline_keyboard"][0][0][
        "callback_data"])
    await branch.h.settle()
    toast = branch.fake.toasts[-1]
    assert toast["text"].startswith("您已退出支部群") and toast["user_id"] == member.id
    [m] = await branch.h.deps.meeting_repo.active()
    assert await branch.h.deps.meeting_repo.attendance(m.id) == []
    # Her private features stay: she is still on the roster.
    await branch.say(member, "/card")
    assert "亲情服务卡" in branch.reply(member)
    # Back in the group, the buttons work again; a second report of the same departure
    # (Telegram may send two) would not have told the leader twice.
    branch.fake.join(member, branch.group)
    await branch.h.settle()
    branch.fake.press(member, branch.fake.message(card["chat"]["id"], card["message_id"]),
                      "✅ 签到")
    await branch.h.settle()
    assert branch.fake.toasts[-1]["text"] == "尤凤英同志，已为您签到"
    notices = [x for x in branch.fake.bot_messages(leader) if "退出了支部群" in x["text"]]
    assert len(notices) == 1


async def test_departures_survive_a_restart(branch: Branch) -> None:
    member = await branch.link("尤凤英")
    branch.fake.leave(member, branch.group)
    await branch.h.settle()
    fresh = ChatDirectory(ChatRepo(branch.h.deps.db), branch.h.config.chats,  # type: ignore[union-attr]
                          branch.h.clock)
    await fresh.load()
    assert fresh.has_left(branch.group.id, member.id)
    assert not fresh.has_left(branch.group.id, branch.user("王建国").id)
    assert not await fresh.left(branch.group.id, member.id)  # known already: no new notice


async def test_a_forged_migration_does_not_move_the_branch_group(branch: Branch) -> None:
    fake = branch.fake
    other = fake.add_group(-1005555555555, "别人的群")
    fake.forge_migrated_from(branch.outsider, other, branch.group.id)
    await branch.h.settle()
    assert branch.h.deps.chats.group_chat_id == branch.group.id
    rows = await branch.h.deps.db.fetchall("SELECT kind, chat_id FROM chat_ids")
    assert ("group", other.id) not in [(r["kind"], r["chat_id"]) for r in rows]
