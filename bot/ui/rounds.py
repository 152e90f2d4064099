"""A phone round's list as its carer sees it: who to call, with a phone number grouped for
reading aloud, and three buttons a person until he is reached."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.callbacks import pack
from bot.services.rounds import CALL_BUTTONS, Sheet
from bot.ui.views import spoken_phone

# Telegram allows 100 rows of buttons; a carer's list is one group, far fewer people.
MAX_ROWS = 90


def sheet_message(sheet: Sheet) -> tuple[str, InlineKeyboardMarkup | None]:
    lines = [texts.ROUND_TITLE[sheet.round.kind].format(what=sheet.round.what)]
    for person, call in sheet.rows:
        if call.outcome is None:
            lines.append(texts.ROUND_PERSON.format(name=person.name,
                                                   phone=spoken_phone(person.phone)))
        else:
            lines.append(texts.ROUND_PERSON_DONE.format(
                name=person.name, outcome=texts.CALL_OUTCOME[call.outcome]))
    rows = [[InlineKeyboardButton(texts.CALL_BUTTON[outcome].format(name=person.name),
                                  callback_data=pack("rd", "c", sheet.round.id, person.id, i))
             for i, outcome in enumerate(CALL_BUTTONS)]
            for person, _ in sheet.open_rows[:MAX_ROWS]]
    if not rows:
        lines.append(texts.ROUND_ALL_DONE)
    return "\n".join(lines), InlineKeyboardMarkup(rows) if rows else None
