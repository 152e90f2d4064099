"""Facts derived from a person's record, never stored: age, birthday, key service target."""

from __future__ import annotations

import re
from datetime import date

from bot.services.dates import (
    DateError,
    LunarDate,
    parse_full_date,
    parse_lunar,
    years_between,
)
from storage.models import Category, PartyStatus, Person

KEY_TARGET_AGE = 80


def solar_birth_date(p: Person) -> date | None:
    """The solar day the person was born, converting a lunar record."""
    if not p.birth_date:
        return None
    try:
        if p.birth_calendar == "lunar":
            return parse_lunar(p.birth_date, p.birth_leap).to_solar()
        return parse_full_date(p.birth_date)
    except DateError:
        return None


def age(p: Person, today: date) -> int | None:
    born = solar_birth_date(p)
    return years_between(born, today) if born else None


def is_party_member(p: Person) -> bool:
    """A Party member, probationary included: expected at Party meetings, pays dues."""
    return p.status in (PartyStatus.MEMBER, PartyStatus.PROBATIONARY)


def is_key_target(p: Person, today: date) -> bool:
    """重点服务对象: 离休, 80 or older, or any care flag."""
    years = age(p, today)
    return p.category == Category.LIXIU or (years is not None and years >= KEY_TARGET_AGE) or bool(
        p.care_flags
    )


def lunar_birthday(p: Person) -> LunarDate | None:
    if p.birth_calendar != "lunar" or not p.birth_date:
        return None
    try:
        return parse_lunar(p.birth_date, p.birth_leap)
    except DateError:
        return None


_NON_DIGITS = re.compile(r"\D")


def normalize_phone(text: str | None) -> str | None:
    """Digits only, without the +86/0086 country prefix; None when it is not a number."""
    if not text:
        return None
    digits = _NON_DIGITS.sub("", str(text))
    if digits.startswith("0086"):
        digits = digits[4:]
    elif digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not 7 <= len(digits) <= 15:
        return None
    return digits


MILESTONE_AGES = (70, 75, 80, 85, 90, 95)


def is_milestone(years: int) -> bool:
    """70, 75, 80, 85, 90, 95, and every year from 100 on."""
    return years in MILESTONE_AGES or years >= 100


def next_birthday(p: Person, today: date) -> tuple[date, int] | None:
    """The first birthday on or after `today` and the age the person turns then.

    Lunar birthdays are kept by the lunar calendar (see `bot.services.holidays`); the
    age is counted in the calendar the birthday is kept in."""
    from bot.services.holidays import lunar_birthday as lunar_on
    from bot.services.holidays import solar_birthday

    if not p.birth_date:
        return None
    try:
        if p.birth_calendar == "lunar":
            born = parse_lunar(p.birth_date, p.birth_leap)
            for lunar_year in (today.year - 1, today.year, today.year + 1):
                day = lunar_on(born, lunar_year)
                if day >= today:
                    return day, lunar_year - born.year
            return None
        solar = parse_full_date(p.birth_date)
    except DateError:
        return None
    for year in (today.year, today.year + 1):
        day = solar_birthday(solar, year)
        if day >= today:
            return day, year - solar.year
    return None
