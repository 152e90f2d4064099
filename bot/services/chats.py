"""Which chat is which: the branch group, the committee chat, private chats, strangers.

The configured ids are the starting point; when Telegram moves a group to a new id (an
upgrade to a supergroup) the new id is saved and used from then on, and the old one is
still recognised for the few updates that may still arrive from it.

It also remembers who left the branch group or the committee chat: Telegram hides a
chat from someone who left, but an old message forwarded or a forged button would still
reach the bot, so those chats' buttons are refused to them until they rejoin. Kept in
memory as well, so a tap costs no extra database read.
"""

from __future__ import annotations

from enum import StrEnum

from bot.clock import Clock, iso
from bot.config import ChatsConfig
from storage.chats import ChatRepo


class ChatKind(StrEnum):
    PRIVATE = "private"
    BRANCH_GROUP = "group"
    COMMITTEE = "committee"
    UNKNOWN = "unknown"


class ChatDirectory:
    def __init__(self, repo: ChatRepo, config: ChatsConfig, clock: Clock) -> None:
        self.repo = repo
        self.clock = clock
        self._current = {"group": config.group_chat_id, "committee": config.committee_chat_id}
        self._known: dict[int, str] = {
            cid: kind for kind, cid in self._current.items() if cid
        }
        self._departed: set[tuple[str, int]] = set()

    async def load(self) -> None:
        for kind, chat_id in (await self.repo.overrides()).items():
            self._current[kind] = chat_id
            self._known[chat_id] = kind
        self._departed = set(await self.repo.departures())

    def has_left(self, chat_id: int, tg_user_id: int) -> bool:
        kind = self._known.get(chat_id)
        return kind is not None and (kind, tg_user_id) in self._departed

    async def left(self, chat_id: int, tg_user_id: int) -> bool:
        """Someone left one of our chats; False if the chat is not ours or this is known
        already (Telegram may report a departure twice: a service message and a member
        update)."""
        kind = self._known.get(chat_id)
        if kind is None or (kind, tg_user_id) in self._departed:
            return False
        await self.repo.departed(kind, tg_user_id, at=iso(self.clock.now()))
        self._departed.add((kind, tg_user_id))
        return True

    async def joined(self, chat_id: int, tg_user_id: int) -> None:
        kind = self._known.get(chat_id)
        if kind is not None and (kind, tg_user_id) in self._departed:
            await self.repo.returned(kind, tg_user_id)
            self._departed.discard((kind, tg_user_id))

    @property
    def group_chat_id(self) -> int:
        return self._current["group"]

    @property
    def committee_chat_id(self) -> int | None:
        return self._current["committee"] or None

    def destination(self, audience: str) -> int | None:
        """The chat a post or card for `audience` ("group", "committee") goes to, or None
        when the branch has no such chat. Committee material never falls back to the
        branch group: with no committee chat there is simply no such destination."""
        if audience == "group":
            return self.group_chat_id
        if audience == "committee":
            return self.committee_chat_id
        return None

    def kind(self, chat_id: int, chat_type: str) -> ChatKind:
        if chat_type == "private":
            return ChatKind.PRIVATE
        known = self._known.get(chat_id)
        if known == "group":
            return ChatKind.BRANCH_GROUP
        if known == "committee":
            return ChatKind.COMMITTEE
        return ChatKind.UNKNOWN

    async def migrate(self, old_id: int, new_id: int) -> bool:
        """Follow a chat to its new id; False when the old id was not one of ours."""
        kind = self._known.get(old_id)
        if kind is None:
            return False
        if self._current[kind] != new_id:
            await self.repo.set(kind, new_id, at=iso(self.clock.now()))
            self._current[kind] = new_id
        self._known[new_id] = kind
        return True
