"""The main menu: big buttons under the private chat, by role, doing what the commands do."""

from __future__ import annotations

from bot import texts
from bot.testing.fakeapi import FakeUser
from tests.conftest import Branch

MEMBER_BUTTONS = ["📅 我的会议", "📖 学习", "📇 亲情卡", "🙋 我需要帮助"]


def keyboard(b: Branch, who: FakeUser) -> list[str]:
    return b.fake.reply_keyboard(who)[0]


async def tap_menu(b: Branch, who: FakeUser, label: str) -> None:
    """A tap on a reply-keyboard button arrives as that text."""
    await b.say(who, label)


async def test_a_member_gets_four_big_buttons_when_he_links(branch: Branch) -> None:
    member = await branch.link("李秀英")
    labels, markup = branch.fake.reply_keyboard(member)
    assert labels == MEMBER_BUTTONS
    assert markup["is_persistent"] is True and markup["resize_keyboard"] is True
    await branch.say(member, "/start")  # and again whenever he greets the bot
    assert "_reply_keyboard" in branch.last(member)
    assert keyboard(branch, member) == MEMBER_BUTTONS


async def test_leaders_and_the_secretary_get_their_work_first(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    assert keyboard(branch, leader) == ["🗓 安排会议", "✍️ 代签到", "❤️ 关怀名单",
                                             "📋 补课任务", *MEMBER_BUTTONS]
    both = await branch.link("李平")  # committee and a group's leader: a leader's day
    assert keyboard(branch, both)[:4] == keyboard(branch, leader)[:4]
    secretary = await branch.link("王建国")  # also a group's leader: the secretary's own
    assert keyboard(branch, secretary)[:4] == ["📢 发通知", "🗓 安排会议", "🏠 走访",
                                                    "📊 年度报告"]
    assert len(keyboard(branch, secretary)) == 8


async def test_each_button_does_what_its_command_does(branch: Branch) -> None:
    member = await branch.link("李秀英")
    await tap_menu(branch, member, "📇 亲情卡")
    await branch.say(member, "/card")
    texts_ = [m.get("text") for m in branch.fake.bot_messages(member)][-2:]
    assert texts_[0] == texts_[1] and "亲情服务卡" in texts_[0]
    await tap_menu(branch, member, "🙋 我需要帮助")
    assert texts.HELPME_MENU in branch.reply(member)


async def test_my_meetings_lists_what_is_coming_with_a_leave_button(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.arrange(leader, "/meeting 党小组会 12月5日 9:30 东湖花园活动室 学习")
    you = await branch.link("尤凤英")  # in 刘建华's group
    await tap_menu(branch, you, "📅 我的会议")
    shown = branch.last(you)
    assert "12月5日（周六）上午9点半，东湖花园活动室" in shown["text"], shown["text"]
    assert branch.fake.labels(shown) == ["📝 12月5日（周六） 请假"]
    branch.fake.press(you, shown, "📝 12月5日（周六） 请假")
    await branch.h.settle()
    [m] = await branch.h.deps.meeting_repo.active()
    [answer] = await branch.h.deps.meeting_repo.attendance(m.id)
    assert answer.status == "excused"
    await tap_menu(branch, you, "📅 我的会议")
    assert "（已请假）" in branch.reply(you) and not branch.fake.labels(branch.last(you))
    outside = await branch.link("李秀英")  # another group: his group's meeting is not hers
    await tap_menu(branch, outside, "📅 我的会议")
    assert texts.MY_MEETINGS_NONE in branch.reply(outside)


async def test_a_button_in_the_middle_of_a_flow_is_not_taken_as_an_answer(
    branch: Branch,
) -> None:
    leader = await branch.link("刘建华")
    await tap_menu(branch, leader, "🗓 安排会议")
    assert "哪一天" in branch.reply(leader)  # a leader's meeting is his group's
    await tap_menu(branch, leader, "📇 亲情卡")
    assert "亲情服务卡" in branch.reply(leader)
    await branch.say(leader, "12月5日")  # the flow is still waiting for its day
    assert "几点开始" in branch.reply(leader)


async def test_buttons_change_with_the_role(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    member = await branch.link("李秀英")
    await branch.say(secretary, "/role 李秀英 支委")
    assert branch.reply(member) == texts.MENU_UPDATED
    assert keyboard(branch, member) == ["📢 发通知", "📊 年度报告", *MEMBER_BUTTONS]
    await branch.say(secretary, "/role 李秀英 取消支委")
    assert keyboard(branch, member) == MEMBER_BUTTONS


async def test_a_stranger_typing_a_button_is_told_to_link(branch: Branch) -> None:
    await tap_menu(branch, branch.outsider, "📇 亲情卡")
    assert "绑定" in branch.reply(branch.outsider)
