"""Scheduled pushes on the JobQueue: greetings, birthdays, the monthly study day, the
weekly digest and weather warnings.

`pushes:plan` runs just after midnight (and at start-up): it asks
`Scheduler.plan(today)` what is due and schedules one job `push:<key>` per push still
ahead. A push whose time passed while the bot was down is sent at once if it is at most
`scheduler.grace_hours` late, else marked skipped and logged. Each push is claimed in the
database under its key before it is sent and confirmed after, so no two jobs send it; if
Telegram fails it is released and tried again in ten minutes, the same day only. A push a
crash left claimed but unconfirmed is given back at start-up and sent again: nothing is
lost, and only a message Telegram had already accepted at the instant of the crash can
arrive twice (Telegram has no way to ask). One failing push never stops the others.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from datetime import date, time, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import TelegramError
from telegram.ext import JobQueue

from bot import texts
from bot.callbacks import pack
from bot.clock import iso
from bot.context import BranchApp, BranchContext, Deps
from bot.jobs.meetings import schedule_meeting
from bot.jobs.rounds import tell_carers
from bot.services.dates import show_date, show_time
from bot.services.holidays import BY_KEY
from bot.services.meetings import Draft, MeetingError
from bot.services.people import is_key_target, is_milestone, next_birthday
from bot.services.rounds import Coverage, needs_call
from bot.services.schedule import Planned
from bot.services.weather import WeatherUnavailable, fetch_forecast, warnings_for
from bot.ui.messaging import send_private
from storage.models import CareFlag, MeetingKind, RoundKind

log = logging.getLogger(__name__)
PLAN = "pushes:plan"
RETRY = timedelta(minutes=10)


def push_job_name(key: str) -> str:
    return f"push:{key}"


async def plan_today(context: BranchContext) -> None:
    """Schedule today's pushes; catch up on those missed within the grace window."""
    deps = context.deps
    queue: JobQueue[Any] | None = context.job_queue
    assert queue is not None
    now = deps.scheduler.now()
    grace = timedelta(hours=deps.config.scheduler.grace_hours)
    for push in await deps.scheduler.plan(deps.scheduler.today()):
        if await deps.push_repo.done(push.key) is not None:
            continue
        for job in queue.get_jobs_by_name(push_job_name(push.key)):
            job.schedule_removal()
        if push.when > now:
            queue.run_once(run_push, when=push.when - now, name=push_job_name(push.key),
                           data=push)
        elif now - push.when <= grace:
            log.info("catching up on %s (due %s)", push.key, push.when)
            queue.run_once(run_push, when=0, name=push_job_name(push.key), data=push)
        else:
            await deps.push_repo.claim(push.key, push.kind, push.day.isoformat(), iso(now),
                                       status="skipped")
            log.warning("skipped %s: due %s, the bot was down past the grace window",
                        push.key, push.when)


async def run_push(context: BranchContext) -> None:
    """Send one push, once."""
    assert context.job is not None and isinstance(context.job.data, Planned)
    push = context.job.data
    deps = context.deps
    if not await deps.push_repo.claim(push.key, push.kind, push.day.isoformat(),
                                      iso(deps.scheduler.now())):
        return
    try:
        await SENDERS[push.kind](context, deps, push)
        await deps.push_repo.confirm(push.key)
    except TelegramError as exc:
        await deps.push_repo.release(push.key)
        retry_at = deps.scheduler.now() + RETRY
        if retry_at.astimezone(deps.scheduler.tz).date() == push.day:
            log.warning("push %s failed (%s); retrying in %s", push.key, exc, RETRY)
            queue: JobQueue[Any] | None = context.job_queue
            if queue is not None:
                queue.run_once(run_push, when=RETRY, name=push_job_name(push.key), data=push)
        else:
            log.error("push %s failed and the day is over: %s", push.key, exc)


async def _holiday(context: BranchContext, deps: Deps, push: Planned) -> None:
    """The greeting in the group; members without a linked account hear it by phone."""
    key = push.data["holiday"]
    choices = deps.config.greetings.holiday(key).texts or texts.HOLIDAY_GREETINGS[key]
    greeting = choices[push.day.year % len(choices)]
    await context.bot.send_message(deps.chats.group_chat_id, greeting)
    await tell_carers(context, deps, await deps.rounds.open(
        push.key, RoundKind.HOLIDAY, greeting, await deps.roster.all()))


async def _visit_list(context: BranchContext, deps: Deps, push: Planned) -> None:
    """Key service targets to visit, by group: names only, nothing about health."""
    today = push.day
    by_group: dict[str, list[str]] = defaultdict(list)
    for p in await deps.roster.all():
        if p.active and is_key_target(p, today):
            by_group[p.group_name or texts.NO_GROUP].append(p.name)
    if not by_group or deps.chats.committee_chat_id is None:
        return
    lines = "\n".join(texts.VISIT_LIST_LINE.format(group=g, names="、".join(n))
                      for g, n in by_group.items())
    await context.bot.send_message(deps.chats.committee_chat_id, texts.VISIT_LIST.format(
        holiday=BY_KEY[push.data["holiday"]].name, lines=lines))


async def _birthday(context: BranchContext, deps: Deps, push: Planned) -> None:
    person = await deps.roster.get(push.data["person"])
    if person is None or not person.active:
        return
    age = push.data["age"]
    text = (texts.BIRTHDAY_MILESTONE.format(name=person.name, age=age) if is_milestone(age)
            else texts.BIRTHDAY_PRIVATE.format(name=person.name))
    if needs_call(person):
        await tell_carers(context, deps, await deps.rounds.open(
            push.key, RoundKind.BIRTHDAY, text, [person]))
    else:
        await send_private(context, person, text)


async def _milestone(context: BranchContext, deps: Deps, push: Planned) -> None:
    person = await deps.roster.get(push.data["person"])
    if person is None or not person.active or deps.chats.committee_chat_id is None:
        return
    await context.bot.send_message(deps.chats.committee_chat_id, texts.BIRTHDAY_COMMITTEE.format(
        name=person.name, age=push.data["age"], group=person.group_name or texts.NO_GROUP))


async def _birthday_group(context: BranchContext, deps: Deps, push: Planned) -> None:
    """Only people whose record allows it, and an age only for a milestone."""
    names = []
    for person_id, age in push.data["people"]:
        person = await deps.roster.get(person_id)
        if person is None or not person.active or not person.greet_in_group:
            continue
        names.append(texts.BIRTHDAY_GROUP_AGE.format(name=person.name, age=age)
                     if is_milestone(age) else person.name)
    if names:
        await context.bot.send_message(deps.chats.group_chat_id,
                                       texts.BIRTHDAY_GROUP.format(names="、".join(names)))


async def _month_birthdays(context: BranchContext, deps: Deps, push: Planned) -> None:
    if deps.chats.committee_chat_id is None:
        return
    month = push.data["month"]
    found = await deps.scheduler.month_birthdays(push.day.year, month)
    if not found:
        text = texts.MONTH_BIRTHDAYS_NONE.format(month=month)
    else:
        lines = "\n".join(texts.MONTH_BIRTHDAY_LINE.format(
            day=show_date(day), name=p.name,
            milestone=texts.MONTH_MILESTONE.format(age=age) if is_milestone(age) else "")
            for day, p, age in found)
        text = texts.MONTH_BIRTHDAYS.format(month=month, lines=lines)
    await context.bot.send_message(deps.chats.committee_chat_id, text)


async def _anniversary(context: BranchContext, deps: Deps, push: Planned) -> None:
    person = await deps.roster.get(push.data["person"])
    if person is None or not person.active:
        return
    text = texts.ANNIVERSARY.format(name=person.name, years=push.data["years"])
    if needs_call(person):
        await tell_carers(context, deps, await deps.rounds.open(
            push.key, RoundKind.ANNIVERSARY, text, [person]))
    else:
        await send_private(context, person, text)


async def _study_ahead(context: BranchContext, deps: Deps, push: Planned) -> None:
    """Announce the study day and create it as a meeting (its card and reminders follow)."""
    sd = deps.config.study_day
    day = date.fromisoformat(push.data["day"])
    existing = [m for m in await deps.meetings.active()
                if m.kind == MeetingKind.STUDY_DAY
                and deps.meetings.local(m.starts_at).date() == day]
    if not existing:
        try:
            meeting = await deps.meetings.create(
                Draft(MeetingKind.STUDY_DAY, None, day, sd.starts, sd.place, sd.topic),
                None)
        except MeetingError as exc:
            log.warning("study day %s not created: %s", day, exc.problem)
        else:
            if context.job_queue is not None:
                schedule_meeting(context.job_queue, deps, meeting)
    await context.bot.send_message(deps.chats.group_chat_id, texts.STUDY_DAY_AHEAD.format(
        day=show_date(day), time=show_time(sd.starts), place=sd.place, topic=sd.topic))


async def _series(context: BranchContext, deps: Deps, push: Planned) -> None:
    """Make a repeating meeting's next occurrence; its card and reminders follow."""
    meeting = await deps.meetings.create_occurrence(push.data["series"],
                                                    date.fromisoformat(push.data["day"]))
    if meeting is not None and context.job_queue is not None:
        schedule_meeting(context.job_queue, deps, meeting)


async def _study_today(context: BranchContext, deps: Deps, push: Planned) -> None:
    sd = deps.config.study_day
    await context.bot.send_message(deps.chats.group_chat_id, texts.STUDY_DAY_TODAY.format(
        time=show_time(sd.starts), place=sd.place, topic=sd.topic))


async def digest_text(deps: Deps, today: date) -> str:
    """The weekly digest for the committee chat: counts and names, no health details."""
    lines = [texts.DIGEST_TITLE.format(day=show_date(today))]
    makeups = await deps.meetings.makeups_outstanding()
    if makeups:
        groups: Counter[str] = Counter()
        for task in makeups:
            person = await deps.roster.get(task.person_id)
            if person is not None and person.active:
                groups[person.group_name or texts.NO_GROUP] += 1
        detail = "，".join(texts.DIGEST_MAKEUP_GROUP.format(group=g, count=n)
                          for g, n in groups.items())
        lines.append(texts.DIGEST_MAKEUPS.format(count=sum(groups.values()), detail=detail))
    overdue = [t for t in await deps.care.open_tasks()
               if date.fromisoformat(t.due_on) < today]
    if overdue:
        lines.append(texts.DIGEST_OVERDUE.format(count=len(overdue)))
    people = [p for p in await deps.roster.all() if p.active]
    hospital = sum(1 for p in people if CareFlag.HOSPITAL in p.care_flags)
    if hospital:
        lines.append(texts.DIGEST_HOSPITAL.format(count=hospital))
    soon = [p.name for p in people
            if (b := next_birthday(p, today)) and (b[0] - today).days < 7]
    if soon:
        lines.append(texts.DIGEST_BIRTHDAYS.format(names="、".join(soon)))
    below = []
    for post in await deps.posts.recent("notice", 10):
        if deps.posts.is_tracked(post):
            cov = (await deps.posts.coverage(post)).values()
            total = sum(c.total for c in cov)
            done = sum(len(c.direct) + len(c.via_leader) for c in cov)
            if total and done < total:
                below.append(texts.DIGEST_NOTICE_ITEM.format(title=post.title,
                                                             rate=done / total))
    if below:
        lines.append(texts.DIGEST_NOTICES.format(items="；".join(below)))
    up = await deps.care.reported_up()
    if up:
        lines.append(texts.DIGEST_HELP_UP.format(count=up))
    week = await deps.rounds.since(iso(deps.scheduler.now() - timedelta(days=7)),
                                   iso(deps.scheduler.now()))
    if week:
        calls = sum((cov for _, cov in week), Coverage(0, 0, 0, 0))
        lines.append(texts.DIGEST_ROUNDS.format(
            rounds=len(week), total=calls.total - calls.direct, reached=calls.via_leader,
            unreached=calls.unreached, pending=calls.pending))
    unreachable: set[int] = set()
    for post in await deps.posts.recent("notice", 3):
        unreachable |= {d.person_id for d in await deps.posts.deliveries(post.id)
                        if d.state == "unreachable"}
    names = {p.id: p.name for p in people}
    if unreachable & set(names):
        lines.append(texts.DIGEST_UNREACHABLE.format(
            names="、".join(names[i] for i in sorted(unreachable) if i in names)))
    unlinked = [p.name for p in people if p.tg_user_id is None]
    if unlinked:
        lines.append(texts.DIGEST_UNLINKED.format(names="、".join(unlinked)))
    if len(lines) == 1:
        lines.append(texts.DIGEST_NOTHING)
    return "\n".join(lines)


async def _digest(context: BranchContext, deps: Deps, push: Planned) -> None:
    if deps.chats.committee_chat_id is not None:
        await context.bot.send_message(deps.chats.committee_chat_id,
                                       await digest_text(deps, push.day))


async def _weather(context: BranchContext, deps: Deps, push: Planned) -> None:
    """Warn about today and tomorrow; quiet when there is nothing new to say."""
    cfg = deps.config
    try:
        days = await fetch_forecast(deps.http, cfg.weather, cfg.branch.latitude,
                                    cfg.branch.longitude, cfg.branch.timezone,
                                    sleep=deps.sleep)
    except WeatherUnavailable as exc:
        await _weather_failed(context, deps, push.day, str(exc))
        return
    await deps.push_repo.set_state("weather_last_ok", push.day.isoformat())
    found = warnings_for(days, push.day, cfg.weather)
    in_force = await deps.push_repo.warnings_in_force()
    yesterday = (push.day - timedelta(days=1)).isoformat()
    # A warning still in force since yesterday is not said again.
    fresh = [w for w in found if in_force.get(w.kind) not in (yesterday, push.day.isoformat())]
    await deps.push_repo.warned([w.kind for w in found], push.day.isoformat())
    if not fresh:
        return
    lines = [texts.WEATHER_TITLE.format(city=cfg.branch.city or cfg.branch.name)]
    lines += [texts.WEATHER_TEXTS[w.text_key].format(day=texts.WEATHER_DAY[w.when], value=w.value)
              for w in fresh]
    severe = any(w.severe for w in fresh)
    markup = None
    if severe:
        lines.append(texts.WEATHER_SAFE_ASK)
        day_id = int(push.day.strftime("%Y%m%d"))
        markup = InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.BUTTON_SAFE, callback_data=pack("wx", "ok", day_id))]])
    warning = "\n".join(lines)
    message = await context.bot.send_message(deps.chats.group_chat_id, warning,
                                             reply_markup=markup)
    await deps.push_repo.set_message(push.key, message.chat.id, message.message_id)
    if severe:  # those without the group hear a severe warning by phone
        await tell_carers(context, deps, await deps.rounds.open(
            push.key, RoundKind.WEATHER, "\n".join(lines[:-1]), await deps.roster.all()))
    queue: JobQueue[Any] | None = context.job_queue
    if severe and queue is not None:
        queue.run_once(safe_follow_up, when=timedelta(hours=cfg.weather.safe_followup_hours),
                       name=f"safe:{push.day}", data=push.key)


async def _weather_failed(context: BranchContext, deps: Deps, day: date, why: str) -> None:
    """Skip today quietly; tell the committee once it has failed for more than a day."""
    log.warning("no weather forecast for %s: %s", day, why)
    last_ok = await deps.push_repo.get_state("weather_last_ok")
    days = (day - date.fromisoformat(last_ok)).days if last_ok else None
    if days is not None and days > 1 and deps.chats.committee_chat_id and \
            await deps.push_repo.claim(f"weather_failed:{day}", "weather_failed",
                                       day.isoformat(), iso(deps.scheduler.now())):
        await context.bot.send_message(deps.chats.committee_chat_id,
                                       texts.WEATHER_FAILED.format(days=days))
        await deps.push_repo.confirm(f"weather_failed:{day}")
    if last_ok is None:
        await deps.push_repo.set_state("weather_last_ok", (day - timedelta(days=1)).isoformat())


async def safe_follow_up(context: BranchContext) -> None:
    """Leaders get their key service targets who have not tapped 「我平安」, to phone."""
    assert context.job is not None and isinstance(context.job.data, str)
    deps = context.deps
    safe = await deps.push_repo.safe_people(context.job.data)
    today = deps.scheduler.today()
    targets = [p for p in await deps.roster.all() if is_key_target(p, today)]
    await tell_carers(context, deps, await deps.rounds.open(
        f"safe:{context.job.data}", RoundKind.SAFE, texts.SAFE_CALL, targets,
        call=lambda p: p.id not in safe))


async def _collect_remind(context: BranchContext, deps: Deps, push: Planned) -> None:
    """The day before a collection's deadline: whoever has not answered is reminded
    privately, and each leader gets the names of his people still missing."""
    c = await deps.collections.get(push.data["collection"])
    if c is None:
        return
    answers = await deps.collections.answers(c.id)
    missing = [p for p in await deps.collections.expected(c) if p.id not in answers]
    by_leader: dict[int | None, list[str]] = defaultdict(list)
    for person in missing:
        await send_private(context, person, texts.COLLECT_REMIND.format(
            name=person.name, title=c.title))
        by_leader[await deps.care.assignee_for(person)].append(person.name)
    for leader_id, names in by_leader.items():
        for leader in await deps.org.reach(leader_id):
            await send_private(context, leader, texts.COLLECT_REMIND_LEADER.format(
                title=c.title, names="、".join(names)))


SENDERS = {
    "holiday": _holiday, "visit_list": _visit_list, "birthday": _birthday,
    "milestone": _milestone, "birthday_group": _birthday_group,
    "month_birthdays": _month_birthdays, "anniversary": _anniversary,
    "study_ahead": _study_ahead, "study_today": _study_today, "digest": _digest,
    "weather": _weather, "collect_remind": _collect_remind, "series": _series,
}


async def schedule_all(app: BranchApp) -> None:
    """Plan every day just after midnight, and today's right now (catch-up included)."""
    deps = app.bot_data.deps
    assert app.job_queue is not None
    for key in await deps.push_repo.interrupted():
        log.warning("push %s was interrupted by a crash; sending it again", key)
    for job in app.job_queue.get_jobs_by_name(PLAN):
        job.schedule_removal()
    app.job_queue.run_daily(plan_today, time=time(0, 5, tzinfo=deps.config.branch.tz),
                            name=PLAN)
    app.job_queue.run_once(plan_today, when=0, name=f"{PLAN}:startup")

