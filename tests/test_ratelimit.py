"""The rate limiter's buckets (bot/ratelimit.py): never more than the limit in any window
at the server, allowing for network jitter, and close to the limit's own pace."""

from __future__ import annotations

import pytest

from bot.ratelimit import JITTER_SECONDS, bucket


@pytest.mark.parametrize(("limit", "window"), [
    (30, 1.0), (60, 1.0), (300, 1.0), (1000, 1.0), (20, 60.0), (200, 60.0), (1, 1.0)])
def test_no_window_at_the_server_holds_more_than_the_limit(limit: int, window: float) -> None:
    b = bucket(limit, window)
    # Fewer than capacity + rate * span pass in any span; requests may arrive up to the
    # jitter earlier or later than they left.
    assert b.capacity + b.per_second * (window + 2 * JITTER_SECONDS) <= limit + 1 + 1e-9
    assert b.per_second >= 0.97 * limit / window


def test_no_bursts_at_telegrams_own_limits_and_credit_at_ten_times() -> None:
    assert bucket(30, 1.0).capacity == 1
    assert bucket(20, 60.0).capacity == 1
    assert bucket(300, 1.0).capacity == 3  # 10 ms of lateness made up, not lost
