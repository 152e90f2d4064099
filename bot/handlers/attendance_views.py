"""`/attendance`: a member's own year, a leader's group, the whole branch for the
committee — the figures from `MeetingService`, in words."""

from __future__ import annotations

from telegram import Update
from telegram.ext import MessageHandler

from bot import texts
from bot.commands import entry, menu_button
from bot.context import BranchApp, BranchContext, Deps
from bot.guard import guarded
from bot.reader import read_off_loop
from bot.services.access import Actor
from bot.services.dates import show_date
from bot.services.meetings import Count, rate_of
from bot.ui.meetings import leave_buttons, summary


@guarded("attendance")
async def attendance_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """A member's own year; a leader's group; the whole branch for the committee."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    year = deps.meetings.today().year
    if actor.sees_whole_branch:  # ten years of a large branch: built beside the taps
        await message.reply_text(await read_off_loop(deps, branch_view, year))
    elif actor.led_group_ids:
        await message.reply_text(await _group_view(context, actor, year))
    else:
        await message.reply_text(await _member_view(context, actor, year))


@guarded("attendance")
async def my_meetings(update: Update, context: BranchContext, actor: Actor) -> None:
    """📅 我的会议: what is coming for him, a 请假 button for each he has not answered,
    then his own year — the member's page whatever other roles he holds."""
    message = update.effective_message
    assert message is not None
    if actor.person is None:
        await message.reply_text(texts.NOT_LINKED)
        return
    deps = context.deps
    coming = await deps.meetings.coming_for(actor.person)
    lines = [texts.MY_MEETINGS_TITLE] if coming else [texts.MY_MEETINGS_NONE]
    lines += [texts.MY_MEETINGS_LINE.format(summary=summary(m, deps.config.branch.tz))
              + (texts.MY_MEETINGS_ANSWER.get(a.status, "") if a else "") for m, a in coming]
    record = await _member_view(context, actor, deps.meetings.today().year)
    await message.reply_text("\n".join(lines) + "\n\n" + record, reply_markup=leave_buttons(
        [m for m, a in coming if a is None], deps.config.branch.tz))


async def _member_view(context: BranchContext, actor: Actor, year: int) -> str:
    assert actor.person is not None
    mine = await context.deps.meetings.history_of(actor.person, year)
    if not mine:
        return texts.ATT_MEMBER_NONE.format(year=year)
    lines = [texts.ATT_MEMBER_TITLE.format(year=year)]
    for m, a in mine:
        status = texts.ATT_STATUS[a.status]
        if a.status == "present" and a.recorded_by not in (None, a.person_id):
            proxy = await context.deps.roster.get(a.recorded_by)
            status = texts.ATT_STATUS_PROXY.format(proxy=proxy.name if proxy else "")
        day = show_date(context.deps.meetings.local(m.starts_at).date())
        lines.append(texts.ATT_MEMBER_LINE.format(day=day, kind=texts.MEETING_KIND[m.kind],
                                                  status=status))
    row = rate_of("", [Count.one(a) for _, a in mine])
    lines.append(texts.ATT_MEMBER_SUMMARY.format(total=row.expected, present=row.present,
                                                 excused=row.excused, absent=row.absent))
    return "\n".join(lines)


async def _group_view(context: BranchContext, actor: Actor, year: int) -> str:
    deps = context.deps
    rates = await deps.meetings.people_rates(year, sorted(actor.led_group_ids))
    lines = []
    for g in await deps.roster.groups():
        if g.id not in actor.led_group_ids:
            continue
        lines.append(texts.ATT_GROUP_TITLE.format(group=g.name, year=year))
        for p in await deps.roster.in_group(g.id):
            if not p.active:
                continue
            row = rates.get(p.id) or rate_of(p.name, ())
            lines.append(texts.ATT_PERSON_LINE.format(
                name=p.name, present=row.present, expected=row.expected, proxy=row.proxy,
                excused=row.excused, absent=row.absent))
    return "\n".join(lines)


async def branch_view(deps: Deps, year: int) -> str:
    """The whole branch's year (run in the worker process: `bot.reader`)."""
    sections = await deps.meetings.branch_rates(year)
    if not sections:
        return texts.ATT_NONE.format(year=year)
    lines = [texts.ATT_BRANCH_TITLE.format(year=year)]
    for key, rows in sections.items():
        lines.append(texts.ATT_SECTION[key])
        for row in rows:
            lines.append(texts.ATT_RATE_LINE.format(
                label=row.label, rate=row.rate, present=row.present, expected=row.expected,
                proxy=row.proxy, excused=row.excused, absent=row.absent))
    return "\n".join(lines)


def register(app: BranchApp) -> None:
    app.add_handlers(entry("attendance", attendance_command, view=True))
    app.add_handler(MessageHandler(menu_button("my_meetings"), my_meetings))
