"""Bad input of every kind gets a clear message and changes nothing (property-based).

Each parser is fed arbitrary input; the only outcomes allowed are a result or the
parser's own polite error. Any other exception is a bug."""

from __future__ import annotations

from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callbacks import pack, parse
from bot.config import ConfigError, parse_config
from bot.services.people import normalize_phone
from bot.services.quizzes import parse_bank
from bot.services.roster_file import COLUMNS, validate_rows
from bot.services.tables import TableError, read_grid
from tests.conftest import Branch


def outcome(expected: type[Exception], fn: Any, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """(result, None), or (None, the error) when `fn` raises the error it is allowed to.
    Anything else propagates and fails the test."""
    try:
        return fn(*args, **kwargs), None
    except expected as exc:
        return None, exc


FAST = settings(max_examples=200, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(st.text(max_size=80))
def test_callback_data_is_parsed_or_refused(data: str) -> None:
    cb = parse(data)
    if cb is not None:
        assert pack(cb.feature, cb.action, *cb.ids) == data


@FAST
@given(st.sampled_from(["att", "mk", "pst"]), st.sampled_from(["ci", "lv", "px"]),
       st.lists(st.integers(min_value=0, max_value=10**12 - 1), max_size=4))
def test_callback_data_round_trips(feature: str, action: str, ids: list[int]) -> None:
    cb = parse(pack(feature, action, *ids))
    assert cb is not None and cb.ids == tuple(ids)


@FAST
@given(st.text(max_size=40))
def test_phone_numbers(text: str) -> None:
    digits = normalize_phone(text)
    assert digits is None or (digits.isdigit() and 7 <= len(digits) <= 15)


toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.text(max_size=8), children, max_size=3), max_leaves=8)


@FAST
@given(st.dictionaries(st.sampled_from(["telegram", "branch", "chats", "admins", "storage",
                                        "meetings", "care", "weather", "oops"]),
                       toml_values, max_size=5))
def test_any_config_is_accepted_or_every_problem_named(data: dict[str, Any]) -> None:
    _, error = outcome(ConfigError, parse_config, data, env={}, need_token=False)
    if isinstance(error, ConfigError):
        assert error.problems
        assert all("：" in p for p in error.problems)


cells = st.one_of(st.none(), st.text(max_size=12), st.integers(), st.floats(allow_nan=False),
                  st.sampled_from(["1945-08-15", "农历", "农历闰月", "党员", "退休", "组长",
                                   "是", "已故", "=SUM(A1:A2)", "1945-02-30"]))


@FAST
@given(st.lists(st.fixed_dictionaries({}, optional=dict.fromkeys(COLUMNS, cells)), max_size=6))
def test_roster_rows_are_good_or_reported(rows: list[dict[str, Any]]) -> None:
    good, problems = validate_rows(rows, date(2026, 11, 22))
    assert len(good) + len({p.row for p in problems if p.row > 1}) <= len(rows) + 1
    assert all(p.reason for p in problems)


@FAST
@given(st.binary(max_size=300), st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_any_file_is_read_or_refused_politely(data: bytes, suffix: str) -> None:
    _, error = outcome(TableError, read_grid, data, suffix)
    assert error is None or str(error)


@FAST
@given(st.text(max_size=300))
def test_any_csv_text_as_a_quiz_bank(text: str) -> None:
    result, error = outcome(TableError, parse_bank, ("题目,选项A,选项B,答案\n" + text).encode(),
                            ".csv")
    if error is not None:
        assert str(error)
    else:
        questions, _ = result
        assert all(2 <= len(q.options) <= 6 for q in questions)


async def test_names_with_markup_show_as_written(branch: Branch) -> None:
    rows = [{"编号": "X1", "姓名": "<b>张_三*</b>", "党小组": "第一党小组（幸福里）",
             "类别": "退休", "政治面貌": "党员", "手机号": "13812345678"}]
    assert (await branch.h.deps.roster.import_rows(rows, actor_tg=None)).ok
    odd = branch.fake.add_user(66001, "张")
    await branch.say(odd, "/start")
    branch.fake.share_contact(odd, "13812345678")
    await branch.h.settle()
    assert branch.reply(odd).startswith("绑定成功！<b>张_三*</b>同志")
    sent = branch.fake.calls_of("sendMessage")[-1]
    assert "parse_mode" not in sent.params


async def test_longest_notice_is_refused_politely(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/notice")
    branch.fake.press(secretary, branch.last(secretary), "📢 通知")
    await branch.h.settle()
    await branch.say(secretary, "长" * 4096)
    assert "太长了" in branch.reply(secretary)
    await branch.say(secretary, "短通知")
    assert "发给谁" in branch.reply(secretary)


async def test_zero_dues_are_refused_politely_and_nothing_is_saved(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    committee_before = len(branch.fake.bot_messages(branch.committee))
    for line in ("/dues 张懋 交 1月 0", "/dues 张懋 交 1月 0.00", "/dues 支出 0 慰问品 王建国"):
        await branch.say(secretary, line)
        assert "大于 0 元" in branch.reply(secretary), (line, branch.reply(secretary))
    rows = await branch.h.deps.db.fetchall(
        "SELECT (SELECT COUNT(*) FROM dues_payments) + (SELECT COUNT(*) FROM dues_spending)")
    assert rows[0][0] == 0
    assert len(branch.fake.bot_messages(branch.committee)) == committee_before  # no alarm


async def test_huge_ids_in_start_links_never_alarm_the_committee(branch: Branch) -> None:
    committee_before = len(branch.fake.bot_messages(branch.committee))
    for prefix in ("leave", "col", "refl", "quiz", "svy"):
        await branch.say(branch.outsider, f"/start {prefix}_{'9' * 25}")
        assert branch.reply(branch.outsider), prefix  # answered, politely
        assert "出了点问题" not in branch.reply(branch.outsider), prefix
    assert len(branch.fake.bot_messages(branch.committee)) == committee_before
