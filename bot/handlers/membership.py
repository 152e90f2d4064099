"""Becoming known to the bot, and seeing oneself: /start (with invite links), sharing a
phone number, /help, /me and /card (亲情服务卡).

Flow: a stranger sends /start in private chat and gets a button that shares his phone
number; a matching roster entry is linked. Or he opens an invite link, which arrives as
`/start bind_<token>`. Once linked, /me and /card read his own record only.
"""

from __future__ import annotations

from telegram import KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.ext import CommandHandler, MessageHandler, filters

from bot import texts
from bot.commands import commands_for, entry, main_menu, menu_names, sync_user_menu
from bot.context import BranchApp, BranchContext
from bot.guard import chat_kind, guarded
from bot.services.access import Actor, Role
from bot.services.chats import ChatKind
from bot.services.linking import INVITE_PREFIX, ContactOutcome
from bot.ui import views

_INVITE_TEXTS = {
    "used": texts.LINK_USED,
    "expired": texts.LINK_EXPIRED,
    "unknown": texts.LINK_UNKNOWN,
}
_CONTACT_TEXTS = {
    ContactOutcome.NOT_OWN: texts.CONTACT_NOT_OWN,
    ContactOutcome.NO_MATCH: texts.CONTACT_NO_MATCH,
    ContactOutcome.AMBIGUOUS: texts.CONTACT_AMBIGUOUS,
    ContactOutcome.TAKEN: texts.CONTACT_TAKEN,
}


def share_phone_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.BUTTON_SHARE_PHONE, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


@guarded("start")
async def start(update: Update, context: BranchContext, actor: Actor) -> None:
    """Greet, redeem an invite link, or offer to link by phone number."""
    message = update.effective_message
    assert message is not None
    payload = context.args[0] if context.args else ""
    if payload.startswith(INVITE_PREFIX):
        await _redeem(update, context, payload)
        return
    if actor.person is None:
        await message.reply_text(
            texts.WELCOME_STRANGER.format(branch=context.deps.config.branch.name),
            reply_markup=share_phone_keyboard(),
        )
        return
    if payload == "card":
        await _send_card(update, context, actor)
        return
    await message.reply_text(texts.WELCOME_LINKED.format(name=actor.person.name),
                             reply_markup=main_menu(actor.roles))


async def _redeem(update: Update, context: BranchContext, payload: str) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None
    assert user is not None
    result = await context.deps.linking.redeem(payload, user.id)
    name = result.person.name if result.person else ""
    if result.outcome in ("linked", "already_yours"):
        roles = await _refresh_menu(context, user.id)
        text = (texts.LINK_DONE if result.outcome == "linked" else texts.LINK_ALREADY_YOURS)
        await message.reply_text(text.format(name=name), reply_markup=main_menu(roles))
        return
    if result.outcome == "account_taken":
        text = texts.LINK_ACCOUNT_TAKEN.format(name=name)
    else:
        text = _INVITE_TEXTS[result.outcome]
    await message.reply_text(text, reply_markup=ReplyKeyboardRemove())


async def _refresh_menu(context: BranchContext, tg_user_id: int) -> frozenset[Role]:
    """Set the person's command menu for his roles, which are returned (for the keyboard)."""
    actor = await context.deps.access.actor(tg_user_id)
    await sync_user_menu(context.bot, tg_user_id, actor.roles)
    return actor.roles


async def contact_shared(update: Update, context: BranchContext) -> None:
    """Link the sender by the phone number he shared with the contact button."""
    message = update.effective_message
    user = update.effective_user
    # The number is matched against the roster, never stored from the update itself.
    context.deps.privacy.leave_no_trace()
    if message is None or user is None or message.contact is None:
        return
    contact = message.contact
    result = await context.deps.linking.link_by_contact(
        user.id, contact.user_id, contact.phone_number
    )
    name = result.person.name if result.person else ""
    if result.outcome in (ContactOutcome.LINKED, ContactOutcome.ALREADY):
        roles = await _refresh_menu(context, user.id)
        text = (texts.LINK_DONE if result.outcome == ContactOutcome.LINKED
                else texts.LINK_ALREADY_YOURS)
        await message.reply_text(text.format(name=name), reply_markup=main_menu(roles))
        return
    if result.outcome == ContactOutcome.ACCOUNT_TAKEN:
        text = texts.LINK_ACCOUNT_TAKEN.format(name=name)
    else:
        # Offer the button again so a mistaken forward is easy to correct.
        await message.reply_text(_CONTACT_TEXTS[ContactOutcome(result.outcome)],
                                 reply_markup=share_phone_keyboard())
        return
    await message.reply_text(text, reply_markup=ReplyKeyboardRemove())


@guarded("help")
async def help_command(update: Update, context: BranchContext, actor: Actor) -> None:
    """List what this person may do here, and nothing else."""
    message = update.effective_message
    assert message is not None
    if Role.STRANGER in actor.roles:
        await message.reply_text(texts.NOT_LINKED)
        return
    kind = chat_kind(update, context)
    order = [Role.SECRETARY, Role.COMMITTEE, Role.LEADER, Role.LIAISON, Role.MEMBER]
    role = texts.ROLES_JOINER.join(texts.ROLE_NAMES[r] for r in order if r in actor.roles)
    lines = [texts.HELP_HEADER.format(role=role)]
    allowed = [c for c in commands_for(actor.roles, kind) if c.name != "start"]
    if kind != ChatKind.PRIVATE or (context.args and context.args[0] in texts.HELP_ALL_WORDS):
        lines += [texts.HELP_LINE.format(name=c.name, description=c.description)
                  for c in allowed]
        await message.reply_text("\n".join(lines))
        return
    # In private: the big buttons first, then a member's other commands; a staff member's
    # work commands are in Telegram's command menu and in `/help 全部`.
    buttons = menu_names(actor.roles)
    described = {c.name: c.description for c in allowed} | {
        "my_meetings": texts.MY_MEETINGS_DESCRIPTION}
    lines += [texts.HELP_BUTTONS] + [
        texts.HELP_BUTTON_LINE.format(button=texts.MENU_BUTTON[n], description=described[n])
        for n in buttons]
    others = [c for c in commands_for(frozenset({Role.MEMBER}), kind)
              if c.name not in buttons and c.name not in ("start", "help")]
    lines += [texts.HELP_OTHERS] + [
        texts.HELP_LINE.format(name=c.name, description=c.description) for c in others]
    if actor.roles - {Role.MEMBER}:
        lines.append(texts.HELP_MORE)
    await message.reply_text("\n".join(lines), reply_markup=main_menu(actor.roles))


@guarded("me")
async def me(update: Update, context: BranchContext, actor: Actor) -> None:
    """Show the member his own record."""
    message = update.effective_message
    assert message is not None
    if actor.person is None:  # a bootstrap secretary not yet in the roster
        await message.reply_text(texts.NOT_LINKED)
        return
    deps = context.deps
    text = views.person_details(actor.person, deps.roster.today(), await deps.roster.groups(),
                                private=True, title=texts.ME_TITLE)
    await message.reply_text(f"{text}\n\n{texts.ME_CORRECTION}")


@guarded("card")
async def card(update: Update, context: BranchContext, actor: Actor) -> None:
    """亲情服务卡: the member's group leader and the secretary, with phone numbers."""
    await _send_card(update, context, actor)


async def _send_card(update: Update, context: BranchContext, actor: Actor) -> None:
    message = update.effective_message
    assert message is not None
    if actor.person is None:
        await message.reply_text(texts.NOT_LINKED)
        return
    deps = context.deps
    leader = await deps.org.carer_of(actor.person)
    await message.reply_text(views.service_card(actor.person, leader,
                                                await deps.org.secretaries()))


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    app.add_handler(CommandHandler("me", me))
    app.add_handlers(entry("card", card))
    app.add_handler(MessageHandler(filters.CONTACT & filters.ChatType.PRIVATE, contact_shared))
