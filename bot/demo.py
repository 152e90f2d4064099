"""`python -m bot demo`: the real bot, offline, playing a short scene with a sample branch.

It starts the fake Bot API on 127.0.0.1, runs the bot against it with a throw-away
database (or `--db PATH`), loads the fictional branch from `bot.demo_data` through the
real importer, then has people do what they would do and prints the conversation.
Nothing here bypasses the bot: every line of the transcript went over HTTP.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import demo_data, texts
from bot.clock import FrozenClock
from bot.config import Config, parse_config
from bot.services.holidays import HOLIDAYS, holiday_date
from bot.testing.fakeapi import Event, FakeUser
from bot.testing.fakeweather import FakeOpenMeteo, daily_forecast
from bot.testing.harness import BotHarness


def demo_config(weather_url: str, web_port: int | None = None) -> Config:
    """The sample branch, with the weather fetched from the local fake, never the internet;
    with the desk on 127.0.0.1:`web_port` when asked for (`demo --web`)."""
    web = ({"enabled": True, "listen": "127.0.0.1", "port": web_port,
            "public_url": f"http://127.0.0.1:{web_port}"} if web_port else {})
    return parse_config(
        {
            "web": web,
            "branch": {"name": demo_data.DEMO_BRANCH, "city": "示范市",
                       "latitude": 30.59, "longitude": 114.31},
            "chats": {"group_chat_id": demo_data.GROUP_CHAT_ID,
                      "committee_chat_id": demo_data.COMMITTEE_CHAT_ID},
            "admins": {"secretary_ids": [demo_data.SECRETARY_TG]},
            "weather": {"base_url": weather_url},
            # The fake enforces no limits in the demo; pacing to Telegram's would only
            # make the scene slow to print.
            "telegram": {"rate_limit": {"overall_per_second": 1000,
                                        "group_per_minute": 6000}},
        },
        env={},
        need_token=False,
    )


_INDENT = " " * 6


async def _push_day(h: BotHarness, clock: FrozenClock, day: date, kind: str) -> None:
    """Move the clock to `day`, plan it as the midnight job would, and run its pushes of
    `kind` at their time."""
    tz = h.deps.config.branch.tz
    clock.set(datetime.combine(day, time(0, 6), tzinfo=tz))
    await h.run_job("pushes:plan")
    for planned in await h.deps.scheduler.plan(day):
        if planned.kind == kind or (kind == "holiday" and planned.kind == "visit_list"):
            clock.set(planned.when)
            await h.run_job(f"push:{planned.key}")


def render(events: Iterable[Event]) -> str:
    """The conversation as a readable transcript."""
    out: list[str] = []
    for e in events:
        where = f"【{e.chat}】"
        if e.kind == "say":
            out.append(f"{where}{e.who}：{e.text}")
        elif e.kind == "press":
            out.append(f"{where}{e.who} 点了 [{e.text}]")
        elif e.kind == "toast":
            if not e.text:
                continue  # a silent answer: the button just stops spinning
            out.append(f"{where}  ↳ 弹出提示给{e.who}：{e.text}")
        elif e.kind == "leave":
            out.append(f"{where}🤖 {e.who} 退出了这个群")
        elif e.kind == "delete":
            out.append(f"{where}🤖 撤回了一条消息")
        else:
            label = {"edit": "（更新）", "document": "（文件）", "photo": "（图片）",
                     "poll": "（答题）"}.get(e.kind, "")
            lines = e.text.splitlines() or [""]
            out.append(f"{where}🤖 {e.who}{label}：{lines[0]}")
            out.extend(f"{_INDENT}{line}" for line in lines[1:])
            out.extend(_INDENT + "  ".join(f"[{b}]" for b in row) for row in e.buttons)
    return "\n".join(out)


async def run_demo(db_path: Path | None = None, web_port: int | None = None) -> str:
    """Play the scene; return the transcript. With `web_port`, print the transcript, then
    serve the desk over the demo branch with the secretary's login link until Ctrl-C."""
    with tempfile.TemporaryDirectory(prefix="branchbot-demo-") as tmp:
        path = db_path or Path(tmp) / "demo.db"
        clock = FrozenClock(datetime.now(UTC))
        weather = FakeOpenMeteo()
        await weather.start()
        today = clock.now().astimezone(ZoneInfo("Asia/Shanghai")).date()
        weather.forecast = daily_forecast(today - timedelta(days=1), [
            {"t_max": 18, "t_min": 9}, {"t_max": 17, "t_min": 8}, {"t_max": 16, "t_min": 8},
            {"t_max": 16, "t_min": 7}])  # calm: the start-up check says nothing
        try:
            return await _scene(path, clock, weather, web_port)
        finally:
            await weather.stop()


async def _scene(path: Path, clock: FrozenClock, weather: FakeOpenMeteo,
                 web_port: int | None) -> str:
    async with BotHarness(demo_config(weather.url, web_port), path, clock=clock) as h:
        fake = h.fake
        report = await h.deps.roster.import_rows(demo_data.roster_rows(), actor_tg=None)
        assert report.ok, report.problems
        ids = demo_data.telegram_ids()
        users: dict[str, FakeUser] = {
            name: fake.add_user(tg, name[0], name[1:]) for name, tg in ids.items()
        }
        group = fake.add_group(demo_data.GROUP_CHAT_ID, "幸福里支部群", list(users.values()))
        fake.add_group(demo_data.COMMITTEE_CHAT_ID, "支委群",
                       [users["王建国"], users["李平"], users["刘建华"], users["施慧敏"]])
        secretary, zhang, li_xy, li_ping = (users["王建国"], users["张懋"], users["李秀英"],
                                            users["李平"])

        # The secretary opens a private chat and links himself by phone number.
        fake.send(secretary, secretary.id, "/start")
        await h.settle()
        fake.share_contact(secretary, "+86 199-0000-0001")
        await h.settle()
        # He looks at the contact map, then makes an invite link for 张懋.
        fake.send(secretary, secretary.id, "/map")
        await h.settle()
        fake.send(secretary, secretary.id, "/invite 张懋")
        await h.settle()
        link_text = fake.last_bot_message(secretary)["text"]
        link = next(w for w in link_text.split() if w.startswith("https://t.me/"))
        # 张懋 opens the link his leader forwarded, then taps the big 亲情卡 button.
        fake.open_link(zhang, link)
        await h.settle()
        fake.send(zhang, zhang.id, texts.MENU_BUTTON["card"])
        await h.settle()
        # 李秀英 first forwards her husband's contact by mistake, then shares her own.
        fake.send(li_xy, li_xy.id, "/start")
        await h.settle()
        fake.share_contact(li_xy, demo_data.phone_of(4), owner=users["钱玉兰"])
        await h.settle()
        fake.share_contact(li_xy, demo_data.phone_of(3))
        await h.settle()
        # A member tries a committee command; group leader 李平 links and sees his group.
        fake.send(li_xy, li_xy.id, "/map")
        await h.settle()
        fake.send(li_ping, li_ping.id, "/start")
        await h.settle()
        fake.share_contact(li_ping, demo_data.phone_of(11))
        await h.settle()
        fake.send(li_ping, li_ping.id, "/help")
        await h.settle()
        # In the group chat, 张懋 asks for his card: phone numbers stay out of the group.
        fake.send(zhang, group, "/card")
        await h.settle()
        # Group leader 刘建华 arranges his group's monthly meeting in one line.
        liu = users["刘建华"]
        fake.send(liu, liu.id, "/start")
        await h.settle()
        fake.share_contact(liu, demo_data.phone_of(21))
        await h.settle()
        day = (clock.now().astimezone(h.deps.config.branch.tz) + timedelta(days=3)).date()
        # He types it as he would say it; the bot shows what it understood, he taps ✅.
        await h.arrange(liu, f"/meeting 党小组会 {day.month}月{day.day}日上午9点半 东湖花园活动室 "
                             "学习会议精神")
        meeting = (await h.deps.meeting_repo.active())[-1]
        # An hour before the start the card goes up in the group; members tap.
        clock.set(h.deps.meetings.opens_at(meeting))
        await h.run_job(f"mtg:{meeting.id}:open")
        card = fake.last_bot_message(group)
        for name in ("尤凤英", "孔繁荣", "何秀兰"):
            member = users[name]
            fake.send(member, member.id, "/start")
            await h.settle()
            fake.share_contact(member, demo_data.phone_of(
                next(i for i, row in enumerate(demo_data.PEOPLE, 1) if row[1] == name)))
            await h.settle()
        # 尤凤英 checks what is on with the big 📅 我的会议 button, then taps the card.
        fake.send(users["尤凤英"], users["尤凤英"].id, texts.MENU_BUTTON["my_meetings"])
        await h.settle()
        fake.press(users["尤凤英"], card, "✅ 签到")
        fake.press(users["孔繁荣"], card, "✅ 签到")
        fake.press(users["孔繁荣"], card, "✅ 签到")  # a second tap changes nothing
        fake.press(users["何秀兰"], card, "📝 请假")
        await h.settle()
        fake.press(users["何秀兰"], fake.last_bot_message(users["何秀兰"]), "外出")
        await h.settle()
        # 许茂林 has no smartphone: his leader checks him in.
        fake.send(liu, liu.id, texts.MENU_BUTTON["proxy"])
        await h.settle()
        fake.press(liu, fake.last_bot_message(liu), "✅ 许茂林 签到")
        await h.settle()
        await h.flush_cards()
        # The meeting ends: the card is frozen, the absentees become make-up tasks.
        clock.set(datetime.fromisoformat(meeting.ends_at))
        await h.run_job(f"mtg:{meeting.id}:close")
        task = next(m for m in reversed(fake.bot_messages(liu)) if "reply_markup" in m)
        fake.press(liu, task, "曹玉珍·电话传达")
        await h.settle()
        # 何秀兰 is taken into hospital; she tells the bot, and her leader is told.
        he = users["何秀兰"]
        fake.send(he, he.id, texts.MENU_BUTTON["helpme"])
        await h.settle()
        fake.press(he, fake.last_bot_message(he), "🏥 我住院了")
        await h.settle()
        # Two days later 刘建华 visits her and logs it from the task's button.
        clock.set(clock.now() + timedelta(days=2))
        task = next(m for m in reversed(fake.bot_messages(liu)) if "住院了" in m["text"])
        fake.press(liu, task, "📝 记录走访")
        await h.settle()
        for step in ("今天", "只有我"):
            fake.press(liu, fake.last_bot_message(liu), step)
            await h.settle()
        for typed in ("手术顺利，精神不错", "鲜花一束 300元"):
            fake.send(liu, liu.id, typed)
            await h.settle()
        fake.press(liu, fake.last_bot_message(liu), "✅ 保存")
        await h.settle()
        fake.send(liu, liu.id, "/care")
        await h.settle()
        # The secretary sends a notice to every member privately, with a receipt.
        notice = "本周五上午九点在社区活动室学习会议精神，请大家准时参加。"
        fake.send(secretary, secretary.id, "/notice")
        await h.settle()
        steps = ("📢 通知", notice, "✉️ 全体成员（私信）", "👍 要回执", "现在发", "✅ 发送")
        for step in steps:
            await h.tap_or_type(secretary, step)
        await fake.wait_for(lambda: any("发送完成" in m.get("text", "")
                                        for m in fake.bot_messages(secretary)))
        await h.settle()
        for name in ("张懋", "尤凤英"):
            got = next(m for m in fake.bot_messages(users[name])
                       if m.get("text", "").startswith("📢"))
            fake.press(users[name], got, "👍 收到")
        await h.settle()
        # A day later each leader gets his list; 刘建华 phones 许茂林, who has no phone.
        clock.set(clock.now() + timedelta(days=1))
        post = (await h.deps.post_repo.recent("notice", 1))[0]
        await h.run_job(f"post:{post.id}:followup")
        todo = next(m for m in reversed(fake.bot_messages(liu))
                    if m["text"].startswith("📞 通知「"))
        fake.press(liu, todo, "📞许茂林已告知")
        await h.settle()
        fake.send(secretary, secretary.id, "/notices")
        await h.settle()
        # Next morning a cold wave is forecast: a warning for the elderly, with 「我平安」.
        tz = h.deps.config.branch.tz
        tomorrow = clock.now().astimezone(tz).date() + timedelta(days=1)
        weather.forecast = daily_forecast(tomorrow - timedelta(days=1), [
            {"t_max": 16, "t_min": 10}, {"t_max": 12, "t_min": 6},
            {"t_max": 5, "t_min": -3, "gust": 45}, {"t_max": 6, "t_min": -2}])
        await _push_day(h, clock, tomorrow, "weather")
        zhang_warned = fake.last_bot_message(group)
        fake.press(zhang, zhang_warned, "🙋 我平安")
        await h.settle()
        # The next festival: greetings in the group, and on 重阳/春节 the visit list.
        holiday = min((holiday_date(hd, y), hd) for hd in HOLIDAYS
                      for y in (tomorrow.year, tomorrow.year + 1)
                      if holiday_date(hd, y) > tomorrow)
        await _push_day(h, clock, holiday[0], "holiday")
        # 许茂林 is not in the group chat: his leader's phone round tells him, one tap a call.
        phone_round = next(m for m in reversed(fake.bot_messages(liu))
                           if m.get("text", "").startswith("📞"))
        fake.press(liu, phone_round, "📞许茂林已告知")
        await h.settle()
        # For members without a phone, 刘建华 prints their 亲情服务卡 to hand out.
        fake.send(liu, liu.id, "/print")
        await h.settle()
        fake.press(liu, fake.last_bot_message(liu), "📇 打印亲情服务卡")
        await h.settle()
        # Someone adds the bot to a group it does not serve: it says so and leaves.
        stranger = fake.add_user(7777, "陌生人")
        other = fake.add_group(-1009999, "广场舞交流群", [stranger], bot_present=False)
        fake.add_bot_to_group(stranger, other)
        await h.settle()
        if web_port is None:
            return render(fake.events)
        # The secretary asks for the desk: /web gives him a one-time link.
        fake.send(secretary, secretary.id, "/web")
        await h.settle()
        print(render(fake.events), flush=True)
        await _serve_desk(h, fake.last_bot_message(secretary)["text"])
        return ""


async def _serve_desk(h: BotHarness, link_message: str) -> None:
    from bot.web.app import desk_app
    from bot.web.server import desk_server, serve_until_stopped

    link = next(word for word in link_message.split() if "/login?t=" in word)
    server = desk_server(desk_app(lambda: h.deps), h.deps.config.web)

    async def announce() -> None:  # once it listens, not before
        await server.listening.wait()
        print(texts.CLI_DEMO_WEB.format(url=link), flush=True)

    announcing = asyncio.create_task(announce())
    await serve_until_stopped(server)
    announcing.cancel()
