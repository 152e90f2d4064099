"""Faults a test injects: Telegram's errors (429 with retry_after, 5xx), slow replies, and
seeded chaos (duplicates, timeouts, dropped replies)."""

from __future__ import annotations

import asyncio

from bot.testing.fakeapi.world import (
    _ERROR_TEXTS,
    _NEVER_CHAOS,
    ApiError,
    Chaos,
    Fault,
    Json,
    World,
)


class Faults(World):
    # -- faults ---------------------------------------------------------------------------------

    def fail(self, method: str, status: int, *, times: int = 1, retry_after: int | None = None,
             description: str | None = None, after: int = 0) -> None:
        """The next `times` calls of `method` (after letting `after` through) fail."""
        self.faults.append(Fault(method, status, times, retry_after, 0.0, description, after))

    def chaos(self, seed: int, *, too_many: float = 0.0, server_error: float = 0.0,
              duplicate: float = 0.0, timeout: float = 0.0, dropped: float = 0.0,
              hang: float = 1.5) -> None:
        """From now on, at these rates and reproducibly: answer a call with 429
        (retry_after 1) or 502; leave it unanswered for `hang` seconds and then cut the
        connection (the client's read timeout must be shorter); cut the connection at
        once; deliver an update twice (Telegram's at-least-once). A timeout or a cut
        happens half the time before the fake acts and half the time after, when the
        bot cannot know its message went out (`lost_replies`)."""
        self._chaos = Chaos(seed, too_many, server_error, duplicate, timeout, dropped, hang)
        self._chaos_draws.clear()

    def _chaos_loss(self, method: str, params: Json) -> tuple[str, bool] | None:
        """Whether this call's connection is lost, how, and whether after acting."""
        chaos = self._chaos
        if chaos is None or method.lower() in _NEVER_CHAOS:
            return None
        roll = self._roll("loss", method, params)
        if roll < chaos.timeout + chaos.dropped:
            kind = "timeout" if roll < chaos.timeout else "dropped"
            self.injected[kind] += 1
            return kind, self._roll("after", method, params) < 0.5
        return None

    def _chaos_fault(self, method: str, params: Json) -> None:
        chaos = self._chaos
        if chaos is None or method.lower() in _NEVER_CHAOS:
            return
        roll = self._roll("fault", method, params)
        if roll < chaos.too_many:
            self.injected["429"] += 1
            raise ApiError(429, "Too Many Requests: retry after 1", 1)
        if roll < chaos.too_many + chaos.server_error:
            self.injected["5xx"] += 1
            raise ApiError(502, "Bad Gateway")

    def slow(self, method: str, delay: float, *, times: int = 1) -> None:
        self.faults.append(Fault(method, None, times, delay=delay))

    def hold(self, method: str) -> asyncio.Event:
        """The next call of `method` is answered only once the test sets the event: a
        request stuck on the network, for as long as the test needs, in no real time."""
        released = asyncio.Event()
        self.faults.append(Fault(method, None, 1, until=released))
        return released

    async def _apply_faults(self, method: str) -> None:
        for fault in self.faults:
            if fault.times <= 0 or fault.method not in (method, "*"):
                continue
            if fault.skip > 0:
                fault.skip -= 1
                continue
            fault.times -= 1
            if fault.until is not None:
                await fault.until.wait()
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.status is not None:
                text = fault.description or _ERROR_TEXTS.get(fault.status, "Error")
                raise ApiError(fault.status, text.format(retry_after=fault.retry_after),
                               fault.retry_after)
            return

