"""Anonymous surveys: one answer each, totals only, results after closing and only with
enough answers, and no way from the database back to who answered what."""

from __future__ import annotations

from pathlib import Path

from bot.inbox import DurableQueue
from bot.testing.fakeapi import FakeUser
from storage.backup import backup
from tests.conftest import Branch

SURVEY = ("/survey 支部工作满意度测评\n您对支部工作满意吗？ 满意/基本满意/不满意\n"
          "您对走访慰问满意吗？ 满意/基本满意/不满意\n+意见")


async def _take(b: Branch, who: FakeUser, survey_id: int, choices: list[str],
                comment: str | None) -> str:
    b.fake.open_link(who, f"https://t.me/branch_helper_bot?start=svy_{survey_id}")
    await b.h.settle()
    for choice in choices:
        await b.h.tap_or_type(who, choice)
    if comment is not None:
        await b.h.tap_or_type(who, comment)
    return b.reply(who)


async def test_survey_is_anonymous_and_counted_once(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, SURVEY)
    assert "已发起「支部工作满意度测评」" in branch.reply(secretary)
    announce = branch.last(branch.group)
    assert "完全匿名" in announce["text"]
    [survey] = await branch.h.deps.survey_repo.recent(1)
    voters = ["张懋", "李秀英", "钱玉兰", "吴国华", "冯长生"]
    answers = [["满意", "满意"], ["满意", "基本满意"], ["基本满意", "满意"],
               ["满意", "不满意"], ["满意", "满意"]]
    for name, choices in zip(voters, answers, strict=True):
        who = await branch.link(name)
        reply = await _take(branch, who, survey.id, choices,
                            "希望多组织学习" if name == "李秀英" else "跳过")
        assert reply == "已提交，谢谢您！您的回答是匿名的。"
    again = await _take(branch, branch.user("张懋"), survey.id, [], None)
    assert again == "您已经参加过这次测评了，谢谢！"
    # Nothing stored ties an answer to a person: only who voted, and totals.
    db = branch.h.deps.db
    columns = {r["name"] for t in ("survey_tallies", "survey_comments")
               for r in await db.fetchall(f"PRAGMA table_info({t})")}
    assert columns == {"survey_id", "question", "choice", "votes", "shuffle", "text"}
    voter_columns = {r["name"] for r in await db.fetchall("PRAGMA table_info(survey_voters)")}
    assert voter_columns == {"survey_id", "person_id", "recorded_by"}  # who entered a ballot
    # Results only after closing.
    await branch.say(secretary, "/survey")
    assert "进行中，已有5人参加" in branch.reply(secretary)
    branch.fake.press(secretary, branch.last(secretary), "🏁 结束并看结果")
    await branch.h.settle()
    result = branch.reply(secretary)
    assert "「支部工作满意度测评」结果（5人参加）" in result
    assert "　满意：4人（80%）" in result and "　满意度 100%" in result
    assert "　满意度 80%" in result  # the second question: one 不满意
    assert "· 希望多组织学习" in result
    assert not any(name in result for name in voters)
    late = await _take(branch, await branch.link("孔繁荣"), survey.id, [], None)
    assert late == "这次测评已经结束了。"


async def test_too_few_answers_show_no_results(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, SURVEY)
    [survey] = await branch.h.deps.survey_repo.recent(1)
    for name in ("张懋", "李秀英"):
        await _take(branch, await branch.link(name), survey.id, ["满意", "满意"], "跳过")
    await branch.say(secretary, "/survey")
    branch.fake.press(secretary, branch.last(secretary), "🏁 结束并看结果")
    await branch.h.settle()
    assert branch.reply(secretary) == "参加的人不到5人，为保护匿名，不显示结果。"


async def test_only_the_secretary_starts_or_closes(branch: Branch) -> None:
    member = await branch.link("李秀英")
    await branch.say(member, SURVEY)
    assert await branch.h.deps.survey_repo.recent(1) == []
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/survey 只有标题")
    assert "发起匿名测评" in branch.reply(secretary)  # the usage, with an example
    await branch.say(secretary, SURVEY)
    [survey] = await branch.h.deps.survey_repo.recent(1)
    # 结束 lives in the secretary's private chat; forged in the member's own chat the
    # survey service refuses, forged onto the group card it never reaches the feature.
    branch.fake.press_data(member, branch.last(member), f"svy:end:{survey.id}")
    await branch.h.settle()
    assert branch.fake.toasts_for(member)[-1] == "抱歉，只有书记可以结束测评"
    branch.fake.press_data(member, branch.last(branch.group), f"svy:end:{survey.id}")
    await branch.h.settle()
    assert branch.fake.toasts_for(member)[-1] == "这个按钮已失效，请看最新的消息"
    still = await branch.h.deps.survey_repo.get(survey.id)
    assert still is not None and still.status == "open"


async def test_a_vote_and_a_shared_number_leave_no_trace_on_disk(
        branch: Branch, tmp_path: Path) -> None:
    """The audit found the raw updates (sender + `svy:a:…` choice, a shared phone number)
    readable in branch.db-wal after they were handled. Here every update is written to
    the inbox first, as in webhook mode; afterwards neither the database file, nor its
    log, nor a backup made then holds them."""
    queue = branch.h.app.update_queue  # type: ignore[union-attr]
    assert isinstance(queue, DurableQueue)
    queue.eager, queue.grace = True, 0.0  # write every update before handling it
    secretary = await branch.link("王建国")
    await branch.say(secretary, SURVEY)
    [survey] = await branch.h.deps.survey_repo.recent(1)
    voter = await branch.link("李秀英")
    assert await _take(branch, voter, survey.id, ["不满意", "基本满意"],
                       "食堂饭菜太咸") == "已提交，谢谢您！您的回答是匿名的。"
    stranger = branch.outsider
    await branch.say(stranger, "/start")
    branch.fake.share_contact(stranger, "13812345678")
    await branch.h.settle()
    assert "没有找到" in branch.reply(stranger) or "联系" in branch.reply(stranger)
    db_path = Path(branch.h.deps.db._path)
    backup_path = tmp_path / "after.db"
    await backup(branch.h.deps.db, backup_path)
    secrets = [f"svy:a:{survey.id}:".encode(), b"svy:skip", "食堂饭菜太咸\",".encode(),
               b"13812345678"]
    for path in (db_path, Path(f"{db_path}-wal"), backup_path):
        data = path.read_bytes() if path.exists() else b""
        for secret in secrets:
            assert secret not in data, (path.name, secret)
    # The anonymous comment itself is kept, apart from any name, as promised.
    assert list(await branch.h.deps.survey_repo.comments(survey.id)) == ["食堂饭菜太咸"]


async def test_a_leader_enters_a_paper_ballot_anonymous_like_any_other(branch: Branch) -> None:
    """许茂林 answered on paper: his leader taps his choices; the totals count them, the
    voter row says only that he took part and who entered it."""
    secretary = await branch.link("王建国")
    await branch.say(secretary, SURVEY)
    [survey] = await branch.h.deps.survey_repo.recent(1)
    leader = await branch.link("刘建华")
    await branch.say(leader, "/survey 代填 许茂林")
    assert "代许茂林同志填写纸质问卷「支部工作满意度测评」" in "\n".join(
        m["text"] for m in branch.fake.bot_messages(leader)[-2:])
    for step in ("基本满意", "满意", "跳过"):
        await branch.h.tap_or_type(leader, step)
    assert branch.reply(leader) == "已记下许茂林同志的问卷（匿名统计，只记下许茂林同志已参加）。"
    xu = await branch.h.deps.people.by_ext_id("C003")
    me = await branch.h.deps.people.by_ext_id("C001")
    assert xu is not None and me is not None
    rows = await branch.h.deps.db.fetchall("SELECT person_id, recorded_by FROM survey_voters")
    assert [tuple(r) for r in rows] == [(xu.id, me.id)]
    tallies = await branch.h.deps.db.fetchall(
        "SELECT question, choice, votes FROM survey_tallies ORDER BY question")
    assert [tuple(r) for r in tallies] == [(0, 1, 1), (1, 0, 1)]
    await branch.say(leader, "/survey 代填 许茂林")  # twice: refused, nothing counted
    assert branch.reply(leader) == "许茂林同志已经填过这份问卷了。"
    await branch.say(leader, "/survey 代填 张懋")  # not his group
    assert branch.reply(leader) == "「张懋」不在您负责的党小组里。"
    # His own answer afterwards is his own, not another ballot for 许茂林.
    reply = await _take(branch, leader, survey.id, ["满意", "满意"], "跳过")
    assert reply == "已提交，谢谢您！您的回答是匿名的。"
    rows = await branch.h.deps.db.fetchall("SELECT person_id, recorded_by FROM survey_voters")
    assert sorted(tuple(r) for r in rows) == sorted([(xu.id, me.id), (me.id, None)])


async def test_democratic_appraisal_of_party_members(branch: Branch) -> None:
    """民主评议党员: each Party member grades the others privately; one tap grades the
    rest 合格; nobody grades himself; a leader enters a paper ballot; the secretary alone
    sees a line per member once it is closed; the database keeps only who voted and totals."""
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/survey 民主评议")
    assert "民主评议党员" in branch.last(branch.group)["text"]
    [survey] = await branch.h.deps.survey_repo.recent(1)
    assert survey.subjects is not None
    names = [q for q, _ in survey.questions]
    assert "吴国华同志" not in names and "杨丽君同志" not in names  # not Party members
    assert names[:2] == ["王建国同志", "张懋同志"]
    for name in ("张懋", "李秀英", "钱玉兰", "尤凤英", "孔繁荣"):
        who = await branch.link(name)
        branch.fake.open_link(who, f"https://t.me/branch_helper_bot?start=svy_{survey.id}")
        await branch.h.settle()
        await branch.h.tap_or_type(who, "优秀")  # 王建国同志
        asked = branch.reply(who)
        assert f"{name}同志" not in asked, asked  # his own question is skipped
        await branch.h.tap_or_type(who, "✅ 其余都评合格，提交")
        assert branch.reply(who) == "已提交，谢谢您！您的回答是匿名的。"
    outsider = await branch.link("吴国华")  # 民主党派: not in it
    branch.fake.open_link(outsider, f"https://t.me/branch_helper_bot?start=svy_{survey.id}")
    await branch.h.settle()
    assert branch.reply(outsider) == "民主评议由党员参加，您不用评，谢谢关心！"
    leader = await branch.link("刘建华")
    await branch.say(leader, "/survey 代填 许茂林")
    await branch.h.tap_or_type(leader, "合格")
    await branch.h.tap_or_type(leader, "✅ 其余都评合格，提交")
    assert "已记下许茂林同志的问卷" in branch.reply(leader)
    # Totals only: 张懋's question counts the five others, not himself.
    tallies = await branch.h.deps.survey_repo.tallies(survey.id)
    assert sum(n for (q, _), n in tallies.items() if q == 1) == 5
    assert tallies[(0, 0)] == 5 and tallies[(0, 1)] == 1  # 王建国: 优秀5, 合格1
    # A member sees no grades, even after closing.
    member = branch.user("李秀英")
    await branch.say(secretary, "/survey")
    branch.fake.press(secretary, branch.last(secretary), "🏁 结束并看结果")
    await branch.h.settle()
    result = branch.reply(secretary)
    assert "王建国同志：优秀5　合格1　基本合格0　不合格0" in result, result
    assert "张懋同志：优秀0　合格5　基本合格0　不合格0" in result
    await branch.say(member, "/survey")
    assert "优秀" not in branch.reply(member) and "已结束，6人参加" in branch.reply(member)
