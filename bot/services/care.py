"""Care of the members (四必访): who may log and see visits, the triggers that raise visit
tasks, overdue follow-up, requests for help, and the views built on them.

Triggers and the task they raise for the person's group leader (the secretary when the
group has no leader, or when the leader is the person himself), each once:
  住院 reported      -> 住院探望 within 3 days
  困难 flagged       -> 困难帮扶 within 7 days
  death recorded     -> the 善后 checklist: 协助办理丧事 within 2 days, 慰问家属 within 3,
                        遗属帮扶 within 30; the person is archived, other tasks end
  milestone birthday -> 生日祝寿 on or before the day (70, 75 ... 95, 100 and over)
  春节, 重阳          -> 节日慰问 for each key service target, in the week before
  contact overdue    -> 电话联系 (key targets every 30 days, others every 90)

Why one file over 400 lines: triggers, tasks and their follow-up share one rule of who
looks after whom (`Org`) and one record of tasks; the views read the same records.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from bot.clock import BranchTime, Clock, iso
from bot.config import CareConfig
from bot.services.access import STAFF, Actor
from bot.services.holidays import BY_KEY, holiday_date
from bot.services.org import Org
from bot.services.people import is_key_target, is_milestone, next_birthday
from bot.services.problems import Problem, ServiceError
from storage.models import (
    CARE_FLAGS,
    HELP_KINDS,
    VISIT_KINDS,
    CareFlag,
    HelpKind,
    HelpRequest,
    LeaveReason,
    Person,
    Visit,
    VisitKind,
    VisitTask,
)
from storage.people import PeopleRepo
from storage.visits import VisitRepo

CARE_HOLIDAYS = ("chunjie", "chongyang")
DUE_DAYS = {VisitKind.HOSPITAL: 3, VisitKind.HARDSHIP: 7, VisitKind.FUNERAL: 2,
            VisitKind.BEREAVEMENT: 3, VisitKind.SURVIVOR: 30}
# What a death raises (seed 001: 主动上门慰问家属，积极协助办理丧事和其他善后事宜), in order.
AFTER_DEATH = (VisitKind.FUNERAL, VisitKind.BEREAVEMENT, VisitKind.SURVIVOR)
_MONEY = re.compile(r"(\d{1,7})\s*元")


@dataclass(frozen=True)
class FlagCommand:
    """A parsed `/flag 姓名 …`: a flag set or cleared, or a death on a day (as typed)."""

    label: str
    flag: CareFlag | None = None
    on: bool = True
    death: bool = False
    death_day: str | None = None  # as typed; None: today


def parse_flag_word(word: str, rest: list[str]) -> FlagCommand:
    """`住院`, `取消患病`, `去世 11月20日`… (the words are `texts.FLAG_WORDS`);
    CareError(Problem.FLAG_UNKNOWN) otherwise."""
    if word == texts.FLAG_DEATH_WORD:
        return FlagCommand(word, death=True, death_day=rest[0] if rest else None)
    label = word.removeprefix(texts.FLAG_CLEAR_PREFIX)
    if label not in texts.FLAG_WORDS:
        raise CareError(Problem.FLAG_UNKNOWN)
    flag, on = texts.FLAG_WORDS[label]
    return FlagCommand(label, flag, on and not word.startswith(texts.FLAG_CLEAR_PREFIX))


def help_stage(request: HelpRequest) -> str:
    """How far an open request got: new, contacted, reported (to the secretary) or up (to
    the Party committee above); words: `texts.HELP_STATE`."""
    return ("up" if request.reported_up_at else "reported" if request.reported_at
            else "contacted" if request.acknowledged_at else "new")


def parse_gifts(text: str | None) -> tuple[str | None, int | None]:
    """「水果一箱 200元」 -> ("水果一箱", 200): what was given, and money in yuan."""
    money = _MONEY.search(text or "")
    gifts = _MONEY.sub("", text or "").strip(" ，,、") or None
    return (gifts[:200] if gifts else None), (int(money.group(1)) if money else None)


class CareError(ServiceError):
    """A request this feature cannot do (see bot.services.problems)."""


@dataclass(frozen=True)
class NewTask:
    task: VisitTask
    person: Person


@dataclass(frozen=True)
class CareEntry:
    """One line of /care, most urgent first."""

    rank: int  # 0 overdue task, 1 in hospital, 2 key target not contacted, 3 birthday
    person: Person
    detail: str
    days: int


@dataclass(frozen=True)
class YearCounts:
    by_kind: Counter[VisitKind]
    by_visitor: Counter[str]
    people_reached: int
    money_yuan: int
    gifts: int

    # The figures seed 001 reports: home visits (every visit that is not a call or a
    # hospital visit), hospital visits, birthday visits.
    @property
    def home(self) -> int:
        return (sum(self.by_kind.values()) - self.by_kind[VisitKind.PHONE]
                - self.by_kind[VisitKind.HOSPITAL])

    @property
    def hospital(self) -> int:
        return self.by_kind[VisitKind.HOSPITAL]

    @property
    def birthday(self) -> int:
        return self.by_kind[VisitKind.BIRTHDAY]


class CareService(BranchTime):
    def __init__(self, visits: VisitRepo, people: PeopleRepo, org: Org, clock: Clock,
                 tz: ZoneInfo, config: CareConfig) -> None:
        super().__init__(clock, tz)
        self.visits = visits
        self.people = people
        self.org = org
        self.config = config

    # -- who may do what --------------------------------------------------------------

    @staticmethod
    def may_log(actor: Actor) -> bool:
        return actor.person is not None and actor.has_any(STAFF)

    @staticmethod
    def may_care_for(actor: Actor, person: Person) -> bool:
        """Set flags, record a death: the secretary or the person's own leader."""
        return actor.person is not None and actor.may_act_for(person)

    @staticmethod
    def may_take_task(actor: Actor, task: VisitTask, person: Person) -> bool:
        """Record the visit that closes a task: the secretary, the one the task was given
        to, or the person's own leader. A leader of another group may visit anyone, but
        his visit never closes a task that reminds somebody else."""
        if actor.person is None:
            return False
        return (actor.is_secretary or task.assignee_id == actor.person.id
                or actor.may_act_for(person))

    async def task_to_take(self, actor: Actor, task_id: int) -> tuple[VisitTask, Person]:
        """The open task this actor may close with a visit, or CareError."""
        task = await self.visits.task(task_id)
        person = await self.people.get(task.person_id) if task is not None else None
        if task is None or person is None or not task.open:
            raise CareError(Problem.TASK_GONE)
        if not self.may_log(actor) or not self.may_take_task(actor, task, person):
            raise CareError(Problem.CARE_NOT_ALLOWED)
        return task, person

    # -- raising tasks ----------------------------------------------------------------

    async def assignee_for(self, person: Person) -> int | None:
        """Who a task about `person` goes to (None: the secretary): `Org.carer_of`."""
        carer = await self.org.carer_of(person)
        return carer.id if carer is not None else None

    async def raise_task(self, person: Person, kind: VisitKind, key: str,
                         due: date) -> NewTask | None:
        if not person.active and kind not in AFTER_DEATH:
            return None
        task_id = await self.visits.add_task(
            person_id=person.id, kind=kind, key=key, assignee_id=await self.assignee_for(person),
            due_on=due.isoformat(), at=iso(self.now()))
        if task_id is None:
            return None
        task = await self.visits.task(task_id)
        assert task is not None
        return NewTask(task, person)

    async def report_hospital(self, person: Person, actor_tg: int | None,
                              since: date | None = None) -> NewTask | None:
        """住院: flag with the date, and a hospital visit within 3 days (once per stay)."""
        day = since or self.today()
        await self.people.set_flag(person.id, CareFlag.HOSPITAL, True, since=day.isoformat(),
                                   at=iso(self.now()), actor_tg=actor_tg)
        started = await self.people.flag_since(person.id, CareFlag.HOSPITAL) or day.isoformat()
        return await self.raise_task(person, VisitKind.HOSPITAL,
                                     f"hospital:{person.id}:{started}",
                                     date.fromisoformat(started) + timedelta(
                                         days=DUE_DAYS[VisitKind.HOSPITAL]))

    async def after_leave(self, person: Person, reason: str,
                          actor_tg: int | None) -> NewTask | None:
        """Leave asked for with a reason: 住院 is a hospital stay, with its visit task
        (told to the leader privately, never in any group); other reasons raise nothing."""
        if reason != LeaveReason.HOSPITAL:
            return None
        return await self.report_hospital(person, actor_tg)

    async def set_flag(self, actor: Actor, person: Person, flag: CareFlag,
                       on: bool) -> NewTask | None:
        if flag not in CARE_FLAGS:
            raise CareError(Problem.FLAG_UNKNOWN)
        if not self.may_care_for(actor, person):
            raise CareError(Problem.CARE_NOT_ALLOWED)
        if flag == CareFlag.HOSPITAL and on:
            return await self.report_hospital(person, actor.tg_user_id)
        changed = await self.people.set_flag(person.id, flag, on,
                                             since=self.today().isoformat(),
                                             at=iso(self.now()), actor_tg=actor.tg_user_id)
        if flag == CareFlag.HARDSHIP and on and changed:
            day = self.today()
            return await self.raise_task(person, VisitKind.HARDSHIP,
                                         f"hardship:{person.id}:{day}",
                                         day + timedelta(days=DUE_DAYS[VisitKind.HARDSHIP]))
        return None

    async def record_death(self, actor: Actor, person: Person, day: date) -> list[NewTask]:
        """The death, and the 善后 checklist as tasks (none when it was recorded before)."""
        if not self.may_care_for(actor, person):
            raise CareError(Problem.CARE_NOT_ALLOWED)
        if day > self.today():
            raise CareError(Problem.DEATH_IN_FUTURE)
        if not await self.people.record_death(person.id, day.isoformat(), at=iso(self.now()),
                                              actor_tg=actor.tg_user_id):
            return []
        await self.visits.cancel_open_tasks(person.id, keep_kinds=AFTER_DEATH,
                                            at=iso(self.now()))
        archived = await self.people.get(person.id)
        assert archived is not None
        keys = {VisitKind.BEREAVEMENT: "death"}  # the key this task always had
        raised = [await self.raise_task(archived, kind, f"{keys.get(kind, kind)}:{person.id}",
                                        day + timedelta(days=DUE_DAYS[kind]))
                  for kind in AFTER_DEATH]
        return [t for t in raised if t is not None]

    async def daily_triggers(self) -> list[NewTask]:
        """Birthdays, holidays and contact intervals: run every morning, idempotent."""
        today = self.today()
        raised: list[NewTask] = []
        people = [p for p in await self.people.all() if p.active]
        for p in people:
            upcoming = next_birthday(p, today)
            if upcoming and is_milestone(upcoming[1]) and \
                    (upcoming[0] - today).days <= self.config.birthday_lookahead_days:
                new = await self.raise_task(p, VisitKind.BIRTHDAY,
                                            f"birthday:{p.id}:{upcoming[0].year}", upcoming[0])
                raised += [new] if new else []
        for key in CARE_HOLIDAYS:
            for year in (today.year, today.year + 1):
                day = holiday_date(BY_KEY[key], year)
                if 0 <= (day - today).days <= self.config.holiday_lookahead_days:
                    for p in people:
                        if is_key_target(p, today):
                            new = await self.raise_task(p, VisitKind.HOLIDAY,
                                                        f"holiday:{key}:{year}:{p.id}", day)
                            raised += [new] if new else []
        last = await self.visits.last_contacts()
        created = await self.people.created_on()
        for p in people:
            since = last.get(p.id) or created[p.id][:10]
            interval = (self.config.key_contact_days if is_key_target(p, today)
                        else self.config.contact_days)
            if (today - date.fromisoformat(since)).days >= interval:
                new = await self.raise_task(p, VisitKind.PHONE, f"contact:{p.id}:{since}", today)
                raised += [new] if new else []
        return raised

    # -- logging visits ---------------------------------------------------------------

    async def log_visit(self, actor: Actor, people: list[Person], kind: VisitKind, day: date, *,
                        companions: str | None = None, notes: str | None = None,
                        gifts: str | None = None, money_yuan: int | None = None,
                        task_id: int | None = None) -> list[int]:
        if not self.may_log(actor):
            raise CareError(Problem.CARE_NOT_ALLOWED)
        if kind not in VISIT_KINDS:
            raise CareError(Problem.VISIT_BAD_KIND)
        if day > self.today():
            raise CareError(Problem.VISIT_IN_FUTURE)
        if not people:
            raise CareError(Problem.VISIT_NO_PEOPLE)
        if not all(actor.may_see(p) for p in people):
            raise CareError(Problem.CARE_NOT_ALLOWED)  # a leader records visits to his group
        if task_id is not None:
            try:
                await self.task_to_take(actor, task_id)
            except CareError as exc:
                if exc.problem is not Problem.TASK_GONE:
                    raise
                task_id = None  # closed meanwhile by someone else: the visit still counts
        assert actor.person is not None
        return await self.visits.log_visits(
            [p.id for p in people], kind=kind, visited_on=day.isoformat(),
            recorded_by=actor.person.id, companions=companions, notes=notes, gifts=gifts,
            money_yuan=money_yuan, task_id=task_id, at=iso(self.now()))

    # -- follow-up --------------------------------------------------------------------

    async def open_tasks(self) -> list[VisitTask]:
        return await self.visits.open_tasks()

    async def open_help(self) -> list[HelpRequest]:
        return await self.visits.open_help()

    async def mark_reminded(self, task_ids: list[int]) -> None:
        """These tasks' overdue reminder went out today (sent once a day)."""
        await self.visits.mark_reminded(task_ids, self.today().isoformat())

    async def hospital_since(self, person: Person) -> str | None:
        """The day the current hospital stay began, if he is in hospital."""
        return await self.people.flag_since(person.id, CareFlag.HOSPITAL)

    async def overdue(self) -> tuple[dict[int | None, list[NewTask]], list[NewTask]]:
        """Open tasks past due, by assignee (None: the secretary), and those that have
        just passed the escalation limit (each escalated once)."""
        today = self.today()
        by_assignee: dict[int | None, list[NewTask]] = defaultdict(list)
        escalate: list[NewTask] = []
        for task in await self.visits.open_tasks():
            due = date.fromisoformat(task.due_on)
            if due >= today:
                continue
            person = await self.people.get(task.person_id)
            if person is None:
                continue
            entry = NewTask(task, person)
            by_assignee[task.assignee_id].append(entry)
            if (today - due).days >= self.config.escalate_days and task.assignee_id is not None \
                    and await self.visits.escalate(task.id, iso(self.now())):
                escalate.append(entry)
        return dict(by_assignee), escalate

    async def tasks_for(self, actor: Actor) -> list[NewTask]:
        out = []
        for task in await self.visits.open_tasks():
            person = await self.people.get(task.person_id)
            if person is None:
                continue
            mine = actor.person is not None and task.assignee_id == actor.person.id
            if mine or actor.is_secretary or (actor.may_act_for(person)
                                              and person.id != getattr(actor.person, "id", 0)):
                out.append(NewTask(task, person))
        return out

    async def care_view(self, actor: Actor) -> list[CareEntry]:
        """The people this actor looks after, most urgent first."""
        today = self.today()
        entries: list[CareEntry] = []
        for t in await self.tasks_for(actor):
            days = (today - date.fromisoformat(t.task.due_on)).days
            if days > 0:
                entries.append(CareEntry(0, t.person, t.task.kind, days))
        last = await self.visits.last_contacts()
        created = await self.people.created_on()
        for p in await self.people.all():
            if not p.active or not (actor.is_secretary or (
                    p.group_id is not None and p.group_id in actor.led_group_ids)):
                continue
            if CareFlag.HOSPITAL in p.care_flags:
                since = await self.people.flag_since(p.id, CareFlag.HOSPITAL) or today.isoformat()
                entries.append(CareEntry(1, p, CareFlag.HOSPITAL,
                                         (today - date.fromisoformat(since)).days))
            if is_key_target(p, today):
                since = last.get(p.id) or created[p.id][:10]
                days = (today - date.fromisoformat(since)).days
                if days >= self.config.key_contact_days:
                    entries.append(CareEntry(2, p, "", days))
            upcoming = next_birthday(p, today)
            if upcoming and is_milestone(upcoming[1]) and (upcoming[0] - today).days <= 30:
                entries.append(CareEntry(3, p, str(upcoming[1]), (upcoming[0] - today).days))
        entries.sort(key=lambda e: (e.rank, -e.days if e.rank < 3 else e.days))
        return entries

    async def visible_visits(self, actor: Actor, person: Person) -> list[tuple[Visit, bool]]:
        """A person's visits with, for each, whether its private details may be shown."""
        if not (actor.is_secretary or actor.may_see(person)) or not self.may_log(actor):
            raise CareError(Problem.CARE_NOT_ALLOWED)
        return [(v, actor.may_see_private(person, v.recorded_by))
                for v in await self.visits.visits_of(person.id)]

    async def visit_log(self, actor: Actor, start: date, end: date
                        ) -> list[tuple[Visit, Person, bool]]:
        """Visits from `start` up to `end` (excluded) of the people this actor may see,
        newest first, each with whether he may read its private details."""
        if not self.may_log(actor):
            return []
        people = {p.id: p for p in await self.people.all()}
        out = []
        for v in reversed(await self.visits.visits_between(start.isoformat(), end.isoformat())):
            person = people.get(v.person_id)
            if person is not None and actor.may_see(person):
                out.append((v, person, actor.may_see_private(person, v.recorded_by)))
        return out

    async def year_counts(self, year: int) -> YearCounts:
        kinds, visitors, reached, money, gifts = await self.visits.visit_counts(
            f"{year}-01-01", f"{year + 1}-01-01")
        by_visitor: Counter[str] = Counter()
        for visitor, n in visitors.items():  # a handful of visitors, not the whole roster
            person = await self.people.get(visitor) if visitor is not None else None
            by_visitor[person.name if person else "?"] += n
        return YearCounts(by_kind=Counter({VisitKind(k): n for k, n in kinds.items()}),
                          by_visitor=by_visitor, people_reached=reached, money_yuan=money,
                          gifts=gifts)

    # -- help requests ----------------------------------------------------------------

    async def ask_help(self, person: Person, kind: HelpKind,
                       text: str | None) -> HelpRequest:
        if kind not in HELP_KINDS and kind != HelpKind.HOSPITAL:
            raise CareError(Problem.HELP_BAD_KIND)
        help_id = await self.visits.add_help(person.id, kind, (text or "")[:500] or None,
                                             iso(self.now()))
        request = await self.visits.help_request(help_id)
        assert request is not None
        return request

    async def acknowledge(self, actor: Actor, help_id: int) -> tuple[str, Person | None]:
        request = await self.visits.help_request(help_id)
        person = await self.people.get(request.person_id) if request else None
        if request is None or person is None:
            return "unknown", None
        if not self.may_care_for(actor, person):
            return "not_allowed", person
        assert actor.person is not None
        done = await self.visits.acknowledge_help(help_id, actor.person.id, iso(self.now()))
        return ("done" if done else "already"), person

    async def _request(self, help_id: int) -> tuple[HelpRequest, Person] | None:
        request = await self.visits.help_request(help_id)
        person = await self.people.get(request.person_id) if request else None
        return (request, person) if request is not None and person is not None else None

    async def resolve(self, actor: Actor, help_id: int) -> tuple[str, Person | None]:
        """已解决: by the member's leader or the secretary; once."""
        found = await self._request(help_id)
        if found is None:
            return "unknown", None
        _, person = found
        if not self.may_care_for(actor, person):
            return "not_allowed", person
        assert actor.person is not None and actor.tg_user_id is not None
        done = await self.visits.resolve_help(help_id, actor.person.id, iso(self.now()),
                                              actor.tg_user_id)
        return ("done" if done else "already"), person

    async def note_resolution(self, actor: Actor, help_id: int, text: str) -> bool:
        """What was done, in a word, by whoever resolved it."""
        found = await self._request(help_id)
        if found is None or actor.person is None or found[0].resolved_by != actor.person.id:
            return False
        await self.visits.note_resolution(help_id, text[:300])
        return True

    async def report(self, actor: Actor, help_id: int) -> tuple[str, HelpRequest | None,
                                                                 Person | None]:
        """上报: a leader hands it to the secretary; the secretary hands it on to the Party
        committee above (it is counted in the weekly digest). Once each."""
        found = await self._request(help_id)
        if found is None or found[0].resolved:
            return "unknown", None, None
        request, person = found
        if not self.may_care_for(actor, person):
            return "not_allowed", request, person
        assert actor.tg_user_id is not None
        up = actor.is_secretary
        done = await self.visits.report_help(help_id, up=up, at=iso(self.now()),
                                             actor_tg=actor.tg_user_id)
        outcome = ("up" if up else "reported") if done else "already"
        return outcome, await self.visits.help_request(help_id), person

    async def open_requests(self, actor: Actor) -> list[tuple[HelpRequest, Person]]:
        """Requests not yet resolved, of the people this actor looks after (/care)."""
        out = []
        for request in await self.visits.unresolved_help():
            person = await self.people.get(request.person_id)
            if person is not None and person.active and self.may_care_for(actor, person) \
                    and person.id != getattr(actor.person, "id", None):
                out.append((request, person))
        return out

    async def reported_up(self) -> int:
        """Unresolved requests handed on to the Party committee above."""
        return sum(1 for r in await self.visits.unresolved_help() if r.reported_up_at)

    async def help_due_escalation(self, help_id: int) -> tuple[HelpRequest, Person] | None:
        """The request, if it is still unacknowledged and now escalated (once)."""
        request = await self.visits.help_request(help_id)
        if request is None or request.acknowledged_at is not None:
            return None
        if not await self.visits.escalate_help(help_id, iso(self.now())):
            return None
        person = await self.people.get(request.person_id)
        return (request, person) if person else None

    def help_escalates_at(self, request: HelpRequest) -> datetime:
        return datetime.fromisoformat(request.created_at) + timedelta(
            hours=self.config.help_escalate_hours)
