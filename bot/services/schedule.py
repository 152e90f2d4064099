"""The calendar of scheduled pushes: what goes out on a given day, when, and to whom.

`plan(day)` is the one source of truth: the jobs run what it returns, and
`python -m bot schedule --days 60` prints it for the secretary to check. Every push has a
key (kind + target + date) under which it is sent at most once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import BranchTime, Clock, iso
from bot.config import Config
from bot.services.dates import DateError, nth_weekday, parse_full_date, show_date
from bot.services.holidays import HOLIDAYS, holiday_date
from bot.services.meetings import SERIES_LEAD_DAYS
from bot.services.people import is_milestone, next_birthday
from bot.services.rounds import needs_call
from storage.collections import CollectionRepo
from storage.meetings import MeetingRepo
from storage.models import MeetingKind, Person
from storage.people import PeopleRepo
from storage.pushes import PushRepo

VISIT_HOLIDAYS = ("chunjie", "chongyang")


@dataclass(frozen=True)
class Planned:
    key: str
    kind: str
    when: datetime
    what: str
    to: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def day(self) -> date:
        return self.when.date()


def _to(p: Person) -> str:
    """A greeting goes to him privately, or by phone through his leader."""
    return texts.TO_CALL.format(name=p.name) if needs_call(p) else texts.TO_PRIVATE.format(
        name=p.name)


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


class Scheduler(BranchTime):
    def __init__(self, people: PeopleRepo, config: Config, clock: Clock, tz: ZoneInfo,
                 collections: CollectionRepo | None = None,
                 pushes: PushRepo | None = None,
                 meetings: MeetingRepo | None = None) -> None:
        super().__init__(clock, tz)
        self.people = people
        self.config = config
        self.collections = collections
        self.pushes = pushes
        self.meetings = meetings

    @staticmethod
    def weather_key(day: date) -> str:
        return f"weather:{day}"

    async def mark_safe(self, day: date, person: Person) -> bool:
        """「我平安」 after the warning of `day`; False if no such warning went out."""
        assert self.pushes is not None
        key = self.weather_key(day)
        if await self.pushes.done(key) != "sent":
            return False
        await self.pushes.tap_safe(key, person.id, iso(self.now()))
        return True

    def _at(self, day: date, hhmm: str) -> datetime:
        return datetime.combine(day, _clock(hhmm), tzinfo=self.tz)

    async def plan(self, day: date) -> list[Planned]:
        cfg = self.config
        people = [p for p in await self.people.all() if p.active]
        # Said in a chat, and phoned to whoever is not in it (bot/services/rounds.py).
        to_group = texts.TO_GROUP_CALLS if any(map(needs_call, people)) else texts.TO_GROUP
        out: list[Planned] = []
        for h in HOLIDAYS:
            setting = cfg.greetings.holiday(h.key)
            if setting.enabled and holiday_date(h, day.year) == day:
                out.append(Planned(f"holiday:{h.key}:{day}", "holiday",
                                   self._at(day, setting.time),
                                   texts.WHAT_HOLIDAY.format(name=h.name), to_group,
                                   {"holiday": h.key}))
                if h.key in VISIT_HOLIDAYS and cfg.chats.committee_chat_id:
                    out.append(Planned(f"visit_list:{h.key}:{day}", "visit_list",
                                       self._at(day, setting.time),
                                       texts.WHAT_VISIT_LIST.format(name=h.name),
                                       texts.TO_COMMITTEE, {"holiday": h.key}))
        out += self._birthdays(day, people)
        out += self._anniversaries(day, people)
        sd = cfg.study_day
        if sd.enabled:
            study = nth_weekday(day.year, day.month, sd.nth, sd.weekday)
            in_three = day + timedelta(days=3)
            ahead = nth_weekday(in_three.year, in_three.month, sd.nth, sd.weekday)
            if ahead == in_three:
                out.append(Planned(f"study_ahead:{ahead}", "study_ahead",
                                   self._at(day, cfg.greetings.birthday_time),
                                   texts.WHAT_STUDY_AHEAD, texts.TO_GROUP,
                                   {"day": ahead.isoformat()}))
            if study == day:
                out.append(Planned(f"study_today:{day}", "study_today",
                                   self._at(day, sd.announce_time), texts.WHAT_STUDY_TODAY,
                                   texts.TO_GROUP, {"day": day.isoformat()}))
        if cfg.digest.enabled and day.isoweekday() == cfg.digest.weekday \
                and cfg.chats.committee_chat_id:
            out.append(Planned(f"digest:{day}", "digest", self._at(day, cfg.digest.time),
                               texts.WHAT_DIGEST, texts.TO_COMMITTEE))
        if self.collections is not None:
            tomorrow = (day + timedelta(days=1)).isoformat()
            for c in await self.collections.recent(20):
                if c.deadline == tomorrow:
                    out.append(Planned(f"collect_remind:{c.id}", "collect_remind",
                                       self._at(day, cfg.care.morning_time),
                                       texts.WHAT_COLLECT_REMIND.format(title=c.title),
                                       texts.TO_MISSING, {"collection": c.id}))
        out += await self._series(day)
        if cfg.weather.enabled and (cfg.branch.latitude or cfg.branch.longitude):
            out.append(Planned(self.weather_key(day), "weather", self._at(day, cfg.weather.time),
                               texts.WHAT_WEATHER,
                               texts.TO_GROUP_CALLS_SEVERE if to_group != texts.TO_GROUP
                               else texts.TO_GROUP))
        return sorted(out, key=lambda p: (p.when, p.key))

    async def _series(self, day: date) -> list[Planned]:
        """Each repeating meeting's occurrence `SERIES_LEAD_DAYS` ahead, made today."""
        if self.meetings is None:
            return []
        ahead = day + timedelta(days=SERIES_LEAD_DAYS)
        out = []
        for s in await self.meetings.running_series():
            if nth_weekday(ahead.year, ahead.month, s.nth, s.weekday) != ahead:
                continue
            to = texts.TO_COMMITTEE if s.kind == MeetingKind.COMMITTEE else texts.TO_GROUP
            out.append(Planned(f"series:{s.id}:{ahead}", "series",
                               self._at(day, self.config.greetings.birthday_time),
                               texts.WHAT_SERIES.format(kind=texts.MEETING_KIND[s.kind],
                                                        topic=s.topic, day=show_date(ahead)),
                               to, {"series": s.id, "day": ahead.isoformat()}))
        return out

    def _birthdays(self, day: date, people: list[Person]) -> list[Planned]:
        cfg = self.config
        at = self._at(day, cfg.greetings.birthday_time)
        out: list[Planned] = []
        in_group: list[tuple[Person, int]] = []
        for p in people:
            upcoming = next_birthday(p, day)
            if upcoming is None or upcoming[0] != day:
                continue
            age = upcoming[1]
            out.append(Planned(f"birthday:{p.id}:{day}", "birthday", at,
                               texts.WHAT_BIRTHDAY.format(name=p.name), _to(p),
                               {"person": p.id, "age": age}))
            if is_milestone(age) and cfg.chats.committee_chat_id:
                out.append(Planned(f"milestone:{p.id}:{day}", "milestone", at,
                                   texts.WHAT_MILESTONE.format(name=p.name, age=age),
                                   texts.TO_COMMITTEE, {"person": p.id, "age": age}))
            if p.greet_in_group:
                in_group.append((p, age))
        if in_group:
            out.append(Planned(f"birthday_group:{day}", "birthday_group", at,
                               texts.WHAT_BIRTHDAY_GROUP, texts.TO_GROUP,
                               {"people": [(p.id, age) for p, age in in_group]}))
        if day.day == 1 and cfg.greetings.monthly_birthdays and cfg.chats.committee_chat_id:
            out.append(Planned(f"month_birthdays:{day:%Y-%m}", "month_birthdays", at,
                               texts.WHAT_MONTH_BIRTHDAYS, texts.TO_COMMITTEE,
                               {"month": day.month}))
        return out

    def _anniversaries(self, day: date, people: list[Person]) -> list[Planned]:
        if not self.config.greetings.party_anniversary:
            return []
        out = []
        for p in people:
            if not p.joined_party:
                continue
            try:
                joined = parse_full_date(p.joined_party)
            except DateError:
                continue
            years = day.year - joined.year
            if years > 0 and years % 10 == 0 and (joined.month, joined.day) == (day.month,
                                                                                day.day):
                out.append(Planned(f"anniversary:{p.id}:{day}", "anniversary",
                                   self._at(day, self.config.greetings.birthday_time),
                                   texts.WHAT_ANNIVERSARY.format(name=p.name, years=years),
                                   _to(p),
                                   {"person": p.id, "years": years}))
        return out

    async def upcoming(self, start: date, days: int) -> list[Planned]:
        out: list[Planned] = []
        for n in range(days):
            out += await self.plan(start + timedelta(days=n))
        return out

    async def month_birthdays(self, year: int, month: int) -> list[tuple[date, Person, int]]:
        """Everyone's birthday in a month, for the collective celebration list."""
        people = [p for p in await self.people.all() if p.active]
        last = calendar.monthrange(year, month)[1]
        out = []
        for p in people:
            upcoming = next_birthday(p, date(year, month, 1))
            if upcoming and upcoming[0] <= date(year, month, last):
                out.append((upcoming[0], p, upcoming[1]))
        return sorted(out, key=lambda t: (t[0], t[1].name))
