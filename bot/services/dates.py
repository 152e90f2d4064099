"""Calendar helpers: parsing the dates people write, the lunar calendar, and the way dates
are shown to the elderly (11月22日（周六）, 九月初九)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lunar_python import Lunar, LunarMonth, Solar
from lunar_python.util import LunarUtil

WEEKDAYS = "一二三四五六日"
_FULL_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*$")


class DateError(ValueError):
    """A date that cannot be understood; the message is shown to the user as is."""


def parse_ymd(value: object) -> tuple[int, int, int]:
    """Year, month, day as written (1945-08-15, 1945/8/15, 1945年8月15日, an Excel date
    cell), not yet checked against any calendar: a lunar date may be the 30th of 二月."""
    if isinstance(value, date | datetime):
        return value.year, value.month, value.day
    text = str(value).strip()
    m = _FULL_DATE.match(text)
    if not m:
        raise DateError(f"「{text}」不是日期，请写成 1945-08-15")
    y, mo, d = (int(g) for g in m.groups())
    return y, mo, d


def parse_full_date(value: object) -> date:
    """A solar date with year, in any of the forms `parse_ymd` reads."""
    y, mo, d = parse_ymd(value)
    try:
        return date(y, mo, d)
    except ValueError:
        raise DateError(f"「{str(value).strip()}」这一天不存在") from None


@dataclass(frozen=True)
class LunarDate:
    year: int
    month: int
    day: int
    leap: bool = False

    def validate(self) -> None:
        """Raise DateError unless this lunar date exists."""
        if not 1 <= self.month <= 12 or not 1 <= self.day <= 30:
            raise DateError(f"农历{self.month}月{self.day}日不存在")
        lm = LunarMonth.fromYm(self.year, -self.month if self.leap else self.month)
        if lm is None:
            raise DateError(f"{self.year}年农历没有闰{self.month}月")
        if self.day > lm.getDayCount():
            raise DateError(f"{self.year}年农历{self.month}月只有{lm.getDayCount()}天")

    def to_solar(self) -> date:
        self.validate()
        s = Lunar.fromYmd(self.year, -self.month if self.leap else self.month, self.day).getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    def chinese(self) -> str:
        """九月初九, 闰四月十五."""
        leap = "闰" if self.leap else ""
        return f"{leap}{LunarUtil.MONTH[self.month]}月{LunarUtil.DAY[self.day]}"


def to_lunar(day: date) -> LunarDate:
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    month = lunar.getMonth()
    return LunarDate(lunar.getYear(), abs(month), lunar.getDay(), month < 0)


def show_date(day: date, *, with_year: bool = False) -> str:
    """11月22日（周六）; 2026年11月22日（周六） in a list that spans two years."""
    year = f"{day.year}年" if with_year else ""
    return f"{year}{day.month}月{day.day}日（周{WEEKDAYS[day.weekday()]}）"


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The nth given weekday (1 = Monday) of a month; 5 means the last one (a month has
    four or five of each weekday)."""
    first = date(year, month, 1)
    offset = (weekday - 1 - first.weekday()) % 7
    day = first + timedelta(days=offset + 7 * (nth - 1))
    if day.month != month:  # the 5th of something that has only four
        day -= timedelta(days=7)
    return day


def show_time(at: time) -> str:
    """A time as people say it: 上午9点半, 下午2点, 中午12点, 晚上7点15分."""
    hour = at.hour
    period = ("凌晨" if hour < 5 else "早上" if hour < 8 else "上午" if hour < 12
              else "中午" if hour < 13 else "下午" if hour < 18 else "晚上")
    shown = hour - 12 if hour > 12 else hour
    minutes = "" if at.minute == 0 else "半" if at.minute == 30 else f"{at.minute}分"
    return f"{period}{shown}点{minutes}"


def show_full_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def years_between(born: date, on: date) -> int:
    """Completed years (周岁)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def parse_lunar(value: object, leap: bool) -> LunarDate:
    """A lunar date as written; DateError unless it exists in that lunar year."""
    y, mo, d = parse_ymd(value)
    lunar = LunarDate(y, mo, d, leap)
    lunar.validate()
    return lunar
