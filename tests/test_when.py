"""Dates and times typed in Chinese."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import texts
from bot.services.when import WhenError, parse_clock, parse_day

TODAY = date(2026, 11, 25)  # a Wednesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-05", date(2026, 12, 5)),
        ("2026/12/5", date(2026, 12, 5)),
        ("12-05", date(2026, 12, 5)),
        ("12/5", date(2026, 12, 5)),
        ("12月5日", date(2026, 12, 5)),
        ("12月5号", date(2026, 12, 5)),
        ("2027年1月3日", date(2027, 1, 3)),
        ("1月3日", date(2027, 1, 3)),  # typed in late November: next January
        ("今天", date(2026, 11, 25)),
        ("明天", date(2026, 11, 26)),
        ("后天", date(2026, 11, 27)),
        ("周三", date(2026, 11, 25)),
        ("星期五", date(2026, 11, 27)),
        ("周一", date(2026, 11, 30)),
        ("下周三", date(2026, 12, 2)),
        ("下星期日", date(2026, 12, 6)),
    ],
)
def test_dates_people_type(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["13月5日", "2月30日", "昨天", "下下周", "", "12-5-5", "abc"])
def test_dates_we_do_not_understand_say_so_with_an_example(text: str) -> None:
    with pytest.raises(WhenError) as caught:
        parse_day(text, TODAY)
    assert "例如" in texts.explain(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("9:30", time(9, 30)), ("09：30", time(9, 30)), ("9点", time(9, 0)),
     ("9点半", time(9, 30)), ("下午2点半", time(14, 30)), ("晚上7点", time(19, 0)),
     ("上午十点", time(10, 0)), ("下午两点十五分", None), ("14:05", time(14, 5)),
     ("中午12点", time(12, 0))],
)
def test_times_people_type(text: str, expected: time | None) -> None:
    if expected is None:
        with pytest.raises(WhenError):
            parse_clock(text)
    else:
        assert parse_clock(text) == expected


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_a_polite_error(text: str) -> None:
    try:
        day = parse_day(text, TODAY)
    except WhenError as exc:
        message = texts.explain(exc)
        day = None
    if day is None:
        assert "例如" in message
    else:
        assert day >= TODAY


@given(st.text(max_size=30))
def test_any_text_is_a_time_or_a_polite_error(text: str) -> None:
    message = "例如"
    try:
        parse_clock(text)
    except WhenError as exc:
        message = texts.explain(exc)
    assert "例如" in message
