"""知识答题: importing a bank through the bot, taking it as quiz polls, and the scores."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from openpyxl import Workbook

from bot.services.quizzes import COLUMNS, parse_bank
from bot.testing.fakeapi import FakeUser, Json
from tests.conftest import Branch

BANK = [
    {"题目": "中国共产党成立于哪一年？", "选项A": "1919年", "选项B": "1921年", "选项C": "1949年",
     "答案": "B", "解析": "1921年7月，中国共产党第一次全国代表大会召开。"},
    {"题目": "党的最高领导机关是？", "选项A": "党的全国代表大会和它所产生的中央委员会",
     "选项B": "中央政治局", "答案": "A"},
    {"题目": "重阳节是农历哪一天？", "选项A": "八月十五", "选项B": "九月初九", "选项C": "五月初五",
     "选项D": "正月十五", "答案": "b"},
]


def xlsx(rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for row in rows:
        ws.append([row.get(c) for c in COLUMNS])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


async def import_bank(b: Branch, rows: list[dict[str, Any]], name: str = "党史知识.xlsx") -> str:
    secretary = await b.link("王建国")
    await b.say(secretary, "/quiz")
    assert "请发来题库文件" in b.reply(secretary)
    b.fake.send_file(secretary, secretary.id, file_name=name, data=xlsx(rows))
    await b.h.settle()
    return b.reply(secretary)


async def take(b: Branch, who: FakeUser, answers: list[int]) -> str:
    quiz = (await b.h.deps.quiz_repo.recent(1))[0]
    b.fake.open_link(who, f"https://t.me/branch_helper_bot?start=quiz_{quiz.id}")
    await b.h.settle()
    for option in answers:
        poll: Json = b.last(who)
        assert "poll" in poll, poll
        b.fake.answer_poll(who, poll, option)
        await b.h.settle()
    return b.reply(who)


def test_bank_rows_are_checked() -> None:
    bad = [*BANK,
           {"题目": "", "选项A": "甲", "选项B": "乙", "答案": "A"},
           {"题目": "只有一个选项", "选项A": "甲", "答案": "A"},
           {"题目": "跳过了B", "选项A": "甲", "选项C": "丙", "答案": "A"},
           {"题目": "答案不在选项里", "选项A": "甲", "选项B": "乙", "答案": "D"},
           {"题目": "题" * 301, "选项A": "甲", "选项B": "乙", "答案": "A"}]
    good, problems = parse_bank(xlsx(bad), ".xlsx")
    assert len(good) == 3
    assert [str(p) for p in problems] == [
        "第5行「题目」：必填，不能为空",
        "第6行「选项B」：至少要有两个选项",
        "第7行「选项C」：选项要从A开始连着填",
        "第8行「答案」：答案「D」不对，应填：A、B",
        "第9行「题目」：太长了（最多300个字）",
    ]
    assert good[2].answer == 1  # a lower-case letter is accepted


def test_gbk_csv_bank() -> None:
    text = ",".join(COLUMNS) + "\n党的生日是？,七月一日,八月一日,,,,,A,\n"
    good, problems = parse_bank(text.encode("gbk"), ".csv")
    assert problems == []
    assert good[0].options == ("七月一日", "八月一日")


async def test_bad_bank_through_the_bot_imports_nothing(branch: Branch) -> None:
    reply = await import_bank(branch, [*BANK, {"题目": "坏题", "选项A": "甲", "答案": "A"}])
    assert "题库没有导入，共1处问题" in reply and "第5行「选项B」" in reply
    assert await branch.h.deps.quiz_repo.recent(5) == []


async def test_quiz_taken_as_polls_with_a_score(branch: Branch) -> None:
    reply = await import_bank(branch, BANK)
    assert "题库「党史知识」已导入：3道题，60分及格" in reply
    secretary = branch.user("王建国")
    branch.fake.press(secretary, branch.last(secretary), "📣 发到支部群")
    await branch.h.settle()
    announce = branch.last(branch.group)
    assert "知识答题：党史知识（3道题）" in announce["text"]
    member = await branch.link("尤凤英")
    branch.fake.press(member, announce, "✏️ 开始答题")
    await branch.h.settle()
    assert branch.fake.toasts[-1]["url"].endswith("start=quiz_1")
    finished = await take(branch, member, [1, 0, 0])
    assert finished == "答完了！您答对了2/3题（67分）。很好！👍"
    polls = branch.fake.calls_of("sendPoll")
    assert [p.params["type"] for p in polls] == ["quiz"] * 3
    assert polls[0].params["correct_option_ids"] == "[1]"
    assert polls[0].params["is_anonymous"] == "false"


async def test_second_attempt_keeps_the_first_score_unless_retakes_allowed(
    branch: Branch,
) -> None:
    await import_bank(branch, BANK)
    member = await branch.link("孔繁荣")
    assert "1/3题" in await take(branch, member, [0, 0, 0])
    again = await take(branch, member, [])
    assert again == "您已经答过这次题了，成绩是1/3题（33分）。"
    secretary = branch.user("王建国")
    imported = next(m for m in reversed(branch.fake.bot_messages(secretary))
                    if "已导入" in m.get("text", ""))
    branch.fake.press(secretary, imported, "🔁 允许重答")
    await branch.h.settle()
    assert "3/3题" in await take(branch, member, [1, 0, 1])
    await branch.say(member, "/quiz")
    assert "「党史知识」：3/3题（100分）" in branch.reply(member)


async def test_repeated_poll_answer_counts_once(branch: Branch) -> None:
    await import_bank(branch, BANK)
    member = await branch.link("何秀兰")
    quiz = (await branch.h.deps.quiz_repo.recent(1))[0]
    branch.fake.open_link(member, f"https://t.me/branch_helper_bot?start=quiz_{quiz.id}")
    await branch.h.settle()
    first = branch.last(member)
    branch.fake.answer_poll(member, first, 1)
    branch.fake.answer_poll(member, first, 1)  # delivered twice
    await branch.h.settle()
    assert len(branch.fake.calls_of("sendPoll")) == 2
    [attempt] = await branch.h.deps.quiz_repo.attempts(quiz.id)
    assert (attempt.score, attempt.position) == (1, 1)


async def test_leader_sees_his_group_and_who_needs_help(branch: Branch) -> None:
    await import_bank(branch, BANK)
    await take(branch, await branch.link("尤凤英"), [1, 0, 1])
    await take(branch, await branch.link("孔繁荣"), [0, 1, 0])
    await take(branch, await branch.link("张懋"), [1, 0, 1])  # another group
    leader = await branch.link("刘建华")
    await branch.say(leader, "/quiz")
    view = branch.reply(leader)
    assert "「党史知识」3道题，已答2人" in view
    assert "未及格（请组长帮一帮）：孔繁荣" in view
    assert "张懋" not in view and "还没答：刘建华、许茂林" in view
    member = branch.user("尤凤英")
    await branch.say(member, "/quiz")
    assert branch.reply(member) == "「党史知识」：3/3题（100分）"


async def test_a_score_below_the_mark_reaches_the_leader_as_help_to_give(
    branch: Branch
) -> None:
    """The member is told 组长会和您一起再学习一下; his leader used to be told nothing."""
    await import_bank(branch, BANK)
    leader = await branch.link("刘建华")
    before = len(branch.fake.bot_messages(leader))
    await take(branch, await branch.link("尤凤英"), [1, 0, 1])  # passed: nothing to do
    await take(branch, await branch.link("孔繁荣"), [0, 1, 0])
    told = [m["text"] for m in branch.fake.bot_messages(leader)[before:]]
    assert told == ["📖 孔繁荣同志在「党史知识」答题得了0分，没有及格。"
                    "请找时间和孔繁荣同志一起再学习一下（帮学）。"]
    assert "组长会和您一起再学习一下" in branch.reply(branch.user("孔繁荣"))


async def test_quiz_entered_question_by_question(branch: Branch) -> None:
    secretary = await branch.link("王建国")

    async def step(value: str) -> None:
        await branch.h.tap_or_type(secretary, value)

    await branch.say(secretary, "/quiz")
    for value in ("✍️ 逐题录入", "党章知识", "党的最高理想是？", "实现共产主义\n全面小康",
                  "A. 实现共产主义", "跳过", "➕ 再加一题", "入党誓词共有几句？",
                  "只有一个选项"):
        await step(value)
    assert "选项要有2到6个" in branch.reply(secretary)
    for value in ("八句\n十二句\n十句", "B. 十二句", "入党誓词共80字，12句。", "✅ 完成"):
        await step(value)
    assert "题库「党章知识」已导入：2道题" in branch.reply(secretary)
    quiz = (await branch.h.deps.quiz_repo.recent(1))[0]
    assert [(q.question, q.options, q.answer, q.explanation) for q in quiz.questions] == [
        ("党的最高理想是？", ("实现共产主义", "全面小康"), 0, None),
        ("入党誓词共有几句？", ("八句", "十二句", "十句"), 1, "入党誓词共80字，12句。"),
    ]


def _one_huge_row(cells: int) -> bytes:
    """A small .xlsx whose one row holds `cells` cells: it compresses to a few hundred
    kilobytes and expands to tens of megabytes, as in the audit's 336 KB file."""
    row = "".join(f'<c r="A{i}" t="n"><v>1</v></c>' for i in range(1, 2))  # a real cell
    row += '<c t="n"><v>1</v></c>' * cells
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
             'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
             f'{row}</row></sheetData></worksheet>')
    source = zipfile.ZipFile(io.BytesIO(xlsx(BANK)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet.encode()
            target.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


async def test_crafted_and_oversized_files_are_refused_with_a_reason(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    bomb = _one_huge_row(600_000)
    assert len(bomb) < 1_000_000
    wide = ("题目," + ",".join(f"列{i}" for i in range(200)) + "\n").encode()
    long_cell = ("题目,选项A,选项B,答案\n" + "问" * 5000 + ",甲,乙,A\n").encode()
    cases = [("党史.xlsx", bomb, "文件太大了"), ("党史.csv", wide, "列太多了"),
             ("党史.csv", long_cell, "第2行有一格内容太长")]
    for name, data, reply in cases:
        await branch.say(secretary, "/quiz")
        branch.fake.send_file(secretary, secretary.id, file_name=name, data=data)
        await branch.h.settle()
        assert reply in branch.reply(secretary), (name, branch.reply(secretary))
    # A 50 MB file is refused from its size alone, without downloading it.
    downloads = len(branch.fake.calls_of("getFile"))
    await branch.say(secretary, "/quiz")
    message = branch.fake.send_file(secretary, secretary.id, file_name="大.csv", data=b"x")
    message["document"]["file_size"] = 50_000_000
    await branch.h.settle()
    assert "文件太大了（50.0MB）" in branch.reply(secretary)
    assert len(branch.fake.calls_of("getFile")) == downloads
    assert await branch.h.deps.quiz_repo.recent(5) == []
    # The bank the secretary meant to send still goes in afterwards.
    branch.fake.send_file(secretary, secretary.id, file_name="党史.xlsx", data=xlsx(BANK))
    await branch.h.settle()
    assert len(await branch.h.deps.quiz_repo.recent(5)) == 1


async def test_a_leader_enters_a_score_from_a_quiz_done_on_paper(branch: Branch) -> None:
    await import_bank(branch, BANK)
    leader = await branch.link("刘建华")
    await branch.say(leader, "/quiz 成绩 许茂林 2")
    assert branch.reply(leader) == ("已记下许茂林同志在「党史知识」的成绩：2/3题（67分），"
                                    "由您代记。")
    await branch.say(leader, "/quiz 成绩 许茂林 3")  # a second entry changes nothing
    assert branch.reply(leader) == "许茂林同志已经有这次答题的成绩了。"
    await branch.say(leader, "/quiz 成绩 张桂兰 9")
    assert branch.reply(leader) == "答对题数应是 0 到 3 之间的数字。"
    quiz = (await branch.h.deps.quiz_repo.recent(1))[0]
    [attempt] = await branch.h.deps.quiz_repo.attempts(quiz.id)
    assert (attempt.score, attempt.finished) == (2, True)
    await branch.say(leader, "/quiz")
    assert "还没答：刘建华" in branch.reply(leader) and "许茂林" not in branch.reply(
        leader).split("还没答：")[1]
