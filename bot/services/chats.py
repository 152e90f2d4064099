"""Which chat is which: the branch group, the committee chat, private chats, strangers.

The configured ids are the starting point; when Telegram moves a group to a new id (an
upgrade to a supergroup) the new id is saved and used from then on, and the old one is
still recognised for the few updates that may still arrive from it.
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

    async def load(self) -> None:
        for kind, chat_id in (await self.repo.overrides()).items():
            self._current[kind] = chat_id
            self._known[chat_id] = kind

    @property
    def group_chat_id(self) -> int:
        return self._current["group"]

    @property
    def committee_chat_id(self) -> int | None:
        return self._current["committee"] or None

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
