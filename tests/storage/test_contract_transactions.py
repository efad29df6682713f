"""Contract: atomicity, durability across restart, idempotent updates and concurrency."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from storage import Store
from tests.clocks import TickingClock
from tests.storage.builders import T0, evidence, make_case, make_user
from tests.storage.conftest import Backend


class Boom(Exception):
    """Raised inside a transaction to make it fail."""


async def test_a_failed_transaction_rolls_back_every_write(store: Store, clock: TickingClock) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    with pytest.raises(Boom):
        async with store.transaction() as tx:
            new_case = await tx.create_case(user.id, clock())
            await tx.save_answer(case_id, "issue_type", "fraud", clock())
            await tx.add_evidence(case_id, evidence("photo"), clock())
            await tx.add_event(case_id, "drafted", {}, clock())
            await tx.update_case(case_id, clock(), status="filed")
            await tx.save_session(user.id, {"step": "x"}, clock())
            await tx.mark_processed("telegram", 77, clock())
            await tx.set_user_lang(user.id, "en")
            raise Boom

    assert [c.id for c in await store.list_cases(user.id)] == [case_id]
    assert await store.get_case(new_case, user.id) is None
    case = await store.get_case(case_id, user.id)
    assert case is not None and case.status == "draft"
    assert await store.case_answers(case_id) == {}
    assert await store.case_evidence(case_id) == []
    assert await store.case_events(case_id) == []
    assert await store.load_session(user.id) is None
    assert not await store.is_processed("telegram", 77)
    assert (await store.get_user(user.id)) == user


async def test_the_store_works_normally_after_a_rollback(store: Store) -> None:
    user = await make_user(store)
    with pytest.raises(Boom):
        async with store.transaction() as tx:
            await tx.create_case(user.id, T0)
            raise Boom

    case_id = await make_case(store, user)
    assert [c.id for c in await store.list_cases(user.id)] == [case_id]


async def test_committed_writes_survive_close_and_reopen(backend: Backend, clock: TickingClock) -> None:
    store = await backend.open()
    user = await make_user(store)
    async with store.transaction() as tx:
        case_id = await tx.create_case(user.id, clock())
        await tx.save_answer(case_id, "issue_type", "robocall", clock())
        await tx.add_evidence(case_id, evidence("photo"), clock())
        await tx.add_event(case_id, "created", {"via": "telegram"}, clock())
        await tx.save_session(user.id, {"step": "caller_numbers"}, clock())
        await tx.mark_processed("telegram", 1, clock())

    store = await backend.reopen()

    assert await store.get_user(user.id) == user
    assert [c.id for c in await store.list_cases(user.id)] == [case_id]
    assert await store.case_answers(case_id) == {"issue_type": "robocall"}
    assert len(await store.case_evidence(case_id)) == 1
    assert [e.data for e in await store.case_events(case_id)] == [{"via": "telegram"}]
    assert await store.load_session(user.id) == {"step": "caller_numbers"}
    assert await store.is_processed("telegram", 1)


async def test_mark_processed_claims_an_update_exactly_once(store: Store, clock: TickingClock) -> None:
    assert not await store.is_processed("telegram", 900001)

    async with store.transaction() as tx:
        assert await tx.mark_processed("telegram", 900001, clock()) is True
    async with store.transaction() as tx:
        assert await tx.mark_processed("telegram", 900001, clock()) is False
        assert await tx.mark_processed("wechat", 900001, clock()) is True
        assert await tx.mark_processed("wechat", "6100000000000000001", clock()) is True

    assert await store.is_processed("telegram", 900001)
    assert await store.is_processed("telegram", "900001")
    assert await store.is_processed("wechat", 6100000000000000001)
    assert not await store.is_processed("telegram", 900002)


async def test_prune_processed_forgets_only_old_claims(store: Store) -> None:
    async with store.transaction() as tx:
        await tx.mark_processed("telegram", 1, T0)
        await tx.mark_processed("telegram", 2, T0 + timedelta(days=2))
    async with store.transaction() as tx:
        assert await tx.prune_processed(T0 + timedelta(days=1)) == 1

    assert not await store.is_processed("telegram", 1)
    assert await store.is_processed("telegram", 2)


async def test_transactions_from_50_coroutines_all_land(store: Store, clock: TickingClock) -> None:
    users = [await make_user(store, str(n)) for n in range(50)]

    async def converse(n: int) -> int:
        async with store.transaction() as tx:
            case_id = await tx.create_case(users[n].id, clock())
            await asyncio.sleep(0)  # let the others try to interleave
            await tx.save_answer(case_id, "n", n, clock())
            await tx.save_session(users[n].id, {"n": n}, clock())
            return case_id

    case_ids = await asyncio.gather(*(converse(n) for n in range(50)))

    assert len(set(case_ids)) == 50
    for n, (user, case_id) in enumerate(zip(users, case_ids)):
        assert await store.case_answers(case_id) == {"n": n}
        assert await store.load_session(user.id) == {"n": n}
        assert [c.id for c in await store.list_cases(user.id)] == [case_id]


async def test_one_failing_coroutine_does_not_disturb_the_others(store: Store) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    async def answer(n: int) -> None:
        async with store.transaction() as tx:
            await tx.save_answer(case_id, f"step{n}", n, T0)
            await asyncio.sleep(0)
            if n % 3 == 0:
                raise Boom

    results = await asyncio.gather(*(answer(n) for n in range(12)), return_exceptions=True)

    assert [isinstance(r, Boom) for r in results] == [n % 3 == 0 for n in range(12)]
    assert await store.case_answers(case_id) == {f"step{n}": n for n in range(12) if n % 3}


async def test_uncommitted_writes_are_visible_only_inside_their_transaction(store: Store) -> None:
    user = await make_user(store)
    written = asyncio.Event()
    checked = asyncio.Event()

    async def writer() -> dict[str, object] | None:
        async with store.transaction() as tx:
            await tx.save_session(user.id, {"step": "draft"}, T0)
            own_view = await store.load_session(user.id)
            written.set()
            await checked.wait()
        return own_view

    async def reader() -> dict[str, object] | None:
        await written.wait()
        outside_view = await store.load_session(user.id)
        checked.set()
        return outside_view

    own_view, outside_view = await asyncio.gather(writer(), reader())

    assert own_view == {"step": "draft"}
    assert outside_view is None
    assert await store.load_session(user.id) == {"step": "draft"}


async def test_a_cancelled_transaction_rolls_back_and_frees_the_store(store: Store) -> None:
    user = await make_user(store)
    inside = asyncio.Event()

    async def stuck() -> None:
        async with store.transaction() as tx:
            await tx.create_case(user.id, T0)
            inside.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await inside.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert await store.list_cases(user.id) == []
    case_id = await asyncio.wait_for(make_case(store, user), timeout=5)
    assert [c.id for c in await store.list_cases(user.id)] == [case_id]


async def test_opening_a_transaction_inside_another_in_the_same_task_fails_fast(
    store: Store,
) -> None:
    user = await make_user(store)
    with pytest.raises(RuntimeError):
        async with store.transaction():
            async with store.transaction():
                pass
    with pytest.raises(RuntimeError):
        async with store.transaction():
            await store.set_user_lang(user.id, "en")


async def test_a_transaction_object_cannot_write_after_its_block(store: Store) -> None:
    user = await make_user(store)
    async with store.transaction() as tx:
        pass

    with pytest.raises(RuntimeError):
        await tx.create_case(user.id, T0)
