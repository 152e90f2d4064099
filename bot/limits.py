"""Telegram's size limits, kept in one place for every message the bot composes.

`BranchBot` is PTB's `ExtBot` with one difference: whatever handler or job asks it to
send, a text longer than Telegram's 4,096 characters goes out as several messages, split
at line ends (the buttons, if any, ride on the last one), and a caption longer than 1,024
characters is cut with "…" (the full text of a long notice is in its message body when it
has no file). So a list that grows with the branch's history (`/visits`, `/study`) never
makes Telegram answer "message is too long", and no handler needs to remember the limit.
Callback data (64 bytes) is checked where it is made, in `bot/callbacks.py`.
"""

from __future__ import annotations

from typing import Any

from telegram import Message
from telegram.ext import ExtBot

MESSAGE_LIMIT = 4096
CAPTION_LIMIT = 1024


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut after a line where possible."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut])
        rest = rest[cut:].removeprefix("\n")
    pieces.append(rest)
    return pieces


def fit_caption(caption: str | None) -> str | None:
    if caption is None or len(caption) <= CAPTION_LIMIT:
        return caption
    return caption[:CAPTION_LIMIT - 1] + "…"


class BranchBot(ExtBot[Any]):
    # The overrides take everything after the text or file by keyword, as every caller
    # here and in PTB's shortcuts (`Message.reply_text`, …) passes it: hence the ignores.

    async def send_message(self, chat_id: Any, text: str, **kwargs: Any) -> Message:  # type: ignore[override]
        pieces = split_text(text)
        if len(pieces) == 1:
            return await super().send_message(chat_id, text, **kwargs)
        last = dict(kwargs)
        for key in ("reply_markup", ):  # the buttons ride on the last piece
            kwargs.pop(key, None)
        for key in ("reply_parameters", "reply_to_message_id"):  # the first piece answers
            last.pop(key, None)
        for piece in pieces[:-1]:
            await super().send_message(chat_id, piece, **kwargs)
        return await super().send_message(chat_id, pieces[-1], **last)

    async def edit_message_text(self, text: str, **kwargs: Any) -> Any:  # type: ignore[override]
        # An edit cannot become two messages: the message keeps its first piece.
        return await super().edit_message_text(split_text(text)[0], **kwargs)

    async def send_document(self, chat_id: Any, document: Any, **kwargs: Any) -> Message:  # type: ignore[override]
        kwargs["caption"] = fit_caption(kwargs.get("caption"))
        return await super().send_document(chat_id, document, **kwargs)

    async def send_photo(self, chat_id: Any, photo: Any, **kwargs: Any) -> Message:  # type: ignore[override]
        kwargs["caption"] = fit_caption(kwargs.get("caption"))
        return await super().send_photo(chat_id, photo, **kwargs)
