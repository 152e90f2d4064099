"""Backups while the bot runs, restores that refuse damaged files, and /audit."""

from __future__ import annotations

import dataclasses
import logging
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.__main__ import main
from storage.backup import backup, check_file
from storage.db import RunLock
from tests.conftest import Branch, cli_config


async def test_daily_backup_while_running_is_consistent_and_pruned(
    branch: Branch, tmp_path: Path
) -> None:
    h = branch.h
    h.deps.config = dataclasses.replace(h.deps.config, backup=dataclasses.replace(
        h.deps.config.backup, dir=str(tmp_path / "backups"), keep=2))
    await branch.link("李秀英")
    for day in ("20261120", "20261121"):  # older backups already there
        (tmp_path / "backups").mkdir(exist_ok=True)
        (tmp_path / "backups" / f"branch-{day}.db").write_bytes(b"old")
    await h.run_job("backup:daily")
    files = sorted(p.name for p in (tmp_path / "backups").iterdir())
    assert files == ["branch-20261121.db", "branch-20261122.db"]
    info = check_file(tmp_path / "backups" / "branch-20261122.db")
    assert info.people == 30
    # The copy holds what the bot had written, including the link made a moment ago.
    conn = sqlite3.connect(tmp_path / "backups" / "branch-20261122.db")
    linked = conn.execute("SELECT name FROM people WHERE tg_user_id IS NOT NULL").fetchall()
    conn.close()
    assert linked == [("李秀英",)]


async def test_checkpoint_job_copies_the_log_into_the_database_file(
    branch: Branch, tmp_path: Path
) -> None:
    h = branch.h
    assert "db:checkpoint" in h.job_names()
    await branch.link("李秀英")
    await h.run_job("db:checkpoint")
    # The database file alone, without its log, now has the link made a moment ago.
    alone = tmp_path / "alone.db"
    shutil.copyfile(h.deps.config.storage.path, alone)
    conn = sqlite3.connect(alone)
    linked = conn.execute("SELECT name FROM people WHERE tg_user_id IS NOT NULL").fetchall()
    conn.close()
    assert linked == [("李秀英",)]


def test_backup_and_restore_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "data" / "branch.db"
    cfg = cli_config(tmp_path, db)
    roster = tmp_path / "r.csv"
    roster.write_text("编号,姓名,类别,政治面貌\nA1,甲,退休,党员\nA2,乙,退休,党员\n",
                      encoding="utf-8")
    assert main(["import-roster", str(roster), "--config", str(cfg)]) == 0
    (tmp_path / "keep").mkdir()  # DEST may be a directory (a name is made) or a file
    assert main(["backup", str(tmp_path / "keep"), "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "已备份到" in out and "2人" in out
    [copy] = list((tmp_path / "keep").iterdir())
    more = tmp_path / "more.csv"
    more.write_text("编号,姓名,类别,政治面貌\nA3,丙,退休,党员\n", encoding="utf-8")
    assert main(["import-roster", str(more), "--config", str(cfg)]) == 0
    assert main(["restore", str(copy), "--config", str(cfg)]) == 2  # asks to stop the bot
    assert main(["restore", str(copy), "--config", str(cfg), "--yes"]) == 0
    assert "已从" in capsys.readouterr().out
    assert check_file(db).people == 2
    assert len(list(db.parent.glob("branch.db.before-restore-*"))) == 1


def test_restore_refuses_a_damaged_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "branch.db"
    cfg = cli_config(tmp_path, db)
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert main(["restore", str(bad), "--config", str(cfg), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "不是完好的数据库文件" in err or "已损坏" in err
    assert not db.exists()


async def test_audit_for_the_secretary_only(branch: Branch) -> None:
    secretary = await branch.link("王建国")
    member = await branch.link("李秀英")
    await branch.say(secretary, "/role 李秀英 支委")
    await branch.say(secretary, "/audit")
    log = branch.reply(secretary)
    assert "王建国：授予职务 李秀英" in log
    assert "李秀英：绑定账号 李秀英" in log
    await branch.say(member, "/audit")
    assert "这项功能只对书记开放" in branch.reply(member)


def _mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_config_works_before_and_after_the_subcommand(tmp_path: Path) -> None:
    roster = tmp_path / "r.csv"
    roster.write_text("编号,姓名,类别,政治面貌\nA1,甲,退休,党员\n", encoding="utf-8")
    for order in ("before", "after"):
        (tmp_path / order).mkdir()
        db = tmp_path / order / "branch.db"
        cfg = cli_config(tmp_path / order, db)
        args = (["--config", str(cfg), "import-roster", str(roster)] if order == "before"
                else ["import-roster", str(roster), "--config", str(cfg)])
        assert main(args) == 0, order
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("SELECT COUNT(*) FROM people").fetchone()[0] == 1, order
        finally:
            conn.close()


def test_a_backup_path_ending_in_a_slash_is_a_directory(tmp_path: Path) -> None:
    db = tmp_path / "data" / "branch.db"
    cfg = cli_config(tmp_path, db)
    roster = tmp_path / "r.csv"
    roster.write_text("编号,姓名,类别,政治面貌\nA1,甲,退休,党员\n", encoding="utf-8")
    assert main(["import-roster", str(roster), "--config", str(cfg)]) == 0
    for dest in (f"{tmp_path / 'data' / 'backups'}/", str(tmp_path / "plain")):
        assert main(["backup", dest, "--config", str(cfg)]) == 0
        folder = Path(dest.rstrip("/"))
        assert folder.is_dir(), dest
        [copy] = list(folder.iterdir())
        assert check_file(copy).people == 1
        # Personal data: readable by the bot's user only.
        assert _mode(copy) == 0o600 and _mode(folder) == 0o700, dest
    assert _mode(db) == 0o600 and _mode(db.parent) == 0o700


async def test_the_token_is_not_logged_even_at_info(
    branch: Branch, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.__main__ import configure_logging

    configure_logging("INFO")
    caplog.set_level(logging.INFO)
    try:
        secretary = await branch.link("王建国")
        await branch.say(secretary, "/help")
        assert branch.fake.calls_of("sendMessage")  # requests were made and could be logged
        # The fake Bot API's own web server logs its requests (tornado.access); that is
        # the test's side of the wire, not the bot's.
        bots = [r.getMessage() for r in caplog.records if not r.name.startswith("tornado")]
        assert not [m for m in bots if branch.fake.token in m]
    finally:
        for name in ("httpx", "httpcore"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


async def test_restore_is_refused_while_the_bot_runs(
        branch: Branch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit's case: 「已恢复」 while the bot went on writing to the file it had open."""
    db = Path(branch.h.deps.db._path)
    copy = tmp_path / "copy.db"
    await backup(branch.h.deps.db, copy)
    cfg = cli_config(tmp_path, db)
    before = _bytes(db)
    assert main(["restore", str(copy), "--config", str(cfg), "--yes"]) == 1
    assert "机器人还在运行" in capsys.readouterr().err
    assert _bytes(db) == before
    assert list(db.parent.glob("*.before-restore-*")) == []
    # A second bot on the same database does not start either.
    assert not RunLock(db).acquire()


def test_the_copy_kept_before_a_restore_holds_what_was_only_in_the_log(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The audit's case: the before-restore copy was the database file alone, without
    its write-ahead log, so the last visits and suggestions (not yet checkpointed when
    the bot stopped) were in neither database."""
    db = tmp_path / "data" / "branch.db"
    cfg = cli_config(tmp_path, db)
    roster = tmp_path / "r.csv"
    roster.write_text("编号,姓名,类别,政治面貌\nA1,甲,退休,党员\n", encoding="utf-8")
    assert main(["import-roster", str(roster), "--config", str(cfg)]) == 0
    (tmp_path / "keep").mkdir()
    assert main(["backup", str(tmp_path / "keep"), "--config", str(cfg)]) == 0
    [copy] = list((tmp_path / "keep").iterdir())
    # A bot killed after a suggestion: the row is in the log, not yet in the file.
    killed = (
        "import os, sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1])\n"
        "conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "conn.execute(\"INSERT INTO suggestions (person_id, text, created_at, updated_at) "
        "VALUES (1, '楼道灯坏了', 'x', 'x')\")\n"
        "conn.commit()\n"
        "os._exit(0)  # no close, no checkpoint: as after a kill\n")
    subprocess.run([sys.executable, "-c", killed, str(db)], check=True)  # noqa: S603
    assert Path(f"{db}-wal").stat().st_size > 0
    assert main(["restore", str(copy), "--config", str(cfg), "--yes"]) == 0
    capsys.readouterr()
    [kept] = list(db.parent.glob("branch.db.before-restore-*"))
    assert kept.stat().st_mode & 0o077 == 0
    rows = sqlite3.connect(kept).execute("SELECT text FROM suggestions").fetchall()
    assert rows == [("楼道灯坏了",)]
