"""Roster files: the template, a good import, bad rows (nothing written), re-import by 编号,
GBK CSV from Excel, and the command line."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from bot.__main__ import main
from bot.clock import FrozenClock
from bot.services.roster import RosterService
from bot.services.roster_file import COLUMNS, read_roster_file, validate_rows
from storage.db import Database
from storage.models import CareFlag, PartyStatus
from storage.people import PeopleRepo
from tests.conftest import Branch, base_settings, cli_config

TODAY = date(2026, 11, 22)
GOOD = [
    {"编号": "A001", "姓名": "王建国", "党小组": "第一党小组", "类别": "退休", "政治面貌": "党员",
     "性别": "男", "出生日期": "1952-03-12", "手机号": "199-0000-0001", "角色": "书记、组长"},
    {"编号": "A002", "姓名": "张懋", "党小组": "第一党小组", "类别": "离休", "政治面貌": "党员",
     "出生日期": "1931年9月9日", "历法": "农历", "关怀标记": "独居、患病"},
    {"编号": "B001", "姓名": "李平", "党小组": "第二党小组", "类别": "退休",
     "政治面貌": "中共党员", "出生日期": "1955/8/8", "角色": "支委，组长"},
]


def write_xlsx(path: Path, rows: list[dict[str, Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    header = list(COLUMNS)
    ws.append(header)
    for row in rows:
        ws.append([row.get(h) for h in header])
    wb.save(path)
    return path


def write_csv(path: Path, rows: list[dict[str, Any]], encoding: str = "utf-8-sig") -> Path:
    header = list(COLUMNS)
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(h, "") for h in header])
    return path


@pytest.fixture
def service(db: Database) -> RosterService:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    clock = FrozenClock(datetime(2026, 11, 22, 2, 0, tzinfo=UTC))
    return RosterService(PeopleRepo(db), clock, ZoneInfo("Asia/Shanghai"))


async def test_template_has_every_column_and_imports_back(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    assert main(["roster-template", str(path)]) == 0
    wb = load_workbook(path)
    assert [c.value for c in wb["人员名单"][1]] == list(COLUMNS)
    assert wb["填写说明"]["A2"].value == "编号（必填）"


async def test_good_xlsx_is_imported(tmp_path: Path, service: RosterService) -> None:
    report = await service.import_file(write_xlsx(tmp_path / "r.xlsx", GOOD), actor_tg=None)
    assert report.ok and report.outcome is not None
    assert (report.outcome.created, report.outcome.updated) == (3, 0)
    people = service.people
    zhang = await people.by_ext_id("A002")
    assert zhang is not None
    assert (zhang.birth_date, zhang.birth_calendar, zhang.care_flags) == (
        "1931-09-09", "lunar", (CareFlag.ILL, CareFlag.ALONE))
    wang = await people.by_ext_id("A001")
    assert wang is not None and wang.phone == "19900000001" and wang.roles == {"secretary"}
    groups = {g.name: g.leader_name for g in await people.groups()}
    assert groups == {"第一党小组": "王建国", "第二党小组": "李平"}
    li = await people.by_ext_id("B001")
    assert li is not None and li.status == PartyStatus.MEMBER and li.roles == {"committee"}


async def test_bad_rows_are_all_reported_and_nothing_is_written(
    tmp_path: Path, service: RosterService
) -> None:
    bad = [
        *GOOD,
        {"编号": "A001", "姓名": "重复", "类别": "退休", "政治面貌": "党员"},
        {"编号": "X1", "姓名": "", "类别": "退休了", "政治面貌": "党员", "出生日期": "1950-02-30"},
        {"编号": "X2", "姓名": "闰月", "类别": "退休", "政治面貌": "党员",
         "出生日期": "1950-04-01", "历法": "农历闰月", "手机号": "12"},
        {"编号": "X3", "姓名": "两个组长", "党小组": "第一党小组", "类别": "退休",
         "政治面貌": "党员", "角色": "组长", "关怀标记": "开心"},
    ]
    report = await service.import_file(write_xlsx(tmp_path / "r.xlsx", bad), actor_tg=None)
    assert not report.ok
    problems = [str(p) for p in report.problems]
    assert "第5行「编号」：编号与第2行重复" in problems
    assert "第6行「姓名」：必填，不能为空" in problems
    assert "第6行「类别」：「退休了」不对，应为：离休 / 退休 / 在职" in problems
    assert "第6行「出生日期」：「1950-02-30」这一天不存在" in problems
    assert "第7行「出生日期」：1950年农历没有闰4月" in problems
    assert "第7行「手机号」：「12」不是有效的电话号码" in problems
    assert "第8行「角色」：第一党小组已在第2行指定了组长" in problems
    assert any(p.startswith("第8行「关怀标记」：「开心」不对") for p in problems)
    assert await service.people.count() == 0


async def test_reimport_updates_by_id_instead_of_duplicating(
    tmp_path: Path, service: RosterService
) -> None:
    await service.import_file(write_xlsx(tmp_path / "r.xlsx", GOOD), actor_tg=None)
    changed = [dict(GOOD[1], 姓名="张懋", 手机号="13900000002", 关怀标记="独居"),
               {"编号": "C001", "姓名": "新人", "类别": "退休", "政治面貌": "群众"}]
    report = await service.import_file(write_xlsx(tmp_path / "r2.xlsx", changed), actor_tg=None)
    assert report.outcome is not None
    assert (report.outcome.created, report.outcome.updated, report.outcome.untouched) == (
        1, 1, 2)
    assert await service.people.count() == 4
    zhang = await service.people.by_ext_id("A002")
    assert zhang is not None and zhang.phone == "13900000002"
    assert zhang.care_flags == (CareFlag.ALONE,)


async def test_gbk_csv_from_excel_is_read(tmp_path: Path, service: RosterService) -> None:
    path = write_csv(tmp_path / "r.csv", GOOD, encoding="gbk")
    report = await service.import_file(path, actor_tg=None)
    assert report.ok
    assert (await service.people.by_ext_id("A002")).name == "张懋"  # type: ignore[union-attr]


def test_unknown_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("编号,姓名,类别,政治面貌,爱好\nA1,甲,退休,党员,钓鱼\n", encoding="utf-8")
    from bot.services.roster_file import RosterFileError

    with pytest.raises(RosterFileError, match="爱好"):
        read_roster_file(path)


def test_lunar_day_thirty_in_a_short_month_is_refused() -> None:
    # 2026 lunar month 2 has 29 days.
    _, problems = validate_rows([{"编号": "1", "姓名": "甲", "类别": "退休", "政治面貌": "党员",
                                   "出生日期": "2026-02-30", "历法": "农历"}], TODAY)
    assert [str(p) for p in problems] == ["第2行「出生日期」：2026年农历2月只有29天"]


def test_future_birth_date_is_refused() -> None:
    _, problems = validate_rows([{"编号": "1", "姓名": "甲", "类别": "退休", "政治面貌": "党员",
                                   "出生日期": "2030-01-01"}], TODAY)
    assert [p.column for p in problems] == ["出生日期"]


def test_import_roster_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = base_settings()
    cfg = cli_config(tmp_path, tmp_path / "b.db")
    assert settings  # the CLI reads its own file; nothing else is shared
    good = write_csv(tmp_path / "good.csv", GOOD)
    assert main(["import-roster", str(good), "--config", str(cfg)]) == 0
    assert "新增3人" in capsys.readouterr().out
    bad = write_csv(tmp_path / "bad.csv", [{"编号": "Z", "姓名": "乙", "类别": "?",
                                           "政治面貌": "党员"}])
    assert main(["import-roster", str(bad), "--config", str(cfg)]) == 1
    err = capsys.readouterr().err
    assert "导入失败，没有写入任何数据" in err and "第2行「类别」" in err


def test_a_huge_roster_file_is_refused_unread(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = cli_config(tmp_path, tmp_path / "b.db")
    big = tmp_path / "big.csv"
    with big.open("w", encoding="utf-8") as fh:
        fh.write("编号,姓名,类别,政治面貌\n")
        fh.write("A1,甲,退休,党员\n" * 200_000)  # about 3.4 MB
    assert main(["import-roster", str(big), "--config", str(cfg)]) == 1
    assert "文件太大了" in capsys.readouterr().err


async def test_the_roster_exported_is_the_file_the_import_reads(
    branch: Branch, tmp_path: Path
) -> None:
    """A yearly update is export → edit → import: the export read back changes nothing,
    one edited cell changes that one thing, and a death recorded in the bot stays."""
    people = branch.h.deps.people
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/flag 吕振国 去世 今天")
    await branch.say(secretary, "/flag 张懋 住院")
    before = {p.ext_id: dataclasses.replace(p, tg_user_id=None)
              for p in await people.all()}
    await branch.say(secretary, "/roster 导出")
    data = branch.fake.uploads["人员名单.xlsx"]
    path = tmp_path / "roster.xlsx"
    path.write_bytes(data)
    rows = read_roster_file(path)
    assert len(rows) == len(before)
    report = await branch.h.deps.roster.import_rows(rows, actor_tg=None)
    assert report.outcome is not None, report.problems
    assert report.outcome.created == 0
    assert [k.ext_id for k in report.outcome.kept] == ["C005"]  # 吕振国: died, left alone
    after = {p.ext_id: dataclasses.replace(p, tg_user_id=None) for p in await people.all()}
    assert after == before  # 住院中 set in the bot survives the round trip too
    rows[1]["手机号"] = "13700000002"
    assert (await branch.h.deps.roster.import_rows(rows, actor_tg=None)).outcome is not None
    zhang = await people.by_ext_id("A002")
    assert zhang is not None and zhang.phone == "13700000002"


async def test_only_the_secretary_exports_the_whole_roster(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/roster 导出")
    assert branch.reply(leader) == "抱歉，导出全支部名单只有书记可以。"
    assert branch.fake.uploads == {}


async def test_the_roster_is_edited_from_the_bot_within_what_each_may_change(
    branch: Branch,
) -> None:
    """Between imports: the secretary changes anyone's phone, address, category or family
    contact and adds members; a leader only his own group's; each change is audited by
    what changed, never the number itself."""
    people = branch.h.deps.people
    leader = await branch.link("刘建华")
    await branch.say(leader, "/roster 改 许茂林 手机 139 0000 1234")
    assert branch.reply(leader) == "已修改许茂林同志的手机。"
    await branch.say(leader, "/roster 改 许茂林 家属 许丽 女儿 13700000001")
    xu = await people.by_ext_id("C003")
    assert xu is not None
    assert (xu.phone, xu.family_name, xu.family_relation, xu.family_phone) == (
        "13900001234", "许丽", "女儿", "13700000001")
    await branch.say(leader, "/roster 改 张懋 手机 13900000009")  # another group's
    assert branch.reply(leader) == "「张懋」不在您负责的党小组里。"
    await branch.say(leader, "/roster 改 许茂林 手机 12345")
    assert branch.reply(leader) == "「12345」不像手机号，请写11位手机号。"
    await branch.say(leader, "/roster 改 许茂林 类别 老干部")
    assert branch.reply(leader) == "不认识「老干部」，可选：离休、退休、在职。"
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/roster 改 张懋 住址 幸福里2号楼3单元")
    await branch.say(secretary, "/roster 新增 A031 王明 第一党小组（幸福里） 退休 党员")
    assert branch.reply(secretary).startswith("已新增：王明（A031，第一党小组（幸福里））")
    await branch.say(secretary, "/roster 新增 A031 王亮 第一党小组（幸福里） 退休 党员")
    assert branch.reply(secretary) == "编号 A031 已经有人用了，请换一个。"
    await branch.say(leader, "/roster 新增 C099 李四 第一党小组（幸福里） 退休 党员")
    assert branch.reply(leader) == "抱歉，您只能修改本组同志的信息，其他请联系书记。"
    rows = await branch.h.deps.db.fetchall(
        "SELECT action, detail FROM audit_log WHERE action IN ('edit', 'add') ORDER BY id")
    assert [tuple(r) for r in rows] == [("edit", "phone"),
                                        ("edit", "family_name,family_phone,family_relation"),
                                        ("edit", "residence"), ("add", "A031")]


async def test_the_secretary_moves_a_member_to_another_group_from_the_roster(
    branch: Branch,
) -> None:
    people = branch.h.deps.people
    leader = await branch.link("刘建华")
    await branch.say(leader, "/roster 改 许茂林 党小组 第一党小组（幸福里）")
    assert branch.reply(leader) == "抱歉，您只能修改本组同志的信息，其他请联系书记。"
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/roster 改 许茂林 党小组 第九党小组")
    assert "第九党小组" in branch.reply(secretary)  # no such group: said, nothing moved
    await branch.say(secretary, "/roster 改 许茂林 党小组 第一党小组（幸福里）")
    assert branch.reply(secretary) == "已修改许茂林同志的党小组。"
    xu = await people.by_ext_id("C003")
    first = await people.group_by_name("第一党小组（幸福里）")
    assert xu is not None and first is not None and xu.group_id == first.id
    # Now 刘建华 no longer looks after him, 王建国 (who leads 第一党小组) does.
    await branch.say(leader, "/roster 改 许茂林 手机 13900001234")
    assert branch.reply(leader) == "「许茂林」不在您负责的党小组里。"
