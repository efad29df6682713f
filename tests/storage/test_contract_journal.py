"""Contract: the update journal — kept until forgotten, replay counting, erase by chat, pruning."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from storage import InboundUpdate, JournaledUpdate, Store
from tests.storage.builders import T0
from tests.storage.conftest import Backend

TEXT = "您好，这里是XX贷款 +86 138 0013 8000"


def update(update_id: int, chat: str | None = "1001", text: str = TEXT) -> InboundUpdate:
    return InboundUpdate(update_id, chat, {"update_id": update_id, "message": {"text": text, "n": [1, 2.5, None]}})


async def journal(store: Store, *updates: InboundUpdate, platform: str = "telegram", at: datetime = T0) -> int:
    async with store.transaction() as tx:
        return await tx.journal_updates(platform, list(updates), at)


class _Peeked(Exception):
    def __init__(self, rows: list[JournaledUpdate]) -> None:
        super().__init__("rolled back: only a look")
        self.rows = rows


async def journaled(store: Store, platform: str = "telegram") -> list[JournaledUpdate]:
    """What the journal holds, read through the replay's own claim in a transaction that is rolled
    back, so the look changes nothing (the attempts are shown as they are stored)."""
    with pytest.raises(_Peeked) as peeked:
        async with store.transaction() as tx:
            raise _Peeked(await tx.claim_journal(platform))
    return [replace(row, attempts=row.attempts - 1) for row in peeked.value.rows]


async def ids(store: Store, platform: str = "telegram") -> list[int]:
    return [u.update_id for u in await journaled(store, platform)]


async def test_journaled_updates_come_back_whole_in_update_order_and_survive_a_restart(backend: Backend) -> None:
    store = await backend.open()
    assert await journal(store, update(7), update(5, chat=None), update(6, text="第二条")) == 3

    store = await backend.reopen()

    rows = await journaled(store)
    assert [r.update_id for r in rows] == [5, 6, 7]
    assert rows[2].payload == update(7).payload and rows[1].payload["message"]["text"] == "第二条"
    assert [r.chat_id for r in rows] == [None, "1001", "1001"]
    assert {r.received_at for r in rows} == {T0} and {r.attempts for r in rows} == {0}
    assert await journaled(store, "wechat") == []


async def test_journaling_an_update_again_keeps_its_row_and_its_attempts(store: Store) -> None:
    await journal(store, update(1))
    async with store.transaction() as tx:
        await tx.claim_journal("telegram")

    assert await journal(store, update(1, text="changed"), update(2), at=T0 + timedelta(hours=1)) == 1

    first = (await journaled(store))[0]
    assert (first.payload["message"]["text"], first.attempts, first.received_at) == (TEXT, 1, T0)
    assert await journal(store) == 0


async def test_forget_drops_only_the_named_updates_of_that_platform(store: Store) -> None:
    await journal(store, update(1), update(2), update(3))
    await journal(store, update(2), platform="wechat")
    async with store.transaction() as tx:
        assert await tx.forget_updates("telegram", {1, 3, 99}) == 2
        assert await tx.forget_updates("telegram", []) == 0

    assert await ids(store) == [2]
    assert await ids(store, "wechat") == [2]


async def test_a_rolled_back_journal_write_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.transaction() as tx:
            await tx.journal_updates("telegram", [update(1), update(2)], T0)
            raise RuntimeError("the batch is not confirmed, so it will be fetched again")

    assert await ids(store) == []


async def test_claim_counts_a_replay_for_every_row_each_time(store: Store) -> None:
    await journal(store, update(3), update(1))
    await journal(store, update(1), platform="wechat")
    for expected in (1, 2, 3):
        async with store.transaction() as tx:
            claimed = await tx.claim_journal("telegram")
        assert [(u.update_id, u.attempts) for u in claimed] == [(1, expected), (3, expected)]
    assert claimed[0].payload == update(1).payload

    assert [u.attempts for u in await journaled(store, "wechat")] == [0]


async def test_a_chats_rows_can_be_erased_up_to_an_update(store: Store) -> None:
    await journal(store, update(1), update(2, chat="2002"), update(3), update(4), update(5, chat=None))
    async with store.transaction() as tx:
        assert await tx.forget_chat_updates("telegram", "1001", up_to=3) == 2
    assert await ids(store) == [2, 4, 5]

    async with store.transaction() as tx:
        assert await tx.forget_chat_updates("telegram", "1001") == 1
        assert await tx.forget_chat_updates("wechat", "2002") == 0
    assert await ids(store) == [2, 5]


async def test_prune_drops_only_rows_received_before_the_cutoff(store: Store) -> None:
    await journal(store, update(1), at=T0)
    await journal(store, update(2), at=T0 + timedelta(days=8))
    async with store.transaction() as tx:
        assert await tx.prune_journal(T0 + timedelta(days=1)) == 1

    assert await ids(store) == [2]


async def test_a_claimed_row_is_left_to_its_claimer_until_the_lease_runs_out(store: Store) -> None:
    await journal(store, update(1), update(2))
    async with store.transaction() as tx:
        first = await tx.claim_journal("telegram", T0, claimed_before=T0 - timedelta(minutes=10))
    await journal(store, update(3))
    async with store.transaction() as tx:
        second = await tx.claim_journal("telegram", T0 + timedelta(minutes=1), claimed_before=T0 - timedelta(minutes=9))
    async with store.transaction() as tx:
        later = await tx.claim_journal("telegram", T0 + timedelta(minutes=11), claimed_before=T0 + timedelta(minutes=1))

    assert [u.update_id for u in first] == [1, 2]
    assert [u.update_id for u in second] == [3]
    assert [(u.update_id, u.attempts) for u in later] == [(1, 2), (2, 2)]


async def test_a_sweep_claims_only_rows_received_before_its_cutoff(store: Store) -> None:
    await journal(store, update(1), at=T0)
    await journal(store, update(2), at=T0 + timedelta(minutes=5))
    async with store.transaction() as tx:
        swept = await tx.claim_journal(
            "telegram", T0 + timedelta(minutes=5), claimed_before=T0, received_before=T0 + timedelta(minutes=1)
        )

    assert [u.update_id for u in swept] == [1]


async def test_a_renewed_claim_keeps_the_sweep_off_a_row_still_in_hand(store: Store) -> None:
    await journal(store, update(1), update(2), at=T0)
    later = T0 + timedelta(minutes=5)
    async with store.transaction() as tx:
        assert await tx.renew_journal("telegram", [1, 99], later) == 1
        assert await tx.renew_journal("telegram", [], later) == 0
    async with store.transaction() as tx:
        swept = await tx.claim_journal("telegram", later, claimed_before=later - timedelta(seconds=30), received_before=later)

    assert [u.update_id for u in swept] == [2]
