"""Benchmark 8: every view the secretary asks for, at ten years of a large branch.

The same ten years of a 1,000-person branch as `bench.growth` and `bench.views_taps`
(`bench.growth.fill`); the secretary sends each command in his private chat, one after
the other, each finished before the next. A view's time is from the command entering
the fake to the last of its replies reaching it (a message, an image, a file, or an edit
of the reply); the number of replies is counted, not assumed. Replies are messages: the
rate limiter spaces them 1/30 s apart, so a view of one reply takes at least ~33 ms.

    python -m bench.views [--people 1000] [--years 10] [--repeat 3]

The goal (issue 20): every view under 250 ms, `/report` (with its charts and
workbook) under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

from bench.common import machine
from bench.views_taps import years_branch
from bot.testing.fakeapi import Json

VIEWS = ("/attendance", "/care", "/report", "/visits", "/notices", "/dues", "/meetings",
         "/makeups", "/roster", "/map", "/suggestions", "/audit", "/me", "/help")
_REPLIES = ("sendmessage", "sendphoto", "senddocument", "editmessagetext")


async def measure(people: int, years: int, repeat: int) -> dict[str, Any]:
    async with years_branch(people, years, 0, 0) as (h, secretary, _, facts, _):
        fake = h.fake
        arrivals: list[float] = []
        handle = fake.handle

        async def noted(method: str, params: Json, files: dict[str, str]) -> Any:
            result = await handle(method, params, files)
            if method.lower() in _REPLIES and str(params.get("chat_id")) == str(secretary.id):
                arrivals.append(time.perf_counter())
            return result

        fake.handle = noted  # type: ignore[method-assign]
        times: dict[str, list[float]] = {v: [] for v in VIEWS}
        replies: dict[str, int] = {}
        for _ in range(repeat):
            for view in VIEWS:
                arrivals.clear()
                t0 = time.perf_counter()
                fake.send(secretary, secretary.id, view)
                await h.settle(120)
                assert arrivals, f"{view} did not answer"
                times[view].append(arrivals[-1] - t0)
                replies[view] = len(arrivals)
        return {"years": years, **facts,
                "views": {v: {"median_s": round(statistics.median(t), 3),
                              "first_s": round(t[0], 3),
                              "max_s": round(max(t), 3), "replies": replies[v]}
                          for v, t in times.items()}}


async def main(people: int, years: int, repeat: int) -> None:
    result = await measure(people, years, repeat)
    print(json.dumps({"machine": machine(), "people": people, "repeat": repeat, **result},
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.people, args.years, args.repeat))
