"""Personal data: a person's export, and erasure that keeps only the Party records."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot import demo_data
from bot.__main__ import main
from storage.db import Database
from storage.dues import Payment
from storage.models import CareFlag, VisitKind
from storage.people import PeopleRepo
from storage.privacy import PERSON_DATA, Erase, erase_person, export_person
from tests.conftest import Branch, cli_config, demo_roster_csv


async def _visit_with_notes(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    await branch.say(leader, "/flag 许茂林 困难")
    await branch.say(leader, "/visit")
    for step in ("许茂林", "下一步 ➡️", "困难帮扶", "今天", "只有我", "家里漏雨，需要修缮",
                 "米面油 300元", "✅ 保存"):
        await branch.h.tap_or_type(leader, step)


async def test_export_holds_everything_about_the_person(branch: Branch) -> None:
    await _visit_with_notes(branch)
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/export 许茂林")
    sent = branch.fake.calls_of("sendDocument")[-1]
    assert sent.files == {"document": "个人数据-C003.json"}
    data = json.loads(branch.fake.uploads["个人数据-C003.json"])
    assert data["person"]["phone"] == "19900000023"
    assert data["visits"][0]["notes"] == "家里漏雨，需要修缮"
    assert {f["flag"] for f in data["care_flags"]} == {CareFlag.FRAIL, CareFlag.HARDSHIP}
    assert "tg_user_id" not in data["person"]


async def test_erasure_keeps_only_what_the_records_need(branch: Branch) -> None:
    await _visit_with_notes(branch)
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/erase 许茂林")
    assert "确定删除许茂林同志的个人信息吗" in branch.reply(secretary)
    branch.fake.press(secretary, branch.last(secretary), "确定删除")
    await branch.h.settle()
    assert "已删除许茂林同志的个人信息" in branch.reply(secretary)
    person = await branch.h.deps.people.by_ext_id("C003")
    assert person is not None
    assert (person.name, person.phone, person.residence, person.birth_date,
            person.care_flags, person.archived) == ("许茂林", None, None, None, (), True)
    [visit] = await branch.h.deps.visit_repo.visits_of(person.id)
    assert (visit.kind, visit.notes, visit.gifts, visit.money_yuan) == (
        VisitKind.HARDSHIP, None, None, None)
    open_tasks = [t for t in await branch.h.deps.visit_repo.open_tasks()
                  if t.person_id == person.id]
    assert open_tasks == []
    leader = branch.user("刘建华")
    await branch.say(leader, "/visits")
    assert "困难帮扶：1次" in branch.reply(leader)  # the year's figures stay true


async def test_only_the_secretary_exports_or_erases(branch: Branch) -> None:
    leader = await branch.link("刘建华")
    for command in ("/export 许茂林", "/erase 许茂林"):
        await branch.say(leader, command)
        assert "这项功能只对书记开放" in branch.reply(leader)
    xu = await branch.h.deps.people.by_ext_id("C003")
    assert xu is not None
    branch.fake.press_data(leader, branch.last(leader), f"prv:erase:{xu.id}")
    await branch.h.settle()
    assert branch.fake.toasts_for(leader) == ["抱歉，您不能为这位同志代办"]
    kept = await branch.h.deps.people.by_ext_id("C003")
    assert kept is not None and kept.phone == "19900000023"


async def test_a_reimport_never_brings_back_the_dead_or_the_erased(branch: Branch) -> None:
    """The audit's case: after 张懋's death and 李秀英's erasure, importing the same file
    made 张懋 active again without a death date and restored 李秀英's phone and address."""
    secretary = await branch.link("王建国")
    await branch.say(secretary, "/flag 张懋 去世 11月20日")
    await branch.say(secretary, "/erase 李秀英")
    branch.fake.press(secretary, branch.last(secretary), "确定删除")
    await branch.h.settle()
    deps = branch.h.deps
    report = await deps.roster.import_rows(demo_data.roster_rows(), actor_tg=None)
    assert report.outcome is not None
    assert [(k.name, k.why) for k in report.outcome.kept] == [("张懋", "deceased"),
                                                             ("李秀英", "erased")]
    assert report.outcome.updated == len(demo_data.PEOPLE) - 2
    zhang = await deps.people.by_ext_id("A002")
    li = await deps.people.by_ext_id("A003")
    assert zhang is not None and li is not None
    assert (zhang.archived, zhang.deceased_on) == (True, "2026-11-20")
    assert (li.archived, li.phone, li.residence, li.birth_date) == (True, None, None, None)


def test_the_import_command_names_the_rows_it_left(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = demo_roster_csv(tmp_path)
    db_path = tmp_path / "b.db"
    config = cli_config(tmp_path, db_path)
    assert main(["--config", str(config), "import-roster", str(path)]) == 0

    async def close_two() -> None:
        db = await Database.open(db_path)
        try:
            people = PeopleRepo(db)
            zhang, li = await people.by_ext_id("A002"), await people.by_ext_id("A003")
            assert zhang is not None and li is not None
            await people.record_death(zhang.id, "2026-11-20", at="2026-11-21T00:00:00+00:00",
                                      actor_tg=1)
            await erase_person(db, li.id, at="2026-11-21T00:00:00+00:00", actor_tg=1)
        finally:
            await db.close()

    asyncio.run(close_two())
    capsys.readouterr()
    assert main(["import-roster", str(path), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    assert "A002 张懋（已去世）" in out and "A003 李秀英（个人信息已删除）" in out


async def _columns_naming_a_person(db: Database) -> set[tuple[str, str]]:
    found = set()
    for t in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'"):
        for fk in await db.fetchall(f"PRAGMA foreign_key_list({t['name']})"):
            if fk["table"] == "people":
                found.add((t["name"], fk["from"]))
        for col in await db.fetchall(f"PRAGMA table_info({t['name']})"):
            if col["name"] in ("person_id", "subject_person"):
                found.add((t["name"], col["name"]))
    return found


async def test_every_column_naming_a_person_is_covered_by_export_and_erase(
        tmp_path: Path) -> None:
    """A migration that adds a column naming a person fails here until `PERSON_DATA`
    says what /export shows of it and what /erase does to it."""
    db = await Database.open(tmp_path / "b.db")
    try:
        found = await _columns_naming_a_person(db)
        assert len(found) > 20, found  # the schema is read, not an empty set
        listed = {(c.table, c.column) for c in PERSON_DATA}
        assert found == listed, (found - listed, listed - found)
        for c in PERSON_DATA:
            names = {r["name"] for r in await db.fetchall(f"PRAGMA table_info({c.table})")}
            assert set(c.clear) <= names, c
            assert (c.erase is Erase.CLEAR) == bool(c.clear), c
    finally:
        await db.close()


async def test_erasure_reaches_suggestions_deeds_answers_dues_and_audit(
        branch: Branch) -> None:
    """The audit's case: after /erase, a suggestion, a good deed, a collection answer
    「高血压需要轮椅」, both dues rows and audit rows with health flags remained."""
    deps = branch.h.deps
    secretary = await branch.link("王建国")
    member = await branch.link("李秀英")
    li = await deps.people.by_ext_id("A003")
    wang = await deps.people.by_ext_id("A001")
    assert li is not None and wang is not None
    await branch.say(member, "/suggest 希望活动室装个扶手")
    await branch.say(secretary, "/flag 李秀英 患病")
    at = "2026-11-22T02:00:00+00:00"
    await deps.suggestion_repo.add_deed(li.id, "帮邻居买菜送药", "2026-11-20", wang.id, at)
    collection = await deps.collection_repo.create(
        "身体情况", [("需要什么", "text", ())], "everyone", None, "2026-12-01",
        created_by_tg=secretary.id, at=at)
    await deps.collection_repo.save(collection, li.id, ["高血压需要轮椅"],
                                    recorded_by=li.id, at=at)
    await deps.dues.repo.set_rate(li.id, 1234, at=at, actor_tg=secretary.id)
    await deps.dues.repo.pay(Payment(li.id, "2026-11-22", "2026-01", "2026-11", 13574,
                                     "现金"), recorded_by=wang.id, at=at, actor_tg=secretary.id)
    data = await export_person(deps.db, li.id)
    assert data["suggestions"][0]["text"] == "希望活动室装个扶手"
    assert data["good_deeds"][0]["text"] == "帮邻居买菜送药"
    assert "高血压需要轮椅" in data["collection_answers"][0]["answers"]
    assert data["dues_rates"][0]["monthly_fen"] == 1234
    assert data["dues_payments"][0]["amount_fen"] == 13574
    assert any(r["action"] == "flag+" and r["detail"] == CareFlag.ILL for r in data["audit_log"])

    await branch.say(secretary, "/erase 李秀英")
    branch.fake.press(secretary, branch.last(secretary), "确定删除")
    await branch.h.settle()
    assert "已删除李秀英同志的个人信息" in branch.reply(secretary)

    for table, column in await _columns_naming_a_person(deps.db):
        rows = await deps.db.fetchall(
            f"SELECT * FROM {table} WHERE {column} = ?", (li.id,))  # noqa: S608
        for row in rows:
            text = " ".join(str(v) for v in dict(row).values())
            for secret in ("希望活动室装个扶手", "帮邻居买菜送药", "高血压需要轮椅", CareFlag.ILL,
                           "1234", "13574"):
                assert secret not in text, (table, dict(row))
    # The ledger still adds up: the payment is there, naming nobody.
    payments = await deps.db.fetchall("SELECT person_id, amount_fen FROM dues_payments")
    assert [tuple(p) for p in payments] == [(None, 13574)]
    assert (await deps.dues.statement(2026)).collected == {11: 13574}
    assert await deps.dues.repo.rates() == {}
