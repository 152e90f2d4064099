"""Migrations: from empty, re-run, and a failing migration leaving nothing behind; the
meetings kept in memory by id; checkpoints on their own connection; a tap's write on the
loop's thread."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from storage import db as db_module
from storage import people as people_module
from storage.db import Database, load_migrations
from storage.meetings import MeetingRepo
from storage.models import Meeting
from storage.people import PeopleRepo
from storage.privacy import erase_person


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


async def test_a_meeting_read_by_id_is_never_older_than_its_last_change(db: Database) -> None:
    """MeetingRepo keeps meetings read by id in memory; every change must show at once."""
    repo = MeetingRepo(db)
    at = "2026-12-01T00:00:00+00:00"
    made = await repo.create(kind="lecture", topic="旧题", group_id=None, starts_at=at,
                             ends_at=at, place="礼堂", created_by_tg=1, at=at)
    assert made is not None
    mid = made

    async def now() -> Meeting:
        m = await repo.get(mid)
        assert m is not None
        row = await db.fetchone("SELECT * FROM meetings WHERE id = ?", (mid,))
        assert row is not None and (m.status, m.place, m.card_message_id,
                                    m.eve_reminded_at) == (
            row["status"], row["place"], row["card_message_id"], row["eve_reminded_at"])
        return m

    assert (await now()).status == "scheduled"
    await repo.set_status(mid, "open", at=at, actor_tg=None)
    assert (await now()).status == "open"
    await repo.set_card(mid, -100, 7)
    assert (await now()).card_message_id == 7
    assert await repo.mark_reminded(mid, "eve", at)
    assert (await now()).eve_reminded_at == at
    await repo.update_details(mid, starts_at=at, ends_at=at, place="活动室", topic="新题",
                              at=at, actor_tg=1)
    assert (await now()).place == "活动室"
    # A read made while a change waits for the connection answers with the state before
    # it, as the table would; the first read after the change has it.
    async with db.transaction():
        closing = asyncio.create_task(repo.close(mid, absent=[], makeups=[], at=at,
                                                 actor_tg=None))
        await asyncio.sleep(0)
        during = await repo.get(mid)
        assert during is not None and during.status == "open"
    assert await closing
    assert (await now()).status == "closed"
    assert await repo.get(mid + 1) is None


async def test_who_is_pressing_is_kept_only_while_the_roster_is_unchanged(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`PeopleRepo.account` keeps each presser between presses (one trip less per tap);
    every write to the roster, by whatever statement, shows in the next press."""
    repo = PeopleRepo(db)
    at = "2026-12-01T00:00:00+00:00"
    queries: list[str] = []
    await db.connection.set_trace_callback(
        lambda sql: queries.append(sql) if "led" in sql else None)
    pid = await repo.add("A1", "王芳", None, "tuixiu", "member", at=at, actor_tg=1)
    other = await repo.add("A2", "李强", None, "tuixiu", "member", at=at, actor_tg=1)
    assert pid is not None and other is not None
    await repo.link_account(pid, 777, at=at, actor_tg=None, how="test")

    async def check() -> tuple[frozenset[str], list[int], bool]:
        """The kept answer is the table's answer."""
        person, led = await repo.account(777)
        fresh = await repo.by_tg_user(777)
        assert person == fresh
        if fresh is not None:
            assert sorted(led) == sorted(await repo.groups_led_by(fresh.id))
        return (person.roles if person else frozenset()), led, person is not None

    await check()
    queries.clear()
    await repo.account(777)
    await repo.account(777)
    assert queries == []  # the second and third press read nobody
    await repo.set_role(pid, "committee", True, at=at, actor_tg=1)
    assert (await check())[0] == {"committee"}
    group = await repo.group_by_name("第一组")
    if group is None:
        await db.write("INSERT INTO party_groups (name, sort) VALUES ('第一组', 1)")
        group = await repo.group_by_name("第一组")
    assert group is not None
    await repo.set_leader(group.id, pid, at=at, actor_tg=1)
    assert (await check())[1] == [group.id]
    await repo.set_flag(pid, "hospital", True, since="2026-12-01", at=at, actor_tg=1)
    flagged, _ = await repo.account(777)
    assert flagged is not None and "hospital" in {f.value for f in flagged.care_flags}
    await repo.edit(pid, {"phone": "19900000001"}, at=at, actor_tg=1)
    await check()
    await db.write("DELETE FROM person_roles WHERE person_id = ?", (pid,))  # any statement
    assert (await check())[0] == frozenset()
    await erase_person(db, pid, at=at, actor_tg=1)
    await check()
    await repo.link_account(other, 777, at=at, actor_tg=None, how="test")  # moved
    person, _ = await repo.account(777)
    assert person is not None and person.id == other
    # A write from another process (the import-roster command while the bot runs) has
    # no trigger on this connection: it shows once the kept answer is a minute old.
    await db.checkpoint()
    outside = sqlite3.connect(tmp_path / "test.db")
    outside.execute("UPDATE people SET name = '李刚' WHERE id = ?", (other,))
    outside.commit()
    outside.close()
    monkeypatch.setattr(people_module, "ACCOUNT_SECONDS", 0.0)  # the minute has passed
    person, _ = await repo.account(777)
    assert person is not None and person.name == "李刚"


async def test_checkpoints_run_beside_the_shared_connection(tmp_path: Path) -> None:
    """The log is copied into the database file from a second connection, which does not
    wait for a transaction open on the shared one; SQLite's own checkpoint inside a
    commit is left as a backstop only."""
    path = tmp_path / "a.db"
    database = await Database.open(path)
    try:
        row = await database.fetchone("PRAGMA wal_autocheckpoint")
        assert row is not None and row[0] == db_module.BACKSTOP_PAGES
        await database.write("CREATE TABLE t (x TEXT)")
        for i in range(50):
            await database.write("INSERT INTO t VALUES (?)", ("x" * 2000 + str(i),))
        size_before = path.stat().st_size
        async with database.transaction() as tx:  # a writer in the middle of its work
            await tx.execute("INSERT INTO t VALUES ('open')")
            frames, copied = await asyncio.wait_for(database.checkpoint(), timeout=30)
        assert frames > 0 and copied == frames
        assert path.stat().st_size > size_before + 50 * 2000
        count = await database.fetchone("SELECT count(*) FROM t")
        assert count is not None and count[0] == 51
    finally:
        await database.close()
    memory = await Database.open(":memory:")
    try:
        assert await memory.checkpoint() == (0, 0)
    finally:
        await memory.close()


async def test_stored_suggestion_statuses_become_ascii_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made by the previous version (migrations up to 0017) stored the words
    people read as statuses; the upgrade turns them into keys, audit details included."""
    path = tmp_path / "a.db"
    every = load_migrations()
    monkeypatch.setattr(db_module, "load_migrations", lambda: every[:17])
    old = await Database.open(path)
    await old.write("INSERT INTO people (ext_id, name, created_at, updated_at, category, "
                    "status) VALUES ('A1', '甲', 'x', 'x', '退休', '党员')")
    for status in ("新建议", "已收到", "已处理", "已答复"):
        await old.write("INSERT INTO suggestions (person_id, text, status, created_at, "
                        "updated_at) VALUES (1, ?, ?, 'x', 'x')", (f"建议{status}", status))
    await old.write("INSERT INTO audit_log (at, action, detail) "
                    "VALUES ('x', 'suggestion', '2:已收到')")
    await old.close()
    monkeypatch.setattr(db_module, "load_migrations", lambda: every)
    database = await Database.open(path)
    try:
        rows = await database.fetchall("SELECT text, status FROM suggestions ORDER BY id")
        assert [(r[0], r[1]) for r in rows] == [
            ("建议新建议", "new"), ("建议已收到", "received"), ("建议已处理", "done"),
            ("建议已答复", "replied")]
        detail = await database.fetchone("SELECT detail FROM audit_log "
                                         "WHERE action = 'suggestion'")
        assert detail is not None and detail[0] == "2:received"
        with pytest.raises(Exception, match="CHECK"):
            await database.write("UPDATE suggestions SET status = '已收到' WHERE id = 1")
    finally:
        await database.close()


async def test_stored_chinese_words_become_ascii_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A database made by the previous version (up to 0018) stored the words people read as
    kinds, flags, reasons and methods; the upgrade turns each into its key, keeps every row
    that points at a rebuilt table (attendance at meetings), and refuses the old words."""
    path = tmp_path / "a.db"
    every = load_migrations()
    monkeypatch.setattr(db_module, "load_migrations", lambda: every[:18])
    old = await Database.open(path)
    w = old.write
    await w("INSERT INTO party_groups (id, name) VALUES (1, '第一党小组')")
    for i in (1, 2):
        await w("INSERT INTO people (ext_id, name, created_at, updated_at, category, status) "
                "VALUES (?, ?, 'x', 'x', '退休', '党员')", (f"A{i}", f"甲{i}"))
    await w("INSERT INTO care_flags (person_id, flag) VALUES (1, '住院中'), (1, '困难'), "
            "(2, '行动不便')")
    await w("INSERT INTO meetings (id, kind, topic, group_id, starts_at, ends_at, place, "
            "created_by_tg, created_at) VALUES (1, '党小组会', '学习', 1, 'a', 'b', '活动室', 7, "
            "'x'), (2, '支委会', '研究', NULL, 'a', 'b', '办公室', 7, 'x')")
    await w("INSERT INTO attendance (meeting_id, person_id, status, reason, at) "
            "VALUES (1, 1, 'excused', '住院', 'x'), (1, 2, 'present', NULL, 'x')")
    await w("INSERT INTO makeups (meeting_id, person_id, method, created_at) "
            "VALUES (1, 1, '电话传达', 'x')")
    await w("INSERT INTO visit_tasks (id, person_id, kind, trigger_key, due_on, created_at) "
            "VALUES (1, 1, '住院探望', 'hospital:1:2026-12-01', 'd', 'x')")
    await w("INSERT INTO visits (person_id, kind, visited_on, recorded_by, task_id, created_at) "
            "VALUES (1, '住院探望', 'd', 2, 1, 'x'), (2, '善后慰问', 'd', 1, NULL, 'x')")
    await w("INSERT INTO help_requests (person_id, kind, created_at) VALUES (1, '就医', 'x'), "
            "(1, '住院', 'x')")
    await w("INSERT INTO posts (id, kind, title, body, audience, created_by_tg, created_at, "
            "send_at) VALUES (1, 'notice', 't', 'b', 'group', 7, 'x', 'x')")
    await w("INSERT INTO post_acks (post_id, person_id, how, recorded_by, at) "
            "VALUES (1, 1, '电话已告知', 2, 'x'), (1, 2, 'self', NULL, 'x')")
    await w("INSERT INTO weather_warnings (kind, last_day) VALUES ('寒潮', 'd'), ('大风', 'd')")
    for action, detail in (("flag+", "住院中"), ("task+", "住院探望 hospital:1:2026-12-01"),
                           ("visit", "住院探望 by=2"), ("makeup", "1:电话传达"),
                           ("ack", "post=1 电话已告知 by=2"), ("help", "就医")):
        await w("INSERT INTO audit_log (at, action, detail) VALUES ('x', ?, ?)",
                (action, detail))
    await old.close()
    monkeypatch.setattr(db_module, "load_migrations", lambda: every)
    database = await Database.open(path)
    try:
        async def column(sql: str) -> list[object]:
            return [tuple(r) if len(r) > 1 else r[0] for r in await database.fetchall(sql)]

        assert await column("SELECT person_id, flag FROM care_flags ORDER BY 1, 2") == [
            (1, "hardship"), (1, "hospital"), (2, "frail")]
        assert await column("SELECT kind FROM meetings ORDER BY id") == ["group", "committee"]
        assert await column("SELECT person_id, status, reason FROM attendance ORDER BY 1") == [
            (1, "excused", "hospital"), (2, "present", None)]
        assert await column("SELECT method FROM makeups") == ["phone"]
        assert await column("SELECT kind FROM visit_tasks") == ["hospital"]
        assert await column("SELECT kind, task_id FROM visits ORDER BY id") == [
            ("hospital", 1), ("bereavement", None)]
        assert await column("SELECT kind FROM help_requests ORDER BY id") == [
            "medical", "hospital"]
        assert await column("SELECT how FROM post_acks ORDER BY person_id") == ["phone", "self"]
        assert await column("SELECT kind FROM weather_warnings ORDER BY kind") == [
            "cold_wave", "wind"]
        assert await column("SELECT detail FROM audit_log WHERE action NOT LIKE 'attendance%' "
                            "ORDER BY id") == [
            "hospital", "hospital hospital:1:2026-12-01", "hospital by=2", "1:phone",
            "post=1 phone by=2", "medical"]
        fk = await database.fetchone("PRAGMA foreign_keys")
        assert fk is not None and fk[0] == 1
        for sql in ("UPDATE meetings SET kind = '党小组会'", "UPDATE visits SET kind = '住院探望'",
                    "UPDATE care_flags SET flag = '住院中'", "UPDATE makeups SET method = '自学'",
                    "UPDATE help_requests SET kind = '就医'"):
            with pytest.raises(Exception, match="CHECK"):
                await database.write(sql)
        # The rebuilt meetings table still cascades to its attendance.
        await database.write("DELETE FROM meetings WHERE id = 1")
        assert await column("SELECT count(*) FROM attendance") == [0]
    finally:
        await database.close()


async def test_stored_roster_words_become_ascii_keys(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """类别, 政治面貌 and 性别 from the previous version (up to 0019) become keys; the rebuilt
    people table keeps every row that points at a person (care flags cascade on delete)."""
    path = tmp_path / "a.db"
    every = load_migrations()
    monkeypatch.setattr(db_module, "load_migrations", lambda: every[:19])
    old = await Database.open(path)
    for ext_id, category, status, sex in (("A1", "离休", "党员", "男"),
                                          ("A2", "退休", "预备党员", "女"),
                                          ("A3", "在职", "群众", None),
                                          ("A4", "退休", "民主党派", None)):
        await old.write("INSERT INTO people (ext_id, name, created_at, updated_at, category, "
                        "status, sex) VALUES (?, ?, 'x', 'x', ?, ?, ?)",
                        (ext_id, f"名{ext_id}", category, status, sex))
    await old.write("INSERT INTO party_groups (id, name, leader_id) VALUES (1, '一组', 2)")
    await old.write("INSERT INTO care_flags (person_id, flag) VALUES (1, 'alone')")
    await old.close()
    monkeypatch.setattr(db_module, "load_migrations", lambda: every)
    database = await Database.open(path)
    try:
        rows = await database.fetchall("SELECT ext_id, category, status, sex FROM people "
                                       "ORDER BY id")
        assert [tuple(r) for r in rows] == [
            ("A1", "lixiu", "member", "male"), ("A2", "tuixiu", "probationary", "female"),
            ("A3", "serving", "masses", None), ("A4", "tuixiu", "other_party", None)]
        leader = await database.fetchone("SELECT leader_id FROM party_groups")
        assert leader is not None and leader[0] == 2
        with pytest.raises(Exception, match="CHECK"):
            await database.write("UPDATE people SET status = '党员' WHERE id = 1")
        await database.write("DELETE FROM people WHERE id = 1")
        flags = await database.fetchone("SELECT count(*) FROM care_flags")
        assert flags is not None and flags[0] == 0
    finally:
        await database.close()


async def test_a_taps_write_runs_on_the_loops_thread_and_waits_for_a_lock_off_it(
    db: Database, tmp_path: Path,
) -> None:
    """A lone statement during an update (a tap's check-in) runs with its record on the
    event loop's own thread: no hand-off to aiosqlite's thread and back (until session
    13 every tap made one, docs/PERFORMANCE.md §s13). When another process holds the write
    lock, the statement waits for it on aiosqlite's thread, and the loop goes on."""
    ran: list[tuple[bool, str]] = []  # (on the loop's thread, statement)
    loop = asyncio.get_running_loop()
    waiting_on_thread = asyncio.Event()

    def traced(sql: str) -> None:
        here = threading.get_ident() == threading.main_thread().ident
        ran.append((here, sql))
        if not here and sql == "BEGIN IMMEDIATE":
            loop.call_soon_threadsafe(waiting_on_thread.set)

    await db.connection.set_trace_callback(traced)
    insert = "INSERT INTO audit_log (at, action) VALUES ('', 'tap') RETURNING id"
    token = db_module.applying_update.set(41)
    try:
        [row] = await db.returning(insert)
    finally:
        db_module.applying_update.reset(token)
    assert (True, insert) in ran and (True, "COMMIT") in ran
    assert all(here for here, _ in ran)

    ran.clear()
    other = sqlite3.connect(tmp_path / "test.db")
    other.execute("BEGIN IMMEDIATE")  # another process writing, e.g. a roster import
    try:
        token = db_module.applying_update.set(42)
        try:
            tap = asyncio.create_task(db.returning(insert))
        finally:
            db_module.applying_update.reset(token)
        # The first try, on the loop, gave up at once; the second waits on the thread.
        await asyncio.wait_for(waiting_on_thread.wait(), timeout=10)
        assert (True, "BEGIN IMMEDIATE") in ran and (False, "BEGIN IMMEDIATE") in ran
        assert not tap.done()
    finally:
        other.rollback()
        other.close()
    [second] = await tap
    assert second[0] == row[0] + 1 and (False, insert) in ran
    applied = await db.fetchall("SELECT update_id FROM applied_updates ORDER BY update_id")
    assert [r[0] for r in applied] == [41, 42]
    assert (await db.fetchone("PRAGMA busy_timeout"))[0] == db.busy_ms  # type: ignore[index]
