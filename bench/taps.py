"""Benchmark 1: button taps end to end, against the framework's floor.

The real bot polls the fake Bot API over HTTP. 100 members press 签到 within one second,
20 times (20 meetings: 2,000 presses). Latency is from a press entering the fake to the
bot's answerCallbackQuery reaching it. The floor is a bare python-telegram-bot
application, run the same way on the same fake, whose only handler answers the callback.

The two run at the same time, each in its own process with its own fake (one core each
on a 2-core machine), so that the machine's noise, which comes in bursts on a shared
host, falls on both alike; `--repeat` runs the pair again and reports each run.

    python -m bench.taps [--rounds 20] [--members 100] [--repeat 3] [--saturate]
                         [--rtt MS] [--floor-at-once N]

`--floor-at-once 64` gives the floor PTB's own concurrent updates, as many at once as the
bot handles (bot/order.py; the floor without the bot's per-person order).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, ContextTypes

from bench.common import branch, machine, summary
from bot.order import MAX_AT_ONCE
from bot.testing.fakeapi import FakeBotApi, Json


async def _burst(fake: FakeBotApi, presses: list[tuple[Any, Json, str]],
                 pace: bool = True) -> None:
    """Spread the presses evenly over one second (or, not `pace`d, all at once: the
    saturation run, where throughput is what the side can handle, not the sender's pace)."""
    gap = 1.0 / len(presses) if pace else 0.0
    for user, message, data in presses:
        fake.press_data(user, message, data, quiet=True)
        if pace:
            await asyncio.sleep(gap)


Gate = Callable[[Json | None], Awaitable[Json | None]]


async def _no_gate(card: Json | None = None) -> Json | None:
    return None


async def bot_run(rounds: int, members: int,
                  gate: Gate = _no_gate, pace: bool = True,
                  rtt: float = 0.0) -> dict[str, Any]:
    async with branch(members) as (h, users, group):
        secretary = users[0]
        for n in range(rounds):
            when = f"12月{n % 28 + 1}日 {8 + n // 28}:{n % 60:02d}"
            await h.arrange(secretary, f"/meeting 学习活动日 {when} 礼堂 第{n}次")
        meetings = sorted(await h.deps.meeting_repo.active(), key=lambda m: m.id)
        # Only the taps are timed: the meetings' reminders and closings, which moving the
        # clock from card to card would set off, are dropped (until session 8 they sent
        # thousands of private messages through the rate limiter during the timed window;
        # at saturation they took a third of the bot's CPU, docs/PERFORMANCE.md §1).
        assert h.app is not None and h.app.job_queue is not None
        for job in h.app.job_queue.jobs():
            if job.name and job.name.startswith("mtg:") and job.name.endswith(
                    (":eve", ":soon", ":close")):
                job.schedule_removal()
        cards = []
        for m in meetings:
            h.clock.set(h.deps.meetings.opens_at(m))
            await h.run_job(f"mtg:{m.id}:open")
            fresh = await h.deps.meeting_repo.get(m.id)
            assert fresh is not None and fresh.card_message_id is not None
            cards.append((fresh, h.fake.message(group.id, fresh.card_message_id)))
        await gate(cards[0][1])  # both sides ready: time them in the same window
        h.fake.round_trip = rtt
        h.fake.answer_latencies.clear()  # the ✅ taps that arranged the meetings
        start = time.perf_counter()
        for m, card in cards:
            await _burst(h.fake, [(u, card, f"att:ci:{m.id}") for u in users[:members]], pace)
        await h.fake.wait_for(lambda: len(h.fake.answer_latencies) >= rounds * members,
                              timeout=600)
        elapsed = time.perf_counter() - start
        saved = 0
        for m, _ in cards:
            saved += len(await h.deps.meeting_repo.attendance(m.id))
        ok = sum(1 for t in h.fake.toasts if t["text"].endswith("已为您签到"))
        return {**summary(h.fake.answer_latencies), "presses": rounds * members,
                "saved": saved, "confirmed": ok, "throughput_per_s": rounds * members / elapsed}


async def floor_run(rounds: int, members: int,
                    gate: Gate = _no_gate, pace: bool = True,
                    rtt: float = 0.0, at_once: int = 1) -> dict[str, Any]:
    async with FakeBotApi() as fake:
        group = fake.add_group(-1001, "群")
        users = [fake.add_user(600000 + i, f"u{i}") for i in range(members)]

        async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.callback_query is not None
            await update.callback_query.answer("ok")

        builder = ApplicationBuilder().token(fake.token).base_url(fake.base_url)
        if at_once > 1:  # PTB's own concurrency, as many at once as the bot (bot/order.py)
            builder = builder.concurrent_updates(at_once)
        app = builder.build()
        app.add_handler(CallbackQueryHandler(answer))
        await app.initialize()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=timedelta(seconds=2))
        await app.start()
        try:
            card = {"message_id": 1, "date": 0, "chat": group.json(), "text": "card"}
            # The bot's own card when run beside it: both sides parse the same presses
            # (until session 9 the floor's card was this bare one, a third of the size).
            bots = await gate(None)
            if bots is not None:
                card = {**bots, "chat": group.json()}
            fake.round_trip = rtt
            start = time.perf_counter()
            for _ in range(rounds):
                await _burst(fake, [(u, card, "att:ci:1") for u in users], pace)
            await fake.wait_for(lambda: len(fake.answer_latencies) >= rounds * members,
                                timeout=600)
            elapsed = time.perf_counter() - start
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
        return {**summary(fake.answer_latencies), "presses": rounds * members,
                "throughput_per_s": rounds * members / elapsed}


async def side(which: str, rounds: int, members: int, pace: bool, rtt: float,
               floor_at_once: int = 1) -> None:
    async def gate(card: Json | None) -> Json | None:
        """Say ready (the bot with its card), then wait for the word to start (`pair`),
        which brings the floor the bot's card."""
        print("ready", json.dumps(card, ensure_ascii=False) if card else "", flush=True)
        word = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        found: Json | None = json.loads(word[3:]) if word.startswith("go ") else None
        return found

    if which == "bot":
        result = await bot_run(rounds, members, gate, pace, rtt)
    else:
        result = await floor_run(rounds, members, gate, pace, rtt, floor_at_once)
    print(json.dumps(result))


async def pair(rounds: int, members: int, pace: bool = True,
               rtt: float = 0.0, floor_at_once: int = 1) -> dict[str, Any]:
    """Bot and floor at the same time, one process each, both prepared before either
    starts its clock (the bot opens its 20 cards first: until session 7 the floor's timed
    window fell while the bot was still preparing, so noise hit one side only)."""
    procs = [await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.taps", "--side", which, "--rounds", str(rounds),
        "--members", str(members), "--rtt", str(rtt * 1000),
        "--floor-at-once", str(floor_at_once),
        *(() if pace else ("--saturate",)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE) for which in ("bot", "floor")]
    said = []
    for proc in procs:
        assert proc.stdout is not None
        while not (line := (await proc.stdout.readline()).decode()).startswith("ready"):
            if not line:
                raise RuntimeError("a side stopped before it was ready")
        said.append(line[len("ready"):].strip())
    card = said[0]  # the bot's; the floor presses the same message
    for proc, word in zip(procs, ("go\n", f"go {card}\n"), strict=True):
        assert proc.stdin is not None
        proc.stdin.write(word.encode())
        await proc.stdin.drain()

    async def result_of(proc: asyncio.subprocess.Process) -> dict[str, Any]:
        out, _ = await proc.communicate()
        assert proc.returncode == 0
        found: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
        return found

    ours, floor = await asyncio.gather(*(result_of(p) for p in procs))
    return {
        "floor": floor, "bot": ours,
        "ratio_median": ours["median_ms"] / floor["median_ms"],
        "ratio_p99": ours["p99_ms"] / floor["p99_ms"],
        "throughput_share": ours["throughput_per_s"] / floor["throughput_per_s"],
    }


async def main(rounds: int, members: int, repeat: int, pace: bool, rtt: float,
               floor_at_once: int) -> None:
    runs = [await pair(rounds, members, pace, rtt, floor_at_once) for _ in range(repeat)]
    result = {
        "machine": machine(), "floor_at_once": floor_at_once, "runs": runs,
        "median_of_ratio_median": statistics.median(r["ratio_median"] for r in runs),
        "median_of_ratio_p99": statistics.median(r["ratio_p99"] for r in runs),
        # The spread, not only the middle: one noisy pair shows here.
        "ratio_median_range": [min(r["ratio_median"] for r in runs),
                               max(r["ratio_median"] for r in runs)],
        "ratio_p99_range": [min(r["ratio_p99"] for r in runs),
                            max(r["ratio_p99"] for r in runs)],
        "throughput_share_range": [min(r["throughput_share"] for r in runs),
                                   max(r["throughput_share"] for r in runs)],
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--members", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--saturate", action="store_true",
                        help="press all at once: throughput at saturation")
    parser.add_argument("--rtt", type=float, default=0.0,
                        help="milliseconds for a request to Telegram and back (loopback: 0)")
    parser.add_argument("--floor-at-once", type=int, default=1,
                        help="updates the floor handles at once (PTB's concurrent_updates); "
                        f"the bot handles up to {MAX_AT_ONCE}")
    parser.add_argument("--side", choices=("bot", "floor"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    rtt = args.rtt / 1000
    if args.side:
        asyncio.run(side(args.side, args.rounds, args.members, not args.saturate, rtt,
                         args.floor_at_once))
    else:
        asyncio.run(main(args.rounds, args.members, args.repeat, not args.saturate, rtt,
                         args.floor_at_once))
