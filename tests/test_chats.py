"""The chats the bot serves: unknown groups, group upgrades, and strangers."""

from __future__ import annotations

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
