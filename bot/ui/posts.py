"""How a notice or study post reads and what buttons it carries; the leaders' follow-up
list. Shared by the composer, the sending job and the buttons' handlers."""

from __future__ import annotations

from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import pack
from bot.services.dates import show_date
from bot.services.posts import PASS_ON, Missing
from storage.models import Post


def post_text(post: Post) -> str:
    header = (texts.STUDY_HEADER if post.kind == "study" else texts.NOTICE_HEADER).format(
        title=post.title)
    body = post.body.strip().splitlines()
    if body and body[0].strip() == post.title:  # the title is the first line: say it once
        body = body[1:]
    rest = "\n".join(body).strip()
    lines = [header, "", rest] if rest else [header]
    if post.due_on:
        lines.append(texts.STUDY_DUE_LINE.format(due=show_date(date.fromisoformat(post.due_on))))
    return "\n".join(lines)


def post_keyboard(post: Post) -> InlineKeyboardMarkup | None:
    if post.kind == "study":
        return InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_ACK_STUDY, callback_data=pack("pst", "ok", post.id)),
            InlineKeyboardButton(texts.BUTTON_REFLECT, callback_data=pack("pst", "rf", post.id)),
        ]])
    if post.receipt:
        return InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.BUTTON_ACK_NOTICE, callback_data=pack("pst", "ok", post.id))]])
    return None


def followup(post: Post, missing: list[Missing]) -> tuple[str, InlineKeyboardMarkup | None]:
    """A leader's list of his people not yet reached, one row of buttons each."""
    if not missing:
        return texts.FOLLOWUP_DONE_ALL.format(title=post.title), None
    lines = [texts.FOLLOWUP_TITLE.format(title=post.title, count=len(missing))]
    lines += [texts.FOLLOWUP_LINE.format(name=m.person.name,
                                         reason=texts.FOLLOWUP_REASON[m.reason])
              for m in missing]
    words = texts.PASSED_ON[post.kind]
    rows = [[InlineKeyboardButton(f"{m.person.name}·{words[how]}",
                                  callback_data=pack("pst", "px", post.id, m.person.id, i))
             for i, how in enumerate(PASS_ON)] for m in missing[:40]]
    return "\n".join(lines), InlineKeyboardMarkup(rows)
