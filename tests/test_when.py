"""Dates and times typed in Chinese."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import texts
from bot.services.when import (
    WhenError,
    parse_clock,
    parse_day,
    parse_moment,
    split_moment,
    words,
)

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
     ("上午十点", time(10, 0)), ("下午两点十五分", time(14, 15)), ("下午两点一刻", None),
     ("14:05", time(14, 5)),
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


# -- the grammar as a property: any day form × any time form × any separator ---------------
CN = "零一二三四五六七八九"


def _cn(n: int) -> str:
    """12 -> 十二, 25 -> 二十五, 8 -> 八 (as people write dates)."""
    if n < 10:
        return CN[n]
    tens, units = divmod(n, 10)
    return ("" if tens == 1 else CN[tens]) + "十" + (CN[units] if units else "")


@st.composite
def day_forms(draw: st.DrawFn) -> tuple[str, date]:
    offset = draw(st.integers(min_value=0, max_value=60))
    day = date.fromordinal(TODAY.toordinal() + offset)
    monday = date.fromordinal(TODAY.toordinal() - TODAY.weekday())
    weekday = draw(st.integers(min_value=0, max_value=6))
    names = "一二三四五六日"
    week_word = draw(st.sampled_from(["周", "星期", "礼拜"]))
    forms = [
        (f"{day.month}月{day.day}日", day), (f"{day.month}月{day.day}号", day),
        (f"{_cn(day.month)}月{_cn(day.day)}日", day), (f"{_cn(day.month)}月{_cn(day.day)}号", day),
        (f"{day.year}-{day.month:02d}-{day.day:02d}", day), (f"{day.month}/{day.day}", day),
        ("今天", TODAY), ("明天", date.fromordinal(TODAY.toordinal() + 1)),
        ("后天", date.fromordinal(TODAY.toordinal() + 2)),
        ("大后天", date.fromordinal(TODAY.toordinal() + 3)),
        (f"下{week_word}{names[weekday]}", date.fromordinal(monday.toordinal() + 7 + weekday)),
        (f"下下{week_word}{names[weekday]}",
         date.fromordinal(monday.toordinal() + 14 + weekday)),
    ]
    if weekday >= TODAY.weekday():  # 这周X / 本周X still to come
        this_week = date.fromordinal(monday.toordinal() + weekday)
        forms += [(f"这{week_word}{names[weekday]}", this_week),
                  (f"本{week_word}{names[weekday]}", this_week),
                  (f"{week_word}{names[weekday]}", this_week)]
    return draw(st.sampled_from(forms))


@st.composite
def time_forms(draw: st.DrawFn) -> tuple[str, time]:
    hour = draw(st.integers(min_value=7, max_value=21))
    minute = draw(st.sampled_from([0, 15, 30, 45]))
    period = "上午" if hour < 12 else "中午" if hour == 12 else "下午" if hour < 18 else "晚上"
    shown = hour - 12 if hour > 12 else hour
    spoken_hour = draw(st.sampled_from([str(shown), _cn(shown)] + (["两"] if shown == 2 else [])))
    forms = [f"{hour}:{minute:02d}", f"{hour}：{minute:02d}", f"{period}{shown}:{minute:02d}",
             f"{hour}时{minute}分" if minute else f"{hour}时",
             f"{period}{spoken_hour}点" + ("半" if minute == 30 else f"{_cn(minute)}分"
                                           if minute else "")]
    if minute == 30:
        forms.append(f"{period}{spoken_hour}点半")
    return draw(st.sampled_from(forms)), time(hour, minute)


@settings(max_examples=1000)
@given(day_forms(), time_forms(), st.sampled_from(["", " ", "，", "、", "  ", "\u3000"]))
def test_every_day_form_with_every_time_form(day_form: tuple[str, date],
                                            time_form: tuple[str, time], between: str) -> None:
    (day_text, day), (clock_text, clock) = day_form, time_form
    if not between and day_text[-1].isdigit() and clock_text[0].isdigit():
        between = " "  # "12/110:30" is 12/1 10:30 or 12/11 0:30: nobody glues digits
    assert parse_day(day_text, TODAY) == day
    assert parse_clock(clock_text) == clock
    assert parse_moment(day_text + between + clock_text, TODAY) == (day, clock)
    fields = words(f"{day_text}{between}{clock_text} 礼堂")
    assert split_moment(fields, TODAY)[:2] == (day, clock)
    assert fields[split_moment(fields, TODAY)[2]:] == ["礼堂"]
