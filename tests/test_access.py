"""Who may use which command, where: the access matrix, through the fake Bot API.

The expected table is written out here by hand (not derived from the bot's registry), so
a change in the registry that widens access makes this test fail.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import COMMITTEE_ID, GROUP_ID, Branch, has_phone

ALL = {"stranger", "member", "leader", "committee", "secretary"}
LINKED = ALL - {"stranger"}
STAFF = {"leader", "committee", "secretary"}
EXPECTED = {
    "/start": ALL,
    "/help": ALL,
    "/me": LINKED,
    "/card": LINKED,
    "/map": STAFF,
    "/roster 张懋": STAFF,
    "/invite 许茂林": STAFF,
    "/role 许茂林 联络员": {"secretary"},
    "/meeting": {"leader", "secretary"},
    "/meetings": {"leader", "secretary"},
    "/proxy": {"leader", "secretary"},
    "/close": {"leader", "secretary"},
    "/makeups": {"leader", "secretary"},
    "/print": {"leader", "secretary"},
    "/attendance": LINKED,
    "/visit": STAFF,
    "/visits": STAFF,
    "/care": {"leader", "secretary"},
    "/flag": {"leader", "secretary"},
    "/helpme": LINKED,
    "/notice": STAFF,
    "/notices": STAFF,
    "/study": LINKED,
    "/quiz": LINKED,
    "/survey": LINKED,
    "/suggest": LINKED,
    "/deed": LINKED,
    "/dues": LINKED,
    "/collect": LINKED,
    "/report": {"committee", "secretary"},
    "/suggestions": {"secretary"},
    "/audit": {"secretary"},
    "/web": LINKED,
    "/export 许茂林": {"secretary"},
    "/erase 许茂林": {"secretary"},
}
# 刘建华 leads a group and is not on the committee; 卫红梅 is on the committee and leads
# no group; 王建国 is secretary (and leads a group).
PEOPLE = {"member": "李秀英", "leader": "刘建华", "committee": "卫红梅", "secretary": "王建国"}
REFUSALS = ("还没有绑定身份", "这项功能只对")


@pytest.mark.parametrize("role", sorted(ALL))
async def test_access_matrix_in_private_chat(branch: Branch, role: str) -> None:
    who = branch.outsider if role == "stranger" else await branch.link(PEOPLE[role])
    for command, allowed in EXPECTED.items():
        await branch.say(who, command)
        reply = branch.reply(who)
        refused = any(r in reply for r in REFUSALS)
        if command == "/help" and role == "stranger":
            assert "/start" in reply  # strangers are told how to link, nothing more
        elif role in allowed:
            assert not refused, f"{role} should be allowed {command}: {reply}"
        else:
            assert refused, f"{role} should be refused {command}: {reply}"


def _commands(reply: str) -> set[str]:
    return {line.split()[0] for line in reply.splitlines() if line.startswith("/")}


async def test_help_is_short_and_names_the_big_buttons(branch: Branch) -> None:
    member = await branch.link("李秀英")
    await branch.say(member, "/help")
    reply = branch.reply(member)
    assert _commands(reply) == {"/me", "/attendance", "/quiz", "/survey", "/suggest",
                                "/deed", "/dues", "/collect", "/web"}
    for button in ("📅 我的会议", "📖 学习", "📇 亲情卡", "🙋 我需要帮助"):
        assert f"{button} — " in reply
    assert "/help 全部" not in reply  # a member has nothing more
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/help")
    reply = branch.reply(secretary)
    assert len(reply.splitlines()) <= 22, reply
    assert "📢 发通知 — " in reply and "/help 全部" in reply


async def test_help_all_lists_exactly_what_the_role_may_do(branch: Branch) -> None:
    member = await branch.link("李秀英")
    await branch.say(member, "/help 全部")
    listed = _commands(branch.reply(member))
    assert listed == {"/help", "/me", "/card", "/attendance", "/helpme", "/study",
                      "/quiz", "/survey", "/suggest", "/deed", "/dues", "/collect", "/web"}
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/help 全部")
    listed = _commands(branch.reply(secretary))
    assert listed == {"/help", "/me", "/card", "/map", "/roster", "/invite", "/role",
                      "/meeting", "/meetings", "/proxy", "/close", "/makeups", "/attendance",
                      "/visit", "/visits", "/care", "/flag", "/helpme", "/notice", "/notices",
                      "/study", "/quiz", "/survey", "/suggest", "/deed", "/dues", "/collect",
                      "/report", "/print",
                      "/suggestions",
                      "/audit", "/export", "/erase", "/web"}


async def test_personal_commands_in_the_group_point_to_private_chat(branch: Branch) -> None:
    zhang = await branch.link("张懋")
    for command in ("/card", "/me", "/roster 张懋"):
        await branch.say(zhang, command, branch.group)
        msg = branch.last(branch.group)
        assert "请在与我的私聊中使用" in msg["text"]
        button = msg["reply_markup"]["inline_keyboard"][0][0]
        assert button["url"].startswith("https://t.me/branch_helper_bot?start=")
    # No phone number ever reached the group chat.
    for msg in branch.fake.bot_messages(branch.group):
        assert not has_phone(msg.get("text", ""))


async def test_card_shows_the_leader_and_secretary(branch: Branch) -> None:
    chen = branch.user("蒋文斌")  # 第二党小组, leader 李平
    await branch.link("蒋文斌")
    await branch.say(chen, "/card")
    card = branch.reply(chen)
    assert "党小组长：李平　电话 199 0000 0011" in card
    assert "支部书记：王建国　电话 199 0000 0001" in card
    zhang = await branch.link("张懋")  # his leader is the secretary: said once
    await branch.say(zhang, "/card")
    card = branch.reply(zhang)
    assert "党小组长（支部书记）：王建国　电话 199 0000 0001" in card
    assert card.count("王建国") == 1


async def test_map_for_a_leader_shows_only_his_group(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/map")
    text = branch.reply(leader)
    assert "第三党小组" in text and "许茂林" in text
    assert "第一党小组" not in text and "张懋" not in text


async def test_map_flags_people_without_a_group(branch: Branch) -> None:
    await branch.h.deps.roster.import_rows(
        [{"编号": "X001", "姓名": "新来的", "类别": "退休", "政治面貌": "党员"}], actor_tg=None)
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/map")
    assert "未分组（1人）：新来的" in branch.reply(secretary)


async def test_map_in_the_committee_chat_has_no_phone_numbers(branch: Branch) -> None:
    await branch.link("李平")
    await branch.say(branch.user("李平"), "/map", branch.committee)
    text = branch.reply(branch.committee)
    assert "联络图" in text and not has_phone(text)


async def test_roster_shows_flags_only_to_those_allowed(branch: Branch) -> None:
    committee = await branch.link("卫红梅")  # sees the whole roster, but no health
    await branch.say(committee, "/roster 许茂林")
    assert "许茂林" in branch.reply(committee)
    assert "行动不便" not in branch.reply(committee)
    assert "重点服务对象" not in branch.reply(committee)
    leader = await branch.link("刘建华")
    await branch.say(leader, "/roster 许茂林")
    text = branch.reply(leader)
    assert "行动不便" in text and "重点服务对象" in text
    await branch.say(leader, "/roster 赵德顺")  # 第一党小组, flagged 患病
    assert "不在您负责的党小组里" in branch.reply(leader)
    assert "患病" not in branch.reply(leader)


async def test_role_changes_take_effect_and_update_the_menu(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    member = await branch.link("李秀英")
    await branch.say(member, "/map")
    assert "这项功能只对" in branch.reply(member)
    await branch.say(secretary, "/role 李秀英 支委")
    assert "已将李秀英设为支委" in branch.reply(secretary)
    await branch.say(member, "/map")
    assert "联络图" in branch.reply(member)
    assert "map" in branch.fake.commands_for_scope({"type": "chat", "chat_id": member.id})
    await branch.say(secretary, "/role 李秀英 取消支委")
    await branch.say(member, "/map")
    assert "这项功能只对" in branch.reply(member)
    scope = json.dumps({"chat_id": member.id, "type": "chat"}, sort_keys=True)
    assert scope not in branch.fake.commands


async def test_role_sets_leader_and_moves_groups(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/role 许茂林 分组 第一党小组（幸福里）")
    assert "已将许茂林调到第一党小组（幸福里）" in branch.reply(secretary)
    person = await branch.h.deps.people.by_ext_id("C003")
    assert person is not None and person.group_name == "第一党小组（幸福里）"
    await branch.say(secretary, "/role 吕振国 组长 第三党小组（东湖花园）")
    groups = {g.name: g.leader_name for g in await branch.h.deps.people.groups()}
    assert groups["第三党小组（东湖花园）"] == "吕振国"
    await branch.say(secretary, "/role 吕振国 分组 不存在的组")
    assert "没有名为「不存在的组」的党小组" in branch.reply(secretary)
    await branch.say(secretary, "/role 吕振国 会长")
    assert "用法" in branch.reply(secretary)


async def test_menus_are_scoped_per_chat(branch: Branch) -> None:
    fake = branch.fake
    assert fake.commands_for_scope({"type": "all_private_chats"}) == [
        "start", "help", "me", "card", "attendance", "helpme", "study", "quiz", "survey",
        "suggest", "deed", "dues", "collect", "web"]
    assert fake.commands_for_scope({"type": "chat", "chat_id": GROUP_ID}) == ["help"]
    assert fake.commands_for_scope({"type": "chat", "chat_id": COMMITTEE_ID}) == [
        "help", "map"]
