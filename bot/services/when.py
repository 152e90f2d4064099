"""Dates and times as people type them in Chinese, relative to "today" in the branch.

Dates: 2026-12-05, 2026/12/5, 12-05, 12/5, 12月5日, 12月5号, 今天, 明天, 后天, 周三 /
星期三 (the coming one, today included), 下周三 / 下星期三 (in next week).
Times: 9:30, 09:30, 9：30, 9点, 9点半, 9点30, 上午9点, 下午2点半, 晚上7点.

Anything else raises `WhenError` (a ServiceError: `texts.explain` words it, with an example).
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from bot.services.problems import Problem, ServiceError

WEEKDAY_NAMES = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9, "十": 10}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_MONTH_DAY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})$")
_CN_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?$")
_WEEKDAY = re.compile(r"^(下)?(?:周|星期|礼拜)([一二三四五六日天])$")
_CLOCK = re.compile(r"^(\d{1,2})[:：](\d{2})$")
_CN_TIME = re.compile(r"^(上午|早上|中午|下午|晚上)?(\d{1,2}|[一二两三四五六七八九十]{1,3})点"
                      r"(半|(\d{1,2})分?)?$")


class WhenError(ServiceError, ValueError):
    """Text that is not a date or time we understand (`texts.explain` says why)."""


def parse_day(text: str, today: date, *, allow_past: bool = False) -> date:
    t = text.strip().replace(" ", "")
    day = _parse_day(t, today)
    if day is None:
        raise WhenError(Problem.DATE_UNREADABLE, text=text.strip())
    if day < today and not allow_past:
        raise WhenError(Problem.DATE_PAST, month=day.month, day=day.day)
    return day


def _parse_day(t: str, today: date) -> date | None:
    relative = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2}
    if t in relative:
        return today + timedelta(days=relative[t])
    try:
        if m := _ISO.match(t):
            return date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _MONTH_DAY.match(t)) or (m := _CN_DATE.match(t)):
            groups = m.groups()
            year = int(groups[0]) if len(groups) == 3 and groups[0] else None
            month, day_ = int(groups[-2]), int(groups[-1])
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
        if m[1]:  # 下周X: that weekday in next calendar week (weeks start on Monday)
            next_monday = today + timedelta(days=7 - today.weekday())
            return next_monday + timedelta(days=target)
        return today + timedelta(days=(target - today.weekday()) % 7)
    return None


def _cn_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_DIGITS.get(text[1:], -100)
    if text.endswith("十"):
        return CN_DIGITS.get(text[:-1], -100) * 10
    if len(text) == 3 and text[1] == "十":
        return CN_DIGITS.get(text[0], -100) * 10 + CN_DIGITS.get(text[2], -100)
    return CN_DIGITS.get(text) if len(text) == 1 else None


def parse_clock(text: str) -> time:
    t = text.strip().replace(" ", "")
    hour: int | None
    minute: int
    if m := _CLOCK.match(t):
        hour, minute = int(m[1]), int(m[2])
    elif m := _CN_TIME.match(t):
        hour = _cn_number(m[2])
        minute = 30 if m[3] == "半" else int(m[4]) if m[4] else 0
        if hour is not None and m[1] in ("下午", "晚上") and hour < 12:
            hour += 12
        if hour is not None and m[1] == "中午" and hour < 6:
            hour += 12
    else:
        raise WhenError(Problem.TIME_UNREADABLE, text=text.strip())
    if hour is None or not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise WhenError(Problem.TIME_INVALID, text=text.strip())
    return time(hour, minute)
