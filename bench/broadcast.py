"""Benchmark 2: a private notice to 1,000 members at Telegram's limits.

The fake Bot API enforces 30 messages a second overall and 20 a minute per group and
answers 429 with retry_after beyond them. The bot's rate limiter must keep under the
limits: total time close to the floor of 1,000 / 30 s, no 429 received, nobody missed,
nobody twice. Then the same with limits ten times higher (a self-hosted Bot API server),
configured through `telegram.rate_limit`.

    python -m bench.broadcast [--members 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from typing import Any

from bench.common import branch, config, machine

NOTICE = "基准测试通知：请大家周五上午九点到社区活动室开会。"


async def run(members: int, per_second: float, per_minute: float) -> dict[str, Any]:
    cfg = config(telegram={"rate_limit": {"overall_per_second": per_second,
                                          "group_per_minute": per_minute,
                                          "max_retries": 5}})
    async with branch(members + 1, cfg, limits=(per_second, per_minute)) as (h, users, _):
        secretary = users[0]
        actor = await h.deps.access.actor(secretary.id)
        from bot.jobs.posts import schedule_send
        from bot.services.posts import PostDraft

        post = await h.deps.posts.create(PostDraft(
            kind="notice", title="基准测试", body=NOTICE, file_id=None, file_kind=None,
            audience="members", group_id=None, receipt=True, due_on=None, send_at=None),
            actor)
        assert h.app is not None and h.app.job_queue is not None
        start = time.perf_counter()
        schedule_send(h.app.job_queue, h.deps, post)
        await h.fake.wait_for(lambda: any("发送完成" in m.get("text", "")
                                          for m in h.fake.bot_messages(secretary)),
                              timeout=3600)
        elapsed = time.perf_counter() - start
        copies = Counter(u.id for u in users for m in h.fake.bot_messages(u)
                         if m.get("text", "").startswith("📢"))
        recipients = len(users)  # the author gets his copy too
        return {"limit_per_second": per_second, "recipients": recipients,
                "seconds": round(elapsed, 2),
                "floor_seconds": round(recipients / per_second, 2),
                "over_floor": round(elapsed / (recipients / per_second) - 1, 3),
                "429_received": h.fake.too_many, "delivered": len(copies),
                "duplicates": sum(1 for n in copies.values() if n > 1)}


async def main(members: int) -> None:
    results = [await run(members, 30, 20), await run(members, 300, 200)]
    print(json.dumps({"machine": machine(), "runs": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--members", type=int, default=1000)
    asyncio.run(main(parser.parse_args().members))
