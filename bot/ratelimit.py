"""Telegram's flood limits as settings for PTB's AIORateLimiter (aiolimiter's leaky
buckets): about 30 messages a second overall and 20 a minute per group, or whatever
`telegram.rate_limit` says (a self-hosted Bot API server or paid broadcasts allow more).

A bucket that holds c messages and drains r a second lets fewer than c + r·W through in
any W seconds. Requests can reach the server closer together than they left, by the
network's jitter (`JITTER_SECONDS` either way), so r is chosen for
c + r·(W + 2·jitter) ≤ limit + 1, which keeps every window at the server within the
limit. The bucket holds more than one message only at high rates: each wait for the
bucket ends late by up to a millisecond (the event loop's timer resolution), which at
300 a second is a third of the gap between messages and cost a broadcast 15% of its
time (bench/broadcast.py); a bucket holding `CREDIT_SECONDS` worth of messages makes up
for the lateness instead of losing it. At Telegram's own 30 a second it holds one: no
bursts.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram.ext import AIORateLimiter

JITTER_SECONDS = 0.010
CREDIT_SECONDS = 0.010


@dataclass(frozen=True)
class Bucket:
    capacity: int  # messages the bucket holds (aiolimiter's max_rate)
    period: float  # seconds in which it drains them (aiolimiter's time_period)

    @property
    def per_second(self) -> float:
        return self.capacity / self.period


def bucket(limit: float, window: float) -> Bucket:
    """The bucket for at most `limit` messages in any `window` seconds at the server."""
    capacity = max(1, int(limit / window * CREDIT_SECONDS))
    per_second = (limit + 1 - capacity) / (window + 2 * JITTER_SECONDS)
    return Bucket(capacity, capacity / per_second)


class BranchRateLimiter(AIORateLimiter):
    """PTB's limiter, except for answers to button presses: Telegram's flood limits are on
    the messages a bot sends, and passed through the limiter an answer waited, like every
    request, while the limiter sat out a 429 on some message (the old person's button
    would spin for the whole `retry_after`; tests/test_meetings.py). It also cost each
    tap a little at saturation."""

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        if endpoint == "answerCallbackQuery":
            return await callback(*args, **kwargs)
        return await super().process_request(callback, args, kwargs, endpoint, data,
                                             rate_limit_args)


def rate_limiter(per_second: float, group_per_minute: float, max_retries: int) -> AIORateLimiter:
    overall, group = bucket(per_second, 1.0), bucket(group_per_minute, 60.0)
    return BranchRateLimiter(overall_max_rate=overall.capacity,
                             overall_time_period=overall.period,
                             group_max_rate=group.capacity, group_time_period=group.period,
                             max_retries=max_retries)
