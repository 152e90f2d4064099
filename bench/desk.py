"""Benchmark 7: the desk's overview page (bot/web) at ten years of a 1,000-person branch,
and a check-in burst while it is being built.

The same data as benchmark 6 (`bench.growth.fill`). The desk runs as `python -m bot` runs
it: uvicorn in the bot's event loop, a real socket on 127.0.0.1. First the overview alone,
`--pages` times in a row (time from request to the whole page, over loopback: the server's
time plus well under a millisecond); then rounds of 100 taps on a card alone and right
after a GET of the overview, in alternating order.

    python -m bench.desk [--people 1000] [--years 10] [--rounds 5] [--pages 20]

Goals (issue 21): the overview under 300 ms; taps during it as fast as without it.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import statistics
import time
from typing import Any

import httpx

from bench.common import machine, percentile
from bench.taps import _burst
from bench.views_taps import years_branch
from bot.services.desk import LinkOutcome
from bot.testing.fakeapi import FakeUser, Json
from bot.testing.harness import BotHarness
from bot.web.app import COOKIE, desk_app
from bot.web.server import desk_server

CASES = ("alone", "overview")


async def _round(h: BotHarness, desk: httpx.AsyncClient, members: list[FakeUser], case: str,
                 meeting_id: int, card: Json) -> tuple[list[float], float | None]:
    fake = h.fake
    fake.answer_latencies.clear()
    page = None
    if case == "overview":
        async def get() -> float:
            t0 = time.perf_counter()
            response = await desk.get("/")
            assert response.status_code == 200
            return time.perf_counter() - t0
        page = asyncio.create_task(get())
        await asyncio.sleep(0)  # the request is under way before the first tap
    await _burst(fake, [(u, card, f"att:ci:{meeting_id}") for u in members])
    await fake.wait_for(lambda: len(fake.answer_latencies) >= len(members), timeout=120)
    took = await page if page is not None else None
    await h.settle()
    assert len(await h.deps.meeting_repo.attendance(meeting_id)) == len(members)
    return list(fake.answer_latencies), took


async def measure(people: int, years: int, rounds: int, members: int, pages: int
                  ) -> dict[str, Any]:
    async with years_branch(people, years, members, rounds * len(CASES)) as (
            h, secretary, crowd, facts, cards):
        token = await h.deps.desk.issue(await h.deps.access.actor(secretary.id))
        assert token is not None
        outcome, cookie = await h.deps.desk.redeem(token)
        assert outcome is LinkOutcome.OK and cookie is not None
        web = dataclasses.replace(h.deps.config.web, enabled=True, port=0)
        server = desk_server(desk_app(lambda: h.deps), web)
        serving = asyncio.create_task(server.serve())
        await server.listening.wait()
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server.port}",
                                     cookies={COOKIE: cookie}, timeout=60) as desk:
            alone_pages = []
            for _ in range(pages):
                t0 = time.perf_counter()
                assert (await desk.get("/")).status_code == 200
                alone_pages.append(time.perf_counter() - t0)
            taps: dict[str, list[float]] = {c: [] for c in CASES}
            during: list[float] = []
            for r in range(rounds):
                order = CASES if r % 2 == 0 else CASES[::-1]
                for i, case in enumerate(order):
                    meeting_id, card = cards[r * len(CASES) + i]
                    latencies, took = await _round(h, desk, crowd, case, meeting_id, card)
                    taps[case] += latencies
                    if took is not None:
                        during.append(took)
        server.should_exit = True
        await serving
    alone_p99 = percentile(taps["alone"], 0.99)
    return {
        "years": years, **facts,
        "overview_alone_ms": {"n": len(alone_pages),
                              "median": round(statistics.median(alone_pages) * 1000, 1),
                              "max": round(max(alone_pages) * 1000, 1)},
        "overview_during_burst_median_ms": round(statistics.median(during) * 1000, 1),
        **{f"taps_{case}": {"n": len(taps[case]),
                            "median_ms": round(statistics.median(taps[case]) * 1000, 1),
                            "p99_ms": round(percentile(taps[case], 0.99) * 1000, 1),
                            "p99_vs_alone": round(percentile(taps[case], 0.99) / alone_p99, 2)}
           for case in CASES},
    }


async def main(people: int, years: int, rounds: int, members: int, pages: int) -> None:
    result = await measure(people, years, rounds, members, pages)
    print(json.dumps({"machine": machine(), "people": people, "members_tapping": members,
                      "rounds": rounds, **result}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--pages", type=int, default=20)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.years, args.rounds, args.members, args.pages))
