"""Care on the JobQueue: the morning round and the follow-up of requests for help.

`care:daily` runs every morning at `care.morning_time` in the branch's time zone: it raises
the tasks that dates call for (milestone birthdays, 春节 and 重阳 visits, overdue
contact), reminds each leader of his overdue tasks once a day, and sends the secretary
the tasks overdue past `care.escalate_days`. Each request for help gets a one-off job
`help:<id>` that tells the secretary if the leader has not tapped 已联系 in time; these
are re-created on start-up.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import CallbackContext, JobQueue

from bot import texts
from bot.callbacks import pack
from bot.context import BranchApp, BranchContext, Deps
from bot.services.care import AFTER_DEATH, NewTask
from bot.services.dates import show_date
from bot.ui.messaging import send_private
from bot.ui.views import spoken_phone
from storage.models import HelpRequest, VisitKind

log = logging.getLogger(__name__)
DAILY = "care:daily"


def help_job_name(help_id: int) -> str:
    return f"help:{help_id}"


def task_keyboard(task_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.TASK_BUTTON, callback_data=pack("vt", "go", task_id))]])


async def notify_tasks(context: CallbackContext[Any, Any, Any, Any], deps: Deps,
                       tasks: list[NewTask]) -> None:
    """Tell each new task's assignee privately, with a button that opens the visit log."""
    for new in tasks:
        due = show_date(datetime.fromisoformat(new.task.due_on).date())
        if new.task.kind == VisitKind.HOSPITAL:
            since = await deps.care.hospital_since(new.person)
            since_text = show_date(datetime.fromisoformat(since).date()) if since else ""
            text = texts.TASK_NEW_HOSPITAL.format(name=new.person.name, since=since_text,
                                                  due=due)
        else:
            text = texts.TASK_NEW.format(kind=texts.VISIT_KIND[new.task.kind],
                                         name=new.person.name, due=due)
        if new.task.kind in AFTER_DEATH and new.person.family_name:
            # Who to call: only ever in the carer's private chat.
            text += "\n" + texts.FAMILY_CONTACT.format(
                name=new.person.family_name, relation=new.person.family_relation or "",
                phone=spoken_phone(new.person.family_phone))
        for person in await deps.org.reach(new.task.assignee_id):
            await send_private(context, person, text, task_keyboard(new.task.id))


async def care_daily(context: BranchContext) -> None:
    """The morning round: new tasks, overdue reminders, escalations."""
    deps = context.deps
    await notify_tasks(context, deps, await deps.care.daily_triggers())
    today = deps.care.today()
    by_assignee, escalated = await deps.care.overdue()
    for assignee_id, tasks in by_assignee.items():
        fresh = [t for t in tasks if t.task.reminded_on != today.isoformat()]
        if not fresh:
            continue
        lines = [texts.TASK_OVERDUE_TITLE] + [
            texts.TASK_LINE.format(kind=texts.VISIT_KIND[t.task.kind], name=t.person.name,
                                   due=show_date(datetime.fromisoformat(t.task.due_on).date()))
            for t in fresh]
        for person in await deps.org.reach(assignee_id):
            await send_private(context, person, "\n".join(lines))
        await deps.care.mark_reminded([t.task.id for t in fresh])
    if escalated:
        names = {p.id: p.name for p in await deps.roster.all()}
        lines = [texts.TASK_ESCALATED.format(days=deps.config.care.escalate_days)] + [
            texts.TASK_ESCALATED_LINE.format(
                kind=texts.VISIT_KIND[t.task.kind], name=t.person.name,
                assignee=names.get(t.task.assignee_id or -1, texts.NO_LEADER),
                due=show_date(datetime.fromisoformat(t.task.due_on).date()))
            for t in escalated]
        for person in await deps.org.secretaries():
            await send_private(context, person, "\n".join(lines))


def schedule_help_escalation(job_queue: JobQueue[Any], deps: Deps,
                             request: HelpRequest) -> None:
    due = deps.care.help_escalates_at(request)
    delay = max(timedelta(0), due - deps.care.now())
    job_queue.run_once(escalate_help, when=delay, name=help_job_name(request.id),
                       data=request.id)


async def escalate_help(context: BranchContext) -> None:
    """A request for help nobody acknowledged in time goes to the secretary."""
    assert context.job is not None and isinstance(context.job.data, int)
    deps = context.deps
    found = await deps.care.help_due_escalation(context.job.data)
    if found is None:
        return
    request, person = found
    text = texts.HELPME_ESCALATED.format(
        name=person.name, hours=deps.config.care.help_escalate_hours,
        kind=texts.HELP_KIND[request.kind], phone=spoken_phone(person.phone))
    for secretary in await deps.org.secretaries():
        await send_private(context, secretary, text)


async def schedule_all(app: BranchApp) -> None:
    """On start-up: the morning round, and follow-up of requests still open."""
    deps = app.bot_data.deps
    assert app.job_queue is not None
    for job in app.job_queue.get_jobs_by_name(DAILY):
        job.schedule_removal()
    app.job_queue.run_daily(care_daily, time=deps.config.care.morning.replace(
        tzinfo=deps.config.branch.tz), name=DAILY)
    for request in await deps.care.open_help():
        if request.escalated_at is None:
            schedule_help_escalation(app.job_queue, deps, request)
