"""The committee's view of the roster: /map (联络图), /roster, /invite and /role.

A group leader sees and invites only his own group; the secretary, committee members and
liaisons see the whole branch; only the secretary changes roles and groups.
"""

from __future__ import annotations

import io
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import CommandHandler

from bot import texts
from bot.commands import main_menu, sync_user_menu
from bot.context import BranchApp, BranchContext
from bot.guard import chat_kind, guarded
from bot.services.access import Actor
from bot.services.chats import ChatKind
from bot.services.problems import Problem
from bot.services.roster import RosterError, parse_role_args
from bot.ui import views
from bot.ui.lookup import find_one

log = logging.getLogger(__name__)


@guarded("map")
async def contact_map(update: Update, context: BranchContext, actor: Actor) -> None:
    """联络图: every leader and the people he looks after; anyone without a group flagged."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    groups = await deps.roster.groups()
    people = await deps.roster.all()
    if not actor.sees_whole_branch:
        groups = [g for g in groups if g.id in actor.led_group_ids]
        people = [p for p in people if p.group_id in actor.led_group_ids]
    private = chat_kind(update, context) is ChatKind.PRIVATE
    await message.reply_text(views.contact_map(groups, people, with_phones=private))


@guarded("roster")
async def roster(update: Update, context: BranchContext, actor: Actor) -> None:
    """Look a person up (or see the totals) within what this role may see."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    query = " ".join(context.args or []).strip()
    args = list(context.args or [])
    if args and args[0] in (texts.ROSTER_EDIT_WORD, texts.ROSTER_ADD_WORD):
        await _change(update, context, actor, args)
        return
    if query == texts.ROSTER_EXPORT_WORD:
        data = await deps.roster.export(actor)
        if data is None:
            await message.reply_text(texts.ROSTER_EXPORT_NOT_ALLOWED)
            return
        await message.reply_document(io.BytesIO(data), filename=texts.ROSTER_EXPORT_FILE,
                                     caption=texts.ROSTER_EXPORT_CAPTION)
        return
    if not query:
        people = [p for p in await deps.roster.all() if actor.may_see(p)]
        groups = [g for g in await deps.roster.groups()
                  if actor.sees_whole_branch or g.id in actor.led_group_ids]
        lines = "\n".join(
            texts.ROSTER_GROUP_LINE.format(
                group=g.name, count=sum(1 for p in people if p.group_id == g.id and p.active))
            for g in groups
        )
        await message.reply_text(texts.ROSTER_SUMMARY.format(
            total=len(people), alive=sum(1 for p in people if p.alive), groups=lines))
        return
    person = await find_one(update, context, actor, query)
    if person is not None:
        await message.reply_text(views.roster_entry(
            person, deps.roster.today(), await deps.roster.groups(),
            care=actor.may_see_private(person)))


async def _change(update: Update, context: BranchContext, actor: Actor,
                  args: list[str]) -> None:
    """`/roster 改 姓名 字段 值…` and `/roster 新增 编号 姓名 党小组 类别 政治面貌`."""
    message = update.effective_message
    assert message is not None
    roster = context.deps.roster
    try:
        if args[0] == texts.ROSTER_ADD_WORD:
            added = await roster.add(actor, args[1:])
            await message.reply_text(texts.ROSTER_ADDED.format(
                name=added.name, ext_id=added.ext_id, group=added.group_name or ""))
            return
        if len(args) < 4:
            raise RosterError(Problem.ROSTER_EDIT_USAGE)
        person = await find_one(update, context, actor, args[1])
        if person is None:
            return
        edited = await roster.edit(actor, person, args[2], args[3:])
    except RosterError as exc:
        await message.reply_text(texts.explain(exc))
        return
    await message.reply_text(texts.ROSTER_EDITED.format(name=edited.name, field=args[2]))


@guarded("invite")
async def invite(update: Update, context: BranchContext, actor: Actor) -> None:
    """Make a single-use deep link that binds one person's Telegram account."""
    message = update.effective_message
    assert message is not None
    query = " ".join(context.args or []).strip()
    if not query:
        await message.reply_text(texts.INVITE_USAGE)
        return
    person = await find_one(update, context, actor, query)
    if person is None:
        return
    if not person.active:
        await message.reply_text(texts.INVITE_DECEASED.format(name=person.name))
        return
    made = await context.deps.linking.create_invite(person, by_tg=actor.tg_user_id)
    link = f"https://t.me/{context.bot.username}?start={made.payload}"
    text = texts.INVITE_CREATED.format(name=person.name, link=link,
                                       days=context.deps.config.linking.invite_days)
    if person.tg_user_id is not None:
        text += "\n" + texts.INVITE_RELINK_NOTE.format(name=person.name)
    await message.reply_text(text)


@guarded("role")
async def role(update: Update, context: BranchContext, actor: Actor) -> None:
    """Grant or revoke 书记/支委/联络员, set or clear a group leader, move to a group."""
    message = update.effective_message
    assert message is not None
    deps = context.deps
    command = parse_role_args(context.args or [])
    if command is None:
        await message.reply_text(texts.ROLE_USAGE)
        return
    person = await find_one(update, context, actor, command.who)
    if person is None:
        return
    groups = await deps.roster.groups()
    group = next((g for g in groups if g.name == command.group), None)
    if command.group is not None and group is None:
        await message.reply_text(texts.ROLE_UNKNOWN_GROUP.format(
            group=command.group, groups="、".join(g.name for g in groups)))
        return
    roster_svc = deps.roster
    if command.action in ("grant", "revoke"):
        assert command.role is not None
        granted = command.action == "grant"
        await roster_svc.set_role(person, command.role, granted, actor_tg=actor.tg_user_id)
        template = texts.ROLE_GRANTED if granted else texts.ROLE_REVOKED
        text = template.format(name=person.name, role=texts.ROLE_NAMES[command.role])
    elif command.action == "lead":
        assert group is not None
        await roster_svc.set_leader(group.id, person, actor_tg=actor.tg_user_id)
        text = texts.ROLE_LEADER_SET.format(name=person.name, group=group.name)
    elif command.action == "unlead":
        led = [g for g in groups if g.leader_id == person.id]
        if not led:
            await message.reply_text(texts.ROLE_NOT_LEADER.format(name=person.name))
            return
        for g in led:
            await roster_svc.set_leader(g.id, None, actor_tg=actor.tg_user_id)
        text = texts.ROLE_LEADER_CLEARED.format(name=person.name,
                                                groups="、".join(g.name for g in led))
    else:
        assert group is not None
        await roster_svc.move(person, group.id, actor_tg=actor.tg_user_id)
        text = texts.ROLE_MOVED.format(name=person.name, group=group.name)
    await message.reply_text(text)
    if person.tg_user_id is not None:
        changed = await deps.access.actor(person.tg_user_id)
        await sync_user_menu(context.bot, person.tg_user_id, changed.roles)
        if command.action != "move":  # his work changed: so do his big buttons
            try:
                await context.bot.send_message(person.tg_user_id, texts.MENU_UPDATED,
                                               reply_markup=main_menu(changed.roles))
            except TelegramError as exc:  # he may have blocked the bot: the change stands
                log.info("could not send the new menu to %s: %s", person.tg_user_id, exc)


def register(app: BranchApp) -> None:
    app.add_handler(CommandHandler("map", contact_map))
    app.add_handler(CommandHandler("roster", roster))
    app.add_handler(CommandHandler("invite", invite))
    app.add_handler(CommandHandler("role", role))
