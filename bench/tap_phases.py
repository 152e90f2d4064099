"""Where a tap's time goes, in the bot alone: the tap benchmark's bot side with marks at
four points (the press entering the fake, the update queued by the bot, the handler
entered, `answerCallbackQuery` called), and the slowest presses listed by phase.

    python -m bench.tap_phases [--rounds 10] [--members 100]

Used to find each step in docs/PERFORMANCE.md §1; it patches those four points for its
own run only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from itertools import pairwise
from typing import Any

from telegram import CallbackQuery, Update

from bench.taps import bot_run
from bot import inbox
from bot.handlers import attendance
from bot.testing import fakeapi

# The last step is the answer reaching the fake: the trip back over HTTP was left out
# until session 7, and it is half of the slowest 1% (issue 20).
STEPS = ("press", "queued", "handler", "answer_call", "answered")
marks: dict[str, dict[str, float]] = {}


def _mark(query_id: str, step: str) -> None:
    marks.setdefault(query_id, {})[step] = time.perf_counter()


def _patch() -> None:
    put, on_button = inbox.DurableQueue.put, attendance.buttons.dispatch
    answer, press = CallbackQuery.answer, fakeapi.FakeBotApi.press_data
    received = fakeapi.FakeBotApi.api_answercallbackquery

    async def marked_put(self: inbox.DurableQueue, item: object) -> None:
        if isinstance(item, Update) and item.callback_query:
            _mark(item.callback_query.id, "queued")
        await put(self, item)

    async def marked_on_button(update: Update, context: Any) -> None:
        assert update.callback_query is not None
        _mark(update.callback_query.id, "handler")
        await on_button(update, context)

    async def marked_answer(self: CallbackQuery, *args: Any, **kwargs: Any) -> bool:
        _mark(self.id, "answer_call")
        return await answer(self, *args, **kwargs)

    def marked_press(self: fakeapi.FakeBotApi, *args: Any, **kwargs: Any) -> str:
        query_id = press(self, *args, **kwargs)
        _mark(query_id, "press")
        return query_id

    def marked_received(self: fakeapi.FakeBotApi, p: dict[str, Any]) -> bool:
        _mark(str(p.get("callback_query_id")), "answered")
        return received(self, p)

    fakeapi.FakeBotApi.api_answercallbackquery = marked_received  # type: ignore[method-assign,assignment]
    inbox.DurableQueue.put = marked_put  # type: ignore[method-assign]
    # The feature's handler is made from its Buttons when registered, after this.
    setattr(attendance.buttons, "dispatch", marked_on_button)  # noqa: B010
    CallbackQuery.answer = marked_answer  # type: ignore[method-assign]
    fakeapi.FakeBotApi.press_data = marked_press  # type: ignore[method-assign,assignment]


def _ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 3)


async def main(rounds: int, members: int) -> None:
    _patch()
    result = await bot_run(rounds, members)
    done = [m for m in marks.values() if all(s in m for s in STEPS)]
    phases = {}
    for a, b in pairwise(STEPS):
        spans = [m[b] - m[a] for m in done]
        phases[f"{a}->{b}"] = {"median_ms": round(statistics.median(spans) * 1000, 3),
                               "p99_ms": _ms(spans, 0.99)}
    order = sorted(done, key=lambda m: m["press"])
    slowest = sorted(order, key=lambda m: m["answered"] - m["press"])[-10:]
    print(json.dumps({
        "end_to_end": {k: round(v, 3) for k, v in result.items() if k.endswith("_ms")},
        "phases": phases,
        "slowest": [{"press_no": order.index(m),
                     **{f"{a}->{b}": round((m[b] - m[a]) * 1000, 2)
                        for a, b in pairwise(STEPS)}} for m in slowest],
    }, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--members", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.members))
