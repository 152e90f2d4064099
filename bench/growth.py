"""Benchmark 4: data growth. Ten years of a large branch (1,000 people, weekly meetings,
monthly visits, a monthly notice with receipts, monthly study material with its reads,
passings-on by leaders and reflections, monthly dues), then the time the real
bot takes to answer `/attendance`, `/care` and `/report` (with its charts and Excel file)
for the secretary, for 1, 5 and 10 years side by side.

History is written straight into SQLite with the schema the migrations made (generating
it through the bot would take hours); the commands are then asked through the fake Bot
API like a user would.

    python -m bench.growth [--people 1000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sqlite3
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from bench.common import COMMITTEE_ID, GROUP_ID, SECRETARY_TG, config, machine
from bot.clock import FrozenClock
from bot.testing.fakeapi import FakeBotApi, FakeUser
from bot.testing.harness import BotHarness

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


def _sent_post(conn: sqlite3.Connection, kind: str, due_on: str | None, ids: list[int],
               stamp: str) -> int:
    """A notice or study material sent privately to everyone; its id."""
    cur = conn.execute(
        "INSERT INTO posts (kind, title, body, audience, receipt, due_on, created_by, "
        "created_by_tg, created_at, send_at, status) "
        "VALUES (?, ?, ?, 'members', 1, ?, ?, 0, ?, ?, 'sent')",
        (kind, f"每月{kind}", f"每月{kind}内容", due_on, ids[0], stamp, stamp))
    assert cur.lastrowid is not None
    conn.executemany(
        "INSERT INTO post_deliveries (post_id, person_id, state, at) VALUES (?, ?, 'sent', ?)",
        [(cur.lastrowid, pid, stamp) for pid in ids])
    return cur.lastrowid


def _more_than(fake: FakeBotApi, user: FakeUser, count: int) -> bool:
    return len(fake.bot_messages(user)) > count


def fill(db: Path, people: int, years: int) -> dict[str, float]:
    """Write `years` of history ending now."""
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM people ORDER BY id")]
    start = NOW - timedelta(days=365 * years)
    meetings = visits = notices = studies = payments = 0
    week = start
    with conn:
        while week < NOW - timedelta(days=1):
            stamp = week.isoformat(timespec="seconds")
            cur = conn.execute(
                "INSERT INTO meetings (kind, topic, starts_at, ends_at, place, status, "
                "created_by_tg, created_at) VALUES ('study_day', '学习', ?, ?, '礼堂', "
                "'closed', 0, ?)", (stamp, stamp, stamp))
            mid = cur.lastrowid
            conn.executemany(
                "INSERT INTO attendance (meeting_id, person_id, status, at) VALUES (?, ?, ?, ?)",
                [(mid, pid, ("present", "present", "present", "excused", "absent")[pid % 5],
                  stamp) for pid in ids])
            meetings += 1
            if week.day <= 7:  # once a month, everyone is visited or called
                conn.executemany(
                    "INSERT INTO visits (person_id, kind, visited_on, recorded_by, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(pid, "phone" if pid % 3 else "routine", week.date().isoformat(),
                      ids[0], stamp) for pid in ids])
                visits += len(ids)
                post = _sent_post(conn, "notice", None, ids, stamp)
                conn.executemany(
                    "INSERT INTO post_acks (post_id, person_id, how, at) "
                    "VALUES (?, ?, 'self', ?)", [(post, pid, stamp) for pid in ids if pid % 5])
                study = _sent_post(conn, "study",
                                   (week + timedelta(days=14)).date().isoformat(), ids, stamp)
                # Three in four read it themselves, one in eight had it brought round.
                conn.executemany(
                    "INSERT INTO post_acks (post_id, person_id, how, recorded_by, at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    [(study, pid, "self" if pid % 4 else "door",
                      None if pid % 4 else ids[0], stamp)
                     for pid in ids if pid % 4 or pid % 8 == 0])
                conn.executemany(
                    "INSERT INTO reflections (post_id, person_id, text, at) "
                    "VALUES (?, ?, '学习体会', ?)", [(study, pid, stamp) for pid in ids
                                                     if pid % 10 == 1])
                studies += 1
                month = week.strftime("%Y-%m")
                conn.executemany(
                    "INSERT INTO dues_payments (person_id, paid_on, month_from, month_to, "
                    "amount_fen, method, recorded_by, created_at) "
                    "VALUES (?, ?, ?, ?, 200, '现金', ?, ?)",
                    [(pid, week.date().isoformat(), month, month, ids[0], stamp)
                     for pid in ids])
                notices += 1
                payments += len(ids)
            week += timedelta(days=7)
    # The bot's connection keeps the log open: copy it into the file, then count both.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    wal = db.with_name(db.name + "-wal")
    size = db.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
    conn.close()
    return {"meetings": meetings, "attendance_rows": meetings * len(ids), "visits": visits,
            "notices": notices, "studies": studies,
            "deliveries": (notices + studies) * len(ids), "dues_payments": payments,
            "db_mb": round(size / 1e6, 1)}


def big_roster(people: int) -> list[dict[str, str]]:
    """A large branch's roster in 40 groups, the first person its secretary."""
    rows = [{"编号": f"G{i:05d}", "姓名": f"成员{i:05d}", "党小组": f"第{i % 40 + 1}组",
             "类别": "退休", "政治面貌": "党员", "出生日期": f"{1940 + i % 20}-03-01"}
            for i in range(people)]
    rows[0]["角色"] = "书记"
    return rows


async def measure(people: int, years: int, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "g.db"
        clock = FrozenClock(NOW)
        fake = FakeBotApi(clock=clock)
        fake.add_group(GROUP_ID, "支部群")
        fake.add_group(COMMITTEE_ID, "支委群")
        async with BotHarness(config(), path, clock=clock, fake=fake, poll_timeout=2.0) as h:
            assert (await h.deps.roster.import_rows(big_roster(people), actor_tg=None)).ok
            secretary = fake.add_user(SECRETARY_TG, "书记")
            first = (await h.deps.people.all())[0]
            await h.deps.people.link_account(first.id, secretary.id, at=NOW.isoformat(),
                                             actor_tg=None, how="bench")
            facts = await asyncio.to_thread(fill, path, people, years)
            timings: dict[str, list[float]] = {"/attendance": [], "/care": [], "/report": []}
            # Timed to the last reply: the report is a message, two charts and a workbook.
            # (Until 2026-11 this stopped at the 2nd of the report's 4 replies and sent the
            # next command before the last finished: /report read 0.07 s, not ~1 s.)
            replies = {"/attendance": 1, "/care": 1, "/report": 4}
            for _ in range(repeat):
                for command in timings:
                    last = len(fake.bot_messages(secretary)) + replies[command] - 1
                    t0 = time.perf_counter()
                    fake.send(secretary, secretary.id, command)
                    await fake.wait_for(partial(_more_than, fake, secretary, last),
                                        timeout=120)
                    timings[command].append(time.perf_counter() - t0)
                    await h.settle(120)  # nothing of it still running when the next starts
            medians = {f"{c}_median_s": round(statistics.median(t), 3)
                       for c, t in timings.items()}
            return {"years": years, **facts, **medians}


async def main(people: int, repeat: int) -> None:
    runs = [await measure(people, years, repeat) for years in (1, 5, 10)]
    print(json.dumps({"machine": machine(), "people": people, "runs": runs},
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.repeat))
