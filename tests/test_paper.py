"""Paper for the people on paper: /print and `python -m bot print` make A4 PDFs whose text
is read back here (the CJK glyphs were checked by eye on a rendered page)."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from bot.__main__ import main
from bot.testing.fakeapi import FakeUser
from tests.conftest import Branch, cli_config, demo_roster_csv


def pdf_text(data: bytes) -> str:
    """The PDF's text, without the spaces a reader puts between CJK glyphs."""
    pages = PdfReader(io.BytesIO(data)).pages
    text = "".join(p.extract_text() for p in pages)
    return "".join(ch for ch in text if ch not in " \x00\u3000")


async def _print(branch: Branch, user: FakeUser, button: str) -> bytes | None:
    await branch.say(user, "/print")
    before = dict(branch.fake.uploads)
    branch.fake.press(user, branch.last(user), button)
    await branch.h.settle()
    new = {k: v for k, v in branch.fake.uploads.items() if before.get(k) != v}
    return next(iter(new.values()), None)


async def test_a_leader_prints_the_cards_of_his_own_group_only(branch: Branch) -> None:
    data = await _print(branch, await branch.link("刘建华"), "📇 打印亲情服务卡")
    assert data is not None and data.startswith(b"%PDF")
    text = pdf_text(data)
    assert text.count("亲情服务卡") == 10  # 第三党小组: ten members besides nobody else
    assert "许茂林同志（第三党小组（东湖花园））" in text
    assert "党小组长：刘建华19900000021" in text  # his number, grouped for reading
    assert "张懋" not in text and "陈素华" not in text  # other groups' people
    assert branch.fake.toasts_for(branch.user("刘建华")) == ["已发送，请查收文件。"]


async def test_the_secretary_prints_the_contact_map_and_a_sign_in_sheet(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    map_text = pdf_text(await _print(branch, secretary, "🗺 联络图") or b"")
    for group in ("第一党小组（幸福里）", "第二党小组（广泉小区）", "第三党小组（东湖花园）"):
        assert f"联络图：{group}" in map_text
    assert "许茂林19900000023" in map_text
    await branch.arrange(secretary, "/meeting 支部党员大会 12月5日 9:30 礼堂 学习")
    sheet = await _print(branch, secretary, "📝 会议签到表")
    text = pdf_text(sheet or b"")
    assert "会议签到表" in text and "支部党员大会「学习」" in text
    assert "许茂林" in text and "签名" in text


async def test_a_member_cannot_print_and_is_told_so(branch: Branch) -> None:
    member = await branch.link("李秀英")
    await branch.say(member, "/print")
    assert "抱歉，这项功能只对" in branch.reply(member)
    assert branch.fake.uploads == {}


def test_the_command_line_prints_the_cards_for_the_whole_branch(tmp_path: Path) -> None:
    from bot import demo_data

    db = tmp_path / "p.db"
    config = cli_config(tmp_path, db)
    assert main(["--config", str(config), "import-roster",
                 str(demo_roster_csv(tmp_path))]) == 0
    out = tmp_path / "cards.pdf"
    assert main(["--config", str(config), "print", "cards", str(out)]) == 0
    text = pdf_text(out.read_bytes())
    assert text.count("亲情服务卡") == len(demo_data.roster_rows())
    assert "家属" not in text  # the family contact is for the leader, not on the card


async def test_the_sign_in_sheet_of_any_meeting_to_come(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.arrange(secretary, "/meeting 支部党员大会 12月5日 9:30 礼堂 学习")
    await branch.arrange(secretary, "/meeting 党课 12月12日 9:30 礼堂 党史")
    await branch.say(secretary, "/print")
    branch.fake.press(secretary, branch.last(secretary), "📝 会议签到表")
    await branch.h.settle()
    choice = branch.last(secretary)
    assert branch.fake.labels(choice) == ["12月5日（周六） 支部党员大会", "12月12日（周六） 党课"]
    before = dict(branch.fake.uploads)
    branch.fake.press(secretary, choice, "12月12日（周六） 党课")
    await branch.h.settle()
    [sheet] = [v for k, v in branch.fake.uploads.items() if before.get(k) != v]
    assert "党课「党史」" in pdf_text(sheet) and "支部党员大会" not in pdf_text(sheet)
    # A leader cannot print the sheet of a meeting he does not run, even with forged data.
    leader = await branch.link("刘建华")
    [lecture] = [m for m in await branch.h.deps.meeting_repo.active() if m.topic == "党史"]
    uploads = len(branch.fake.uploads)
    await branch.say(leader, "/print")
    branch.fake.press_data(leader, branch.last(leader), f"prt:si:{lecture.id}")
    await branch.h.settle()
    assert len(branch.fake.uploads) == uploads
    assert branch.fake.toasts_for(leader)[-1] == "这个按钮已失效，请看最新的消息"
