"""What each desk page shows, gathered from the services with the session's `Actor`: the
same rules and figures as the bot's commands (who sees whom, health kept back, attendance
rates from `MeetingService.branch_rates`). Plain data out; the templates lay it out."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from bot import texts
from bot.context import Deps
from bot.services.access import Actor, shows_visit_kind
from bot.services.dates import DateError, parse_full_date, show_date
from bot.services.dues import fen_text
from bot.services.meetings import Count, RateRow, rate_of
from bot.services.people import next_birthday
from bot.ui.views import spoken_phone
from storage.models import Meeting, Person


def _month_bounds(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1)


@dataclass
class Overview:
    groups: list[tuple[str, int, int, str]] = field(default_factory=list)
    month: int = 0
    year: int = 0
    meetings: int = 0
    present: int = 0
    expected: int = 0
    group_rates: list[RateRow] = field(default_factory=list)
    makeups: int = 0
    notices: list[tuple[str, int, int]] = field(default_factory=list)
    overdue: int = 0
    due: int = 0
    visited: int = 0
    care: list[str] = field(default_factory=list)
    birthdays: list[str] = field(default_factory=list)
    anniversaries: list[str] = field(default_factory=list)
    dues: tuple[str, str] | None = None
    suggestions: int | None = None


def visible_people(actor: Actor, people: list[Person]) -> list[Person]:
    return [p for p in people if p.active and actor.may_see(p)]


async def overview(deps: Deps, actor: Actor) -> Overview:
    today = deps.meetings.today()
    first, nxt = _month_bounds(today)
    everyone = await deps.roster.all()
    mine = visible_people(actor, everyone)
    names = {p.id: p.name for p in everyone}
    ov = Overview(month=today.month, year=today.year)
    groups = await deps.roster.groups()
    for g in groups:
        members = [p for p in mine if p.group_id == g.id]
        if members or actor.sees_whole_branch:
            ov.groups.append((g.name, len(members), sum(p.tg_user_id is not None
                                                        for p in members),
                              names.get(g.leader_id, "") if g.leader_id else ""))
    # This month's closed meetings, counted as /attendance counts them.
    year_counts = await deps.meetings.year_counts(today.year)
    month_counts = [c for c in year_counts if c.meeting is not None
                    and deps.meetings.local(c.meeting.starts_at).month == today.month
                    and (actor.sees_whole_branch or c.group_id in actor.led_group_ids)]
    row = rate_of("", month_counts)
    ov.meetings = len({c.meeting.id for c in month_counts if c.meeting is not None})
    ov.present, ov.expected = row.present, row.expected
    rates = (await deps.meetings.branch_rates(today.year, year_counts)).get("group", [])
    own = {g.name for g in groups if g.id in actor.led_group_ids}
    ov.group_rates = [r for r in rates if actor.sees_whole_branch or r.label in own]
    ov.makeups = len(await deps.meetings.open_makeups(actor))
    for post in [p for p in await deps.posts.recent("notice", 10)
                 if deps.posts.is_tracked(p)][:3]:
        cov = await deps.posts.coverage_seen_by(post, actor, everyone)
        ov.notices.append((post.title, sum(len(c.direct) + len(c.via_leader) for c in cov),
                           sum(c.total for c in cov)))
    for t in await deps.care.tasks_for(actor):
        if date.fromisoformat(t.task.due_on) < today:
            ov.overdue += 1
        else:
            ov.due += 1
    ov.visited = len(await deps.care.visit_log(actor, first, nxt))
    ov.care = [e.person.name for e in await deps.care.care_view(actor)]
    for p in mine:
        born = next_birthday(p, first)
        if born is not None and born[0] < nxt:
            ov.birthdays.append(texts.WEB_PERSON_DAY.format(
                name=p.name, day=show_date(born[0])))
        try:
            joined = parse_full_date(p.joined_party) if p.joined_party else None
        except DateError:
            joined = None
        if joined is not None and joined.month == today.month and joined.year < today.year:
            ov.anniversaries.append(texts.WEB_PERSON_YEARS.format(
                name=p.name, years=today.year - joined.year))
    if actor.sees_whole_branch:
        status = await deps.dues.status([p for p in everyone if p.active], today)
        expected = sum(s.monthly_fen * today.month for s in status)
        ov.dues = (fen_text(expected - sum(s.owed_fen for s in status)), fen_text(expected))
    if actor.is_secretary:
        ov.suggestions = await deps.suggestions.waiting()
    return ov


def roster_rows(deps: Deps, actor: Actor, people: list[Person], query: str
                ) -> list[dict[str, Any]]:
    """The roster table: whom this actor may see, matching `query` (name or 编号)."""
    query = query.strip().lstrip("#")
    rows = []
    for p in sorted(visible_people(actor, people), key=lambda q: q.ext_id):
        if query and query not in p.name and query.upper() != p.ext_id.upper():
            continue
        rows.append({
            "id": p.id, "ext_id": p.ext_id, "name": p.name, "group": p.group_name or "",
            "category": texts.CATEGORY.get(p.category, p.category),
            "phone": spoken_phone(p.phone) if p.phone else "",
            "linked": p.tg_user_id is not None,
            "editable": deps.roster.may_edit(actor, p),
        })
    return rows


@dataclass(frozen=True)
class MeetingLine:
    meeting: Meeting
    day: str
    kind: str
    present: int
    expected: int


async def meetings(deps: Deps, actor: Actor, year: int) -> list[MeetingLine]:
    """The year's closed meetings, newest first, counted for the groups this actor sees."""
    by_meeting: dict[int, list[Count]] = defaultdict(list)
    found: dict[int, Meeting] = {}
    for c in await deps.meetings.year_counts(year):
        if c.meeting is None:
            continue
        found[c.meeting.id] = c.meeting
        if actor.sees_whole_branch or c.group_id in actor.led_group_ids:
            by_meeting[c.meeting.id].append(c)
    lines = []
    for mid, m in sorted(found.items(), key=lambda kv: kv[1].starts_at, reverse=True):
        row = rate_of("", by_meeting[mid])
        lines.append(MeetingLine(m, show_date(deps.meetings.local(m.starts_at).date()),
                                 texts.MEETING_KIND[m.kind], row.present, row.expected))
    return lines


async def month_chart(deps: Deps, actor: Actor, year: int
                      ) -> tuple[list[str], list[tuple[str, list[RateRow | None]]]]:
    """Attendance by month per group: the groups (columns) and a row per month."""
    groups = {g.id: g.name for g in await deps.roster.groups()
              if actor.sees_whole_branch or g.id in actor.led_group_ids}
    cells: dict[tuple[int, int | None], list[Count]] = defaultdict(list)
    months: set[int] = set()
    for c in await deps.meetings.year_counts(year):
        if c.meeting is None or c.group_id not in groups:
            continue
        month = deps.meetings.local(c.meeting.starts_at).month
        months.add(month)
        cells[(month, c.group_id)].append(c)
    columns = list(groups)
    rows = []
    for month in sorted(months):
        rows.append((texts.MONTH_LABEL.format(month=month),
                     [rate_of(groups[g], cells[(month, g)]) if cells[(month, g)] else None
                      for g in columns]))
    return [groups[g] for g in columns], rows


async def meeting_detail(deps: Deps, actor: Actor, meeting_id: int
                         ) -> tuple[Meeting, list[tuple[str, str, str]]] | None:
    """One meeting: each person this actor may see, with his answer and who gave it."""
    m = await deps.meetings.get(meeting_id)
    if m is None:
        return None
    tally = await deps.meetings.tally(m)
    rows = []
    for p in sorted(tally.expected, key=lambda q: (q.group_name or "", q.ext_id)):
        if not actor.may_see(p):
            continue
        a = tally.answers.get(p.id)
        if a is None:
            status = texts.WEB_MEETING_STATUS["absent" if m.status == "closed" else "none"]
        elif p.id in tally.proxies:
            status = texts.WEB_MEETING_STATUS["proxy"].format(by=tally.proxies[p.id].name)
        else:
            status = texts.WEB_MEETING_STATUS.get(a.status, a.status)
        rows.append((p.name, p.group_name or "", status))
    return m, rows


async def care(deps: Deps, actor: Actor) -> dict[str, Any]:
    today = deps.care.today()
    tasks = []
    for t in sorted(await deps.care.tasks_for(actor), key=lambda t: t.task.due_on):
        due = date.fromisoformat(t.task.due_on)
        private = actor.may_see_private(t.person)
        tasks.append((t.person.name,
                      texts.VISIT_KIND[t.task.kind] if shows_visit_kind(t.task.kind, private)
                      else texts.VISIT_KIND_WITHHELD,
                      show_date(due),
                      texts.WEB_CARE_STATUS["overdue"].format(days=(today - due).days)
                      if due < today else texts.WEB_CARE_STATUS["due"]))
    names = {p.id: p.name for p in await deps.roster.all()}
    log = []
    for v, person, private in await deps.care.visit_log(actor, today - timedelta(days=365),
                                                        today + timedelta(days=1)):
        log.append((show_date(date.fromisoformat(v.visited_on)), person.name,
                    texts.VISIT_KIND[v.kind] if shows_visit_kind(v.kind, private)
                    else texts.VISIT_KIND_WITHHELD,
                    "、".join(x for x in (names.get(v.recorded_by, ""), v.companions) if x),
                    (v.notes or "") if private else texts.WEB_CARE_HIDDEN))
    return {"tasks": tasks, "log": log[:200],
            "requests": len(await deps.care.open_requests(actor))}


async def notices(deps: Deps, actor: Actor) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Recent tracked notices: per group this actor sees, who was reached and who not."""
    out = []
    for post in [p for p in await deps.posts.recent("notice", 20)
                 if deps.posts.is_tracked(p)][:10]:
        groups = []
        for cov in await deps.posts.coverage_seen_by(post, actor):
            groups.append({"name": cov.name or texts.NO_GROUP, "direct": len(cov.direct),
                           "via": len(cov.via_leader), "missing": len(cov.missing),
                           "names": "、".join(m.person.name for m in cov.missing)})
        sent = show_date(deps.posts.local(post.send_at).date())
        out.append((post.title, sent, groups))
    return out


async def me(deps: Deps, actor: Actor) -> dict[str, Any]:
    assert actor.person is not None
    year = deps.meetings.today().year
    coming = [(show_date(deps.meetings.local(m.starts_at).date()), texts.MEETING_KIND[m.kind],
               m.topic, m.place) for m, _ in await deps.meetings.coming_for(actor.person)]
    history = []
    for m, a in await deps.meetings.history_of(actor.person, year):
        history.append((show_date(deps.meetings.local(m.starts_at).date()),
                        texts.MEETING_KIND[m.kind], texts.ATT_STATUS[a.status]))
    p = actor.person
    return {"person": p, "phone": spoken_phone(p.phone) if p.phone else "", "coming": coming,
            "history": history, "year": year}
