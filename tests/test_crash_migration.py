"""The process killed hard (SIGKILL) in the middle of a migration, at seeded random
statements: the next start opens the database, finishes the migrations, and the schema
and the data are what an uninterrupted upgrade gives.

The child process is the real `Database.open`; a SQLite trace callback stops it just
before a chosen statement (inside the migration's open transaction) so that the kill
lands exactly there.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from storage.db import Database, load_migrations

CHILD = r"""
import asyncio, sqlite3, sys, threading
from pathlib import Path

path, stop_at, log = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
real_connect = sqlite3.connect
seen = []

def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)

    def trace(statement):
        seen.append(" ".join(statement.split()))
        if len(seen) == stop_at:
            log.write_text("\n".join(seen), encoding="utf-8")
            print("stopped", flush=True)  # tells the parent it may kill now
            threading.Event().wait()  # killed here, inside the migration's transaction

    conn.set_trace_callback(trace)
    return conn

sqlite3.connect = connect
from storage.db import Database

async def main():
    db = await Database.open(path)
    await db.close()

asyncio.run(main())
log.write_text("\n".join(seen), encoding="utf-8")
"""
POINTS = 6


def _prepare(path: Path) -> None:
    """A branch's database at version 1 with its groups in it, before an upgrade."""
    [(number, _, sql)] = load_migrations()[:1]
    conn = sqlite3.connect(path)
    conn.executescript(sql)
    conn.execute(f"PRAGMA user_version = {number}")
    conn.executemany("INSERT INTO party_groups (name, sort) VALUES (?, ?)",
                     [("第一党小组", 1), ("第二党小组", 2), ("第三党小组", 3)])
    conn.commit()
    conn.close()


def _schema(path: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def _child(db: Path, stop_at: int, log: Path, *, kill: bool) -> list[str]:
    """Run the child (stopping before statement `stop_at`) and, if asked, kill it there."""
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", CHILD, str(db), str(stop_at), str(log)], cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)}, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        # Blocks until the child says it stopped, or (dry run) until it exits.
        stopped = proc.stdout.readline().strip() == "stopped"
        if kill:
            assert stopped, "the child finished before the chosen statement"
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()  # no timeout: Popen polls with time.sleep then (pytest-timeout guards)
    finally:
        if proc.poll() is None:
            proc.kill()
        if proc.stdout is not None:
            proc.stdout.close()
    return log.read_text(encoding="utf-8").split("\n")


async def test_killed_mid_migration_then_started_again(tmp_path: Path) -> None:
    prepared = tmp_path / "v1.db"
    _prepare(prepared)
    clean = tmp_path / "clean.db"
    shutil.copy(prepared, clean)
    statements = await asyncio.to_thread(_child, clean, 0, tmp_path / "clean.log",
                                         kill=False)
    expected_schema = _schema(clean)
    # Statement numbers inside a migration: after its BEGIN IMMEDIATE, before COMMIT.
    inside = []
    open_tx = False
    for number, statement in enumerate(statements, 1):
        if statement == "COMMIT":
            open_tx = False
        if open_tx:
            inside.append((number, statement))
        if statement == "BEGIN IMMEDIATE":
            open_tx = True
    assert len(inside) > 20  # ten migrations' worth of statements to choose from

    rng = random.Random(20261122)
    chosen = [*sorted(rng.sample(inside, POINTS - 1)), inside[-1]]  # the last: the bump
    for point, (number, statement) in enumerate(chosen):
        db = tmp_path / f"kill{point}.db"
        for suffix in ("", "-wal", "-shm"):
            if (prepared.parent / (prepared.name + suffix)).exists():
                shutil.copy(prepared.parent / (prepared.name + suffix),
                            db.parent / (db.name + suffix))
        seen = await asyncio.to_thread(_child, db, number, tmp_path / f"kill{point}.log",
                                       kill=True)
        assert seen[-1] == statement
        # The kill really fell inside a migration: the ones before it are in, it is not.
        conn = sqlite3.connect(db)
        [[version]] = conn.execute("PRAGMA user_version").fetchall()
        conn.close()
        assert version == 1 + seen.count("COMMIT") < len(load_migrations())
        reopened = await Database.open(db)
        try:
            assert await reopened.user_version() == len(load_migrations())
            [[check]] = [tuple(r) for r in await reopened.fetchall("PRAGMA integrity_check")]
            assert check == "ok"
            names = [r["name"] for r in
                     await reopened.fetchall("SELECT name FROM party_groups ORDER BY sort")]
            assert names == ["第一党小组", "第二党小组", "第三党小组"]
        finally:
            await reopened.close()
        assert _schema(db) == expected_schema, f"killed before: {statement}"
    print(f"\nkilled mid-migration at {POINTS} points: "
          + "; ".join(s[:40] for _, s in chosen) + "; all recovered")
