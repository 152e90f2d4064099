"""The process's single SQLite connection and its migrations.

`Database.open()` connects with WAL, foreign keys and a busy timeout, then applies the
numbered files in `storage/migrations/` that are newer than `PRAGMA user_version`, each in
its own transaction together with the version bump, so a crash mid-migration leaves the
previous version intact and the next start simply tries again.

The connection runs in autocommit mode; every write goes through `transaction()`, which
holds an asyncio lock so that concurrent handlers never interleave statements inside one
another's transaction on the shared connection.

Exactly once. While an update from Telegram is being handled, `applying_update` holds its
id (bot/inbox.py sets it), and every write made then also records that id in
`applied_updates`, in the same transaction: the record of "this update took effect" is
committed with the effect or not at all. An update replayed after a crash is then
skipped, whether or not its handler is idempotent. A lone statement (`write`,
`returning`: a tap's) runs with the record and the commit on the event loop's own thread
(`_apply`), not on aiosqlite's: with several updates handled at once, handing the
interpreter lock to that thread and back cost the loop more than SQLite's work (40 µs;
docs/PERFORMANCE.md §s13). All statements hold `_lock`, so the two threads never share the
connection at once.

Checkpoints (copying the write-ahead log back into the database file, with an fsync) are
not left to the shared connection: SQLite would run one inside whichever commit passes
1,000 log pages, and that commit, a button tap as often as not, would wait ~10 ms for it
(bench/tap_phases.py found every 165th tap doing so). `checkpoint()` runs them on a second
connection, with its own thread, which writers do not wait for; the job that calls it
is in bot/jobs/backup.py. The shared connection still checkpoints by itself past
`BACKSTOP_PAGES`, should that job ever stop.

Leaving no trace. Some updates carry what the bot promises not to keep: an anonymous
survey's choices and comment, a phone number shared to link an account. Their handler
calls `leave_no_trace()`; once the update is handled (and its inbox row, if it was
written, deleted), `forget_traces()` checkpoints the write-ahead log and truncates it to
nothing. With `secure_delete` on, a deleted row's bytes are overwritten in the database
file, so the update's content is then in neither file, nor in a backup made later.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
BACKSTOP_PAGES = 10_000  # about 40 MB of log
BUSY_MS = 5000
# The update being handled in this task, if any (see the module docstring).
applying_update: ContextVar[int | None] = ContextVar("applying_update", default=None)
_MARK_APPLIED = "INSERT OR IGNORE INTO applied_updates (update_id) VALUES (?)"
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# What a person is made of as `PeopleRepo` returns one (storage/people.py).
ROSTER_TABLES = ("people", "party_groups", "person_roles", "care_flags")


def load_migrations() -> list[tuple[int, str, str]]:
    """(number, file name, SQL) for every migration shipped with the package, in order."""
    found = []
    for entry in resources.files("storage.migrations").iterdir():
        m = _MIGRATION_NAME.match(entry.name)
        if m:
            found.append((int(m.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [n for n, _, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migrations must be numbered 1..n without gaps, got {numbers}")
    return found


class Tx:
    """Statements on the shared connection, each one round trip to SQLite's thread
    (a cursor's execute, fetch and close would be three: `execute_fetchall` is one)."""

    def __init__(self, conn: aiosqlite.Connection) -> None:
        self._conn = conn

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return how many rows it changed. Callers hold the lock,
        so the change count read around it is this statement's own."""
        before = self._conn.total_changes
        await self._conn.execute_fetchall(sql, params)
        return self._conn.total_changes - before

    async def insert(self, sql: str, params: Params = ()) -> int:
        """Run one INSERT; return the new row's id."""
        rows = list(await self._conn.execute_fetchall(f"{sql} RETURNING rowid", params))
        if not rows:
            raise RuntimeError("INSERT produced no row")
        return int(rows[0][0])

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._conn.executemany(sql, rows)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._conn.execute_fetchall(sql, params))


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: str | Path = ":memory:") -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._path = str(path)
        self._side: aiosqlite.Connection | None = None  # for checkpoints, opened when needed
        self.traceless: set[int] = set()  # handled updates to wipe from the files
        # Moves on with every write to the roster's tables through this connection
        # (`_watch_roster`): what a cache of people compares against.
        self.roster_version = 0
        self.busy_ms = BUSY_MS  # how long a statement waits for another's write lock

    @classmethod
    async def open(cls, path: str | Path, *, migrate: bool = True) -> Database:
        if str(path) != ":memory:":
            private_file(Path(path))
        # Used from two threads in turn, never at once (see the module's docstring).
        conn = await aiosqlite.connect(str(path), isolation_level=None,
                                       check_same_thread=False)
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute(f"PRAGMA wal_autocheckpoint = {BACKSTOP_PAGES:d}")
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA busy_timeout = {db.busy_ms:d}")
            await conn.execute("PRAGMA synchronous = NORMAL")
            await conn.execute("PRAGMA secure_delete = ON")
            if migrate:
                await db.migrate()
                await db._watch_roster()
        except BaseException:
            await conn.close()
            raise
        return db

    async def _watch_roster(self) -> None:
        """Temporary triggers (this connection's only: another process or the sqlite3
        shell writes without them) that move `roster_version` on when a row of the
        roster's tables is written, however the statement came to be written."""
        def changed() -> None:
            self.roster_version += 1

        await self._conn.create_function("roster_changed", 0, changed)
        for table in ROSTER_TABLES:
            for event in ("INSERT", "UPDATE", "DELETE"):
                await self._conn.execute(
                    f"CREATE TEMP TRIGGER IF NOT EXISTS roster_{table}_{event.lower()} "
                    f"AFTER {event} ON main.{table} BEGIN SELECT roster_changed(); END")

    async def close(self) -> None:
        if self._side is not None:
            await self._side.close()
            self._side = None
        await self._conn.close()

    async def checkpoint(self) -> tuple[int, int]:
        """Copy what the write-ahead log holds into the database file, from a connection
        of its own: statements on the shared one go on meanwhile. A PASSIVE checkpoint
        never waits; frames a reader still needs are left for the next one. Returns (log
        frames, frames copied); (0, 0) for an in-memory database."""
        if self._path == ":memory:":
            return 0, 0
        if self._side is None:
            self._side = await aiosqlite.connect(self._path, isolation_level=None)
        rows = list(await self._side.execute_fetchall("PRAGMA wal_checkpoint(PASSIVE)"))
        _, frames, copied = rows[0]
        return int(frames), int(copied)

    def leave_no_trace(self) -> None:
        """The update being handled carries what must not stay on disk (see above)."""
        update_id = applying_update.get()
        if update_id is not None:
            self.traceless.add(update_id)

    async def forget_traces(self) -> bool:
        """Copy the whole log into the database file and truncate the log to zero bytes,
        so nothing deleted survives in it. False if SQLite could not (it then keeps the
        log; the next call tries again)."""
        if self._path == ":memory:":
            return True
        async with self._lock:
            rows = list(await self._conn.execute_fetchall("PRAGMA wal_checkpoint(TRUNCATE)"))
        busy = int(rows[0][0])
        if busy:
            log.warning("write-ahead log not truncated: the database was busy")
        return not busy

    async def backup_onto(self, target: sqlite3.Connection) -> None:
        """SQLite's backup API onto `target`, with none of the bot's statements on this
        connection meanwhile (a tap's runs on the loop's thread, `_apply`)."""
        async with self._lock:
            await self._conn.backup(target)

    @property
    def connection(self) -> aiosqlite.Connection:
        """For tests (tracing, settings); the bot goes through the methods here."""
        return self._conn

    async def user_version(self) -> int:
        async with self._conn.execute("PRAGMA user_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def migrate(self) -> list[int]:
        """Apply pending migrations; return the numbers applied (empty when up to date)."""
        applied: list[int] = []
        async with self._lock:
            current = await self.user_version()
            pending = [m for m in load_migrations() if m[0] > current]
            if not pending:
                return applied
            # A migration may rebuild a table (SQLite's way to change a CHECK); with foreign
            # keys on, dropping the old table would cascade into the rows that point at it.
            # SQLite's documented procedure: keys off outside the transaction, then
            # foreign_key_check before COMMIT so a migration cannot leave a dangling row.
            await self._conn.execute("PRAGMA foreign_keys = OFF")
            try:
                for number, name, sql in pending:
                    log.info("applying migration %s", name)
                    # executescript would COMMIT first; run the statements ourselves so the
                    # schema change and the version bump share one transaction.
                    await self._conn.execute("BEGIN IMMEDIATE")
                    try:
                        for statement in _split_sql(sql):
                            await self._conn.execute(statement)
                        dangling = await self._conn.execute_fetchall("PRAGMA foreign_key_check")
                        if list(dangling):
                            raise sqlite3.IntegrityError(
                                f"migration {name} leaves rows pointing nowhere")
                        await self._conn.execute(f"PRAGMA user_version = {number:d}")
                        await self._conn.execute("COMMIT")
                    except BaseException:  # COMMIT included: see transaction()
                        await self._rollback()
                        raise
                    applied.append(number)
            finally:
                await self._conn.execute("PRAGMA foreign_keys = ON")
        return applied

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Tx]:
        async with self._lock:
            await self._conn.execute_fetchall("BEGIN IMMEDIATE")
            try:
                update_id = applying_update.get()
                if update_id is not None:
                    await self._conn.execute_fetchall(_MARK_APPLIED, (update_id,))
                yield Tx(self._conn)
                # Inside the try: a COMMIT that fails (disk full while writing the log)
                # must not leave the shared connection in an open transaction.
                await self._conn.execute_fetchall("COMMIT")
            except BaseException:
                await self._rollback()
                raise

    async def _rollback(self) -> None:
        """Roll back unless SQLite already has: on a full disk or an I/O error it ends
        the transaction itself, and a second ROLLBACK would fail and hide the cause."""
        if self._conn.in_transaction:
            await self._conn.execute_fetchall("ROLLBACK")

    async def write(self, sql: str, params: Params = ()) -> int:
        """One statement as its own transaction (SQLite makes a lone statement atomic):
        one round trip to SQLite's thread instead of three. Returns rows changed."""
        update_id = applying_update.get()
        async with self._lock:
            if update_id is None:
                return await Tx(self._conn).execute(sql, params)
            changed, _ = await self._apply(sql, params, update_id)
            return changed

    async def returning(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """One writing statement with a RETURNING clause, as its own transaction (one
        round trip); the rows it returns."""
        update_id = applying_update.get()
        async with self._lock:
            if update_id is None:
                return await Tx(self._conn).fetchall(sql, params)
            _, rows = await self._apply(sql, params, update_id)
            return rows

    async def _apply(self, sql: str, params: Params,
                     update_id: int) -> tuple[int, list[sqlite3.Row]]:
        """One statement and the update's record, in one transaction, on the event loop's
        thread (see the module's docstring). If another process holds the write lock, on
        aiosqlite's thread instead, which waits for it (`busy_ms`) while the loop goes on."""
        conn, busy = self._conn._conn, self.busy_ms
        try:
            return _apply_now(conn, sql, params, update_id, 0, busy)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or conn.in_transaction:
                raise
        result: tuple[int, list[sqlite3.Row]] = await self._conn._execute(
            _apply_now, conn, sql, params, update_id, busy, busy)
        return result

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        async with self._lock:
            return await Tx(self._conn).fetchone(sql, params)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with self._lock:
            return await Tx(self._conn).fetchall(sql, params)

    async def table_names(self) -> list[str]:
        rows = await self.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
        return [r["name"] for r in rows]


def _apply_now(conn: sqlite3.Connection, sql: str, params: Params, update_id: int,
               wait_ms: int, busy_ms: int) -> tuple[int, list[sqlite3.Row]]:
    """`sql` and the record that `update_id` took effect, in one transaction, waiting
    `wait_ms` at most for another process's write lock (SQLITE_BUSY after that)."""
    conn.execute(f"PRAGMA busy_timeout = {wait_ms:d}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    finally:
        conn.execute(f"PRAGMA busy_timeout = {busy_ms:d}")  # the connection's own again
    try:
        before = conn.total_changes
        rows = conn.execute(sql, params).fetchall()
        changed = conn.total_changes - before
        conn.execute(_MARK_APPLIED, (update_id,))
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return changed, rows


class RunLock:
    """Held by the running bot for its whole life, on `<database>.lock`: a restore, which
    replaces the file under the bot's feet, refuses while it is held, and a second bot on
    the same database refuses to start. An flock, so the system drops it when the
    process ends, however it ends."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = Path(f"{db_path}.lock")
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        private_file(self.path)
        fd = os.open(self.path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the lock
            self._fd = None


def private_file(path: Path) -> None:
    """Create `path` (and its folder) readable by the bot's own user only: the database
    and its backups hold health, hardship and phone numbers. SQLite gives the -wal and
    -shm files the database file's mode. (A few microseconds of blocking file calls.)"""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)


def _split_sql(script: str) -> list[str]:
    """Split a migration file into statements using sqlite3's own completeness check."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        if not buf and (not line.strip() or line.lstrip().startswith("--")):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buf[:80]!r}")
    return statements
