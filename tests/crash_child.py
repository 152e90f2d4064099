"""The real bot, as its own process, with its clock set to a given moment: for the crash
tests, which kill it with SIGKILL and start it again on the same or a later day.

    python -m tests.crash_child CONFIG 2026-12-03T10:00:00+08:00

Everything is the production application (`build_application`, long polling); only the
clock starts at the given moment and then runs at the speed of the wall clock.
"""

from __future__ import annotations

import logging
import sys
from datetime import datetime

from telegram import Update

from bot.app import build_application
from bot.clock import ShiftedClock
from bot.config import load_config


def main() -> None:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    config = load_config(sys.argv[1], env={})
    app = build_application(config, clock=ShiftedClock(datetime.fromisoformat(sys.argv[2])))
    app.run_polling(allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
