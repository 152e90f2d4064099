"""党费: `/dues` shows a member his own year, a leader his group's arrears and the
secretary the year's statement; `/dues 姓名 标准|交 …` and `/dues 支出 …` record."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot import texts
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dues import (
    DEFAULT_METHOD,
    PAY_WORD,
    RATE_WORD,
    SPEND_WORD,
    DuesError,
    fen_text,
)
from bot.services.problems import Problem
from bot.ui.lookup import find_one


@guarded("dues")
async def dues_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Show or record dues, as the role allows."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    args = list(context.args or [])
    try:
        if args and args[0] == SPEND_WORD and len(args) >= 4:
            fen = await deps.dues.spend(actor, args[1], args[2], args[3])
            await message.reply_text(texts.DUES_SPENT.format(
                amount=fen_text(fen), purpose=args[2], approver=args[3]))
            return
        if len(args) >= 3 and args[1] in (RATE_WORD, PAY_WORD):
            person = await find_one(update, context, actor, args[0])
            if person is None:
                return
            if args[1] == RATE_WORD:
                fen = await deps.dues.set_rate(actor, person, args[2])
                await message.reply_text(texts.DUES_RATE_SET.format(name=person.name,
                                                                    amount=fen_text(fen)))
                return
            if len(args) < 4:
                raise DuesError(Problem.DUES_USAGE)
            paid = await deps.dues.pay(actor, person, args[2], args[3],
                                       args[4] if len(args) > 4 else DEFAULT_METHOD)
            await message.reply_text(texts.DUES_PAID.format(
                name=person.name, first=paid.month_from, last=paid.month_to,
                amount=fen_text(paid.amount_fen), method=paid.method))
            return
        if args:
            raise DuesError(Problem.DUES_USAGE)
    except DuesError as exc:
        await message.reply_text(texts.explain(exc))
        return
    await message.reply_text(await _overview(context, actor))


async def _overview(context: BranchContext, actor: Actor) -> str:
    deps = context.deps
    today = deps.dues.today()
    people = [p for p in await deps.roster.all() if p.active]
    if actor.is_secretary:
        statement = await deps.dues.statement(today.year)
        lines = [texts.DUES_STATEMENT_TITLE.format(year=today.year)]
        for month in sorted(set(statement.collected) | set(statement.spent)):
            lines.append(texts.DUES_STATEMENT_MONTH.format(
                month=month, collected=fen_text(statement.collected.get(month, 0)),
                spent=fen_text(statement.spent.get(month, 0))))
        lines.append(texts.DUES_STATEMENT_TOTAL.format(
            collected=fen_text(sum(statement.collected.values())),
            spent=fen_text(sum(statement.spent.values())),
            balance=fen_text(statement.balance_fen)))
        owing = [s for s in await deps.dues.status(people, today) if s.owed_fen]
        lines.append(texts.DUES_STATEMENT_OWED.format(
            count=len(owing), amount=fen_text(sum(s.owed_fen for s in owing))))
        return "\n".join(lines)
    if actor.led_group_ids:
        mine = [p for p in people if p.group_id in actor.led_group_ids]
        owing = [s for s in await deps.dues.status(mine, today) if s.owed_fen]
        if not owing:
            return texts.DUES_GROUP_CLEAR
        return "\n".join([texts.DUES_GROUP_TITLE.format(year=today.year, month=today.month)] +
                         [texts.DUES_GROUP_LINE.format(
                             name=s.person.name, months="、".join(map(str, s.owed_months)),
                             amount=fen_text(s.owed_fen)) for s in owing])
    assert actor.person is not None
    found = await deps.dues.status([actor.person], today)
    if not found:
        return texts.DUES_NOT_PARTY
    mine_status = found[0]
    owed = (texts.DUES_MINE_OWED.format(months="、".join(map(str, mine_status.owed_months)),
                                        amount=fen_text(mine_status.owed_fen))
            if mine_status.owed_fen else texts.DUES_MINE_CLEAR)
    return texts.DUES_MINE.format(year=today.year, rate=fen_text(mine_status.monthly_fen),
                                  paid=len(mine_status.paid_months), owed=owed)


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("dues", dues_command))
