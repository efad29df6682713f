"""Contract: the outbox (replies queued with their event, sent in order per chat) and session versions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage import SessionConflict, Store
from tests.storage.builders import T0, make_user
from tests.storage.conftest import Backend

HOLD = T0 + timedelta(seconds=30)


def reply(n: int) -> dict[str, object]:
    return {"text": f"第{n}条 reply {n}", "buttons": [{"label": "是", "value": "yes"}], "expects": None}


async def queue(store: Store, chat: str, *numbers: int, platform: str = "telegram") -> list[int]:
    async with store.transaction() as tx:
        return await tx.enqueue_replies(platform, chat, [reply(n) for n in numbers], T0)


async def claim(store: Store, chat: str, now=T0, ids=None, platform: str = "telegram"):  # type: ignore[no-untyped-def]
    async with store.transaction() as tx:
        return await tx.claim_outbox(platform, chat, now, now + timedelta(seconds=30), ids)


async def test_queued_replies_survive_a_restart_in_order_per_chat(backend: Backend) -> None:
    store = await backend.open()
    first = await queue(store, "1", 1, 2, 3)
    await queue(store, "2", 9)
    await queue(store, "1", 4, platform="wechat")
    assert first == sorted(first)

    store = await backend.reopen()

    rows = await store.chat_outbox("telegram", "1")
    assert [r.reply for r in rows] == [reply(1), reply(2), reply(3)]
    assert [r.id for r in rows] == first and {r.attempts for r in rows} == {0}
    assert {r.due_at for r in rows} == {T0} and {r.created_at for r in rows} == {T0}
    assert await store.outbox_due("telegram", T0) == ["1", "2"]
    assert await store.outbox_due("telegram", T0 - timedelta(seconds=1)) == []
    assert await store.next_outbox_due("telegram") == T0
    assert await store.next_outbox_due("line") is None


async def test_a_claim_holds_the_rows_and_a_second_claim_gets_none(store: Store) -> None:
    ids = await queue(store, "1", 1, 2)

    taken = await claim(store, "1")
    again = await claim(store, "1")

    assert [r.id for r in taken] == ids and {r.attempts for r in taken} == {1}
    assert {r.due_at for r in taken} == {HOLD}
    assert again == []
    assert await store.outbox_due("telegram", T0) == []


async def test_a_deferred_reply_holds_back_the_later_ones_of_its_chat_only(store: Store) -> None:
    ids = await queue(store, "1", 1, 2, 3)
    await queue(store, "2", 7)
    await claim(store, "1")
    async with store.transaction() as tx:
        assert await tx.outbox_sent([ids[0]]) == 1
        assert await tx.defer_outbox([ids[1]], T0 + timedelta(minutes=5)) == 1
        assert await tx.defer_outbox([ids[2]], T0) == 1
    await queue(store, "1", 4)

    assert await claim(store, "1", now=T0 + timedelta(minutes=1)) == []
    assert [r.reply for r in await claim(store, "2")] == [reply(7)]
    later = await claim(store, "1", now=T0 + timedelta(minutes=5))
    assert [r.reply for r in later] == [reply(2), reply(3), reply(4)]
    assert [r.attempts for r in later] == [2, 2, 1]


async def test_bringing_forward_takes_the_rows_waiting_for_a_retry_never_a_held_one(store: Store) -> None:
    held = await queue(store, "1", 1)
    await claim(store, "1")  # another process is sending it right now
    waiting = await queue(store, "2", 2, 3)
    await claim(store, "2")
    async with store.transaction() as tx:
        await tx.defer_outbox(waiting, T0 + timedelta(minutes=5))  # its send failed: a back-off
        assert await tx.bring_forward_outbox("telegram", "1", T0) == 0
        assert await tx.bring_forward_outbox("telegram", "2", T0) == 2
    assert [r.due_at for r in await store.chat_outbox("telegram", "1")] == [HOLD]
    assert [r.id for r in await claim(store, "2")] == waiting
    async with store.transaction() as tx:  # claimed again: held, not waiting, so left alone
        assert await tx.bring_forward_outbox("telegram", "2", T0) == 0
    assert held and {r.due_at for r in await store.chat_outbox("telegram", "2")} == {HOLD}


async def test_claiming_named_ids_takes_only_those(store: Store) -> None:
    mine = await queue(store, "1", 1, 2)
    theirs = await queue(store, "1", 3)

    assert [r.id for r in await claim(store, "1", ids=mine)] == mine
    assert await claim(store, "1", ids=[]) == []
    assert await claim(store, "1", ids=theirs) == [], "held rows before them keep them back"
    async with store.transaction() as tx:
        await tx.outbox_sent(mine)
    assert [r.id for r in await claim(store, "1", ids=theirs + [99999])] == theirs


async def queue_held(store: Store, chat: str, *numbers: int) -> tuple[list[int], bool]:
    async with store.transaction() as tx:
        return await tx.enqueue_held("telegram", chat, [reply(n) for n in numbers], T0, HOLD)


async def test_replies_queued_for_their_own_sender_are_held_for_it_when_the_chat_has_nothing_else(store: Store) -> None:
    ids, held = await queue_held(store, "1", 1, 2, 3)

    assert held and ids == sorted(ids) and len(ids) == 3
    rows = await store.chat_outbox("telegram", "1")
    assert [r.reply for r in rows] == [reply(1), reply(2), reply(3)] and [r.id for r in rows] == ids
    assert {r.due_at for r in rows} == {HOLD} and {r.attempts for r in rows} == {1}, "claimed, as claim_outbox would"
    assert await claim(store, "1") == [], "nobody else takes them while they are held"
    async with store.transaction() as tx:
        await tx.release_outbox("telegram", T0)
    assert [r.id for r in await claim(store, "1")] == ids, "a restart takes them back"


async def test_replies_queued_behind_an_earlier_row_of_their_chat_are_due_not_held(store: Store) -> None:
    earlier = await queue(store, "1", 1)
    await queue_held(store, "2", 9)

    ids, held = await queue_held(store, "1", 2, 3)

    assert not held
    rows = await store.chat_outbox("telegram", "1")
    assert [r.id for r in rows] == earlier + ids and {r.attempts for r in rows} == {0} and {r.due_at for r in rows} == {T0}
    assert [r.reply for r in await claim(store, "1")] == [reply(1), reply(2), reply(3)]
    async with store.transaction() as tx:
        assert await tx.enqueue_held("telegram", "3", [], T0, HOLD) == ([], False)


async def test_a_hold_is_renewed_only_while_the_row_is_still_the_senders_claim(store: Store) -> None:
    mine = await queue(store, "1", 1, 2)
    taken = await claim(store, "1")
    later = HOLD + timedelta(minutes=1)

    async with store.transaction() as tx:
        renewed = await tx.renew_outbox({r.id: r.attempts for r in taken}, later)
        assert await tx.renew_outbox({mine[0]: 0, 99999: 1}, later + timedelta(minutes=1)) == []
    assert renewed == mine
    assert {r.due_at for r in await store.chat_outbox("telegram", "1")} == {later}


async def test_release_makes_held_and_deferred_rows_due_again(store: Store) -> None:
    await queue(store, "1", 1)
    await queue(store, "2", 2)
    await claim(store, "1")
    await claim(store, "2")
    async with store.transaction() as tx:
        assert await tx.release_outbox("telegram", T0, chat_id="2") == 1
        assert await tx.release_outbox("wechat", T0) == 0
    assert await store.outbox_due("telegram", T0) == ["2"]
    async with store.transaction() as tx:
        assert await tx.release_outbox("telegram", T0) == 1
    assert await store.outbox_due("telegram", T0) == ["1", "2"]


async def test_forgetting_a_chat_drops_its_rows_only(store: Store) -> None:
    await queue(store, "1", 1, 2)
    await queue(store, "2", 3)
    await queue(store, "1", 4, platform="wechat")
    async with store.transaction() as tx:
        assert await tx.forget_chat_outbox("telegram", "1") == 2
    assert await store.chat_outbox("telegram", "1") == []
    assert len(await store.chat_outbox("telegram", "2")) == 1 and len(await store.chat_outbox("wechat", "1")) == 1


async def test_a_rolled_back_transaction_queues_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.enqueue_replies("telegram", "1", [reply(1)], T0)
            raise RuntimeError("crash before commit")
    assert await store.chat_outbox("telegram", "1") == []
    async with store.transaction() as tx:
        assert await tx.enqueue_replies("telegram", "1", [], T0) == []
        assert await tx.outbox_sent([]) == 0 and await tx.defer_outbox([], T0) == 0


async def test_every_save_raises_the_session_version(store: Store) -> None:
    user = await make_user(store)
    assert await store.load_session_version(user.id) == (None, 0)
    async with store.transaction() as tx:
        assert await tx.save_session(user.id, {"step": "a"}, T0) == 1
        assert await tx.save_session(user.id, {"step": "b"}, T0, expected_version=1) == 2
    assert await store.load_session_version(user.id) == ({"step": "b"}, 2)
    assert await store.load_session(user.id) == {"step": "b"}


@pytest.mark.parametrize("stale", [0, 1, 5])
async def test_a_save_from_an_old_version_is_refused_and_changes_nothing(store: Store, stale: int) -> None:
    user = await make_user(store)
    async with store.transaction() as tx:
        await tx.save_session(user.id, {"step": "a"}, T0)
        await tx.save_session(user.id, {"step": "b"}, T0)

    with pytest.raises(SessionConflict):
        async with store.transaction() as tx:
            await tx.enqueue_replies("telegram", "1", [reply(1)], T0)
            await tx.save_session(user.id, {"step": "lost"}, T0, expected_version=stale)

    assert await store.load_session_version(user.id) == ({"step": "b"}, 2)
    assert await store.chat_outbox("telegram", "1") == []


async def test_the_first_save_of_a_new_session_expects_version_zero(store: Store) -> None:
    user = await make_user(store)
    async with store.transaction() as tx:
        assert await tx.save_session(user.id, {"step": "a"}, T0, expected_version=0) == 1
    with pytest.raises(SessionConflict):
        async with store.transaction() as tx:
            await tx.save_session(user.id, {"step": "b"}, T0, expected_version=0)


async def test_two_saves_from_one_version_at_the_same_moment_keep_exactly_one(backend: Backend) -> None:
    store = await backend.open()
    user = await make_user(store)
    async with store.transaction() as tx:
        await tx.save_session(user.id, {"step": "q"}, T0)

    async def answer(value: str, version: int) -> str:
        try:
            async with store.transaction() as tx:
                await tx.save_session(user.id, {"step": "next", "answer": value}, T0, expected_version=version)
        except SessionConflict:
            return "refused"
        return "saved"

    for round_ in range(5):
        _, read_by_a = await store.load_session_version(user.id)
        _, read_by_b = await store.load_session_version(user.id)
        results = await asyncio.gather(answer(f"a{round_}", read_by_a), answer(f"b{round_}", read_by_b))
        assert sorted(results) == ["refused", "saved"]
    assert (await store.load_session_version(user.id))[1] == 6
