"""`/meetings`: reschedule, move or cancel a meeting; everyone who already answered is
told, and the group too when the card was up. Arranging one is `bot.handlers.meetings`.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
)

from bot import texts
from bot.buttons import Buttons, Press
from bot.callbacks import pack, parse
from bot.context import BranchApp, BranchContext
from bot.flows import TYPED, flow
from bot.guard import guarded
from bot.handlers.meetings import WIZARD_TIMEOUT, error_text, plan_text, wizard_cancel
from bot.services.access import Actor
from bot.services.meetings import MeetingError
from bot.ui.meetings import repeat_words, summary, when
from bot.ui.messaging import send_private
from storage.models import Meeting

NEW_TIME, NEW_PLACE, NEW_TOPIC = range(3)
_EDIT_KEY = "meeting_edit"


def _manage_keyboard(m: Meeting) -> InlineKeyboardMarkup:
    rows = [[
        InlineKeyboardButton(texts.BUTTON_RESCHEDULE, callback_data=pack("mt", "rs", m.id)),
        InlineKeyboardButton(texts.BUTTON_PLACE, callback_data=pack("mt", "pl", m.id)),
    ], [
        InlineKeyboardButton(texts.BUTTON_TOPIC, callback_data=pack("mt", "tp", m.id)),
        InlineKeyboardButton(texts.BUTTON_CANCEL_MEETING, callback_data=pack("mt", "cx", m.id)),
    ]]
    if m.series_id is not None:
        rows.append([InlineKeyboardButton(texts.BUTTON_STOP_SERIES,
                                          callback_data=pack("mt", "ss", m.id))])
    return InlineKeyboardMarkup(rows)


@guarded("meetings")
async def meetings_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """Upcoming meetings this person may manage, each with its buttons."""
    message = update.effective_message
    assert message is not None
    meetings = await context.deps.meetings.manageable(actor)
    if not meetings:
        await message.reply_text(texts.MEETINGS_NONE)
        return
    tz = context.deps.config.branch.tz
    for m in meetings[:10]:
        await message.reply_text(
            texts.MEETINGS_ITEM.format(summary=summary(m, tz),
                                       status=texts.MEETING_STATUS[m.status]),
            reply_markup=_manage_keyboard(m))


async def _managed(update: Update, context: BranchContext) -> tuple[Actor, Meeting] | None:
    """The meeting a `mt:` button names, if this person may manage it."""
    query = update.callback_query
    assert query is not None
    cb = parse(query.data)
    actor = await context.deps.access.actor(query.from_user.id)
    m = await context.deps.meetings.get(cb.ids[0]) if cb and cb.ids else None
    if m is None or m.status not in ("scheduled", "open") or \
            not context.deps.meetings.may_manage(actor, m):
        await query.answer(texts.TAP_STALE)
        return None
    return actor, m


async def manage_button(update: Update, context: BranchContext) -> int:
    """改时间 / 改地点 ask for text; 取消会议 asks to confirm."""
    query = update.callback_query
    assert query is not None
    found = await _managed(update, context)
    if found is None:
        return ConversationHandler.END
    _, m = found
    cb = parse(query.data)
    assert cb is not None and context.user_data is not None
    await query.answer()
    tz = context.deps.config.branch.tz
    if cb.action == "rs":
        context.user_data[_EDIT_KEY] = m.id
        await query.edit_message_text(f"{summary(m, tz)}\n{texts.ASK_NEW_TIME}")
        return NEW_TIME
    if cb.action == "pl":
        context.user_data[_EDIT_KEY] = m.id
        await query.edit_message_text(f"{summary(m, tz)}\n{texts.ASK_NEW_PLACE}")
        return NEW_PLACE
    if cb.action == "tp":
        context.user_data[_EDIT_KEY] = m.id
        await query.edit_message_text(f"{summary(m, tz)}\n{texts.ASK_NEW_TOPIC}")
        return NEW_TOPIC
    if cb.action == "cx":
        await query.edit_message_text(
            texts.ASK_CANCEL.format(summary=summary(m, tz)),
            reply_markup=InlineKeyboardMarkup([[
                InlineKeyboardButton(texts.BUTTON_CANCEL_YES,
                                     callback_data=pack("mt", "cy", m.id)),
                InlineKeyboardButton(texts.BUTTON_CANCEL_NO,
                                     callback_data=pack("mt", "cn", m.id))]]))
    return ConversationHandler.END


buttons = Buttons("mt")  # the answers to 取消会议; the other mt: buttons open the flow


@buttons.on("cy", "cn")
async def _cancel_answer(press: Press, context: BranchContext) -> None:
    """确定取消 / 不取消."""
    m = await context.deps.meetings.get(press.id())
    actor = press.actor
    if m is None or m.status not in ("scheduled", "open") or \
            not context.deps.meetings.may_manage(actor, m):
        await press.stale()
        return
    await press.answer()
    tz = context.deps.config.branch.tz
    if press.cb.action == "cn":
        await press.edit(texts.MEETING_KEPT)
        return
    await context.deps.meetings.cancel(m, actor)
    assert context.job_queue is not None
    context.deps.follow_ups.drop_meeting(context, m.id)
    await context.deps.follow_ups.edit_card(context, m.id)
    kind = texts.MEETING_KIND[m.kind]
    notice = texts.NOTIFY_CANCELLED.format(kind=kind, topic=m.topic, when=when(m, tz))
    await _tell_everyone(context, m, notice,
                         texts.GROUP_CANCELLED.format(kind=kind, topic=m.topic, when=when(m, tz)))
    await press.edit(texts.MEETING_CANCELLED.format(summary=summary(m, tz)))


@buttons.on("ss")
async def _stop_series(press: Press, context: BranchContext) -> None:
    """⏹ 停止每月重复: no more occurrences; this one stays (取消会议 is its own button)."""
    deps = context.deps
    m = await deps.meetings.get(press.id())
    if m is None or m.series_id is None or not deps.meetings.may_manage(press.actor, m):
        await press.stale()
        return
    await press.answer()
    series = await deps.meetings.series(m.series_id)
    assert series is not None
    if not await deps.meetings.stop_series(m, press.actor):
        await press.edit(texts.SERIES_STOPPED_ALREADY)
        return
    await press.edit(texts.SERIES_STOPPED.format(
        repeat=repeat_words(series.nth, series.weekday), kind=texts.MEETING_KIND[series.kind]))


async def _tell_everyone(context: BranchContext, m: Meeting, private: str, group: str) -> None:
    """Whoever already answered hears privately; the group hears if the card was up."""
    for person in await context.deps.meetings.answered(m):
        await send_private(context, person, private)
    if m.card_chat_id is not None:
        await context.bot.send_message(m.card_chat_id, group)


async def new_time(update: Update, context: BranchContext) -> int:
    """The typed new date and time for a rescheduled meeting."""
    message = update.effective_message
    assert message is not None and message.text is not None
    deps = context.deps
    found = await _editing(update, context)
    if found is None:
        return ConversationHandler.END
    actor, m = found
    try:
        day, start = deps.meetings.parse_moment(message.text)
        updated = await deps.meetings.reschedule(m, actor, day, start)
    except MeetingError as exc:
        await message.reply_text(error_text(exc))
        return NEW_TIME
    assert context.job_queue is not None
    plan = deps.follow_ups.plan_meeting(context, updated)
    await _after_change(context, updated, texts.NOTIFY_RESCHEDULED)
    await message.reply_text(texts.MEETING_RESCHEDULED.format(
        summary=summary(updated, deps.config.branch.tz), plan=plan_text(deps, plan)))
    return ConversationHandler.END


async def new_place(update: Update, context: BranchContext) -> int:
    """The typed new place."""
    return await _new_detail(update, context, "place")


async def new_topic(update: Update, context: BranchContext) -> int:
    """The typed new topic."""
    return await _new_detail(update, context, "topic")


async def _new_detail(update: Update, context: BranchContext, which: str) -> int:
    message = update.effective_message
    assert message is not None and message.text is not None
    found = await _editing(update, context)
    if found is None:
        return ConversationHandler.END
    actor, m = found
    value = message.text.strip()
    updated = await context.deps.meetings.change_details(
        m, actor, place=value if which == "place" else None,
        topic=value if which == "topic" else None)
    await _after_change(context, updated, texts.NOTIFY_DETAILS_CHANGED)
    await message.reply_text(texts.MEETING_DETAILS_CHANGED.format(
        summary=summary(updated, context.deps.config.branch.tz)))
    return ConversationHandler.END


async def _editing(update: Update, context: BranchContext) -> tuple[Actor, Meeting] | None:
    assert context.user_data is not None and update.effective_user is not None
    meeting_id = context.user_data.pop(_EDIT_KEY, None)
    actor = await context.deps.access.actor(update.effective_user.id)
    m = await context.deps.meetings.get(meeting_id) if meeting_id else None
    if m is None or not context.deps.meetings.may_manage(actor, m):
        return None
    context.user_data[_EDIT_KEY] = m.id  # kept until the change succeeds
    return actor, m


async def _after_change(context: BranchContext, m: Meeting, template: str) -> None:
    assert context.user_data is not None
    context.user_data.pop(_EDIT_KEY, None)
    text = summary(m, context.deps.config.branch.tz)
    await context.deps.follow_ups.edit_card(context, m.id)
    await _tell_everyone(context, m, template.format(summary=text),
                         texts.GROUP_CHANGED.format(summary=text))


def register(app: BranchApp) -> None:
    app.add_handler(flow(
        entry_points=[CallbackQueryHandler(manage_button, pattern=r"^mt:(rs|pl|tp|cx):")],
        states={NEW_TIME: [MessageHandler(TYPED, new_time)],
                NEW_PLACE: [MessageHandler(TYPED, new_place)],
                NEW_TOPIC: [MessageHandler(TYPED, new_topic)]},
        fallbacks=[CommandHandler("cancel", wizard_cancel)],
        conversation_timeout=WIZARD_TIMEOUT,
        name="meeting_manage",
    ))
    app.add_handler(CommandHandler("meetings", meetings_command))
    app.add_handler(buttons.handler())
