"""Keeping the database file: the daily automatic backup (`backup:daily`), a checked
online copy keeping the newest `backup.keep`, whose failure is logged and told to the
committee, never silently ignored; and the write-ahead log's checkpoint every few
seconds (`db:checkpoint`, see storage/db.py), off the connection the handlers use."""

from __future__ import annotations

import logging
import sqlite3
from datetime import time
from pathlib import Path

from telegram.error import TelegramError

from bot import texts
from bot.context import BranchApp, BranchContext
from storage.backup import BackupError, backup, prune

log = logging.getLogger(__name__)
DAILY = "backup:daily"
CHECKPOINT = "db:checkpoint"
# Often enough that the log never nears the shared connection's own checkpoint threshold
# (storage.db.BACKSTOP_PAGES): a burst of 100 taps a second writes ~600 pages a second.
CHECKPOINT_SECONDS = 5.0


async def daily_backup(context: BranchContext) -> None:
    """Back up, check, prune."""
    deps = context.deps
    directory = Path(deps.config.backup.dir)
    dest = directory / f"branch-{deps.scheduler.today():%Y%m%d}.db"
    try:
        info = await backup(deps.db, dest)
    except (BackupError, OSError) as exc:
        log.error("daily backup failed: %s", exc)
        error = (texts.backup_problem(exc) if isinstance(exc, BackupError)
                 else texts.CLI_FILE_ERROR.format(file=dest, error=exc.strerror))
        if deps.chats.committee_chat_id:
            try:
                await context.bot.send_message(deps.chats.committee_chat_id,
                                               texts.BACKUP_FAILED.format(error=error))
            except TelegramError as send_error:
                log.warning("could not report the failed backup: %s", send_error)
        return
    removed = prune(directory, deps.config.backup.keep)
    log.info("backup %s (%d bytes, %d people); removed %d old", info.path, info.size,
             info.people, len(removed))


async def checkpoint(context: BranchContext) -> None:
    try:
        frames, copied = await context.deps.db.checkpoint()
    except sqlite3.Error as exc:
        # Tried again at the next run; meanwhile the log only grows.
        log.warning("checkpoint failed: %s", exc)
        return
    if frames:
        log.debug("checkpoint: %d of %d log frames copied", copied, frames)


async def schedule_all(app: BranchApp) -> None:
    deps = app.bot_data.deps
    assert app.job_queue is not None
    app.job_queue.run_repeating(checkpoint, interval=CHECKPOINT_SECONDS,
                                first=CHECKPOINT_SECONDS, name=CHECKPOINT)
    if not deps.config.backup.enabled:
        return
    hour, minute = (int(x) for x in deps.config.backup.time.split(":"))
    app.job_queue.run_daily(daily_backup, time=time(hour, minute, tzinfo=deps.config.branch.tz),
                            name=DAILY)
