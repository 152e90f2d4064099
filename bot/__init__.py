"""支部助手: a Telegram bot for a Party branch of retired cadres.

`bot.app` is the composition root, `bot.__main__` the command line, `bot.handlers` the
Telegram side of each feature, `bot.services` the branch's rules, `bot.jobs` the
scheduled pushes and `storage` (a sibling package) every line of SQL.
"""

__version__ = "0.1.0"

import os as _os

# Opt in to PTB's future behaviour (time periods as timedelta). Without it PTB warns on
# every 429 it handles; the bot is written for the new types.
_os.environ.setdefault("PTB_TIMEDELTA", "1")
