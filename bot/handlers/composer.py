"""Composing a notice or study material (`/notice`, or forwarding a message to the bot):
a guided flow in private chat — kind → content → audience → (group) → receipt or due
date → now or later → preview → send. It ends with a send job (`bot.jobs.posts`, reached
through `deps.follow_ups`); the buttons under a sent post are `bot.handlers.posts`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot import texts
from bot.callbacks import pack, parse
from bot.commands import POSTERS as COMPOSERS
from bot.commands import entry
from bot.context import BranchApp, BranchContext, Deps
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
from bot.services.access import Actor
from bot.services.dates import show_date, show_time
from bot.services.posts import POSTERS, PRIVATE_AUDIENCES, PostDraft
from bot.services.when import WhenError, parse_clock, parse_day
from storage.models import POST_AUDIENCES

KIND, CONTENT, AUDIENCE, GROUP, RECEIPT, WHEN, CONFIRM = range(7)
TIMEOUT = timedelta(minutes=15)
_KEY = "post_draft"
# Telegram allows 4096 characters; the header and the preview's lines need the rest.
MAX_BODY = 3500


@dataclass(frozen=True)
class Composing:
    kind: str | None = None
    title: str | None = None
    body: str | None = None
    file_id: str | None = None
    file_kind: str | None = None
    audience: str | None = None
    group_id: int | None = None
    receipt: bool | None = None
    due_on: date | None = None
    due_asked: bool = False
    send_at: datetime | None = None
    when_asked: bool = False


_DRAFTS: Drafts[Composing] = Drafts(_KEY, Composing)
_get, _put = _DRAFTS.get, _DRAFTS.put
cancel = cancel_handler(_DRAFTS, texts.POST_CANCELLED)
on_timeout = timeout_handler(_DRAFTS, texts.POST_EXPIRED)


def _cancel_row() -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data=pack("pc", "no"))]


def _content_of(message: Message) -> tuple[str, str | None, str | None] | None:
    """(text, file id, file kind) of a message, or None if it has nothing to post."""
    text = (message.text or message.caption or "").strip()
    if message.document is not None:
        return text or (message.document.file_name or ""), message.document.file_id, "document"
    if message.photo:
        return text, message.photo[-1].file_id, "photo"
    return (text, None, None) if text else None


@guarded("notice")
async def notice_command(update: Update, context: BranchContext, actor: Actor) -> int:
    """Start composing a notice or study material."""
    _put(context, Composing())
    return await _prompt(update, context, actor, Composing())


async def forwarded(update: Update, context: BranchContext) -> int:
    """Staff forward a message to the bot: offer to post it."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    actor = await context.deps.access.actor(update.effective_user.id)
    content = _content_of(message)
    if content is None or not actor.has_any(COMPOSERS):
        return ConversationHandler.END
    body, file_id, file_kind = content
    _put(context, Composing(body=body, title=_title(body), file_id=file_id,
                            file_kind=file_kind))
    await message.reply_text(texts.POST_FORWARD_OFFER, reply_markup=_kind_keyboard())
    return IN_WIZARD


def _title(body: str) -> str:
    first = body.strip().splitlines()[0] if body.strip() else ""
    return first[:30] or texts.UNTITLED


def _exists(deps: Deps, audience: str) -> bool:
    """Private audiences always exist; a chat audience only if the branch has that chat."""
    return audience in PRIVATE_AUDIENCES or deps.chats.destination(audience) is not None


def _kind_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_KIND_NOTICE, callback_data=pack("pc", "k", 0)),
        InlineKeyboardButton(texts.BUTTON_KIND_STUDY, callback_data=pack("pc", "k", 1))],
        _cancel_row()])


def _step(c: Composing) -> int:
    """Which step the composer is on: the draft says (`bot.flows.IN_WIZARD`)."""
    if c.kind is None:
        return KIND
    if c.body is None:
        return CONTENT
    if c.audience is None:
        return AUDIENCE
    if c.audience == "party_group" and c.group_id is None:
        return GROUP
    if (c.kind == "notice" and c.receipt is None) or (c.kind == "study" and not c.due_asked):
        return RECEIPT
    if not c.when_asked:
        return WHEN
    return CONFIRM


async def _prompt(update: Update, context: BranchContext, actor: Actor, c: Composing) -> int:
    message = update.effective_message
    assert message is not None
    deps = context.deps
    step = _step(c)
    if step == KIND:
        await message.reply_text(texts.POST_KIND, reply_markup=_kind_keyboard())
    elif step == CONTENT:
        await message.reply_text(texts.POST_CONTENT,
                                 reply_markup=InlineKeyboardMarkup([_cancel_row()]))
    elif step == AUDIENCE:
        allowed = [a for a in POST_AUDIENCES
                   if (deps.posts.may_post(actor, a, None) or a == "party_group")
                   and _exists(deps, a)]
        rows = [[InlineKeyboardButton(texts.AUDIENCE_NAMES[a], callback_data=pack(
            "pc", "a", POST_AUDIENCES.index(a)))] for a in allowed]
        await message.reply_text(texts.POST_AUDIENCE,
                                 reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    elif step == GROUP:
        groups = [g for g in await deps.roster.groups()
                  if deps.posts.may_post(actor, "party_group", g.id)]
        rows = [[InlineKeyboardButton(g.name, callback_data=pack("pc", "g", g.id))]
                for g in groups]
        await message.reply_text(texts.POST_PICK_GROUP,
                                 reply_markup=InlineKeyboardMarkup([*rows, _cancel_row()]))
    elif step == RECEIPT and c.kind == "notice":
        await message.reply_text(texts.POST_RECEIPT, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_RECEIPT_YES, callback_data=pack("pc", "r", 1)),
            InlineKeyboardButton(texts.BUTTON_RECEIPT_NO, callback_data=pack("pc", "r", 0))],
            _cancel_row()]))
    elif step == RECEIPT:
        await message.reply_text(texts.POST_DUE, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_NO_DUE, callback_data=pack("pc", "d"))],
            _cancel_row()]))
    elif step == WHEN:
        await message.reply_text(texts.POST_WHEN, reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_SEND_NOW, callback_data=pack("pc", "now"))],
            _cancel_row()]))
    else:
        await message.reply_text(await _preview(context, c), reply_markup=InlineKeyboardMarkup(
            [[InlineKeyboardButton(texts.BUTTON_SEND, callback_data=pack("pc", "ok"))],
             _cancel_row()]))
    return IN_WIZARD


async def _preview(context: BranchContext, c: Composing) -> str:
    assert c.audience is not None
    count = len(await context.deps.posts.audience(c.audience, c.group_id))
    extra = []
    if c.kind == "notice":
        extra.append(texts.POST_PREVIEW_RECEIPT.format(
            value=texts.BUTTON_RECEIPT_YES if c.receipt else texts.BUTTON_RECEIPT_NO))
    if c.due_on:
        extra.append(texts.POST_PREVIEW_DUE.format(value=show_date(c.due_on)))
    if c.send_at:
        local = c.send_at.astimezone(context.deps.posts.tz)
        extra.append(texts.POST_PREVIEW_LATER.format(
            value=show_date(local.date()) + show_time(local.time())))
    return texts.POST_PREVIEW.format(audience=texts.AUDIENCE_NAMES[c.audience], count=count,
                                     extra="\n".join(extra), body=c.body)


async def compose_button(update: Update, context: BranchContext) -> int:
    """A button of the composing flow."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    cb = parse(query.data)
    c = _get(context)
    actor = await context.deps.access.actor(query.from_user.id)
    if cb is None or cb.action == "no":
        _put(context, None)
        await query.edit_message_text(texts.POST_CANCELLED)
        return ConversationHandler.END
    step = _step(c)
    if step == KIND and cb.action == "k" and cb.ids and cb.ids[0] in (0, 1):
        c = replace(c, kind=("notice", "study")[cb.ids[0]])
    elif step == AUDIENCE and cb.action == "a" and cb.ids and cb.ids[0] < len(POST_AUDIENCES):
        audience = POST_AUDIENCES[cb.ids[0]]
        if not _exists(context.deps, audience):  # an old or forged button
            await query.message.reply_text(texts.POST_NO_SUCH_CHAT)  # type: ignore[union-attr]
            return IN_WIZARD
        group = None
        if audience == "party_group" and not actor.has_any(POSTERS):
            group = next(iter(sorted(actor.led_group_ids)), None)  # a leader: his own
        c = replace(c, audience=audience, group_id=group)
    elif step == GROUP and cb.action == "g" and cb.ids:
        if not context.deps.posts.may_post(actor, "party_group", cb.ids[0]):
            await query.message.reply_text(texts.POST_NOT_ALLOWED)  # type: ignore[union-attr]
            return IN_WIZARD
        c = replace(c, group_id=cb.ids[0])
    elif step == RECEIPT and cb.action == "r" and cb.ids:
        c = replace(c, receipt=bool(cb.ids[0]))
    elif step == RECEIPT and cb.action == "d":
        c = replace(c, due_asked=True)
    elif step == WHEN and cb.action == "now":
        c = replace(c, when_asked=True)
    elif step == CONFIRM and cb.action == "ok":
        return await _send(update, context, actor, c)
    else:
        return IN_WIZARD
    _put(context, c)
    return await _prompt(update, context, actor, c)


async def compose_message(update: Update, context: BranchContext) -> int:
    """Typed or sent content, a due date, or a send-later time."""
    message = update.effective_message
    assert message is not None and update.effective_user is not None
    c = _get(context)
    actor = await context.deps.access.actor(update.effective_user.id)
    step = _step(c)
    svc = context.deps.posts
    try:
        if step == CONTENT:
            content = _content_of(message)
            if content is None:
                await message.reply_text(texts.POST_CONTENT_BAD)
                return IN_WIZARD
            body, file_id, file_kind = content
            if len(body) > MAX_BODY:
                await message.reply_text(texts.POST_TOO_LONG.format(limit=MAX_BODY))
                return IN_WIZARD
            c = replace(c, body=body, title=_title(body), file_id=file_id, file_kind=file_kind)
        elif step == RECEIPT and c.kind == "study" and message.text:
            c = replace(c, due_on=parse_day(message.text, svc.today()), due_asked=True)
        elif step == WHEN and message.text:
            parts = message.text.split()
            if len(parts) != 2:
                await message.reply_text(texts.POST_WHEN_BAD)
                return IN_WIZARD
            day = parse_day(parts[0], svc.today())
            at = datetime.combine(day, parse_clock(parts[1]), tzinfo=svc.tz)
            c = replace(c, send_at=at if at > svc.now() else None, when_asked=True)
        else:
            return IN_WIZARD
    except WhenError as exc:
        await message.reply_text(texts.explain(exc))
        return IN_WIZARD
    _put(context, c)
    return await _prompt(update, context, actor, c)


async def _send(update: Update, context: BranchContext, actor: Actor, c: Composing) -> int:
    message = update.effective_message
    assert message is not None
    assert c.kind and c.title and c.body is not None and c.audience
    deps = context.deps
    try:
        post = await deps.posts.create(PostDraft(
            kind=c.kind, title=c.title, body=c.body, file_id=c.file_id, file_kind=c.file_kind,
            audience=c.audience, group_id=c.group_id, receipt=bool(c.receipt),
            due_on=c.due_on, send_at=c.send_at), actor)
    except PermissionError:
        await message.reply_text(texts.POST_NOT_ALLOWED)
        return ConversationHandler.END
    _put(context, None)
    assert context.job_queue is not None
    deps.follow_ups.send_post(context, post)
    if c.send_at:
        local = c.send_at.astimezone(deps.posts.tz)
        await message.reply_text(texts.POST_SCHEDULED.format(
            when=show_date(local.date()) + show_time(local.time())))
    return ConversationHandler.END


def register(app: BranchApp) -> None:
    private = filters.ChatType.PRIVATE
    content = TYPED | private & (filters.Document.ALL | filters.PHOTO)
    steps = wizard_steps(buttons="pc", on_button=compose_button, typed=content,
                         on_text=compose_message, on_timeout=on_timeout)
    app.add_handler(flow(
        entry_points=[*entry("notice", notice_command),
                      MessageHandler(private & filters.FORWARDED, forwarded)],
        states=steps, fallbacks=[CommandHandler("cancel", cancel)],
        conversation_timeout=TIMEOUT, name="post_composer"))
