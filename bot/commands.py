"""The command registry: one table says what each command is called, what the menu says,
who may use it and where. The access guard, `/help` and the Telegram command menus are
all built from it, so they cannot disagree."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    KeyboardButton,
    ReplyKeyboardMarkup,
)
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CommandHandler, ExtBot, MessageHandler, filters

from bot import texts
from bot.services.access import EVERYONE, LINKED, STAFF, Role
from bot.services.chats import ChatKind

log = logging.getLogger(__name__)

PRIVATE = frozenset({ChatKind.PRIVATE})
ANY_OF_OURS = frozenset({ChatKind.PRIVATE, ChatKind.BRANCH_GROUP, ChatKind.COMMITTEE})
# Who arranges meetings and follows up on them: the secretary, and leaders for their group.
ORGANISERS = frozenset({Role.SECRETARY, Role.LEADER})
# Who looks after people's care records: the secretary, and leaders for their group.
CARERS = ORGANISERS
# Who sends notices and study material: the secretary and committee to anyone, leaders to
# their own group (the service checks the audience).
POSTERS = frozenset({Role.SECRETARY, Role.COMMITTEE, Role.LEADER})


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str
    roles: frozenset[Role]
    chats: frozenset[ChatKind]


COMMANDS: dict[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        CommandSpec("start", texts.CMD_START, EVERYONE, PRIVATE),
        CommandSpec("help", texts.CMD_HELP, EVERYONE, ANY_OF_OURS),
        CommandSpec("me", texts.CMD_ME, LINKED, PRIVATE),
        CommandSpec("card", texts.CMD_CARD, LINKED, PRIVATE),
        CommandSpec("map", texts.CMD_MAP, STAFF,
                    frozenset({ChatKind.PRIVATE, ChatKind.COMMITTEE})),
        CommandSpec("roster", texts.CMD_ROSTER, STAFF, PRIVATE),
        CommandSpec("print", texts.CMD_PRINT, ORGANISERS, PRIVATE),
        CommandSpec("invite", texts.CMD_INVITE, STAFF, PRIVATE),
        CommandSpec("role", texts.CMD_ROLE, frozenset({Role.SECRETARY}), PRIVATE),
        CommandSpec("meeting", texts.CMD_MEETING, ORGANISERS, PRIVATE),
        CommandSpec("meetings", texts.CMD_MEETINGS, ORGANISERS, PRIVATE),
        CommandSpec("proxy", texts.CMD_PROXY, ORGANISERS, PRIVATE),
        CommandSpec("close", texts.CMD_CLOSE, ORGANISERS, PRIVATE),
        CommandSpec("makeups", texts.CMD_MAKEUPS, ORGANISERS, PRIVATE),
        CommandSpec("attendance", texts.CMD_ATTENDANCE, LINKED, PRIVATE),
        CommandSpec("visit", texts.CMD_VISIT, STAFF, PRIVATE),
        CommandSpec("visits", texts.CMD_VISITS, STAFF, PRIVATE),
        CommandSpec("care", texts.CMD_CARE, CARERS, PRIVATE),
        CommandSpec("flag", texts.CMD_FLAG, CARERS, PRIVATE),
        CommandSpec("helpme", texts.CMD_HELPME, LINKED, PRIVATE),
        CommandSpec("notice", texts.CMD_NOTICE, POSTERS, PRIVATE),
        CommandSpec("notices", texts.CMD_NOTICES, POSTERS, PRIVATE),
        CommandSpec("study", texts.CMD_STUDY, LINKED, PRIVATE),
        CommandSpec("quiz", texts.CMD_QUIZ, LINKED, PRIVATE),
        CommandSpec("survey", texts.CMD_SURVEY, LINKED, PRIVATE),
        CommandSpec("suggest", texts.CMD_SUGGEST, LINKED, PRIVATE),
        CommandSpec("deed", texts.CMD_DEED, LINKED, PRIVATE),
        CommandSpec("dues", texts.CMD_DUES, LINKED, PRIVATE),
        CommandSpec("collect", texts.CMD_COLLECT, LINKED, PRIVATE),
        CommandSpec("report", texts.CMD_REPORT,
                    frozenset({Role.SECRETARY, Role.COMMITTEE}), PRIVATE),
        CommandSpec("suggestions", texts.CMD_SUGGESTIONS, frozenset({Role.SECRETARY}),
                    PRIVATE),
        CommandSpec("audit", texts.CMD_AUDIT, frozenset({Role.SECRETARY}), PRIVATE),
        CommandSpec("web", texts.CMD_WEB, LINKED, PRIVATE),
        CommandSpec("export", texts.CMD_EXPORT, frozenset({Role.SECRETARY}), PRIVATE),
        CommandSpec("erase", texts.CMD_ERASE, frozenset({Role.SECRETARY}), PRIVATE),
    )
}


def commands_for(roles: frozenset[Role], chat: ChatKind) -> list[CommandSpec]:
    return [c for c in COMMANDS.values() if c.roles & roles and chat in c.chats]


def _menu(specs: list[CommandSpec]) -> list[BotCommand]:
    return [BotCommand(s.name, s.description) for s in specs]


async def sync_menus(
    bot: ExtBot[object], group_chat_id: int, committee_chat_id: int | None,
    staff: dict[int, frozenset[Role]],
) -> None:
    """Register scoped menus: members' in private chats, each staff member's own in his
    private chat, and the short lists for the two group chats.

    A failure is logged, not raised: a missing menu must not keep the bot from starting.
    """
    member = frozenset({Role.MEMBER})
    scopes: list[tuple[object, list[BotCommand]]] = [
        (BotCommandScopeAllPrivateChats(), _menu(commands_for(member, ChatKind.PRIVATE))),
        (BotCommandScopeChat(group_chat_id),
         _menu(commands_for(member, ChatKind.BRANCH_GROUP))),
    ]
    if committee_chat_id:
        scopes.append((BotCommandScopeChat(committee_chat_id),
                       _menu(commands_for(frozenset(Role), ChatKind.COMMITTEE))))
    for user_id, roles in staff.items():
        scopes.append((BotCommandScopeChat(user_id),
                       _menu(commands_for(roles, ChatKind.PRIVATE))))
    for scope, menu in scopes:
        try:
            await bot.set_my_commands(menu, scope=scope)  # type: ignore[arg-type]
        except TelegramError as exc:
            log.warning("could not set the command menu for %s: %s", scope, exc)


async def sync_user_menu(bot: ExtBot[object], tg_user_id: int, roles: frozenset[Role]) -> None:
    """Give one person the menu of his roles after he links or his roles change."""
    scope = BotCommandScopeChat(tg_user_id)
    try:
        if roles - {Role.MEMBER, Role.STRANGER}:
            await bot.set_my_commands(_menu(commands_for(roles, ChatKind.PRIVATE)), scope=scope)
        else:
            await bot.delete_my_commands(scope=scope)  # the members' default applies
    except TelegramError as exc:
        log.warning("could not set the command menu of user %s: %s", tg_user_id, exc)


# -- the main menu: big reply-keyboard buttons for the few things each role does often ----
# Each button does what its command does (same handler, same access check); `my_meetings`
# is the member's own page of meetings, which has no slash command of its own.
MENU: dict[Role, tuple[str, ...]] = {
    Role.SECRETARY: ("notice", "meeting", "visits", "report"),
    Role.COMMITTEE: ("notice", "report"),
    Role.LEADER: ("meeting", "proxy", "care", "makeups"),
    Role.MEMBER: ("my_meetings", "study", "card", "helpme"),
}
# Whose buttons a person with several roles gets: a committee member who leads a group
# does a leader's work day to day (his committee commands stay in the command menu).
_ROLE_ORDER = (Role.SECRETARY, Role.LEADER, Role.COMMITTEE, Role.MEMBER)


def menu_names(roles: frozenset[Role]) -> list[str]:
    """The buttons a person with `roles` gets: those of his first work role in
    `_ROLE_ORDER` (a secretary who also leads a group gets the secretary's), then a
    member's — at most eight."""
    work = next((MENU[r] for r in _ROLE_ORDER[:-1] if r in roles), ())
    if Role.MEMBER not in roles and not work:
        return []
    return [*work, *(n for n in MENU[Role.MEMBER] if n not in work)]


def main_menu(roles: frozenset[Role]) -> ReplyKeyboardMarkup | None:
    """The persistent keyboard under the private chat; None for a stranger."""
    names = menu_names(roles)
    if not names:
        return None
    buttons = [KeyboardButton(texts.MENU_BUTTON[n]) for n in names]
    return ReplyKeyboardMarkup([buttons[i:i + 2] for i in range(0, len(buttons), 2)],
                               resize_keyboard=True, is_persistent=True,
                               input_field_placeholder=texts.MENU_PLACEHOLDER)


def menu_button(name: str) -> filters.BaseFilter:
    """A tap on the main-menu button for `name` (it arrives as that text, in private)."""
    return filters.ChatType.PRIVATE & filters.Text([texts.MENU_BUTTON[name]])


# Typed text that is a menu button, not an answer: wizards leave it to the button.
MENU_TAP = filters.Text(list(texts.MENU_BUTTON.values()))


def entry(name: str, callback: Any, *, view: bool = False) -> list[BaseHandler[Any, Any, Any]]:
    """The handlers that start command `name`: the slash command, and its main-menu button
    when it has one, so the two can never do different things.

    A `view` (a heavy read: the year's report, the attendance figures) runs beside the
    updates that follow instead of before them, so a meeting's check-in burst never waits
    for it (bench/views_taps.py). It writes nothing, so exactly-once has nothing to guard;
    if the process stops while it is being built, it is simply asked for again."""
    handlers: list[BaseHandler[Any, Any, Any]] = [CommandHandler(name, callback,
                                                                 block=not view)]
    if name in texts.MENU_BUTTON:
        handlers.append(MessageHandler(menu_button(name), callback, block=not view))
    return handlers
