"""Backups and restores with SQLite's own online backup API.

A backup is consistent even while the bot writes (the API copies a snapshot page by
page), and every copy is checked with `PRAGMA integrity_check` before it is trusted:
after a backup, and before a restore, which refuses a damaged or foreign file and keeps
the database it replaces beside it.
"""

from __future__ import annotations

import asyncio
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import aiosqlite

from storage.db import Database, RunLock, load_migrations, private_file


class BackupFault(StrEnum):
    """Why a file cannot be backed up to or restored from; words: `texts.BACKUP_FAULTS`."""

    MISSING = "missing"
    NOT_A_DATABASE = "not_a_database"   # values: detail
    DAMAGED = "damaged"                 # values: detail
    FOREIGN = "foreign"                 # not this bot's database
    NEWER = "newer"                     # values: version
    RUNNING = "running"                 # the bot holds the database


class BackupError(Exception):
    """The backup or restore could not be done: `fault` says why, for `path`."""

    def __init__(self, fault: BackupFault, path: Path | str, **values: object) -> None:
        super().__init__(f"{path}: {fault} {values or ''}".strip())
        self.fault = fault
        self.path = path
        self.values = values


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    size: int
    people: int
    version: int


def check_file(path: Path) -> BackupInfo:
    """Integrity, schema version and a head count of a database file."""
    if not path.is_file():
        raise BackupError(BackupFault.MISSING, path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            people = (conn.execute("SELECT count(*) FROM people").fetchone()[0]
                      if "people" in tables else 0)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BackupError(BackupFault.NOT_A_DATABASE, path, detail=str(exc)) from exc
    if ok != "ok":
        raise BackupError(BackupFault.DAMAGED, path, detail=ok)
    if "people" not in tables or version < 1:
        raise BackupError(BackupFault.FOREIGN, path)
    if version > len(load_migrations()):
        raise BackupError(BackupFault.NEWER, path, version=version)
    return BackupInfo(path, path.stat().st_size, people, version)


async def backup(source: Database | Path, dest: Path) -> BackupInfo:
    """Copy the live database (the bot's, or a file path) to `dest` and check it."""
    partial = await asyncio.to_thread(_prepare, dest)
    target = sqlite3.connect(partial)
    try:
        if isinstance(source, Database):
            await source.backup_onto(target)  # noqa: ASYNC240 (the Database here)
        else:
            async with aiosqlite.connect(f"file:{source}?mode=ro", uri=True) as conn:
                await conn.backup(target)
    finally:
        target.close()
    return await asyncio.to_thread(_finish, partial, dest)


def _prepare(dest: Path) -> Path:
    partial = dest.with_suffix(dest.suffix + ".partial")
    partial.unlink(missing_ok=True)
    private_file(partial)
    return partial


def _finish(partial: Path, dest: Path) -> BackupInfo:
    # The copy inherits WAL mode; a backup should be one self-contained file.
    conn = sqlite3.connect(partial)
    try:
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    info = check_file(partial)
    partial.replace(dest)  # only a checked copy ever takes the backup's name
    return BackupInfo(dest, info.size, info.people, info.version)


class BotRunning(BackupError):
    """A running bot holds the database: nothing was touched."""


def restore(src: Path, db_path: Path, *, now: datetime) -> tuple[BackupInfo, Path | None]:
    """Replace the database with a checked backup; the old one is kept beside it.
    Refused while the bot runs (it holds `RunLock`): it would go on writing to the file
    it opened. The copy kept is made with the backup API, so what was still only in the
    write-ahead log (the last visits and suggestions) is in it too."""
    lock = RunLock(db_path)
    if not lock.acquire():
        raise BotRunning(BackupFault.RUNNING, db_path)
    try:
        check_file(src)  # refuses a damaged or foreign file before anything is touched
        kept = None
        if db_path.exists():
            kept = db_path.with_name(f"{db_path.name}.before-restore-{now:%Y%m%d-%H%M%S}")
            _copy_whole(db_path, kept)
        return _replace(src, db_path), kept
    finally:
        lock.release()


def _copy_whole(db_path: Path, dest: Path) -> None:
    """The database as it stands, its log included, into one checked file."""
    partial = _prepare(dest)
    _sqlite_copy(sqlite3.connect(db_path), partial)
    _finish(partial, dest)


def _replace(src: Path, db_path: Path) -> BackupInfo:
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    private_file(db_path)
    _sqlite_copy(sqlite3.connect(f"file:{src}?mode=ro", uri=True), db_path)
    return check_file(db_path)


def _sqlite_copy(source: sqlite3.Connection, target_path: Path) -> None:
    """Every page of `source` into the file at `target_path`, with SQLite's backup API."""
    target = sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` automatic backups; return what was deleted."""
    backups = sorted(directory.glob("branch-*.db"))
    doomed = backups[:-keep] if keep > 0 else backups
    for path in doomed:
        path.unlink(missing_ok=True)
    return doomed
