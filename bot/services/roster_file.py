"""The roster file: its columns, reading and checking an import file row by row, and
writing the template. The same columns serve the template, the importer and the export.

An import is all or nothing: `read_roster_file` turns a file into raw rows,
`validate_rows` checks every row and collects every problem (row, column, reason), and only
when there is none does `RosterService.import_rows` write them, in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot import texts
from bot.services.dates import DateError, parse_full_date, parse_lunar
from bot.services.people import normalize_phone
from bot.services.tables import (
    MAX_ROWS,
    TableError,
    cell_text,
    check_size,
    read_grid,
    rows_by_header,
    workbook_bytes,
)
from storage.models import (
    CARE_FLAGS,
    CareFlag,
    Group,
    PartyStatus,
    Person,
    RosterRow,
)

# Column name -> what it holds. The template, the importer and the docs share this list.
COLUMNS: dict[str, str] = {
    "编号": "必填。每人唯一、不再改变的编号，重新导入时按它更新，如 A001",
    "姓名": "必填",
    "党小组": "所在党小组名称，如 第一党小组",
    "类别": "必填：离休 / 退休 / 在职",
    "政治面貌": "必填：党员 / 预备党员 / 民主党派 / 群众",
    "性别": "男 / 女",
    "出生日期": "如 1945-08-15；农历生日也按 年-月-日 填写农历日期",
    "历法": "公历 / 农历 / 农历闰月，不填为公历",
    "入党日期": "如 1965-07-01",
    "手机号": "用于成员用手机号绑定账号",
    "住址": "小区或地址",
    "关怀标记": "可多项，用顿号分隔：患病、独居、行动不便、困难",
    "状态": "在世 / 已故，不填为在世",
    "去世日期": "已故时填写",
    "群内祝寿": "是 / 否：生日当天是否在支部群里公布，不填为否",
    "角色": "可多项：书记、支委、组长、联络员；组长即本党小组的组长",
    "家属姓名": "联系不上本人、或本人去世后，联系的家属",
    "家属关系": "如 儿子、女儿、老伴",
    "家属电话": "家属的手机号",
    "备注": "",
}
REQUIRED = ("编号", "姓名", "类别", "政治面貌")

# The roster file's words (`texts.CATEGORY`, `texts.PARTY_STATUS`, `texts.SEX`, and the
# everyday variants people type) for the keys stored.
_CATEGORY_BY_WORD = {word: key for key, word in texts.CATEGORY.items()}
_STATUS_BY_WORD = {**{word: key for key, word in texts.PARTY_STATUS.items()},
                   "中共党员": PartyStatus.MEMBER, "中共预备党员": PartyStatus.PROBATIONARY}
_SEX_BY_WORD = {word: key for key, word in texts.SEX.items()}
# The roster file's words for care flags (`texts.CARE_FLAG`, and a few everyday variants);
# 住院中 is set in the bot only.
_FLAG_BY_WORD = {**{word: flag for flag, word in texts.CARE_FLAG.items()
                    if flag != CareFlag.HOSPITAL},
                 "空巢": CareFlag.ALONE, "独居/空巢": CareFlag.ALONE, "生病": CareFlag.ILL}
_ROLE_NAMES = {"书记": "secretary", "支部书记": "secretary", "支委": "committee",
               "联络员": "liaison"}
_LEADER_NAMES = {"组长", "党小组长"}
_SEPARATORS = str.maketrans({"，": "、", ",": "、", "/": "、", " ": "、", "；": "、", ";": "、"})


@dataclass(frozen=True)
class RowProblem:
    row: int  # as the user sees it in Excel: the header is row 1
    column: str | None
    reason: str

    def __str__(self) -> str:
        if self.column:
            return texts.IMPORT_PROBLEM_CELL.format(row=self.row, column=self.column,
                                                    reason=self.reason)
        return texts.IMPORT_PROBLEM_ROW.format(row=self.row, reason=self.reason)


RosterFileError = TableError  # what the command line and the bot catch


def read_roster_file(path: Path) -> list[dict[str, Any]]:
    """Rows of a .xlsx or .csv roster as {column: cell}, header row excluded."""
    check_size(path.stat().st_size)
    grid = read_grid(path.read_bytes(), path.suffix)
    return rows_by_header(grid, tuple(COLUMNS), REQUIRED)


def _split_list(text: str) -> list[str]:
    return [t for t in text.translate(_SEPARATORS).split("、") if t]


def validate_rows(
    rows: Sequence[dict[str, Any]], today: date
) -> tuple[list[RosterRow], list[RowProblem]]:
    """Check every row; return the good rows and every problem found (never stop early)."""
    good: list[RosterRow] = []
    problems: list[RowProblem] = []
    seen_ids: dict[str, int] = {}
    leaders: dict[str, int] = {}
    if not rows:
        problems.append(RowProblem(1, None, texts.IMPORT_NO_PEOPLE))
    for index, raw in enumerate(rows):
        line = index + 2
        row_problems: list[RowProblem] = []

        def bad(column: str, reason: str, line: int = line,
                sink: list[RowProblem] = row_problems) -> None:
            sink.append(RowProblem(line, column, reason))

        cell = {k: cell_text(v) for k, v in raw.items()}
        for column in REQUIRED:
            if not cell.get(column):
                bad(column, texts.IMPORT_REQUIRED)
        ext_id = cell.get("编号", "")
        if ext_id:
            if ext_id in seen_ids:
                bad("编号", texts.IMPORT_DUPLICATE_ID.format(row=seen_ids[ext_id]))
            else:
                seen_ids[ext_id] = line
        name = cell.get("姓名", "")
        if len(name) > 30:
            bad("姓名", texts.IMPORT_TOO_LONG)
        category = _CATEGORY_BY_WORD.get(cell.get("类别", ""))
        if cell.get("类别") and category is None:
            bad("类别", texts.IMPORT_ONE_OF.format(value=cell["类别"],
                                                 options=" / ".join(texts.CATEGORY.values())))
        status = _STATUS_BY_WORD.get(cell.get("政治面貌", ""))
        if cell.get("政治面貌") and status is None:
            bad("政治面貌", texts.IMPORT_ONE_OF.format(
                value=cell["政治面貌"], options=" / ".join(texts.PARTY_STATUS.values())))
        sex = _SEX_BY_WORD.get(cell.get("性别", ""))
        if cell.get("性别") and sex is None:
            bad("性别", texts.IMPORT_ONE_OF.format(value=cell["性别"],
                                                 options=" / ".join(texts.SEX.values())))

        calendar_text = cell.get("历法") or "公历"
        calendars = {"公历": ("solar", False), "阳历": ("solar", False),
                     "农历": ("lunar", False), "阴历": ("lunar", False),
                     "农历闰月": ("lunar", True)}
        birth_calendar, birth_leap = calendars.get(calendar_text, ("solar", False))
        if calendar_text not in calendars:
            bad("历法", texts.IMPORT_ONE_OF.format(value=calendar_text,
                                                   options="公历 / 农历 / 农历闰月"))
        birth_date = None
        raw_birth = raw.get("出生日期")
        if cell_text(raw_birth):
            try:
                if birth_calendar == "lunar":
                    lunar = parse_lunar(raw_birth, birth_leap)
                    solar = lunar.to_solar()
                    birth_date = f"{lunar.year:04d}-{lunar.month:02d}-{lunar.day:02d}"
                else:
                    solar = parse_full_date(raw_birth)
                    birth_date = solar.isoformat()
                if solar > today:
                    bad("出生日期", texts.IMPORT_FUTURE_DATE)
            except DateError as exc:
                bad("出生日期", str(exc))
        elif birth_leap:
            bad("出生日期", texts.IMPORT_REQUIRED)

        joined = _optional_date(raw.get("入党日期"), "入党日期", today, bad)
        phone = None
        if cell.get("手机号"):
            phone = normalize_phone(cell["手机号"])
            if phone is None:
                bad("手机号", texts.IMPORT_BAD_PHONE.format(value=cell["手机号"]))
        family_phone = None
        if cell.get("家属电话"):
            family_phone = normalize_phone(cell["家属电话"])
            if family_phone is None:
                bad("家属电话", texts.IMPORT_BAD_PHONE.format(value=cell["家属电话"]))
        if (cell.get("家属电话") or cell.get("家属关系")) and not cell.get("家属姓名"):
            bad("家属姓名", texts.IMPORT_REQUIRED)

        flags: list[CareFlag] = []
        for word in _split_list(cell.get("关怀标记", "")):
            flag = _FLAG_BY_WORD.get(word)
            if flag is None:
                options = "、".join(texts.CARE_FLAG[f] for f in CARE_FLAGS
                                   if f != CareFlag.HOSPITAL)
                bad("关怀标记", texts.IMPORT_ONE_OF.format(value=word, options=options))
            elif flag not in flags:
                flags.append(flag)

        state = cell.get("状态") or "在世"
        deceased_on = None
        if state not in ("在世", "已故"):
            bad("状态", texts.IMPORT_ONE_OF.format(value=state, options="在世 / 已故"))
        died = _optional_date(raw.get("去世日期"), "去世日期", today, bad)
        if state == "已故" or died:
            deceased_on = died or today.isoformat()

        greet_text = cell.get("群内祝寿") or "否"
        if greet_text not in ("是", "否"):
            bad("群内祝寿", texts.IMPORT_ONE_OF.format(value=greet_text, options="是 / 否"))

        roles: set[str] = set()
        is_leader = False
        group_name = cell.get("党小组") or None
        for role_text in _split_list(cell.get("角色", "")):
            if role_text in _ROLE_NAMES:
                roles.add(_ROLE_NAMES[role_text])
            elif role_text in _LEADER_NAMES:
                is_leader = True
            elif role_text not in ("党员", "成员"):
                bad("角色", texts.IMPORT_ONE_OF.format(value=role_text,
                                                       options="书记、支委、组长、联络员"))
        if is_leader:
            if not group_name:
                bad("角色", texts.IMPORT_LEADER_NEEDS_GROUP)
            elif group_name in leaders:
                bad("角色", texts.IMPORT_TWO_LEADERS.format(group=group_name,
                                                             row=leaders[group_name]))
            else:
                leaders[group_name] = line

        if row_problems:
            problems.extend(row_problems)
            continue
        assert category is not None and status is not None  # required columns
        good.append(RosterRow(
            ext_id=ext_id, name=name, group_name=group_name, category=category, status=status,
            sex=sex, birth_date=birth_date, birth_calendar=birth_calendar,
            birth_leap=birth_leap, joined_party=joined, phone=phone,
            residence=cell.get("住址") or None, care_flags=tuple(flags),
            deceased_on=deceased_on, greet_in_group=greet_text == "是",
            roles=frozenset(roles), is_leader=is_leader, notes=cell.get("备注") or None,
            family_name=(cell.get("家属姓名") or "")[:30] or None,
            family_relation=(cell.get("家属关系") or "")[:10] or None,
            family_phone=family_phone,
        ))
    return good, problems


def _optional_date(value: Any, column: str, today: date, bad: Any) -> str | None:
    if not cell_text(value):
        return None
    try:
        day = parse_full_date(value)
    except DateError as exc:
        bad(column, str(exc))
        return None
    if day > today:
        bad(column, texts.IMPORT_FUTURE_DATE)
        return None
    return day.isoformat()


def write_template(path: Path) -> None:
    """An .xlsx with the header row, drop-down lists and a sheet explaining each column."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(workbook_bytes(_template()))


def roster_workbook(people: Sequence[Person], groups: Sequence[Group]) -> bytes:
    """The whole roster as the file the import reads (the template with a row a person),
    so a yearly update is export → edit → import. Deaths and erasures recorded in the bot
    come out as they are, and an import leaves them so."""
    wb = _template()
    ws = wb["人员名单"]
    leaders = {g.leader_id for g in groups if g.leader_id is not None}
    for p in sorted(people, key=lambda q: q.ext_id):
        ws.append([_export_cell(p, column, leaders) for column in COLUMNS])
    return workbook_bytes(wb)


_CALENDAR_WORDS = {("solar", False): "公历", ("lunar", False): "农历", ("lunar", True): "农历闰月"}
_ROLE_WORDS = {"secretary": "书记", "committee": "支委", "liaison": "联络员"}


def _export_cell(p: Person, column: str, leaders: set[int]) -> str:
    roles = [_ROLE_WORDS[r] for r in sorted(p.roles) if r in _ROLE_WORDS]
    roles += ["组长"] if p.id in leaders else []
    values = {
        "编号": p.ext_id, "姓名": p.name, "党小组": p.group_name or "",
        "类别": texts.CATEGORY[p.category], "政治面貌": texts.PARTY_STATUS[p.status],
        "性别": texts.SEX[p.sex] if p.sex else "", "出生日期": p.birth_date or "",
        "历法": _CALENDAR_WORDS[(p.birth_calendar, p.birth_leap)],
        "入党日期": p.joined_party or "", "手机号": p.phone or "", "住址": p.residence or "",
        "关怀标记": "、".join(texts.CARE_FLAG[f] for f in p.care_flags
                            if f != CareFlag.HOSPITAL),
        "状态": "在世" if p.alive else "已故", "去世日期": p.deceased_on or "",
        "群内祝寿": "是" if p.greet_in_group else "否", "角色": "、".join(roles),
        "备注": p.notes or "", "家属姓名": p.family_name or "",
        "家属关系": p.family_relation or "", "家属电话": p.family_phone or "",
    }
    return values[column]


def _template() -> Any:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    ws.title = "人员名单"
    ws.append(list(COLUMNS))
    for i, column in enumerate(COLUMNS, start=1):
        ws.cell(row=1, column=i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = max(
            10, len(column) * 3
        )
    choices = {"类别": tuple(texts.CATEGORY.values()),
               "政治面貌": tuple(texts.PARTY_STATUS.values()), "性别": tuple(texts.SEX.values()),
               "历法": ("公历", "农历", "农历闰月"), "状态": ("在世", "已故"),
               "群内祝寿": ("是", "否")}
    for i, column in enumerate(COLUMNS, start=1):
        if column in choices:
            letter = ws.cell(row=1, column=i).column_letter
            dv = DataValidation(type="list", formula1='"' + ",".join(choices[column]) + '"',
                                allow_blank=True)
            ws.add_data_validation(dv)
            dv.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
    ws.freeze_panes = "A2"
    help_sheet = wb.create_sheet("填写说明")
    help_sheet.append(["列", "说明"])
    for column, meaning in COLUMNS.items():
        help_sheet.append([column + ("（必填）" if column in REQUIRED else ""), meaning])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 70
    return wb
