"""Migrations: from empty, re-run, and a failing migration leaving nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import db as db_module
from storage.db import Database, load_migrations


async def test_migrations_from_empty_create_the_schema(tmp_path: Path) -> None:
    database = await Database.open(tmp_path / "a.db")
    try:
        assert await database.user_version() == len(load_migrations())
        tables = set(await database.table_names())
        assert {"people", "party_groups", "person_roles", "care_flags", "invites",
                "chat_ids", "audit_log"} <= tables
        row = await database.fetchone("PRAGMA journal_mode")
        assert row is not None and row[0] == "wal"
        row = await database.fetchone("PRAGMA foreign_keys")
        assert row is not None and row[0] == 1
    finally:
        await database.close()


async def test_running_migrations_again_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    first = await Database.open(path)
    schema = await first.fetchall("SELECT sql FROM sqlite_master ORDER BY name")
    assert await first.migrate() == []
    await first.close()
    second = await Database.open(path)
    try:
        assert await second.migrate() == []
        again = await second.fetchall("SELECT sql FROM sqlite_master ORDER BY name")
        assert [r[0] for r in again] == [r[0] for r in schema]
    finally:
        await second.close()


async def test_a_failing_migration_is_rolled_back_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.db"
    good = load_migrations()
    await (await Database.open(path)).close()  # at the current version
    broken = (len(good) + 1, "9999_broken.sql",
              "CREATE TABLE half_done (id INTEGER);\nINSERT INTO nowhere VALUES (1);\n")
    monkeypatch.setattr(db_module, "load_migrations", lambda: [*good, broken])
    with pytest.raises(Exception, match="nowhere"):
        await Database.open(path)
    monkeypatch.setattr(db_module, "load_migrations", lambda: good)
    database = await Database.open(path)
    try:
        assert await database.user_version() == len(good)
        assert "half_done" not in await database.table_names()
    finally:
        await database.close()


async def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY"):
        async with db.transaction() as tx:
            await tx.execute(
                "INSERT INTO person_roles (person_id, role) VALUES (999, 'committee')")
