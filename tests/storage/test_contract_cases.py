"""Contract: cases, answers and events, and isolation between users."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from storage import Store
from tests.clocks import TickingClock
from tests.storage.builders import T0, evidence, make_case, make_user

CHINA = timezone(timedelta(hours=8))


async def test_a_new_case_is_a_draft_with_its_jurisdiction(store: Store) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    case = await store.get_case(case_id, user.id)

    assert case is not None
    assert (case.id, case.user_id, case.status, case.jurisdiction) == (
        case_id, user.id, "draft", "CN",
    )
    assert (case.issue_type, case.channel, case.reference, case.filed_at, case.draft) == (
        None, None, None, None, None,
    )
    assert case.created_at == case.updated_at == T0


async def test_list_cases_is_newest_first_and_only_the_users_own(
    store: Store, clock: TickingClock
) -> None:
    alice = await make_user(store, "1")
    bob = await make_user(store, "2")
    older = await make_case(store, alice, clock())
    bobs = await make_case(store, bob, clock())
    newer = await make_case(store, alice, clock())

    assert [c.id for c in await store.list_cases(alice.id)] == [newer, older]
    assert [c.id for c in await store.list_cases(bob.id)] == [bobs]


async def test_get_case_with_another_users_id_returns_none(store: Store) -> None:
    alice = await make_user(store, "1")
    mallory = await make_user(store, "2")
    case_id = await make_case(store, alice)

    assert await store.get_case(case_id, mallory.id) is None
    assert await store.get_case(case_id + 1000, alice.id) is None
    assert await store.get_case(case_id, alice.id) is not None


async def test_update_case_sets_known_fields_and_touches_updated_at(
    store: Store, clock: TickingClock
) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)
    filed = datetime(2026, 11, 27, 9, 30, tzinfo=CHINA)
    later = clock()

    async with store.transaction() as tx:
        await tx.update_case(
            case_id, later, status="filed", issue_type="robocall", channel="cn_12321",
            reference="JB-2026-0001", filed_at=filed, draft="尊敬的12321…",
        )

    case = await store.get_case(case_id, user.id)
    assert case is not None
    assert (case.status, case.issue_type, case.channel, case.reference, case.draft) == (
        "filed", "robocall", "cn_12321", "JB-2026-0001", "尊敬的12321…",
    )
    assert case.filed_at == filed
    assert case.filed_at is not None and case.filed_at.utcoffset() == timedelta(0)
    assert (case.created_at, case.updated_at) == (T0, later)


@pytest.mark.parametrize("column", ["id", "user_id", "created_at", "updated_at", "colour"])
async def test_update_case_rejects_columns_it_does_not_own(store: Store, column: str) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    with pytest.raises(ValueError):
        async with store.transaction() as tx:
            await tx.update_case(case_id, T0, **{column: "x"})

    assert await store.get_case(case_id, user.id) is not None


async def test_update_of_a_missing_case_raises_lookup_error(store: Store) -> None:
    with pytest.raises(LookupError):
        async with store.transaction() as tx:
            await tx.update_case(424242, T0, status="filed")


async def test_answers_round_trip_as_json_and_can_be_replaced(
    store: Store, clock: TickingClock
) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)
    phone = {"raw": "138 0013 8000", "number": "+8613800138000", "kind": "mobile",
             "region": "CN", "display": "138 0013 8000"}

    async with store.transaction() as tx:
        await tx.save_answer(case_id, "caller_numbers", [phone], clock())
        await tx.save_answer(case_id, "amount_lost", 1999.5, clock())
        await tx.save_answer(case_id, "content", "您好，这里是XX贷款", clock())
        await tx.save_answer(case_id, "company", None, clock())
        await tx.save_answer(case_id, "money_lost", "no", clock())
    async with store.transaction() as tx:
        await tx.save_answer(case_id, "money_lost", "yes", clock())

    assert await store.case_answers(case_id) == {
        "caller_numbers": [phone],
        "amount_lost": 1999.5,
        "content": "您好，这里是XX贷款",
        "company": None,
        "money_lost": "yes",
    }


async def test_events_come_back_in_time_order(store: Store) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    async with store.transaction() as tx:
        later = T0 + timedelta(hours=2)
        late = await tx.add_event(case_id, "filed", {"channel": "cn_12321"}, later)
        early = await tx.add_event(case_id, "created", {}, T0)

    events = await store.case_events(case_id)
    assert [(e.id, e.kind, e.data, e.at) for e in events] == [
        (early, "created", {}, T0),
        (late, "filed", {"channel": "cn_12321"}, T0 + timedelta(hours=2)),
    ]
    assert all(e.case_id == case_id for e in events)


async def test_writes_to_a_missing_case_raise_lookup_error(store: Store) -> None:
    with pytest.raises(LookupError):
        async with store.transaction() as tx:
            await tx.save_answer(5555, "issue_type", "fraud", T0)
    with pytest.raises(LookupError):
        async with store.transaction() as tx:
            await tx.add_evidence(5555, evidence("x"), T0)
    with pytest.raises(LookupError):
        async with store.transaction() as tx:
            await tx.add_event(5555, "created", {}, T0)


async def test_delete_case_removes_its_answers_evidence_and_events_only(store: Store) -> None:
    user = await make_user(store)
    doomed = await make_case(store, user)
    kept = await make_case(store, user)
    for case_id in (doomed, kept):
        async with store.transaction() as tx:
            await tx.save_answer(case_id, "issue_type", "spam_sms", T0)
            await tx.add_evidence(case_id, evidence(f"screenshot of {case_id}"), T0)
            await tx.add_event(case_id, "created", {}, T0)

    async with store.transaction() as tx:
        await tx.delete_case(doomed)

    assert await store.get_case(doomed, user.id) is None
    assert await store.case_answers(doomed) == {}
    assert await store.case_evidence(doomed) == []
    assert await store.case_events(doomed) == []
    assert await store.case_answers(kept) == {"issue_type": "spam_sms"}
    assert len(await store.case_evidence(kept)) == 1
    assert len(await store.case_events(kept)) == 1


async def test_a_deleted_case_id_is_never_reused(store: Store) -> None:
    user = await make_user(store)
    first = await make_case(store, user)
    async with store.transaction() as tx:
        await tx.delete_case(first)

    assert await make_case(store, user) > first
