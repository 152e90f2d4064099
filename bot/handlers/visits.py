"""Logging visits and calls (四必访), and reading them back.

`/visit` (or a task's 📝 记录走访 button, which fills in the person and the type) walks
through: who (several may be chosen; a leader sees his own group first, anyone else is
found by typing a name) → type → date → who went along → notes → gifts or money →
confirm. Every step has 返回 and 取消; a flow left alone for ten minutes expires without
writing anything. `/visits 姓名` shows one person's visits, `/visits` the year's figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
)

from bot import texts
from bot.callbacks import Callback, pack, parse
from bot.commands import entry
from bot.context import BranchApp, BranchContext
from bot.flows import (
    IN_WIZARD,
    TYPED,
    Drafts,
    cancel_handler,
    flow,
    timeout_handler,
    wizard_steps,
)
from bot.guard import guarded
from bot.services.access import Actor, shows_visit_kind
from bot.services.care import CareError, parse_gifts
from bot.services.dates import show_date
from bot.services.problems import Problem
from bot.services.when import WhenError, parse_day
from bot.ui.lookup import find_one
from storage.models import VISIT_KINDS, Person, VisitKind

STEPS = ("people", "kind", "date", "who", "notes", "gifts", "confirm")
TIMEOUT = timedelta(minutes=10)
_KEY = "visit_draft"


@dataclass(frozen=True)
class VisitDraft:
    step: int = 0
    people: tuple[int, ...] = ()
    offered: tuple[int, ...] = ()  # people shown as buttons right now
    kind: VisitKind | None = None
    day: date | None = None
    who: str | None = None
    notes: str | None = None
    gifts: str | None = None
    money: int | None = None
    task_id: int | None = None

    @property
    def name(self) -> str:
        return STEPS[self.step]


_DRAFTS: Drafts[VisitDraft] = Drafts(_KEY, VisitDraft)
_draft, _save = _DRAFTS.get, _DRAFTS.put
_cancel = cancel_handler(_DRAFTS, texts.VW_CANCELLED)
on_timeout = timeout_handler(_DRAFTS, texts.VW_EXPIRED)


def _nav(back: bool = True) -> list[InlineKeyboardButton]:
    row = [InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("vw", "no"))]
    if back:
        row.insert(0, InlineKeyboardButton(texts.BUTTON_BACK, callback_data=pack("vw", "b")))
    return row


async def _initial_people(context: BranchContext, actor: Actor) -> list[Person]:
    """A leader's own group first; others start from an empty list and search."""
    me = actor.person.id if actor.person else None
    mine = [p for p in await context.deps.roster.all()
            if p.active and p.group_id in actor.led_group_ids and p.id != me]
    return mine[:40]


@guarded("visit")
async def visit_command(update: Update, context: BranchContext, actor: Actor) -> int:
    """Start logging a visit or a call."""
    offered = await _initial_people(context, actor)
    _save(context, VisitDraft(offered=tuple(p.id for p in offered)))
    return await _prompt(update, context, _draft(context))


async def start_from_task(update: Update, context: BranchContext) -> int:
    """A task's 📝 记录走访 button: the person and type are already known."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    deps = context.deps
    actor = await deps.access.actor(query.from_user.id)
    try:
        if cb is None or not cb.ids:
            raise CareError(Problem.TASK_GONE)
        task, _person = await deps.care.task_to_take(actor, cb.ids[0])
    except CareError as exc:
        await query.answer(texts.explain(exc),
                           show_alert=exc.problem is not Problem.TASK_GONE)
        return ConversationHandler.END
    await query.answer()
    draft = VisitDraft(step=STEPS.index("date"), people=(task.person_id,), kind=task.kind,
                       task_id=task.id)
    _save(context, draft)
    return await _prompt(update, context, draft)


async def _prompt(update: Update, context: BranchContext, draft: VisitDraft) -> int:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    step = draft.name
    if step == "people":
        rows = []
        for pid in draft.offered:
            person = await deps.roster.get(pid)
            if person is None:
                continue
            mark = "✔️ " if pid in draft.people else ""
            rows.append([InlineKeyboardButton(f"{mark}{person.name}",
                                              callback_data=pack("vw", "p", pid))])
        rows.append([InlineKeyboardButton(texts.BUTTON_NEXT, callback_data=pack("vw", "n"))])
        await message.reply_text(texts.VW_PEOPLE,
                                 reply_markup=InlineKeyboardMarkup([*rows, _nav(back=False)]))
    elif step == "kind":
        buttons = [InlineKeyboardButton(texts.VISIT_KIND[k], callback_data=pack("vw", "k", i))
                   for i, k in enumerate(VISIT_KINDS)]
        rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
        await message.reply_text(texts.VW_KIND, reply_markup=InlineKeyboardMarkup([*rows,
                                                                                  _nav()]))
    elif step == "date":
        today = deps.care.today()
        row = [InlineKeyboardButton(texts.BUTTON_TODAY, callback_data=pack(
                   "vw", "d", int(today.strftime("%Y%m%d")))),
               InlineKeyboardButton(texts.BUTTON_YESTERDAY, callback_data=pack(
                   "vw", "d", int((today - timedelta(days=1)).strftime("%Y%m%d"))))]
        await message.reply_text(texts.VW_DATE, reply_markup=InlineKeyboardMarkup([row,
                                                                                  _nav()]))
    elif step in ("who", "notes", "gifts"):
        prompt = {"who": texts.VW_WHO, "notes": texts.VW_NOTES, "gifts": texts.VW_GIFTS}[step]
        label = texts.BUTTON_ONLY_ME if step == "who" else texts.BUTTON_SKIP
        await message.reply_text(prompt, reply_markup=InlineKeyboardMarkup([
            [InlineKeyboardButton(label, callback_data=pack("vw", "x"))], _nav()]))
    else:
        await message.reply_text(
            texts.WIZ_CONFIRM.format(summary=await _summary(context, draft)),
            reply_markup=InlineKeyboardMarkup([
                [InlineKeyboardButton(texts.BUTTON_SAVE, callback_data=pack("vw", "ok"))],
                _nav()]))
    return IN_WIZARD


async def _summary(context: BranchContext, d: VisitDraft) -> str:
    names = []
    for pid in d.people:
        person = await context.deps.roster.get(pid)
        names.append(person.name if person else "?")
    lines = [texts.VW_SUMMARY_PEOPLE.format(names="、".join(names)),
             texts.VW_SUMMARY_KIND.format(kind=texts.VISIT_KIND[d.kind] if d.kind else ""),
             texts.VW_SUMMARY_DATE.format(day=show_date(d.day) if d.day else "")]
    if d.who:
        lines.append(texts.VW_SUMMARY_WHO.format(who=d.who))
    if d.notes:
        lines.append(texts.VW_SUMMARY_NOTES.format(notes=d.notes))
    if d.gifts:
        lines.append(texts.VW_SUMMARY_GIFTS.format(gifts=d.gifts))
    if d.money is not None:
        lines.append(texts.VW_SUMMARY_MONEY.format(money=d.money))
    return "\n".join(lines)


async def on_button(update: Update, context: BranchContext) -> int:
    """A button of the visit flow."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    cb = parse(query.data)
    if cb is None or cb.action == "no":
        return await _cancel(update, context)
    return await _step(update, context, cb, None)


async def on_text(update: Update, context: BranchContext) -> int:
    """Typed text in the visit flow: a name to search, a date, companions, notes, gifts."""
    message = update.effective_message
    assert message is not None and message.text is not None
    return await _step(update, context, None, message.text.strip())


async def _step(update: Update, context: BranchContext, cb: Callback | None,
                text: str | None) -> int:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    d = _draft(context)
    step = d.name
    if cb is not None and cb.action == "b":
        previous = max(0, d.step - 1)
        if d.task_id is not None:
            previous = max(previous, STEPS.index("date"))  # the task fixed who and what
        d = replace(d, step=previous)
        _save(context, d)
        return await _prompt(update, context, d)
    if step == "people" and cb is not None and cb.action == "p" and cb.ids[0] in d.offered:
        chosen = set(d.people) ^ {cb.ids[0]}
        d = replace(d, people=tuple(p for p in d.offered if p in chosen)
                    + tuple(p for p in d.people if p not in d.offered and p in chosen))
        _save(context, d)
        return await _prompt(update, context, d)
    if step == "people" and cb is not None and cb.action == "n":
        if not d.people:
            await message.reply_text(texts.VISIT_NO_PEOPLE)
            return IN_WIZARD
        d = replace(d, step=d.step + 1)
    elif step == "people" and text:
        actor = await deps.access.actor(update.effective_user.id)  # type: ignore[union-attr]
        found = [p for p in await deps.roster.find(text) if p.active and actor.may_see(p)]
        if not found:
            await message.reply_text(texts.VW_PEOPLE_NONE_FOUND.format(query=text))
            return IN_WIZARD
        d = replace(d, offered=tuple(p.id for p in found[:20]))
    elif step == "kind" and cb is not None and cb.action == "k" and cb.ids[0] < len(VISIT_KINDS):
        d = replace(d, kind=VISIT_KINDS[cb.ids[0]], step=d.step + 1)
    elif step == "date" and ((cb is not None and cb.action == "d") or text):
        try:
            raw = str(cb.ids[0]) if cb else ""
            day = (date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])) if cb
                   else parse_day(text or "", deps.care.today(), allow_past=True))
        except WhenError as exc:
            await message.reply_text(texts.explain(exc),
                                     reply_markup=InlineKeyboardMarkup([_nav()]))
            return IN_WIZARD
        if day > deps.care.today():
            await message.reply_text(texts.VISIT_IN_FUTURE,
                                     reply_markup=InlineKeyboardMarkup([_nav()]))
            return IN_WIZARD
        d = replace(d, day=day, step=d.step + 1)
    elif step == "who" and ((cb is not None and cb.action == "x") or text):
        d = replace(d, who=text[:200] if text else None, step=d.step + 1)
    elif step == "notes" and ((cb is not None and cb.action == "x") or text):
        d = replace(d, notes=text[:1000] if text else None, step=d.step + 1)
    elif step == "gifts" and ((cb is not None and cb.action == "x") or text):
        gifts, money = parse_gifts(text)
        d = replace(d, gifts=gifts, money=money, step=d.step + 1)
    elif step == "confirm" and cb is not None and cb.action == "ok":
        return await _finish(update, context, d)
    else:
        await message.reply_text(texts.WIZ_STALE)
        return IN_WIZARD
    _save(context, d)
    return await _prompt(update, context, d)


async def _finish(update: Update, context: BranchContext, d: VisitDraft) -> int:
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    deps = context.deps
    actor = await deps.access.actor(update.effective_user.id)
    people = [p for p in [await deps.roster.get(pid) for pid in d.people] if p is not None]
    assert d.kind is not None and d.day is not None
    try:
        ids = await deps.care.log_visit(actor, people, d.kind, d.day, companions=d.who,
                                        notes=d.notes, gifts=d.gifts, money_yuan=d.money,
                                        task_id=d.task_id)
    except CareError as exc:
        await message.reply_text(texts.explain(exc))
        return IN_WIZARD
    _save(context, None)
    await message.reply_text(texts.VW_SAVED.format(count=len(ids)))
    return ConversationHandler.END


# -- reading ---------------------------------------------------------------------------------


@guarded("visits")
async def visits_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """`/visits 姓名`: one person's record; `/visits`: this year's figures."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(await _year_view(context, actor))
        return
    person = await find_one(update, context, actor, query)
    if person is None:
        return
    try:
        visible = await deps.care.visible_visits(actor, person)
    except CareError as exc:
        await message.reply_text(texts.explain(exc))
        return
    if not visible:
        await message.reply_text(texts.VISITS_PERSON_NONE.format(name=person.name))
        return
    names = {p.id: p.name for p in await deps.roster.all()}
    lines = [texts.VISITS_PERSON_TITLE.format(name=person.name)]
    for visit, private in visible[:30]:
        who = "、".join(x for x in (names.get(visit.recorded_by, "?"), visit.companions) if x)
        kind = (texts.VISIT_KIND[visit.kind] if shows_visit_kind(visit.kind, private)
                else texts.VISIT_KIND_WITHHELD)
        lines.append(texts.VISITS_LINE.format(
            day=show_date(date.fromisoformat(visit.visited_on)), kind=kind, who=who))
        if private and visit.notes:
            lines.append(texts.VISITS_LINE_NOTES.format(notes=visit.notes))
        if private and (visit.gifts or visit.money_yuan):
            gift = "、".join(x for x in (visit.gifts, texts.MONEY_YUAN.format(
                amount=visit.money_yuan) if visit.money_yuan else None) if x)
            lines.append(texts.VISITS_LINE_GIFTS.format(gifts=gift))
    await message.reply_text("\n".join(lines))


async def _year_view(context: BranchContext, actor: Actor) -> str:
    deps = context.deps
    year = deps.care.today().year
    counts = await deps.care.year_counts(year)
    total = sum(counts.by_kind.values())
    if not total:
        return texts.VISITS_NONE.format(year=year)
    lines = [texts.VISITS_YEAR_TITLE.format(year=year)]
    lines += [texts.VISITS_YEAR_KIND.format(kind=texts.VISIT_KIND[k], count=counts.by_kind[k])
              for k in VISIT_KINDS if counts.by_kind[k]]
    lines.append(texts.VISITS_YEAR_TOTAL.format(count=total, people=counts.people_reached))
    lines.append(texts.VISITS_YEAR_SEED.format(home=counts.home, hospital=counts.hospital,
                                               birthday=counts.birthday))
    if actor.is_secretary:  # money is the secretary's business
        lines.append(texts.VISITS_YEAR_MONEY.format(money=counts.money_yuan,
                                                    gifts=counts.gifts))
    lines.append(texts.VISITS_YEAR_VISITORS)
    lines += [texts.VISITS_YEAR_VISITOR.format(name=n, count=c)
              for n, c in counts.by_visitor.most_common()]
    return "\n".join(lines)


def register(app: BranchApp) -> None:
    steps = wizard_steps(buttons="vw", on_button=on_button,
                         typed=TYPED, on_text=on_text, on_timeout=on_timeout)
    app.add_handler(flow(
        entry_points=[CommandHandler("visit", visit_command),
                      CallbackQueryHandler(start_from_task, pattern=r"^vt:go:")],
        states=steps,
        fallbacks=[CommandHandler("cancel", _cancel)],
        conversation_timeout=TIMEOUT,
        name="visit_flow",
    ))
    app.add_handlers(entry("visits", visits_command))
