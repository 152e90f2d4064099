"""Benchmark 6: a check-in burst while the secretary asks for a heavy view.

Ten years of a 1,000-person branch (`bench.growth.fill`); 100 linked members tap 签到
within one second on a meeting's card — alone, right after the secretary sent `/report`
(a message, two charts and a workbook), and right after `/attendance`. Each round uses a
fresh card for each of the three cases, in a rotating order so the machine's noise falls
on all three alike. Latency is from a press entering the fake to the bot's answer reaching
it (`FakeBotApi.answer_latencies`); the view's own time is to its last reply.

    python -m bench.views_taps [--people 1000] [--years 10] [--rounds 5]  (at most 20)

The goal (issue 20): the taps' p99 during a view ≤ 1.5 × the p99 alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.common import COMMITTEE_ID, GROUP_ID, SECRETARY_TG, config, machine, percentile
from bench.growth import NOW, big_roster, fill
from bench.taps import _burst
from bot.clock import FrozenClock
from bot.testing.fakeapi import FakeBotApi, FakeUser, Json
from bot.testing.harness import BotHarness

CASES = ("alone", "/report", "/attendance")
REPLIES = {"/report": 4, "/attendance": 1}  # a view's messages, the last one timed


async def _card(h: BotHarness, secretary: FakeUser, n: int) -> tuple[int, Json]:
    """A study day tomorrow at 11:00 + n minutes, its card in the group."""
    await h.arrange(secretary, f"/meeting 学习活动日 11月23日 11:{n:02d} 礼堂 第{n}次")
    meeting = max(await h.deps.meeting_repo.active(), key=lambda m: m.id)
    if f"mtg:{meeting.id}:open" in h.job_names():  # else inside its hour: posted at once
        await h.run_job(f"mtg:{meeting.id}:open")
    fresh = await h.deps.meeting_repo.get(meeting.id)
    assert fresh is not None and fresh.card_message_id is not None
    return meeting.id, h.fake.message(GROUP_ID, fresh.card_message_id)


async def _case(h: BotHarness, secretary: FakeUser, members: list[FakeUser], case: str,
                meeting_id: int, card: Json) -> tuple[list[float], float | None]:
    """The taps' latencies, and the view's time to its last reply (None alone)."""
    fake = h.fake
    fake.answer_latencies.clear()
    before = len(fake.bot_messages(secretary))
    t0 = time.perf_counter()
    view_done = None
    if case != "alone":
        fake.send(secretary, secretary.id, case)

        async def last_reply() -> float:
            await fake.wait_for(
                lambda: len(fake.bot_messages(secretary)) >= before + REPLIES[case], 120)
            return time.perf_counter() - t0

        view_done = asyncio.create_task(last_reply())
    await _burst(fake, [(u, card, f"att:ci:{meeting_id}") for u in members])
    await fake.wait_for(lambda: len(fake.answer_latencies) >= len(members), timeout=120)
    view = await view_done if view_done is not None else None
    await h.settle()
    saved = len(await h.deps.meeting_repo.attendance(meeting_id))
    assert saved == len(members), (case, saved)
    return list(fake.answer_latencies), view


@asynccontextmanager
async def years_branch(people: int, years: int, members: int, cards: int) -> AsyncIterator[
        tuple[BotHarness, FakeUser, list[FakeUser], dict[str, float], list[tuple[int, Json]]]]:
    """The bot over `people` in the roster, the secretary and `members` of them linked and
    in the group, `years` of history (`bench.growth.fill`), and `cards` meeting cards open
    at 10:30 the next day. Yields the harness, the secretary, the members, what was
    filled, and the cards."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "y.db"
        clock = FrozenClock(NOW)
        fake = FakeBotApi(clock=clock)
        group = fake.add_group(GROUP_ID, "支部群")
        fake.add_group(COMMITTEE_ID, "支委群")
        async with BotHarness(config(), path, clock=clock, fake=fake, poll_timeout=2.0) as h:
            assert (await h.deps.roster.import_rows(big_roster(people), actor_tg=None)).ok
            users = []
            for i, person in enumerate((await h.deps.people.all())[:members + 1]):
                user = fake.add_user(SECRETARY_TG + i, person.name)
                fake.opened_private.add(user.id)
                group.members.add(user.id)
                await h.deps.people.link_account(person.id, user.id, at=NOW.isoformat(),
                                                 actor_tg=None, how="bench")
                users.append(user)
            facts = await asyncio.to_thread(fill, path, people, years)
            clock.set(datetime.fromisoformat("2026-11-23T10:30:00+08:00"))
            made = [await _card(h, users[0], n) for n in range(cards)]
            yield h, users[0], users[1:], facts, made


async def measure(people: int, years: int, rounds: int, members: int) -> dict[str, Any]:
    async with years_branch(people, years, members, rounds * len(CASES)) as (
            h, secretary, crowd, facts, cards):
        taps: dict[str, list[float]] = {c: [] for c in CASES}
        views: dict[str, list[float]] = {c: [] for c in CASES if c != "alone"}
        for r in range(rounds):
            order = CASES[r % 3:] + CASES[:r % 3]
            for i, case in enumerate(order):
                meeting_id, card = cards[r * len(CASES) + i]
                latencies, view = await _case(h, secretary, crowd, case, meeting_id, card)
                taps[case] += latencies
                if view is not None:
                    views[case].append(view)
    alone_p99 = percentile(taps["alone"], 0.99)
    out: dict[str, Any] = {"years": years, **facts}
    for case in CASES:
        out[f"taps_{case}"] = {"n": len(taps[case]),
                               "median_ms": round(statistics.median(taps[case]) * 1000, 1),
                               "p99_ms": round(percentile(taps[case], 0.99) * 1000, 1),
                               "p99_vs_alone": round(percentile(taps[case], 0.99) / alone_p99,
                                                     2)}
    for case, times in views.items():
        out[f"{case}_to_last_reply_median_s"] = round(statistics.median(times), 3)
    return out


async def main(people: int, years: int, rounds: int, members: int) -> None:
    result = await measure(people, years, rounds, members)
    print(json.dumps({"machine": machine(), "people": people, "members_tapping": members,
                      "rounds": rounds, **result}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--members", type=int, default=100)
    args = parser.parse_args()
    if args.rounds * len(CASES) > 60:  # a card a minute within the hour (`_card`)
        parser.error("at most 20 rounds")
    asyncio.run(main(args.people, args.years, args.rounds, args.members))
