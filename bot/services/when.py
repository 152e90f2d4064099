"""Dates and times as people type them in Chinese, relative to "today" in the branch.

Dates: 2026-12-05, 2026/12/5, 12-05, 12/5, 12月5日, 12月5号, 十二月八日, 十二月八号,
今天, 明天, 后天, 大后天, 周三 / 星期三 / 礼拜三 (the coming one, today included),
这周五 / 本周五 (in this week), 下周三 (in next week), 下下周二 (the week after).
Times: 9:30, 09:30, 9：30, 上午9:30, 下午2:30, 9点, 9点半, 9点30, 9时30分, 九点半,
上午9点, 下午2点半, 下午两点十五分, 晚上7点.
A date and a time together: 后天下午两点, 周二上午九点半, 12月8日 上午9点半.
Every month: 每月第一个周二, 每月最后一个周五 (`monthly`).

A small grammar, not a language model: each form is one pattern below. Anything else raises
`WhenError` (a ServiceError: `texts.explain` words it, with an example).
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from bot.services.problems import Problem, ServiceError

WEEKDAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
             "七": 7, "八": 8, "九": 9, "十": 10}
RELATIVE_DAYS = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
# Separators people put between a date, a time and the rest: spaces and Chinese commas.
SEPARATORS = " \t\u3000,，、;；"

_NUM = r"(\d{1,2}|[零〇一二两三四五六七八九十]{1,3})"
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_CN_DATE = re.compile(rf"^(?:(\d{{4}})年)?{_NUM}月{_NUM}[日号]?$")
_WEEKDAY = re.compile(r"^(这|本|下下|下)?(?:周|星期|礼拜)([一二三四五六日天])$")
_MONTHLY = re.compile(r"^每个?月(?:第([一二三四1-4])个?|(最后一个))"
                      r"(?:周|星期|礼拜)([一二三四五六日天])")
_PERIOD = r"(上午|早上|早晨|中午|下午|晚上)?"
_CLOCK = re.compile(rf"^{_PERIOD}(\d{{1,2}})[:：](\d{{2}})$")
_CN_TIME = re.compile(rf"^{_PERIOD}{_NUM}[点时](半|{_NUM}分?)?$")


class WhenError(ServiceError, ValueError):
    """Text that is not a date or time we understand (`texts.explain` says why)."""


def words(text: str) -> list[str]:
    """A typed line as its fields: split at spaces and Chinese commas."""
    return [w for w in re.split(f"[{SEPARATORS}]+", text.strip()) if w]


def _squeeze(text: str) -> str:
    return "".join(ch for ch in text.strip() if ch not in SEPARATORS)


def parse_day(text: str, today: date, *, allow_past: bool = False) -> date:
    day = _parse_day(_squeeze(text), today)
    if day is None:
        raise WhenError(Problem.DATE_UNREADABLE, text=text.strip())
    return _not_past(day, today, allow_past)


def _not_past(day: date, today: date, allow_past: bool) -> date:
    if day < today and not allow_past:
        raise WhenError(Problem.DATE_PAST, month=day.month, day=day.day)
    return day


def parse_clock(text: str) -> time:
    t = _squeeze(text)
    clock = _parse_clock(t)
    if clock is None:
        raise WhenError(Problem.TIME_UNREADABLE, text=text.strip())
    hour, minute = clock
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise WhenError(Problem.TIME_INVALID, text=text.strip())
    return time(hour, minute)


def parse_moment(text: str, today: date) -> tuple[date, time]:
    """A date and a time in one piece ("后天下午两点", "12月8日 上午9点半"). Where spaces or
    commas separate words the cut is between words (so "12/11 0:30" is not 12/1 10:30);
    a single word is cut where both halves make sense, the longest date first."""
    fields = words(text)
    cuts = ([("".join(fields[:k]), "".join(fields[k:])) for k in range(len(fields) - 1, 0, -1)]
            if len(fields) > 1 else
            [(text.strip()[:k], text.strip()[k:]) for k in range(len(text.strip()) - 1, 0, -1)])
    for day_text, clock_text in cuts:
        day = _parse_day(day_text, today)
        clock = _parse_clock(clock_text)
        if day is not None and clock is not None and clock[0] <= 23 and clock[1] <= 59:
            return _not_past(day, today, False), time(*clock)
    raise WhenError(Problem.DATE_UNREADABLE, text=text.strip())


def split_moment(words: list[str], today: date) -> tuple[date, time, int]:
    """The date and time at the start of `words` (a line split at spaces and commas), in one
    word ("12月8日上午9点半") or spread over up to three ("12月8日 上午 9点半"); returns them
    with how many words they took. A date that is not understood is the error reported."""
    for n in (3, 2, 1):
        if len(words) >= n:
            try:
                day, start = parse_moment(" ".join(words[:n]), today)
            except WhenError:
                continue
            return day, start, n
    day = parse_day(words[0] if words else "", today)
    return day, parse_clock(words[1] if len(words) > 1 else ""), 2


def monthly(text: str) -> tuple[int, int, str] | None:
    """每月第一个周二 / 每月最后一个周五 at the start of `text`: (nth, weekday, the rest),
    nth 1–4 or 5 for the last, weekday 1 = Monday; None if it does not start so."""
    m = _MONTHLY.match(_squeeze(text))
    if m is None:
        return None
    nth = 5 if m[2] else (_cn_number(m[1]) or 1)
    return nth, WEEKDAY_NAMES[m[3]] + 1, _squeeze(text)[m.end():]


def _parse_day(t: str, today: date) -> date | None:
    if t in RELATIVE_DAYS:
        return today + timedelta(days=RELATIVE_DAYS[t])
    try:
        if m := _ISO.match(t):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _MONTH_DAY.match(t)) or (m := _CN_DATE.match(t)):
            groups = m.groups()
            year = int(groups[0]) if len(groups) == 3 and groups[0] else None
            month, day_ = _cn_number(groups[-2]), _cn_number(groups[-1])
            if month is None or day_ is None:
                return None
            if year is not None:
                return date(year, month, day_)
            candidate = date(today.year, month, day_)
            # "1月5日" typed in December means next January.
            if candidate < today - timedelta(days=31):
                candidate = date(today.year + 1, month, day_)
            return candidate
    except ValueError:
        return None
    if m := _WEEKDAY.match(t):
        target = WEEKDAY_NAMES[m[2]]
        monday = today - timedelta(days=today.weekday())  # weeks start on Monday
        weeks = {"这": 0, "本": 0, "下": 1, "下下": 2}.get(m[1] or "")
        if weeks is None:  # 周X alone: the coming one, today included
            return today + timedelta(days=(target - today.weekday()) % 7)
        return monday + timedelta(days=7 * weeks + target)
    return None


def _parse_clock(t: str) -> tuple[int, int] | None:
    if m := _CLOCK.match(t):
        period, hour, minute = m[1], int(m[2]), int(m[3])
    elif m := _CN_TIME.match(t):
        period = m[1]
        parsed_hour = _cn_number(m[2])
        parsed_minute = 30 if m[3] == "半" else _cn_number(m[4]) if m[4] else 0
        if parsed_hour is None or parsed_minute is None:
            return None
        hour, minute = parsed_hour, parsed_minute
    else:
        return None
    if (period in ("下午", "晚上") and hour < 12) or (period == "中午" and hour < 6):
        hour += 12
    return hour, minute


def _cn_number(text: str) -> int | None:
    """1–99 in digits or in Chinese numerals (十二, 二十五, 三十)."""
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if len(text) == 1:
        return CN_DIGITS.get(text)
    if text.startswith("十") and len(text) == 2:
        units = CN_DIGITS.get(text[1])
        return 10 + units if units is not None and units < 10 else None
    tens, rest = CN_DIGITS.get(text[0]), text[1:]
    if tens is None or not 0 < tens < 10 or not rest.startswith("十"):
        return None
    units = CN_DIGITS.get(rest[1:]) if rest[1:] else 0
    return tens * 10 + units if units is not None and units < 10 else None
