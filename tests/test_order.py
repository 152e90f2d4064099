"""The order updates are handled in (bot/order.py): one person's one after another,
different people's at the same time."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Update, User

from bot.order import PerPersonOrder


def _press(update_id: int, user_id: int) -> Update:
    user = User(user_id, "某", False)
    return Update(update_id, callback_query=CallbackQuery(str(update_id), user, "1"))


async def test_one_persons_updates_keep_their_order_and_others_do_not_wait() -> None:
    order = PerPersonOrder()
    done: list[int] = []
    gate = asyncio.Event()

    async def handle(uid: int, wait: bool = False) -> None:
        if wait:
            await gate.wait()
        done.append(uid)

    first = asyncio.create_task(order.process_update(_press(1, 7), handle(1, wait=True)))
    second = asyncio.create_task(order.process_update(_press(2, 7), handle(2)))
    other = asyncio.create_task(order.process_update(_press(3, 8), handle(3)))
    await other  # another person's update is handled while the first is still busy
    assert done == [3]
    await asyncio.sleep(0)
    assert not second.done()  # the same person's next update waits for his first
    gate.set()
    await asyncio.gather(first, second)
    assert done == [3, 1, 2]
    assert order._locks == {}  # nothing kept for people with nothing in hand


async def test_an_update_without_a_person_is_not_held() -> None:
    order = PerPersonOrder()
    ran = []

    async def handle() -> None:
        ran.append(1)

    await order.process_update(Update(5), handle())
    await order.process_update("not an update", handle())
    assert ran == [1, 1]
