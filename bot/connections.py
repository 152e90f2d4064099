"""The bot's connections to Telegram: one connection pool for each connection.

Different people's updates are handled at the same time (bot/order.py), so up to
`MAX_AT_ONCE` requests to Telegram can be on their way together, each on a connection
of its own (HTTP/1.1 carries one request at a time). In one httpx client, they would
share one httpcore connection pool, and httpcore 1.0.9 walks all of a pool's
connections on each request and each response, asking the system for each idle one
whether its socket has been closed, and builds a list of them all for each connection
it looks at (encode/httpcore#1035, open upstream): the more connections, the more each
request costs. With 64 in one pool, that work took about a fifth of the bot's time on
loopback at saturation (docs/PERFORMANCE.md §s13).

`SeparatePools` gives the requests one pool each: `MAX_AT_ONCE` pools (a PTB
`HTTPXRequest` each, built the usual way, so proxies from the environment and the
timeouts apply as before), each request going through the pool with the fewest requests
on their way, the first such. Under light load the first pools carry everything and the
rest stay empty; with 64 at once, each pool holds one connection, so each walk is one
connection long. Requests in flight are not capped: each pool may open
`CONNECTIONS_EACH`, so all of them together hold as many as the single pool did, for
the requests that jobs send beside the updates. The pools share one TLS context
(building one each would load the certificate store 64 times: 1.6 s and 54 MB), the
process's (`tls_context`), which the bot's other HTTP client uses too.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import Any

import httpx
from telegram.request import BaseRequest, HTTPXRequest

from bot.order import MAX_AT_ONCE

CONNECTIONS_EACH = 4


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's one TLS context, as httpx builds it by default (the certificate
    store loaded, `SSL_CERT_FILE` and the like honoured): ~20 ms to build, which every
    view built in the worker spent on a client it never used (bot/reader.py)."""
    return httpx.create_ssl_context()


class SeparatePools(BaseRequest):
    """PTB's request interface over `pools` HTTPX pools (see the module's docstring)."""

    def __init__(self, pools: int = MAX_AT_ONCE, **kwargs: Any) -> None:
        self.pools = [HTTPXRequest(connection_pool_size=CONNECTIONS_EACH,
                                   httpx_kwargs={"verify": tls_context()}, **kwargs)
                      for _ in range(pools)]
        self.on_their_way = [0] * pools  # requests in each pool

    @property
    def read_timeout(self) -> float | None:
        return self.pools[0].read_timeout

    async def initialize(self) -> None:
        await asyncio.gather(*(pool.initialize() for pool in self.pools))

    async def shutdown(self) -> None:
        await asyncio.gather(*(pool.shutdown() for pool in self.pools))

    async def do_request(self, url: str, method: str, *args: Any,
                         **kwargs: Any) -> tuple[int, bytes]:
        counts = self.on_their_way
        which = counts.index(min(counts))
        counts[which] += 1
        try:
            return await self.pools[which].do_request(url, method, *args, **kwargs)
        finally:
            counts[which] -= 1
