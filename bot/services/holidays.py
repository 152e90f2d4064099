"""The branch's holidays and birthdays on the calendar, solar and lunar.

Lunar dates are computed each year with lunar-python, never written down. A lunar
birthday in a leap month falls in the ordinary month of that number in years without
that leap month; the 30th of a month that has only 29 days falls on the 29th.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lunar_python import Lunar, LunarMonth, LunarYear

from bot.services.dates import LunarDate


@dataclass(frozen=True)
class Holiday:
    key: str
    name: str
    month: int
    day: int
    lunar: bool


HOLIDAYS = (
    Holiday("yuandan", "元旦", 1, 1, False),
    Holiday("chunjie", "春节", 1, 1, True),
    Holiday("yuanxiao", "元宵节", 1, 15, True),
    Holiday("duanwu", "端午节", 5, 5, True),
    Holiday("jiandang", "七一建党节", 7, 1, False),
    Holiday("jianjun", "八一建军节", 8, 1, False),
    Holiday("zhongqiu", "中秋节", 8, 15, True),
    Holiday("chongyang", "重阳节", 9, 9, True),
    Holiday("guoqing", "国庆节", 10, 1, False),
)
BY_KEY = {h.key: h for h in HOLIDAYS}


def lunar_to_solar(year: int, month: int, day: int, leap: bool = False) -> date:
    """The solar date of a lunar date in lunar year `year`, applying the birthday rules."""
    if leap and LunarYear.fromYear(year).getLeapMonth() != month:
        leap = False
    days = LunarMonth.fromYm(year, -month if leap else month).getDayCount()
    s = Lunar.fromYmd(year, -month if leap else month, min(day, days)).getSolar()
    return date(s.getYear(), s.getMonth(), s.getDay())


def holiday_date(h: Holiday, year: int) -> date:
    """The holiday's date in solar year `year` (lunar holidays fall inside it: the
    earliest, 春节, is in late January at the earliest)."""
    if h.lunar:
        return lunar_to_solar(year, h.month, h.day)
    return date(year, h.month, h.day)


def solar_birthday(born: date, year: int) -> date:
    """29 February is kept on 28 February in common years."""
    try:
        return date(year, born.month, born.day)
    except ValueError:
        return date(year, 2, 28)


def lunar_birthday(born: LunarDate, lunar_year: int) -> date:
    return lunar_to_solar(lunar_year, born.month, born.day, born.leap)
