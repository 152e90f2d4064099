"""Meetings and attendance: the branch's rules, in one place.

Who is expected (by meeting type), who may create a meeting, what a tap on 签到 or 请假
does at each stage of a meeting, proxy answers by leaders, closing (absentees become
make-up tasks for their group leader) and the attendance figures. Plain data in and out;
the handlers turn outcomes into words and messages.

Why one file over 400 lines: a meeting's rules depend on one another (who is expected
decides what a tap does and who is absent at closing); split, the same rule would be read
from two places.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import BranchTime, Clock, iso
from bot.config import MeetingsConfig
from bot.services.access import Actor
from bot.services.dates import nth_weekday
from bot.services.org import Org, carer_id
from bot.services.people import is_party_member
from bot.services.problems import Problem, ServiceError
from bot.services.when import (
    SEPARATORS,
    WhenError,
    monthly,
    parse_clock,
    parse_day,
    split_moment,
    words,
)
from storage.meetings import MeetingRepo
from storage.models import (
    LEAVE_REASONS,
    MAKEUP_METHODS,
    Attendance,
    Group,
    LeaveReason,
    Makeup,
    MakeupMethod,
    Meeting,
    MeetingKind,
    MeetingSeries,
    Person,
)
from storage.people import PeopleRepo

# Who each kind of meeting expects: the Party members of the branch, all of it, the
# committee, or one group's Party members.
AUDIENCE = {
    MeetingKind.GENERAL: "party",
    MeetingKind.LECTURE: "party",
    MeetingKind.PARTY_DAY: "party",
    MeetingKind.STUDY_DAY: "everyone",
    MeetingKind.ORG_LIFE: "party",
    MeetingKind.OTHER: "everyone",
    MeetingKind.COMMITTEE: "committee",
    MeetingKind.GROUP: "group",
}
# A repeating meeting's next occurrence is made this many days ahead (its reminders and
# card follow as for any meeting).
SERIES_LEAD_DAYS = 7
# The words a secretary types in `/meeting <kind> …`.
KIND_BY_WORD = {word: kind for kind, word in texts.MEETING_KIND.items()}


def kind_by_word(word: str) -> MeetingKind | None:
    """The kind a typed word names: its label or a name people also use (党员大会)."""
    return KIND_BY_WORD.get(word) or texts.MEETING_KIND_ALSO.get(word)


_COMMAS = "[,，、;；]"


def _place_and_topic(line: str, skip: int,
                     known_places: Sequence[str]) -> tuple[str, str, bool]:
    """What follows the first `skip` words of `line`: the place, the topic, and whether the
    split is doubtful (a line without commas whose topic has several words)."""
    rest = line.strip()
    for _ in range(skip):
        rest = re.sub(f"^[^{SEPARATORS}]+[{SEPARATORS}]*", "", rest, count=1)
    rest = re.sub(r"[\s\u3000]+", " ", rest)
    if re.search(_COMMAS, line):  # commas separate the fields: a place may hold spaces
        fields = re.split(f"{_COMMAS}+", rest, maxsplit=1)
        return fields[0].strip(), "".join(fields[1:]).strip(), False
    for place in sorted(known_places, key=len, reverse=True):
        if rest == place or rest.startswith(place + " "):
            return place, rest[len(place):].strip(), False
    place, _, topic = rest.partition(" ")
    # A topic of several words may hold the rest of a place: worth a word in the reply.
    return place, topic.strip(), " " in topic.strip()


def card_audience(m: Meeting) -> str:
    """Which chat a meeting's check-in card belongs in: 支委会 is the committee's business
    (never the branch group; with no committee chat there is no card at all), every other
    meeting's card goes to the branch group."""
    return "committee" if m.kind == MeetingKind.COMMITTEE else "group"


class MeetingError(ServiceError):
    """A request this feature cannot do (see bot.services.problems)."""


class Tap(StrEnum):
    CHECKED_IN = "checked_in"
    ALREADY_IN = "already_in"
    EXCUSED = "excused"
    ALREADY_EXCUSED = "already_excused"
    IN_NOT_EXCUSED = "in_not_excused"  # asked for leave after checking in
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    NOT_EXPECTED = "not_expected"
    NOT_LINKED = "not_linked"
    STALE = "stale"        # a button on a message that is not this meeting's card
    UNKNOWN = "unknown"    # no such meeting
    NOT_ALLOWED = "not_allowed"  # proxy for someone outside one's group


@dataclass(frozen=True)
class TapResult:
    outcome: Tap
    meeting: Meeting | None = None
    person: Person | None = None


@dataclass(frozen=True)
class Draft:
    kind: MeetingKind
    group_id: int | None
    day: date
    start: time
    place: str
    topic: str
    place_guessed: bool = False  # the place may have lost words to the topic
    repeat: tuple[int, int] | None = None  # every month: (nth 1–5, weekday 1–7); `day` is
    #                                        the first occurrence


@dataclass(frozen=True)
class Tally:
    expected: list[Person]
    answers: dict[int, Attendance]
    proxies: dict[int, Person]  # person id -> who recorded for him

    def _with(self, status: str) -> list[Person]:
        return [p for p in self.expected
                if p.id in self.answers and self.answers[p.id].status == status]

    @property
    def present(self) -> list[Person]:
        # In the order they arrived, which is how the card lists them.
        present = self._with("present")
        return sorted(present, key=lambda p: self.answers[p.id].at)

    @property
    def excused(self) -> list[Person]:
        return self._with("excused")

    def is_excused(self, p: Person) -> bool:
        answer = self.answers.get(p.id)
        return answer is not None and answer.status == "excused"

    @property
    def missing(self) -> list[Person]:
        """Expected and neither present nor excused: not answered, or marked absent."""
        return [p for p in self.expected
                if p.id not in self.answers or self.answers[p.id].status == "absent"]


@dataclass(frozen=True)
class Plan:
    """What the meeting's jobs will do, for a truthful confirmation."""

    card_now: bool  # the card's time has come: it is posted at once
    reminders: tuple[str, ...]  # "eve", "soon": the reminders still ahead


@dataclass(frozen=True)
class Closing:
    meeting: Meeting
    tally: Tally
    # assignee person id (None: the secretary) -> [(make-up id, person)]
    makeups: dict[int | None, list[tuple[int, Person]]] = field(default_factory=dict)


@dataclass(frozen=True)
class RateRow:
    label: str
    expected: int
    present: int
    proxy: int
    excused: int
    absent: int

    @property
    def rate(self) -> float:
        return self.present / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class Count:
    """`n` answers of one kind at one meeting from one group (`year_counts`)."""

    meeting: Meeting | None
    group_id: int | None
    status: str  # present | excused | absent
    proxy: bool  # present, checked in by someone else
    n: int

    @classmethod
    def one(cls, a: Attendance) -> Count:
        """One answer as a count (the same rule as `MeetingRepo.attendance_counts`)."""
        return cls(None, None, a.status, a.recorded_by not in (None, a.person_id), 1)


def rate_of(label: str, counts: Iterable[Count]) -> RateRow:
    """The figures of a `RateRow` from counted answers."""
    tally: Counter[str] = Counter()
    for c in counts:
        tally["proxy" if c.status == "present" and c.proxy else c.status] += c.n
    present = tally["present"] + tally["proxy"]
    return RateRow(label, present + tally["excused"] + tally["absent"], present, tally["proxy"],
                   tally["excused"], tally["absent"])


class MeetingService(BranchTime):
    def __init__(self, repo: MeetingRepo, people: PeopleRepo, org: Org, clock: Clock,
                 tz: ZoneInfo, config: MeetingsConfig) -> None:
        super().__init__(clock, tz)
        self.repo = repo
        self.people = people
        self.org = org
        self.config = config

    # -- time -----------------------------------------------------------------------------

    # -- reading, for handlers and jobs (repositories stay behind the services) ----------

    async def get(self, meeting_id: int) -> Meeting | None:
        return await self.repo.get(meeting_id)

    async def active(self) -> list[Meeting]:
        return await self.repo.active()

    async def set_card(self, meeting_id: int, chat_id: int, message_id: int) -> None:
        await self.repo.set_card(meeting_id, chat_id, message_id)

    async def mark_reminded(self, meeting_id: int, which: str) -> bool:
        """Claim the `eve` or `soon` reminder (False: it was sent already)."""
        return await self.repo.mark_reminded(meeting_id, which, iso(self.now()))

    async def makeup_sheet(self, makeup_id: int, actor: Actor) -> tuple[
            Meeting, list[tuple[Makeup, Person, bool]]] | None:
        """The make-up list a task belongs to: its meeting's tasks for the same leader, each
        with its person and whether he had asked for leave; never the actor's own."""
        task = await self.repo.makeup(makeup_id)
        m = await self.repo.get(task.meeting_id) if task else None
        if task is None or m is None:
            return None
        answers = {a.person_id: a for a in await self.repo.attendance(m.id)}
        rows = []
        for t in await self.repo.makeups_for_meeting(m.id):
            person = await self.people.get(t.person_id)
            if t.assignee_id != task.assignee_id or person is None or (
                    actor.person is not None and person.id == actor.person.id):
                continue
            answer = answers.get(person.id)
            rows.append((t, person, answer is not None and answer.status == "excused"))
        return m, rows

    async def makeups_of(self, meeting_id: int) -> list[Makeup]:
        return await self.repo.makeups_for_meeting(meeting_id)

    async def makeups_outstanding(self) -> list[Makeup]:
        """Every make-up task not yet done, whoever it is for."""
        return await self.repo.open_makeups()

    async def attendance(self, meeting_id: int) -> list[Attendance]:
        return await self.repo.attendance(meeting_id)

    async def recent_places(self, limit: int) -> list[tuple[str, int]]:
        return await self.repo.recent_places(limit)

    def opens_at(self, m: Meeting) -> datetime:
        return datetime.fromisoformat(m.starts_at) - timedelta(
            minutes=self.config.open_minutes_before)

    def eve_reminder_at(self, m: Meeting) -> datetime:
        start = self.local(m.starts_at)
        return datetime.combine(start.date() - timedelta(days=1), self.config.eve_reminder,
                                tzinfo=self.tz)

    def soon_reminder_at(self, m: Meeting) -> datetime:
        return datetime.fromisoformat(m.starts_at) - timedelta(
            minutes=self.config.reminder_minutes_before)

    # -- creating ---------------------------------------------------------------------------

    def may_create(self, actor: Actor, kind: MeetingKind, group_id: int | None) -> bool:
        if actor.is_secretary:
            return True
        return (kind == MeetingKind.GROUP and group_id is not None
                and group_id in actor.led_group_ids)

    def default_group(self, actor: Actor) -> int | None:
        return next(iter(sorted(actor.led_group_ids)), None)

    def parse_line(self, line: str, actor: Actor, groups: list[Group],
                   known_places: Sequence[str] = ()) -> Draft:
        """`/meeting 党小组会 [组名] 12月5日 9:30 地点 议题…`, as people type it: fields apart
        by spaces or Chinese commas, the date and time joined or apart ("12月8日上午9点半").
        The place is the part up to the next comma when commas are used, or a place used
        before, or else one word (the confirmation shows what was understood)."""
        fields = words(line)
        if len(fields) < 3:
            raise MeetingError(Problem.MEETING_USAGE)
        word, rest = fields[0], fields[1:]
        kind = kind_by_word(word)
        if kind is None:
            raise MeetingError(Problem.MEETING_BAD_KIND, kind=word)
        group_id = None
        if kind == MeetingKind.GROUP:
            by_name = {g.name: g.id for g in groups}
            if rest and rest[0] in by_name:
                group_id = by_name[rest.pop(0)]
            else:
                group_id = self.default_group(actor)
            if group_id is None:
                raise MeetingError(Problem.MEETING_NEED_GROUP)
        if len(rest) < 2:
            raise MeetingError(Problem.MEETING_USAGE)
        repeat = None
        try:
            if (every := monthly(rest[0])) is not None:
                nth, weekday, clock_text = every
                start = parse_clock(clock_text or rest[1])
                used = 1 if clock_text else 2
                repeat = (nth, weekday)
                day = self.first_occurrence(nth, weekday, start)
            else:
                day, start, used = split_moment(rest, self.today())
        except WhenError as exc:
            raise MeetingError(exc.problem, **exc.values) from None
        if len(rest) <= used:
            raise MeetingError(Problem.MEETING_USAGE)
        place, topic, guessed = _place_and_topic(line, len(fields) - len(rest) + used,
                                                 known_places)
        if not self.may_create(actor, kind, group_id):
            raise MeetingError(Problem.MEETING_NOT_ALLOWED)
        self._times(day, start)  # not in the past
        return Draft(kind, group_id, day, start, place, topic or texts.MEETING_KIND[kind],
                     place_guessed=guessed, repeat=repeat)

    # -- repeating meetings ------------------------------------------------------------------

    def first_occurrence(self, nth: int, weekday: int, start: time) -> date:
        """This month's nth weekday if it is still to come, else next month's."""
        today = self.today()
        day = nth_weekday(today.year, today.month, nth, weekday)
        if datetime.combine(day, start, tzinfo=self.tz) <= self.now():
            month = date(today.year + today.month // 12, today.month % 12 + 1, 1)
            day = nth_weekday(month.year, month.month, nth, weekday)
        return day

    async def create_occurrence(self, series_id: int, day: date) -> Meeting | None:
        """The series' meeting on `day`, made now; None if the series has stopped, the
        day is not one of its days, or that meeting was made already."""
        series = await self.repo.series(series_id)
        if series is None or series.stopped_at is not None \
                or nth_weekday(day.year, day.month, series.nth, series.weekday) != day:
            return None
        hour, minute = (int(x) for x in series.start_time.split(":"))
        draft = Draft(series.kind, series.group_id, day, time(hour, minute), series.place,
                      series.topic)
        return await self._insert(draft, None, series_id)

    async def series(self, series_id: int) -> MeetingSeries | None:
        return await self.repo.series(series_id)

    async def running_series(self) -> list[MeetingSeries]:
        return await self.repo.running_series()

    async def stop_series(self, m: Meeting, actor: Actor) -> bool:
        """No more occurrences after those already made (each can still be cancelled)."""
        if m.series_id is None or not self.may_manage(actor, m):
            raise MeetingError(Problem.MEETING_NOT_ALLOWED)
        return await self.repo.stop_series(m.series_id, at=iso(self.now()),
                                           actor_tg=actor.tg_user_id)

    def parse_moment(self, text: str) -> tuple[date, time]:
        """A new date and time typed together ("12月6日 10:00", "后天下午两点")."""
        fields = words(text)
        try:
            day, start, used = split_moment(fields, self.today())
        except WhenError as exc:
            raise MeetingError(exc.problem, **exc.values) from None
        if used != len(fields):
            raise MeetingError(Problem.TIME_UNREADABLE, text=" ".join(fields[used:]))
        return day, start

    def parse_day(self, text: str) -> date:
        try:
            return parse_day(text, self.today())
        except WhenError as exc:
            raise MeetingError(exc.problem, **exc.values) from None

    def parse_time(self, text: str) -> time:
        try:
            return parse_clock(text)
        except WhenError as exc:
            raise MeetingError(exc.problem, **exc.values) from None

    def _times(self, day: date, start: time) -> tuple[datetime, datetime]:
        begins = datetime.combine(day, start, tzinfo=self.tz)
        if begins <= self.now():
            raise MeetingError(Problem.MEETING_IN_PAST)
        return begins, begins + timedelta(minutes=self.config.default_duration_minutes)

    async def create(self, draft: Draft, actor: Actor | None) -> Meeting:
        """Create a meeting; `actor` None is the scheduler (the monthly study day)."""
        if actor is not None and not self.may_create(actor, draft.kind, draft.group_id):
            raise MeetingError(Problem.MEETING_NOT_ALLOWED)
        series_id = None
        if draft.repeat is not None:
            self._times(draft.day, draft.start)  # not in the past, before anything is written
            nth, weekday = draft.repeat
            series_id = await self.repo.create_series(
                kind=draft.kind, group_id=draft.group_id, nth=nth, weekday=weekday,
                start_time=f"{draft.start:%H:%M}", place=draft.place[:100],
                topic=draft.topic[:200], created_by_tg=actor.tg_user_id if actor else 0,
                at=iso(self.now()))
        meeting = await self._insert(draft, actor, series_id)
        assert meeting is not None  # a new series has no meeting yet
        return meeting

    async def _insert(self, draft: Draft, actor: Actor | None,
                      series_id: int | None) -> Meeting | None:
        begins, ends = self._times(draft.day, draft.start)
        meeting_id = await self.repo.create(
            kind=draft.kind, topic=draft.topic[:200], group_id=draft.group_id,
            starts_at=iso(begins), ends_at=iso(ends), place=draft.place[:100],
            created_by_tg=actor.tg_user_id if actor else 0, at=iso(self.now()),
            series_id=series_id)
        return await self.repo.get(meeting_id) if meeting_id is not None else None

    def may_manage(self, actor: Actor, m: Meeting) -> bool:
        return actor.is_secretary or (
            m.group_id is not None and m.group_id in actor.led_group_ids)

    async def manageable(self, actor: Actor) -> list[Meeting]:
        return [m for m in await self.repo.active() if self.may_manage(actor, m)]

    async def reschedule(self, m: Meeting, actor: Actor, day: date, start: time) -> Meeting:
        if not self.may_manage(actor, m) or m.status not in ("scheduled", "open"):
            raise MeetingError(Problem.MEETING_NOT_ALLOWED)
        begins, ends = self._times(day, start)
        await self.repo.update_details(m.id, starts_at=iso(begins), ends_at=iso(ends),
                                       place=m.place, topic=m.topic, at=iso(self.now()),
                                       actor_tg=actor.tg_user_id)
        # Moved far enough that the card is not due yet: back to scheduled.
        if m.status == "open" and self.opens_at_for(begins) > self.now():
            await self.repo.set_status(m.id, "scheduled", at=iso(self.now()),
                                       actor_tg=actor.tg_user_id)
        updated = await self.repo.get(m.id)
        assert updated is not None
        return updated

    def opens_at_for(self, begins: datetime) -> datetime:
        return begins - timedelta(minutes=self.config.open_minutes_before)

    async def change_details(self, m: Meeting, actor: Actor, *, place: str | None = None,
                             topic: str | None = None) -> Meeting:
        if not self.may_manage(actor, m) or m.status not in ("scheduled", "open"):
            raise MeetingError(Problem.MEETING_NOT_ALLOWED)
        await self.repo.update_details(
            m.id, starts_at=m.starts_at, ends_at=m.ends_at, place=(place or m.place)[:100],
            topic=(topic or m.topic)[:200], at=iso(self.now()), actor_tg=actor.tg_user_id)
        updated = await self.repo.get(m.id)
        assert updated is not None
        return updated

    async def cancel(self, m: Meeting, actor: Actor) -> None:
        if not self.may_manage(actor, m) or m.status not in ("scheduled", "open"):
            raise MeetingError(Problem.MEETING_NOT_ALLOWED)
        await self.repo.set_status(m.id, "cancelled", at=iso(self.now()),
                                   actor_tg=actor.tg_user_id)

    async def answered(self, m: Meeting) -> list[Person]:
        """Everyone who already answered: they are told of any change."""
        answers = await self.repo.attendance(m.id)
        people = [await self.people.get(a.person_id) for a in answers]
        return [p for p in people if p is not None and p.active]

    # -- who is expected --------------------------------------------------------------------

    @staticmethod
    def is_expected(m: Meeting, p: Person) -> bool:
        """Whether the meeting expects this person: the one rule, per meeting type."""
        if not p.active:
            return False
        audience = AUDIENCE[m.kind]
        if audience == "everyone":
            return True
        if audience == "committee":
            return bool(p.roles & {"secretary", "committee"})
        if not is_party_member(p):
            return False
        return audience == "party" or p.group_id == m.group_id

    async def coming_for(self, p: Person) -> list[tuple[Meeting, Attendance | None]]:
        """The meetings still to come that expect `p`, soonest first, with his answer."""
        coming = sorted((m for m in await self.repo.active()
                         if m.status in ("scheduled", "open") and self.is_expected(m, p)),
                        key=lambda m: m.starts_at)
        rows = []
        for m in coming:
            answer = next((a for a in await self.repo.attendance(m.id)
                           if a.person_id == p.id), None)
            rows.append((m, answer))
        return rows

    async def expected(self, m: Meeting) -> list[Person]:
        return [p for p in await self.people.all() if self.is_expected(m, p)]

    async def tally(self, m: Meeting) -> Tally:
        expected = await self.expected(m)
        answers = {a.person_id: a for a in await self.repo.attendance(m.id)}
        # Someone answered but no longer expected (moved group, died) still shows.
        known = {p.id for p in expected}
        for pid in answers:
            if pid not in known and (p := await self.people.get(pid)) is not None:
                expected.append(p)
        proxies: dict[int, Person] = {}
        for a in answers.values():
            if a.recorded_by is not None and a.recorded_by != a.person_id:
                proxy = await self.people.get(a.recorded_by)
                if proxy is not None:
                    proxies[a.person_id] = proxy
        return Tally(expected, answers, proxies)

    # -- taps --------------------------------------------------------------------------------

    async def _check(self, meeting_id: int, actor: Actor, *, card: tuple[int, int] | None,
                     need_open: bool) -> TapResult:
        m = await self.repo.get(meeting_id)
        if m is None:
            return TapResult(Tap.UNKNOWN)
        if card is not None and (m.card_chat_id, m.card_message_id) != card:
            return TapResult(Tap.STALE, m)
        if m.status == "cancelled":
            return TapResult(Tap.CANCELLED, m)
        if m.status == "closed":
            return TapResult(Tap.CLOSED, m)
        if need_open and m.status != "open":
            return TapResult(Tap.NOT_OPEN, m)
        if actor.person is None:
            return TapResult(Tap.NOT_LINKED, m)
        if not self.is_expected(m, actor.person):
            return TapResult(Tap.NOT_EXPECTED, m, actor.person)
        return TapResult(Tap.CHECKED_IN, m, actor.person)  # provisional: checks passed

    async def check_in(self, meeting_id: int, actor: Actor,
                       card: tuple[int, int] | None) -> TapResult:
        checked = await self._check(meeting_id, actor, card=card, need_open=True)
        if checked.outcome is not Tap.CHECKED_IN:
            return checked
        assert checked.person is not None and checked.meeting is not None
        before = await self.repo.record(meeting_id, checked.person.id, "present",
                                        at=iso(self.now()), recorded_by=None,
                                        replace=("excused",))
        outcome = Tap.ALREADY_IN if before and before.status == "present" else Tap.CHECKED_IN
        return TapResult(outcome, checked.meeting, checked.person)

    async def ask_leave(self, meeting_id: int, actor: Actor,
                        card: tuple[int, int] | None) -> TapResult:
        checked = await self._check(meeting_id, actor, card=card, need_open=False)
        if checked.outcome is not Tap.CHECKED_IN:
            return checked
        assert checked.person is not None and checked.meeting is not None
        before = await self.repo.record(meeting_id, checked.person.id, "excused",
                                        at=iso(self.now()), recorded_by=None)
        if before is None:
            outcome = Tap.EXCUSED
        elif before.status == "present":
            outcome = Tap.IN_NOT_EXCUSED
        else:
            outcome = Tap.ALREADY_EXCUSED
        return TapResult(outcome, checked.meeting, checked.person)

    async def set_reason(self, meeting_id: int, actor: Actor, reason: LeaveReason) -> TapResult:
        if reason not in LEAVE_REASONS:
            return TapResult(Tap.UNKNOWN)
        checked = await self._check(meeting_id, actor, card=None, need_open=False)
        if checked.outcome is not Tap.CHECKED_IN:
            return checked
        assert checked.person is not None
        answer = await self.repo.answer_of(meeting_id, checked.person.id)
        if answer is None:
            await self.repo.record(meeting_id, checked.person.id, "excused",
                                   at=iso(self.now()), recorded_by=None, reason=reason)
        elif answer.status == "present":
            return TapResult(Tap.IN_NOT_EXCUSED, checked.meeting, checked.person)
        else:
            await self.repo.set_reason(meeting_id, checked.person.id, reason)
        return TapResult(Tap.EXCUSED, checked.meeting, checked.person)

    async def proxy(self, meeting_id: int, actor: Actor, person_id: int,
                    status: str) -> TapResult:
        """A leader or the secretary answers for someone without a phone."""
        m = await self.repo.get(meeting_id)
        person = await self.people.get(person_id)
        if m is None or person is None or status not in ("present", "excused"):
            return TapResult(Tap.UNKNOWN)
        if actor.person is None or not actor.may_act_for(person):
            return TapResult(Tap.NOT_ALLOWED, m, person)
        if m.status in ("closed", "cancelled"):
            return TapResult(Tap.CLOSED if m.status == "closed" else Tap.CANCELLED, m, person)
        if status == "present" and m.status != "open":
            return TapResult(Tap.NOT_OPEN, m, person)
        if not self.is_expected(m, person):
            return TapResult(Tap.NOT_EXPECTED, m, person)
        before = await self.repo.record(m.id, person.id, status, at=iso(self.now()),
                                        recorded_by=actor.person.id, replace=("excused",))
        if before is not None and before.status == status:
            return TapResult(Tap.ALREADY_IN if status == "present" else Tap.ALREADY_EXCUSED,
                             m, person)
        if before is not None and before.status == "present":
            return TapResult(Tap.IN_NOT_EXCUSED, m, person)
        return TapResult(Tap.CHECKED_IN if status == "present" else Tap.EXCUSED, m, person)

    async def proxy_candidates(self, m: Meeting, actor: Actor) -> list[Person]:
        """The expected people this actor may answer for, in roster order."""
        return [p for p in await self.expected(m) if actor.may_act_for(p)]

    # -- opening and closing -----------------------------------------------------------------

    async def mark_open(self, m: Meeting) -> bool:
        if m.status != "scheduled":
            return False
        await self.repo.set_status(m.id, "open", at=iso(self.now()), actor_tg=None)
        return True

    async def close(self, meeting_id: int, actor_tg: int | None) -> Closing | None:
        """Close once: absentees recorded, make-up tasks for their leaders. None if the
        meeting is not open or scheduled any more."""
        m = await self.repo.get(meeting_id)
        if m is None or m.status not in ("scheduled", "open"):
            return None
        tally = await self.tally(m)
        not_present = [p for p in tally.expected
                       if p.id not in tally.answers or tally.answers[p.id].status != "present"]
        assignees: dict[int, int | None] = {}
        leaders = await self.org.leaders()
        for p in not_present:
            # A leader who missed his own group's meeting: the secretary follows up.
            assignees[p.id] = carer_id(p, leaders)
        absent = [p.id for p in tally.missing]
        closed = await self.repo.close(m.id, absent=absent,
                                       makeups=list(assignees.items()),
                                       at=iso(self.now()), actor_tg=actor_tg)
        if not closed:
            return None
        final = await self.repo.get(m.id)
        assert final is not None
        by_id = {p.id: p for p in not_present}
        grouped: dict[int | None, list[tuple[int, Person]]] = defaultdict(list)
        for task in await self.repo.makeups_for_meeting(m.id):
            grouped[task.assignee_id].append((task.id, by_id[task.person_id]))
        return Closing(final, await self.tally(final), dict(grouped))

    async def record_makeup(self, makeup_id: int, actor: Actor, method: MakeupMethod) -> tuple[
            str, Makeup | None, Person | None]:
        task = await self.repo.makeup(makeup_id)
        if task is None or method not in MAKEUP_METHODS:
            return "unknown", None, None
        person = await self.people.get(task.person_id)
        if person is None or actor.person is None:
            return "not_allowed", task, person
        mine = task.assignee_id == actor.person.id
        if not (mine or actor.is_secretary or actor.may_act_for(person)):
            return "not_allowed", task, person
        done = await self.repo.finish_makeup(makeup_id, method=method,
                                             done_on=self.today().isoformat(),
                                             recorded_by=actor.person.id, at=iso(self.now()))
        return ("done" if done else "already"), task, person

    async def open_makeups(self, actor: Actor) -> list[tuple[Makeup, Meeting, Person]]:
        out = []
        for task in await self.repo.open_makeups():
            person = await self.people.get(task.person_id)
            meeting = await self.repo.get(task.meeting_id)
            if person is None or meeting is None or not person.active:
                continue
            mine = actor.person is not None and task.assignee_id == actor.person.id
            himself = actor.person is not None and person.id == actor.person.id
            # A leader's own missed meeting is followed up by the secretary, not by him.
            if actor.is_secretary or mine or (actor.may_act_for(person) and not himself):
                out.append((task, meeting, person))
        return out

    # -- figures -----------------------------------------------------------------------------

    def _year(self, year: int) -> tuple[str, str]:
        """A year's bounds as stored moments (uniform UTC ISO text sorts as time)."""
        return (iso(datetime(year, 1, 1, tzinfo=self.tz)),
                iso(datetime(year + 1, 1, 1, tzinfo=self.tz)))

    async def year_counts(self, year: int) -> list[Count]:
        """The year's closed meetings' answers, counted per meeting, group and kind of
        answer in SQL — what the branch's view and the report add up."""
        meetings = {m.id: m for m in await self.repo.closed_between(*self._year(year))}
        counts = [Count(meetings[mid], group, status, proxy, n)
                  for mid, group, status, proxy, n in
                  await self.repo.attendance_counts(*self._year(year)) if mid in meetings]
        return sorted(counts, key=lambda c: (c.meeting.starts_at if c.meeting else "",
                                             c.meeting.id if c.meeting else 0))

    async def branch_rates(self, year: int, counts: Sequence[Count] | None = None
                           ) -> dict[str, list[RateRow]]:
        """The branch's year, one rate per meeting kind, month and group ("kind", "month",
        "group", rows in order of first meeting): what /attendance and the desk show.
        `counts`: the year's `year_counts`, when the caller has them already."""
        groups = {g.id: g.name for g in await self.people.groups()}
        sections: dict[str, dict[str, list[Count]]] = {
            "kind": defaultdict(list), "month": defaultdict(list), "group": defaultdict(list)}
        for c in counts if counts is not None else await self.year_counts(year):
            assert c.meeting is not None
            sections["kind"][texts.MEETING_KIND[c.meeting.kind]].append(c)
            month = texts.MONTH_LABEL.format(month=self.local(c.meeting.starts_at).month)
            sections["month"][month].append(c)
            sections["group"][groups.get(c.group_id or -1, texts.NO_GROUP)].append(c)
        return {key: [rate_of(label, cells) for label, cells in buckets.items()]
                for key, buckets in sections.items() if buckets}

    async def people_rates(self, year: int, group_ids: Sequence[int]) -> dict[int, RateRow]:
        """Each person's year in these groups, by person id (a leader's view)."""
        rows: dict[int, list[Count]] = defaultdict(list)
        for _, pid, status, proxy, n in await self.repo.attendance_counts(
                *self._year(year), by="person", group_ids=group_ids):
            rows[pid].append(Count(None, None, status, proxy, n))
        return {pid: rate_of("", counts) for pid, counts in rows.items()}

    async def history_of(self, person: Person, year: int) -> list[tuple[Meeting, Attendance]]:
        return await self.repo.attendance_of(person.id, *self._year(year))
