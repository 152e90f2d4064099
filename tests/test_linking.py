"""Linking a Telegram account to the roster, through the fake Bot API over HTTP."""

from __future__ import annotations

from datetime import timedelta

from bot import demo_data
from bot.clock import FrozenClock
from tests.conftest import Branch


def invite_link(text: str) -> str:
    return next(w for w in text.split() if w.startswith("https://t.me/"))


async def test_stranger_start_offers_the_phone_button(branch: Branch) -> None:
    who = branch.user("张懋")
    await branch.say(who, "/start")
    msg = branch.last(who)
    assert "发送手机号" in msg["text"]
    assert msg["_reply_keyboard"]["keyboard"][0][0]["request_contact"] is True


async def test_member_links_by_sharing_his_own_phone(branch: Branch) -> None:
    who = await branch.link("李秀英")
    person = await branch.h.deps.people.by_tg_user(who.id)
    assert person is not None and person.name == "李秀英"
    await branch.say(who, "/me")
    assert "姓名：李秀英" in branch.reply(who)


async def test_phone_in_another_format_still_matches(branch: Branch) -> None:
    who = branch.user("钱玉兰")
    await branch.say(who, "/start")
    branch.fake.share_contact(who, "+86 199 0000 0005")
    await branch.h.settle()
    assert "绑定成功" in branch.reply(who)


async def test_someone_elses_contact_is_refused_and_nothing_linked(branch: Branch) -> None:
    who = branch.user("李秀英")
    await branch.say(who, "/start")
    branch.fake.share_contact(who, demo_data.phone_of(5), owner=branch.user("钱玉兰"))
    await branch.h.settle()
    assert "本人的手机号" in branch.reply(who)
    assert await branch.h.deps.people.by_tg_user(who.id) is None
    assert (await branch.h.deps.people.by_ext_id("A005")).tg_user_id is None  # type: ignore[union-attr]


async def test_unknown_phone_is_refused_politely(branch: Branch) -> None:
    who = branch.outsider
    await branch.say(who, "/start")
    branch.fake.share_contact(who, "13800138000")
    await branch.h.settle()
    assert "名册里没有找到这个手机号" in branch.reply(who)
    assert await branch.h.deps.people.by_tg_user(who.id) is None


async def test_phone_of_a_person_linked_elsewhere_is_refused(branch: Branch) -> None:
    await branch.link("李秀英")
    impostor = branch.outsider
    await branch.say(impostor, "/start")
    branch.fake.share_contact(impostor, demo_data.phone_of(3))
    await branch.h.settle()
    assert "已经绑定了另一个账号" in branch.reply(impostor)
    person = await branch.h.deps.people.by_ext_id("A003")
    assert person is not None and person.tg_user_id == branch.user("李秀英").id


async def test_secretary_invite_link_binds_once(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/invite 张懋")
    link = invite_link(branch.reply(secretary))
    zhang = branch.user("张懋")
    branch.fake.open_link(zhang, link)
    await branch.h.settle()
    assert "绑定成功！张懋同志" in branch.reply(zhang)
    # Tapping his own link again is harmless; someone else using it is refused.
    branch.fake.open_link(zhang, link)
    await branch.h.settle()
    assert "已经绑定好了" in branch.reply(zhang)
    branch.fake.open_link(branch.outsider, link)
    await branch.h.settle()
    assert "已经用过了" in branch.reply(branch.outsider)
    assert await branch.h.deps.people.by_tg_user(branch.outsider.id) is None


async def test_invite_link_expires_after_seven_days(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/invite 张懋")
    link = invite_link(branch.reply(secretary))
    clock = branch.h.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(days=7, seconds=1))
    zhang = branch.user("张懋")
    branch.fake.open_link(zhang, link)
    await branch.h.settle()
    assert "已过期" in branch.reply(zhang)
    assert await branch.h.deps.people.by_tg_user(zhang.id) is None


async def test_forged_invite_token_is_refused(branch: Branch) -> None:
    who = branch.outsider
    await branch.say(who, "/start bind_notARealToken123")
    assert "无效" in branch.reply(who)


async def test_only_a_hash_of_the_invite_token_is_stored(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/invite 张懋")
    token = invite_link(branch.reply(secretary)).split("bind_")[1]
    rows = await branch.h.deps.db.fetchall("SELECT token_hash FROM invites")
    assert len(rows) == 1
    assert token not in rows[0]["token_hash"]


async def test_leader_may_invite_only_his_own_group(branch: Branch) -> None:
    leader = await branch.link("刘建华")  # leads 第三党小组 and is not on the committee
    await branch.say(leader, "/invite 许茂林")
    assert "https://t.me/" in branch.reply(leader)
    await branch.say(leader, "/invite 张懋")  # 第一党小组
    assert "不在您负责的党小组里" in branch.reply(leader)


async def test_linking_is_written_to_the_audit_log(branch: Branch) -> None:
    who = await branch.link("李秀英")
    rows = await branch.h.deps.db.fetchall(
        "SELECT action, actor_tg, detail FROM audit_log WHERE action = 'link'")
    assert [(r["action"], r["actor_tg"], r["detail"]) for r in rows] == [
        ("link", who.id, "contact")]
