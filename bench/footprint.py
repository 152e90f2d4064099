"""Benchmark 5: memory and start-up.

Resident memory of the process (bot and fake together; the fake's own records are
dropped as it goes) after start-up, after 10,000 updates and after 10,000 more, and the
time from building the application to its first poll. Then the secretary asks for
`/report` `--reports` times: the memory of the bot's process and of the worker process that
builds views and draws charts (`bot/services/offload.py`, `bot/reader.py`), and the peak
of the process the worker forked for the report.

    python -m bench.footprint [--updates 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import COMMITTEE_ID, GROUP_ID, config, machine
from bot.clock import ShiftedClock
from bot.services.offload import child_peak_mb, off_loop
from bot.testing.fakeapi import FakeBotApi
from bot.testing.harness import DEFAULT_START, BotHarness


def rss_mb(pid: int | str = "self") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def worker_rss_mb() -> float | None:
    """The worker process's resident memory (None when there is none)."""
    from bot.services import offload
    pool = offload._pool  # the benchmark looks inside on purpose
    pids = list(getattr(pool, "_processes", None) or {})
    return round(sum(rss_mb(pid) for pid in pids), 1) if pids else None


async def feed(h: BotHarness, users: list[Any], card: dict[str, Any], meeting_id: int,
               count: int) -> None:
    """Half button taps on the open card, half /help in private chats, in batches."""
    for start in range(0, count, 200):
        for i in range(start, min(count, start + 200)):
            user = users[i % len(users)]
            if i % 2:
                h.fake.press_data(user, card, f"att:ci:{meeting_id}", quiet=True)
            else:
                h.fake.send(user, user.id, "/help")
        await h.settle()
        h.fake.forget()


async def main(updates: int, reports: int) -> None:
    result: dict[str, Any] = {"machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        clock = ShiftedClock(DEFAULT_START)
        fake = FakeBotApi(clock=clock)
        group = fake.add_group(GROUP_ID, "支部群")
        fake.add_group(COMMITTEE_ID, "支委群")
        t0 = time.perf_counter()
        async with BotHarness(config(), Path(tmp) / "f.db", fake=fake, clock=clock,
                              poll_timeout=2.0) as h:
            await fake.wait_for(lambda: fake.first_poll_at is not None)
            assert fake.first_poll_at is not None
            result["startup_to_first_poll_s"] = round(fake.first_poll_at - t0, 3)
            rows = [{"编号": f"F{i:04d}", "姓名": f"成员{i:04d}", "党小组": f"第{i % 3 + 1}组",
                     "类别": "退休", "政治面貌": "党员"} for i in range(100)]
            rows[0]["角色"] = "书记"
            assert (await h.deps.roster.import_rows(rows, actor_tg=None)).ok
            users = []
            for i, p in enumerate(await h.deps.people.all()):
                user = fake.add_user(700000 + i, p.name)
                fake.opened_private.add(user.id)
                await h.deps.people.link_account(p.id, user.id, at="2026-01-01T00:00:00+00:00",
                                                 actor_tg=None, how="bench")
                users.append(user)
            await h.arrange(users[0], "/meeting 学习活动日 12月5日 9:30 礼堂 学习")
            [m] = await h.deps.meeting_repo.active()
            h.clock.set(h.deps.meetings.opens_at(m))
            await h.run_job(f"mtg:{m.id}:open")
            fresh = await h.deps.meeting_repo.get(m.id)
            assert fresh is not None and fresh.card_message_id is not None
            card = fake.message(group.id, fresh.card_message_id)
            gc.collect()
            result["rss_after_startup_mb"] = round(rss_mb(), 1)
            # Since session 10 the worker starts with the bot (bot/reader.py); since
            # session 11 it loads the report's libraries then: measured once it has (its
            # one process runs what it is given in order).
            await off_loop(os.getpid)
            result["worker_after_startup_mb"] = worker_rss_mb()
            t1 = time.perf_counter()
            await feed(h, users, card, m.id, updates)
            gc.collect()
            result["rss_after_first_mb"] = round(rss_mb(), 1)
            result["first_batch_updates_per_s"] = round(updates / (time.perf_counter() - t1))
            await feed(h, users, card, m.id, updates)
            gc.collect()
            result["rss_after_second_mb"] = round(rss_mb(), 1)
            result["updates_each_batch"] = updates
            secretary = users[0]
            for n in range(reports):
                target = len(fake.bot_messages(secretary)) + 4  # text, 2 charts, workbook

                def replied(at_least: int = target) -> bool:
                    return len(fake.bot_messages(secretary)) >= at_least

                fake.send(secretary, secretary.id, "/report")
                await fake.wait_for(replied, timeout=120)
                await h.settle()
                gc.collect()
                result[f"after_report_{n + 1}"] = {
                    "bot_mb": round(rss_mb(), 1), "worker_mb": worker_rss_mb(),
                    # since session 14 the report is built in a child of the worker
                    # (`in_a_child`): its peak, pages shared with the worker included
                    "report_process_peak_mb": await off_loop(child_peak_mb)}
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--updates", type=int, default=10000)
    parser.add_argument("--reports", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.updates, args.reports))
