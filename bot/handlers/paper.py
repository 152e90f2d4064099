"""`/print`: a leader's or the secretary's printouts as A4 PDFs — the 亲情服务卡 of the
members they look after, their 联络图, and the sign-in sheet of a meeting they run."""

from __future__ import annotations

import io

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CommandHandler

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack
from bot.commands import COMMANDS
from bot.context import BranchApp, BranchContext
from bot.guard import guarded
from bot.services.access import Actor
from bot.services.dates import show_date
from bot.ui import paper
from bot.ui.meetings import summary

buttons = Buttons("prt")
_PRINTERS = COMMANDS["print"].roles  # re-checked at the tap: roles change


@guarded("print")
async def print_command(update: Update, context: BranchContext, actor: Actor) -> None:
    message = update.effective_message
    assert message is not None
    await message.reply_text(texts.PRINT_MENU, reply_markup=InlineKeyboardMarkup([
        [InlineKeyboardButton(texts.BUTTON_PRINT_CARDS, callback_data=pack("prt", "c"))],
        [InlineKeyboardButton(texts.BUTTON_PRINT_MAP, callback_data=pack("prt", "m"))],
        [InlineKeyboardButton(texts.BUTTON_PRINT_SIGN_IN, callback_data=pack("prt", "s"))]]))


async def _send(press: Press, context: BranchContext, data: bytes, name: str) -> None:
    await press.answer(texts.PRINT_SENT)
    await context.bot.send_document(press.query.from_user.id, io.BytesIO(data),
                                    filename=name)


@buttons.on("c", ids=0)
async def _cards(press: Press, context: BranchContext) -> None:
    cards = await context.deps.paper.cards(press.actor)
    if not cards or not press.actor.has_any(_PRINTERS):
        await press.answer(texts.PRINT_NOTHING)
        return
    await _send(press, context, paper.service_cards(cards), texts.PAPER_FILE_CARDS)


@buttons.on("m", ids=0)
async def _map(press: Press, context: BranchContext) -> None:
    groups, people = await context.deps.paper.groups(press.actor)
    if not groups or not press.actor.has_any(_PRINTERS):
        await press.answer(texts.PRINT_NOTHING)
        return
    await _send(press, context, paper.contact_map(groups, people), texts.PAPER_FILE_MAP)


@buttons.on("s", ids=0)
async def _sign_in(press: Press, context: BranchContext) -> None:
    """One meeting to come: its sheet. Several: a button each (the next is not always the
    one to print for)."""
    deps = context.deps
    upcoming = await deps.paper.upcoming(press.actor)
    if not upcoming:
        await press.answer(texts.PRINT_NO_MEETING)
        return
    if len(upcoming) == 1:
        await _sheet(press, context, upcoming[0].id)
        return
    await press.answer()
    await press.query.message.reply_text(  # type: ignore[union-attr]
        texts.PRINT_WHICH_MEETING, reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.PRINT_MEETING_BUTTON.format(
                day=show_date(deps.meetings.local(m.starts_at).date()),
                kind=texts.MEETING_KIND[m.kind]), callback_data=pack("prt", "si", m.id))]
            for m in upcoming[:10]]))


@buttons.on("si")
async def _chosen_sheet(press: Press, context: BranchContext) -> None:
    await _sheet(press, context, press.id())


async def _sheet(press: Press, context: BranchContext, meeting_id: int) -> None:
    found = await context.deps.paper.sign_in(press.actor, meeting_id)
    if found is None or not press.actor.has_any(_PRINTERS):
        await press.stale()
        return
    m, people = found
    title = summary(m, context.deps.config.branch.tz)
    await _send(press, context, paper.sign_in_sheet(title, people), texts.PAPER_FILE_SIGN_IN)


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("print", print_command))
    app.add_handler(buttons.handler())
