"""Contract: evidence rows, their dedupe per case, and which files a deletion frees."""

from __future__ import annotations

import pytest

from storage import Store
from tests.clocks import TickingClock
from tests.storage.builders import T0, evidence, make_case, make_user


async def test_evidence_metadata_round_trips(store: Store, clock: TickingClock) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)
    record = evidence(
        "forwarded sms", kind="forward", mime="text/plain", filename="短信.txt",
        caption="the spam text", origin={"sender": "10690000", "date": "2026-11-26T15:00:00+08:00"},
    )
    received = clock()

    async with store.transaction() as tx:
        row_id, created = await tx.add_evidence(case_id, record, received)

    assert created
    (row,) = await store.case_evidence(case_id)
    assert row.id == row_id and row.case_id == case_id
    assert (row.sha256, row.kind, row.mime, row.size, row.filename, row.stored_path) == (
        record.sha256, "forward", "text/plain", record.size, "短信.txt", record.stored_path,
    )
    assert (row.caption, row.origin, row.received_at) == (
        "the spam text", {"sender": "10690000", "date": "2026-11-26T15:00:00+08:00"}, received,
    )


async def test_the_same_file_twice_in_one_case_is_one_row(store: Store, clock: TickingClock) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    async with store.transaction() as tx:
        first = await tx.add_evidence(case_id, evidence("photo", caption="first"), clock())
    async with store.transaction() as tx:
        second = await tx.add_evidence(case_id, evidence("photo", caption="again"), clock())

    assert first == (first[0], True)
    assert second == (first[0], False)
    (row,) = await store.case_evidence(case_id)
    assert row.caption == "first"


async def test_evidence_comes_back_in_arrival_order(store: Store, clock: TickingClock) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)
    async with store.transaction() as tx:
        for name in ("b", "a", "c"):
            await tx.add_evidence(case_id, evidence(name, filename=name), clock())

    assert [row.filename for row in await store.case_evidence(case_id)] == ["b", "a", "c"]


async def test_one_file_in_two_cases_is_freed_only_when_the_last_case_goes(store: Store) -> None:
    user = await make_user(store)
    first_case = await make_case(store, user)
    second_case = await make_case(store, user)
    shared = evidence("the same screenshot")
    only_first = evidence("a recording", kind="audio", mime="audio/ogg")

    async with store.transaction() as tx:
        a = await tx.add_evidence(first_case, shared, T0)
        b = await tx.add_evidence(second_case, shared, T0)
        await tx.add_evidence(first_case, only_first, T0)
    assert a[1] and b[1] and a[0] != b[0]

    async with store.transaction() as tx:
        freed_first = await tx.delete_case(first_case)
    assert freed_first == [only_first.stored_path]
    assert [row.sha256 for row in await store.case_evidence(second_case)] == [shared.sha256]

    async with store.transaction() as tx:
        freed_second = await tx.delete_case(second_case)
    assert freed_second == [shared.stored_path]


async def test_deleting_an_unknown_case_frees_nothing(store: Store) -> None:
    async with store.transaction() as tx:
        assert await tx.delete_case(98765) == []


@pytest.mark.parametrize("bad", ["", "abc", "G" * 64, "A" * 64, "a" * 63, "a" * 64 + "\n"])
async def test_evidence_with_a_malformed_hash_is_rejected(store: Store, bad: str) -> None:
    user = await make_user(store)
    case_id = await make_case(store, user)

    with pytest.raises(ValueError):
        async with store.transaction() as tx:
            await tx.add_evidence(case_id, evidence("x", sha256=bad), T0)
