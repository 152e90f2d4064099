"""Derived facts about people, and the calendar they rest on."""

from __future__ import annotations

from datetime import date

import pytest

from bot.services.dates import LunarDate, parse_full_date, show_date, to_lunar
from bot.services.people import age, is_key_target, normalize_phone, solar_birth_date
from storage.models import CareFlag, Category, PartyStatus, Person


def person(**kw: object) -> Person:
    base: dict[str, object] = {"id": 1, "ext_id": "A1", "name": "甲", "group_id": None,
                               "group_name": None, "category": Category.TUIXIU,
                               "status": PartyStatus.MEMBER}
    base.update(kw)
    return Person(**base)  # type: ignore[arg-type]


def test_age_counts_completed_years() -> None:
    p = person(birth_date="1946-11-23")
    assert age(p, date(2026, 11, 22)) == 79
    assert age(p, date(2026, 11, 23)) == 80


def test_lunar_birthday_is_converted_before_counting() -> None:
    # Lunar 1946-10-01 is solar 1946-10-25.
    p = person(birth_date="1946-10-01", birth_calendar="lunar")
    assert solar_birth_date(p) == date(1946, 10, 25)
    assert age(p, date(2026, 10, 24)) == 79
    assert age(p, date(2026, 10, 25)) == 80


def test_leap_month_birthday() -> None:
    # 2025 has a leap sixth month; its first day is solar 2025-07-25.
    p = person(birth_date="2025-06-01", birth_calendar="lunar", birth_leap=True)
    assert solar_birth_date(p) == date(2025, 7, 25)


@pytest.mark.parametrize(
    ("kw", "expected"),
    [
        ({"category": Category.LIXIU, "birth_date": "1960-01-01"}, True),
        ({"birth_date": "1946-11-22"}, True),        # 80 today
        ({"birth_date": "1946-11-23"}, False),       # 80 tomorrow
        ({"care_flags": (CareFlag.ALONE,)}, True),
        ({}, False),
    ],
)
def test_key_service_target(kw: dict[str, object], expected: bool) -> None:
    assert is_key_target(person(**kw), date(2026, 11, 22)) is expected


@pytest.mark.parametrize(
    ("raw", "digits"),
    [("+86 199-0000-0001", "19900000001"), ("008619900000001", "19900000001"),
     ("027-8888 6666", "02788886666"), ("12", None), ("", None)],
)
def test_phone_normalisation(raw: str, digits: str | None) -> None:
    assert normalize_phone(raw) == digits


def test_dates_are_shown_the_way_people_say_them() -> None:
    assert show_date(date(2026, 11, 22)) == "11月22日（周日）"
    assert LunarDate(2026, 9, 9).chinese() == "九月初九"
    assert LunarDate(2025, 6, 15, leap=True).chinese() == "闰六月十五"
    assert to_lunar(date(2026, 10, 18)) == LunarDate(2026, 9, 9)
    assert parse_full_date("1945年8月15日") == date(1945, 8, 15)
