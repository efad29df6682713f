"""The per-chat lock: one chat at a time, in arrival order, re-entrant only in the holding task."""

from __future__ import annotations

import asyncio

from services.chat_locks import ChatLocks


async def test_a_chats_holders_run_one_after_another_in_arrival_order_while_other_chats_go_on() -> None:
    locks = ChatLocks()
    log: list[str] = []
    release = asyncio.Event()

    async def first() -> None:
        async with locks.hold("telegram", "1"):
            log.append("first in")
            await release.wait()
            log.append("first out")

    async def later(name: str, chat: str) -> None:
        async with locks.hold("telegram", chat):
            log.append(name)

    tasks = [asyncio.create_task(first())]
    await asyncio.sleep(0)
    tasks += [asyncio.create_task(later(n, "1")) for n in ("second", "third")]
    tasks.append(asyncio.create_task(later("other chat", "2")))
    tasks.append(asyncio.create_task(_other_platform(locks, log)))
    await asyncio.sleep(0.01)
    assert log == ["first in", "other chat", "other platform"]
    release.set()
    await asyncio.gather(*tasks)
    assert log[3:] == ["first out", "second", "third"]


async def _other_platform(locks: ChatLocks, log: list[str]) -> None:
    async with locks.hold("wechat", "1"):
        log.append("other platform")


async def test_the_holding_task_may_take_its_chat_again_and_still_holds_it_after() -> None:
    locks = ChatLocks()
    log: list[str] = []

    async def waiter() -> None:
        async with locks.hold("telegram", "1"):
            log.append("waiter")

    async with locks.hold("telegram", "1"):
        async with asyncio.timeout(1), locks.hold("telegram", "1"):  # the service inside the platform's hold
            log.append("inner")
        task = asyncio.create_task(waiter())
        await asyncio.sleep(0.01)
        log.append("outer still holds it")
    await task
    assert log == ["inner", "outer still holds it", "waiter"]


async def test_a_task_started_by_the_holder_waits_like_any_other() -> None:
    locks = ChatLocks()
    async with locks.hold("telegram", "1"):
        spawned = asyncio.create_task(_take(locks))
        await asyncio.sleep(0.01)
        assert not spawned.done(), "a task the holder started is not the holder"
    await asyncio.wait_for(spawned, 1)


async def _take(locks: ChatLocks) -> None:
    async with locks.hold("telegram", "1"):
        pass


async def test_an_unused_chats_lock_is_dropped() -> None:
    locks = ChatLocks()
    async with locks.hold("telegram", "1"):
        assert len(locks._locks) == 1
    assert len(locks._locks) == 0
