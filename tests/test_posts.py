"""Notices and study material through the fake Bot API: nobody is missed.

The big scenario: a branch of 60 in three groups of 20, each with a leader; 5 people have
no Telegram account linked and 10 have never opened a private chat with the bot, so
Telegram answers 403 for them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.clock import FrozenClock
from bot.config import Config
from bot.testing.fakeapi import FakeBotApi, FakeChat, FakeUser, Json
from bot.testing.harness import DEFAULT_START, BotHarness
from tests.conftest import Branch

GROUPS = ("一组", "二组", "三组")
NOTICE = "本周五上午九点在社区活动室学习会议精神，请大家准时参加。"


@dataclass
class Big:
    h: BotHarness
    users: dict[str, FakeUser]  # linked people, by name
    group: FakeChat
    secretary: FakeUser
    leaders: dict[str, FakeUser]  # group name -> leader
    unlinked: list[str]
    unreachable: list[str]

    async def compose(self, *steps: str) -> None:
        """The secretary types or taps each step of /notice in turn."""
        fake = self.h.fake
        fake.send(self.secretary, self.secretary.id, "/notice")
        await self.h.settle()
        for step in steps:
            await self.h.tap_or_type(self.secretary, step)

    async def wait_summary(self) -> str:
        fake = self.h.fake
        await fake.wait_for(lambda: any("发送完成" in m.get("text", "")
                                        for m in fake.bot_messages(self.secretary)))
        await self.h.settle()
        return next(m["text"] for m in fake.bot_messages(self.secretary)
                    if "发送完成" in m.get("text", ""))


def _rows() -> list[dict[str, str]]:
    rows = []
    for g, group in enumerate(GROUPS):
        for i in range(20):
            n = g * 20 + i
            row = {"编号": f"P{n:03d}", "姓名": f"{group}成员{i:02d}", "党小组": group,
                   "类别": "退休", "政治面貌": "党员"}
            if i == 0:
                row["姓名"] = f"{group}组长"
                row["角色"] = "组长" + ("、书记" if g == 0 else "")
            rows.append(row)
    return rows


async def _big(config: Config, path: Path, fake: FakeBotApi | None = None,
               clock: FrozenClock | None = None) -> AsyncIterator[Big]:
    clock = clock or FrozenClock(DEFAULT_START)
    async with BotHarness(config, path, clock=clock, fake=fake) as h:
        if not await h.deps.people.all():
            assert (await h.deps.roster.import_rows(_rows(), actor_tg=None)).ok
        people = await h.deps.people.all()
        users: dict[str, FakeUser] = {}
        unlinked: list[str] = []
        unreachable: list[str] = []
        for n, p in enumerate(people):
            if n % 12 == 5:  # 5 people without an account
                unlinked.append(p.name)
                continue
            user = h.fake.users.get(70000 + n) or h.fake.add_user(70000 + n, p.name)
            if p.tg_user_id is None:
                await h.deps.people.link_account(p.id, user.id, at="2026-11-01T00:00:00+00:00",
                                                 actor_tg=None, how="test")
            users[p.name] = user
            if n % 6 == 1 and len(unreachable) < 10:  # never opened the private chat
                unreachable.append(p.name)
            else:
                h.fake.opened_private.add(user.id)
        group = h.fake.chats.get(config.chats.group_chat_id) or h.fake.add_group(
            config.chats.group_chat_id, "支部群", list(users.values()))
        leaders = {g: users[f"{g}组长"] for g in GROUPS}
        yield Big(h, users, group, leaders["一组"], leaders, unlinked, unreachable)


@pytest.fixture
async def big(config: Config, tmp_path: Path) -> AsyncIterator[Big]:
    async for b in _big(config, tmp_path / "big.db"):
        yield b


def private_counts(b: Big, text: str) -> Counter[str]:
    """How many copies of the notice (not previews) each linked person received."""
    return Counter(name for name, user in b.users.items()
                   for m in b.h.fake.bot_messages(user)
                   if m.get("text", "").startswith("📢 通知") and text in m["text"])


async def test_notice_to_sixty_members_with_unreachable_and_unlinked(big: Big) -> None:
    await big.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "👍 要回执", "现在发", "✅ 发送")
    summary = await big.wait_summary()
    assert "送达45人" in summary
    assert "无法送达10人" in summary and all(n in summary for n in big.unreachable)
    assert "未绑定5人" in summary and all(n in summary for n in big.unlinked)
    counts = private_counts(big, NOTICE)
    reachable = set(big.users) - set(big.unreachable)
    assert counts == Counter(dict.fromkeys(reachable, 1))
    # The progress message became the summary: no second message, no stale 「正在发送」.
    sent_to_him = [m["text"] for m in big.h.fake.bot_messages(big.secretary)]
    assert not any("正在发送" in t for t in sent_to_him)
    assert sum("发送完成" in t for t in sent_to_him) == 1
    assert any(c.method == "editMessageText" and "发送完成" in str(c.params.get("text"))
               for c in big.h.fake.calls)


async def test_receipts_then_leaders_reach_everyone_else(big: Big) -> None:
    await big.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "👍 要回执", "现在发", "✅ 发送")
    await big.wait_summary()
    fake = big.h.fake
    tapped = sorted(set(big.users) - set(big.unreachable))[:30]
    for name in tapped:
        user = big.users[name]
        notice = next(m for m in fake.bot_messages(user)
                      if m.get("text", "").startswith("📢 通知"))
        fake.press(user, notice, "👍 收到")
        fake.press(user, notice, "👍 收到")  # twice: still one receipt
    await big.h.settle()
    assert fake.toasts_for(big.users[tapped[0]]) == [f"{tapped[0]}同志，已收到，谢谢！",
                                                      f"{tapped[0]}同志，已经记下了"]
    post = (await big.h.deps.post_repo.recent("notice", 1))[0]
    assert len(await big.h.deps.post_repo.acks(post.id)) == 30
    await big.h.run_job(f"post:{post.id}:followup")
    # Each leader phones the rest of his group, one tap per person.
    # (The secretary also gets the leaders who were not reached themselves.)
    for leader in big.leaders.values():
        lists = [m for m in fake.bot_messages(leader) if m.get("text", "").startswith("📞 通知「")]
        assert lists
        for sent in lists:
            while "reply_markup" in (current := fake.message(leader.id, sent["message_id"])):
                first = current["reply_markup"]["inline_keyboard"][0][0]["text"]
                assert first.startswith("📞") and first.endswith("已告知")
                fake.press(leader, current, first)
                await big.h.settle()
            assert "全部告知到了" in fake.message(leader.id, sent["message_id"])["text"]
    await big.h.settle()
    fake.send(big.secretary, big.secretary.id, "/notices")
    await big.h.settle()
    report = fake.last_bot_message(big.secretary)["text"]
    assert "合计：60/60（100%）" in report
    assert "一组：直接" in report


async def test_fan_out_interrupted_half_way_resumes_without_repeats(
    config: Config, tmp_path: Path
) -> None:
    fake = FakeBotApi(clock=FrozenClock(DEFAULT_START))
    path = tmp_path / "resume.db"
    async for b in _big(config, path, fake=fake, clock=fake.clock):  # type: ignore[arg-type]
        # Telegram fails after 20 deliveries; the job stops and waits to retry.
        fake.fail("sendMessage", 502, times=1, after=22)
        await b.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "不用", "现在发", "✅ 发送")
        post = (await b.h.deps.post_repo.recent("notice", 1))[0]
        retry = f"post:{post.id}:send"
        def retry_planned(h: Any = b.h, name: str = retry) -> bool:
            return name in h.job_names()

        await fake.wait_for(retry_planned)
        await b.h.settle()
        states = Counter(d.state for d in await b.h.deps.post_repo.deliveries(post.id))
        assert 0 < states["pending"] < 55
    # The bot restarts (the retry job is gone with the process) and picks up where it was.
    async for b in _big(config, path, fake=fake, clock=fake.clock):  # type: ignore[arg-type]
        summary = await b.wait_summary()
        assert "送达45人" in summary
        counts = private_counts(b, NOTICE)
        assert set(counts.values()) == {1}
        assert len(counts) == 45


async def test_429_during_fan_out_is_waited_out(big: Big, limiter_waits: list[float]) -> None:
    big.h.fake.fail("sendMessage", 429, times=2, retry_after=3, after=10)
    await big.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "不用", "现在发", "✅ 发送")
    assert "送达45人" in await big.wait_summary()
    assert limiter_waits == [pytest.approx(3.1), pytest.approx(3.1)]
    assert set(private_counts(big, NOTICE).values()) == {1}


async def test_notice_in_the_group_with_receipts_and_withdrawal(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    fake = branch.fake
    fake.send(secretary, secretary.id, "/notice")
    await branch.h.settle()
    for step in ("📢 通知", "明天下午停水，请大家提前储水。", "📣 支部群", "👍 要回执", "现在发",
                 "✅ 发送"):
        await branch.h.tap_or_type(secretary, step)
    await fake.wait_for(lambda: any("停水" in m.get("text", "")
                                    for m in fake.bot_messages(branch.group)))
    await branch.h.settle()
    notice = next(m for m in fake.bot_messages(branch.group) if "停水" in m.get("text", ""))
    member = await branch.link("李秀英")
    fake.press(member, notice, "👍 收到")
    fake.press(branch.outsider, notice, "👍 收到")
    await branch.h.settle()
    assert fake.toasts_for(member) == ["李秀英同志，已收到，谢谢！"]
    assert fake.toasts_for(branch.outsider) == ["您还没有绑定身份，请先私聊我绑定"]
    fake.send(secretary, secretary.id, "/notices")
    await branch.h.settle()
    fake.press(secretary, branch.last(secretary), "🗑 撤回")
    await branch.h.settle()
    fake.press(secretary, branch.last(secretary), "确定撤回")
    await branch.h.settle()
    assert "已撤回" in branch.reply(secretary)
    assert not any("停水" in m.get("text", "") for m in fake.bot_messages(branch.group))
    fake.press_data(member, notice, notice["reply_markup"]["inline_keyboard"][0][0]
                    ["callback_data"])
    await branch.h.settle()
    assert fake.toasts_for(member)[-1] == "这条通知已撤回"


async def test_leader_notifies_only_his_own_group(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    fake = branch.fake
    fake.send(leader, leader.id, "/notice")
    await branch.h.settle()
    fake.press(leader, branch.last(leader), "📢 通知")
    await branch.h.settle()
    fake.send(leader, leader.id, "周六上午小组活动")
    await branch.h.settle()
    assert fake.labels(branch.last(leader)) == ["🏘 一个党小组（私信）", "❌ 取消"]
    fake.press(leader, branch.last(leader), "🏘 一个党小组（私信）")
    await branch.h.settle()
    assert "要大家点" in branch.reply(leader)  # straight to the receipt: his group only
    fake.press(leader, branch.last(leader), "不用")
    await branch.h.settle()
    fake.press(leader, branch.last(leader), "现在发")
    await branch.h.settle()
    assert "（10人）" in branch.reply(leader)


async def _study(branch: Branch, secretary: FakeUser, due: str) -> Json:
    fake = branch.fake
    fake.send(secretary, secretary.id, "/notice")
    await branch.h.settle()
    for step in ("📖 学习资料", "学习党章第一章\n请大家认真学习。", "📣 支部群", due, "现在发",
                 "✅ 发送"):
        await branch.h.tap_or_type(secretary, step)
    await fake.wait_for(lambda: any("学习党章" in m.get("text", "")
                                    for m in fake.bot_messages(branch.group)))
    await branch.h.settle()
    return next(m for m in fake.bot_messages(branch.group) if "学习党章" in m.get("text", ""))


async def test_study_read_reflection_reminder_and_proxy(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    post_msg = await _study(branch, secretary, "11月30日")
    assert "请在11月30日（周一）前学习" in post_msg["text"]
    fake = branch.fake
    reader = await branch.link("尤凤英")
    fake.press(reader, post_msg, "📖 已学习")
    await branch.h.settle()
    assert fake.toasts_for(reader) == ["尤凤英同志，已记下您学习了"]
    writer = await branch.link("孔繁荣")
    fake.press(writer, post_msg, "✍️ 写心得")
    await branch.h.settle()
    link = fake.toasts[-1]["url"]
    fake.open_link(writer, link)
    await branch.h.settle()
    assert "心得体会" in branch.reply(writer)
    fake.send(writer, writer.id, "学习党章，要牢记初心。")
    await branch.h.settle()
    assert "心得已保存" in branch.reply(writer)
    late = await branch.link("何秀兰")
    leader = await branch.link("刘建华")
    post = (await branch.h.deps.post_repo.recent("study", 1))[0]
    clock = branch.h.clock
    assert isinstance(clock, FrozenClock)
    clock.advance(timedelta(days=7))  # the day before the due date
    before = {u.id: len(fake.bot_messages(u)) for u in (reader, writer, late)}
    await branch.h.run_job(f"post:{post.id}:remind")
    assert len(fake.bot_messages(reader)) == before[reader.id]  # studied: no reminder
    assert len(fake.bot_messages(writer)) == before[writer.id]  # wrote: counts as studied
    assert "您还没有学习" in branch.reply(late)
    followup = next(m for m in reversed(fake.bot_messages(leader))
                    if m["text"].startswith("📞 学习资料「学习党章第一章」"))
    assert "许茂林" in followup["text"] and "尤凤英" not in followup["text"]
    fake.press(leader, followup, "🚪许茂林上门")
    await branch.h.settle()
    assert fake.toasts_for(leader)[-1] == "已记录：许茂林 上门告知"
    xu = await branch.h.deps.people.by_ext_id("C003")
    assert xu is not None and await branch.h.deps.posts.status_of(post, xu) == "via_leader"
    # A second reminder run (a restart, a duplicate job) sends nothing more.
    from bot.jobs.posts import remind_study

    app = branch.h.app
    assert app is not None and app.job_queue is not None
    app.job_queue.run_once(remind_study, when=3600, name="again", data=post.id)
    await branch.h.run_job("again")
    assert sum("您还没有学习" in m["text"] for m in fake.bot_messages(late)) == 1
    await branch.say(leader, "/study")
    staff_view = branch.reply(leader)
    assert "「学习党章第一章」已学习" in staff_view and "心得1篇：孔繁荣" in staff_view
    assert "孔繁荣：学习党章，要牢记初心。" in staff_view
    await branch.say(reader, "/study")
    assert "✅ 学习党章第一章" in branch.reply(reader)
    await branch.say(late, "/study")
    assert "⬜ 学习党章第一章" in branch.reply(late)


async def test_forwarded_message_becomes_study_material(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    fake = branch.fake
    fake.forward(secretary, "《人民日报》评论：老有所为\n全文……")
    await branch.h.settle()
    assert "要把这条消息发出去吗" in branch.reply(secretary)
    for step in ("📖 学习资料", "📣 支部群", "不设期限", "现在发", "✅ 发送"):
        fake.press(secretary, branch.last(secretary), step)
        await branch.h.settle()
    await fake.wait_for(lambda: any("老有所为" in m.get("text", "")
                                    for m in fake.bot_messages(branch.group)))
    post = (await branch.h.deps.post_repo.recent("study", 1))[0]
    assert post.title == "《人民日报》评论：老有所为"


async def test_a_notice_says_its_title_once(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/notice")
    for step in ("📢 通知", "明早九点体检\n请带上医保卡，空腹。", "📣 支部群", "不用", "现在发",
                 "✅ 发送"):
        await branch.h.tap_or_type(secretary, step)
    [sent] = [m["text"] for m in branch.fake.bot_messages(branch.group) if "体检" in m["text"]]
    assert sent.count("明早九点体检") == 1, sent
    assert sent == "📢 通知：明早九点体检\n\n请带上医保卡，空腹。"


async def test_notice_sent_later_at_the_time_given(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    fake = branch.fake
    fake.send(secretary, secretary.id, "/notice")
    await branch.h.settle()
    for step in ("📢 通知", "明早九点体检", "📣 支部群", "不用", "明天 8:00", "✅ 发送"):
        await branch.h.tap_or_type(secretary, step)
    assert "将于11月23日（周一）上午8点发送" in branch.reply(secretary)
    post = (await branch.h.deps.post_repo.recent("notice", 1))[0]
    assert post.send_at == "2026-11-23T00:00:00+00:00"
    assert not any("体检" in m.get("text", "") for m in fake.bot_messages(branch.group))
    clock = branch.h.clock
    assert isinstance(clock, FrozenClock)
    clock.set(datetime.fromisoformat(post.send_at))
    await branch.h.run_job(f"post:{post.id}:send")
    assert any("体检" in m.get("text", "") for m in fake.bot_messages(branch.group))


async def test_a_notice_telegram_refuses_for_good_is_stopped_and_the_sender_told(
    branch: Branch,
) -> None:
    secretary = await branch.link("王建国")
    fake = branch.fake
    fake.send(secretary, secretary.id, "/notice")
    await branch.h.settle()
    branch.group.bot_may_post = False  # the group's admins took away the bot's right to post
    for step in ("📢 通知", "明天下午停水。", "📣 支部群", "不用", "现在发", "✅ 发送"):
        await branch.h.tap_or_type(secretary, step)
    told = [m["text"] for m in fake.bot_messages(secretary) if "没能发到" in m.get("text", "")]
    assert len(told) == 1 and "设为群管理员" in told[0], told
    [post] = await branch.h.deps.post_repo.recent("notice", 1)
    assert not [n for n in branch.job_names() if n.startswith(f"post:{post.id}:send")]
    # An hour later nothing was tried again, and the sender was told only once.
    await branch.h.advance_to(branch.h.clock.now() + timedelta(hours=1))
    group_sends = [c for c in fake.calls_of("sendMessage")
                   if int(c.params["chat_id"]) == branch.group.id]
    assert len(group_sends) == 1
    assert len([m for m in fake.bot_messages(secretary) if "没能发到" in m.get("text", "")]) == 1
    assert post.id not in {p.id for p in await branch.h.deps.post_repo.unfinished()}


async def test_a_leader_writes_down_a_reflection_a_member_dictated(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await _study(branch, secretary, "不设期限")
    leader = await branch.link("刘建华")
    await branch.say(leader, "/study 心得 许茂林 学了党章，要发挥余热")
    assert branch.reply(leader) == ("已替许茂林同志记下「学习党章第一章」的学习心得，"
                                    "也记为已学习（由您代记）。")
    xu = await branch.h.deps.people.by_ext_id("C003")
    me = await branch.h.deps.people.by_ext_id("C001")
    assert xu is not None and me is not None
    rows = await branch.h.deps.db.fetchall(
        "SELECT person_id, text, recorded_by FROM reflections")
    assert [tuple(r) for r in rows] == [(xu.id, "学了党章，要发挥余热", me.id)]
    post = (await branch.h.deps.posts.recent("study", 1))[0]
    [ack] = [a for a in await branch.h.deps.posts.acks(post.id) if a.person_id == xu.id]
    assert ack.recorded_by == me.id
    await branch.say(leader, "/study 心得 张懋 很受教育")
    assert branch.reply(leader) == "「张懋」不在您负责的党小组里。"


async def test_the_secretarys_list_is_his_group_first_then_the_branch(big: Big) -> None:
    await big.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "👍 要回执", "现在发", "✅ 发送")
    await big.wait_summary()
    fake = big.h.fake
    await big.h.settle()
    fake.send(big.secretary, big.secretary.id, "/notices")
    await big.h.settle()
    before = len(fake.bot_messages(big.secretary))
    fake.press(big.secretary, fake.last_bot_message(big.secretary), "📋 我组未送到名单")
    await big.h.settle()
    own = fake.bot_messages(big.secretary)[before:]
    names = _called(fake, own)
    assert names and all(n.startswith("一组") for n in names), names  # his group only
    before = len(fake.bot_messages(big.secretary))
    fake.press(big.secretary, own[-1], "📋 全支部未送到名单")
    await big.h.settle()
    everyone = _called(fake, fake.bot_messages(big.secretary)[before:])
    assert names < everyone and {n[:2] for n in everyone} == {"一组", "二组", "三组"}
    assert everyone == {m.person.name for m in await big.h.deps.posts.missing(
        (await big.h.deps.post_repo.recent("notice", 1))[0])}
    leader = big.leaders["二组"]  # a leader's list stays his group's, with no branch button
    fake.send(leader, leader.id, "/notices")
    await big.h.settle()
    fake.press(leader, fake.last_bot_message(leader), "📋 我组未送到名单")
    await big.h.settle()
    labels = fake.labels(fake.last_bot_message(leader))
    assert "📋 全支部未送到名单" not in labels
    mine = _called(fake, [fake.last_bot_message(leader)])
    assert mine and all(n.startswith("二组") for n in mine)
    forged = f"pst:fa:{(await big.h.deps.post_repo.recent('notice', 1))[0].id}"
    fake.press_data(leader, fake.last_bot_message(leader), forged)
    await big.h.settle()
    assert _called(fake, [fake.last_bot_message(leader)]) == mine


def _called(fake: FakeBotApi, messages: list[Json]) -> set[str]:
    """The people a phone-round list has a 「📞…已告知」 button for."""
    return {label[1:-3] for m in messages for label in fake.labels(m)
            if label.startswith("📞") and label.endswith("已告知")}


async def test_a_list_asked_for_early_is_the_round_the_follow_up_sends(big: Big) -> None:
    """📋 before the follow-up opens the post's phone round; whoever reads the notice
    himself afterwards drops off the list the follow-up then sends (nobody is phoned about
    a notice he has already read)."""
    await big.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "👍 要回执", "现在发", "✅ 发送")
    await big.wait_summary()
    fake = big.h.fake
    leader = big.leaders["二组"]
    fake.send(leader, leader.id, "/notices")
    await big.h.settle()
    fake.press(leader, fake.last_bot_message(leader), "📋 我组未送到名单")
    await big.h.settle()
    early = _called(fake, [fake.last_bot_message(leader)])
    reader = next(n for n in sorted(early) if n in big.users and n not in big.unreachable)
    notice = next(m for m in fake.bot_messages(big.users[reader])
                  if m.get("text", "").startswith("📢 通知"))
    fake.press(big.users[reader], notice, "👍 收到")
    await big.h.settle()
    post = (await big.h.deps.post_repo.recent("notice", 1))[0]
    before = len(fake.bot_messages(leader))
    await big.h.run_job(f"post:{post.id}:followup")
    [sent] = [m for m in fake.bot_messages(leader)[before:]
              if m.get("text", "").startswith("📞 通知「")]
    assert _called(fake, [sent]) == early - {reader}
    assert reader not in sent["text"]


async def test_the_reports_count_of_reached_is_the_one_the_lists_show(big: Big) -> None:
    """The year's report counts who was reached without listing anyone
    (`PostService.reached_of`); it must count by the same rule as the lists the leaders
    and `/notices` show (`coverage`): taps, a leader's calls either way, Telegram's 403s,
    the unlinked, a notice without receipts to one group."""
    fake, deps = big.h.fake, big.h.deps
    await big.compose("📢 通知", NOTICE, "✉️ 全体成员（私信）", "👍 要回执", "现在发", "✅ 发送")
    await big.wait_summary()
    for name in sorted(set(big.users) - set(big.unreachable))[:20]:
        notice = next(m for m in fake.bot_messages(big.users[name])
                      if m.get("text", "").startswith("📢 通知"))
        fake.press(big.users[name], notice, "👍 收到")
    await big.h.settle()
    [receipted] = await deps.post_repo.recent("notice", 1)
    await big.h.run_job(f"post:{receipted.id}:followup")
    leader = big.leaders["二组"]
    sheet = next(m for m in fake.bot_messages(leader)
                 if m.get("text", "").startswith("📞 通知「"))
    for mark in ("📞", "❌", "🚪"):
        current = fake.message(leader.id, sheet["message_id"])
        fake.press(leader, current, next(b["text"] for row in current["reply_markup"][
            "inline_keyboard"] for b in row if b["text"].startswith(mark)))
        await big.h.settle()
    # The second notice: one group, no receipts.
    await big.compose("📢 通知", "三组下周换活动室", "🏘 一个党小组（私信）", "三组", "不用",
                      "现在发", "✅ 发送")
    await big.wait_summary()
    posts = await deps.post_repo.recent("notice", 2)
    assert {p.id for p in posts} > {receipted.id}

    def sums(coverages: list[dict[int | None, Any]]) -> tuple[int, int]:
        covs = [c for coverage in coverages for c in coverage.values()]
        return (sum(len(c.direct) + len(c.via_leader) for c in covs),
                sum(c.total for c in covs))

    one_by_one = [sums([await deps.posts.coverage(p)]) for p in posts]
    assert await deps.posts.reached_of(posts[:1], posts[1:], posts) == [
        *one_by_one, sums([await deps.posts.coverage(p) for p in posts])]
    by_id = dict(zip([p.id for p in posts], one_by_one, strict=True))
    assert by_id[receipted.id] == (22, 60)  # 20 taps, two calls reached, one not
    # Delivered counts as reached without receipts: 20 less three 403s and two unlinked.
    assert [n for pid, n in by_id.items() if pid != receipted.id] == [(15, 20)]
