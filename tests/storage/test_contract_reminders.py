"""Contract: reminder rows — scheduling, atomic claims with a lease, one-way status moves, isolation."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import cast

import pytest

from storage import NewReminder, ReminderStore, Store, User
from tests.storage.builders import T0, make_case, make_user
from tests.storage.conftest import Backend

HOUR = timedelta(hours=1)


def reminders(store: Store) -> ReminderStore:
    """The contract fixture is typed as a plain Store; every backend also keeps reminders."""
    return cast(ReminderStore, store)


@pytest.fixture
def rs(store: Store) -> ReminderStore:
    return reminders(store)


async def add(store: ReminderStore, user: User, case_id: int, due: datetime, kind: str = "checkin", **data: object) -> int:
    async with store.transaction() as tx:
        return await tx.add_reminder(NewReminder(case_id, user.id, kind, due, due + HOUR, dict(data)), T0)


async def claim(store: ReminderStore, now: datetime, limit: int = 10, platforms: tuple[str, ...] = ("telegram",), **kw: object) -> list[int]:
    async with store.transaction() as tx:
        return [r.id for r in await tx.claim_reminders(now, limit, platforms, **kw)]  # type: ignore[arg-type]


async def one_reminder(store: ReminderStore) -> tuple[User, int]:
    """A user and one reminder of theirs, due at T0, on a case of their own."""
    user = await make_user(store)
    return user, await add(store, user, await make_case(store, user), T0)


async def status_of(store: ReminderStore, user: User, reminder_id: int) -> str:
    row = await store.get_reminder(reminder_id, user.id)
    assert row is not None
    return row.status


async def test_a_new_reminder_is_pending_with_its_times_and_data(rs: ReminderStore) -> None:
    user = await make_user(rs)
    case_id = await make_case(rs, user)
    rid = await add(rs, user, case_id, T0 + HOUR, deadline="cn_operator_reply")

    row = await rs.get_reminder(rid, user.id)
    assert row is not None
    assert (row.case_id, row.user_id, row.kind, row.status, row.attempts) == (case_id, user.id, "checkin", "pending", 0)
    assert row.due_at == T0 + HOUR and row.sched_at == T0 + 2 * HOUR
    assert row.data == {"deadline": "cn_operator_reply"}
    assert row.claimed_at is None and row.sent_at is None and row.closed_at is None
    assert [r.id for r in await rs.case_reminders(case_id)] == [rid]


async def test_another_users_reminder_id_finds_nothing(rs: ReminderStore) -> None:
    owner = await make_user(rs, "1")
    other = await make_user(rs, "2")
    rid = await add(rs, owner, await make_case(rs, owner), T0)
    assert await rs.get_reminder(rid, other.id) is None
    assert await rs.get_reminder(rid + 100, owner.id) is None


async def test_a_reminder_for_a_missing_case_raises_lookup_error(rs: ReminderStore) -> None:
    user = await make_user(rs)
    with pytest.raises(LookupError):
        await add(rs, user, 999, T0)


async def test_only_due_rows_are_claimed_oldest_first_and_once(rs: ReminderStore) -> None:
    user = await make_user(rs)
    case_id = await make_case(rs, user)
    late = await add(rs, user, case_id, T0 + 2 * HOUR)
    early = await add(rs, user, case_id, T0 + HOUR)
    future = await add(rs, user, case_id, T0 + 5 * HOUR)

    assert await claim(rs, T0) == []
    assert await claim(rs, T0 + 3 * HOUR) == [early, late]
    assert await claim(rs, T0 + 3 * HOUR) == []
    row = await rs.get_reminder(early, user.id)
    assert row is not None and row.status == "claimed" and row.attempts == 1 and row.claimed_at == T0 + 3 * HOUR
    assert await status_of(rs, user, future) == "pending"


async def test_a_claim_takes_at_most_the_limit(rs: ReminderStore) -> None:
    user = await make_user(rs)
    case_id = await make_case(rs, user)
    ids = [await add(rs, user, case_id, T0 + timedelta(minutes=i)) for i in range(5)]
    assert await claim(rs, T0 + HOUR, limit=2) == ids[:2]
    assert await claim(rs, T0 + HOUR, limit=10) == ids[2:]


async def test_claims_are_limited_to_the_platforms_and_users_given(rs: ReminderStore) -> None:
    on_telegram = await make_user(rs, "1")
    on_console = await rs.get_or_create_user("console", "me", "zh", T0)
    other_console = await rs.get_or_create_user("console", "you", "zh", T0)
    tg = await add(rs, on_telegram, await make_case(rs, on_telegram), T0)
    mine = await add(rs, on_console, await make_case(rs, on_console), T0)
    yours = await add(rs, other_console, await make_case(rs, other_console), T0)

    assert await claim(rs, T0 + HOUR, platforms=()) == []
    assert await claim(rs, T0 + HOUR, platforms=("console",), user_ids=[on_console.id]) == [mine]
    assert await rs.next_reminder_due(["console"]) == T0
    assert await claim(rs, T0 + HOUR, platforms=("console", "telegram")) == [tg, yours]
    assert await rs.next_reminder_due(["console", "telegram"]) is None


async def test_an_expired_claim_is_claimed_again_until_max_attempts(rs: ReminderStore) -> None:
    user, rid = await one_reminder(rs)
    lease = timedelta(minutes=10)

    now = T0 + HOUR
    assert await claim(rs, now, lease_expired_before=now - lease, max_attempts=2) == [rid]
    now += timedelta(minutes=5)
    assert await claim(rs, now, lease_expired_before=now - lease, max_attempts=2) == []
    now += timedelta(minutes=6)
    assert await claim(rs, now, lease_expired_before=now - lease, max_attempts=2) == [rid]
    assert (await rs.get_reminder(rid, user.id)).attempts == 2  # type: ignore[union-attr]
    now += timedelta(minutes=11)
    assert await claim(rs, now, lease_expired_before=now - lease, max_attempts=2) == []
    assert await status_of(rs, user, rid) == "failed"


async def test_without_a_lease_a_claimed_row_is_never_taken_again(rs: ReminderStore) -> None:
    user, rid = await one_reminder(rs)
    assert await claim(rs, T0 + HOUR) == [rid]
    assert await claim(rs, T0 + 100 * HOUR) == []


async def test_status_moves_one_way_and_says_when_it_did_not(rs: ReminderStore) -> None:
    user, rid = await one_reminder(rs)
    async with rs.transaction() as tx:
        assert not await tx.finish_reminder(rid, "sent", T0)  # not claimed yet
        assert not await tx.answer_reminder(rid, T0)  # not delivered yet
    await claim(rs, T0 + HOUR)
    async with rs.transaction() as tx:
        assert await tx.finish_reminder(rid, "sent", T0 + HOUR)
        assert not await tx.finish_reminder(rid, "failed", T0 + HOUR)
        assert await tx.answer_reminder(rid, T0 + 2 * HOUR)
        assert not await tx.answer_reminder(rid, T0 + 3 * HOUR)
    row = await rs.get_reminder(rid, user.id)
    assert row is not None and row.status == "answered"
    assert row.sent_at == T0 + HOUR and row.closed_at == T0 + 2 * HOUR
    with pytest.raises(ValueError):
        async with rs.transaction() as tx:
            await tx.finish_reminder(rid, "pending", T0)


async def test_a_claimed_reminder_can_be_answered_before_it_is_marked_sent(rs: ReminderStore) -> None:
    user, rid = await one_reminder(rs)
    await claim(rs, T0 + HOUR)
    async with rs.transaction() as tx:
        assert await tx.answer_reminder(rid, T0 + HOUR)
        assert not await tx.finish_reminder(rid, "sent", T0 + HOUR)
    assert await status_of(rs, user, rid) == "answered"


async def test_a_deferred_reminder_is_pending_again_with_its_new_times(rs: ReminderStore) -> None:
    user, rid = await one_reminder(rs)
    await claim(rs, T0 + HOUR)
    async with rs.transaction() as tx:
        assert await tx.defer_reminder(rid, T0 + 9 * HOUR, T0 + 10 * HOUR)
        assert not await tx.defer_reminder(rid, T0, T0)
    row = await rs.get_reminder(rid, user.id)
    assert row is not None and row.status == "pending"
    assert (row.due_at, row.sched_at, row.claimed_at) == (T0 + 9 * HOUR, T0 + 10 * HOUR, None)
    assert await claim(rs, T0 + 8 * HOUR) == []
    assert await claim(rs, T0 + 9 * HOUR) == [rid]


async def test_cancel_takes_only_pending_rows_of_the_case_and_kinds_given(rs: ReminderStore) -> None:
    user = await make_user(rs)
    case_id = await make_case(rs, user)
    other_case = await make_case(rs, user)
    file_nudge = await add(rs, user, case_id, T0 + HOUR, kind="file")
    checkin = await add(rs, user, case_id, T0 + HOUR)
    in_flight = await add(rs, user, case_id, T0)
    elsewhere = await add(rs, user, other_case, T0 + HOUR)
    await claim(rs, T0 + timedelta(minutes=1))

    async with rs.transaction() as tx:
        assert await tx.cancel_reminders(case_id, T0, kinds=["file"]) == 1
        assert await tx.cancel_reminders(case_id, T0, kinds=[]) == 0
        assert await tx.cancel_reminders(case_id, T0) == 1
    assert [await status_of(rs, user, r) for r in (file_nudge, checkin, in_flight, elsewhere)] == [
        "cancelled", "cancelled", "claimed", "pending"
    ]


async def test_deleting_a_case_deletes_its_reminders(rs: ReminderStore) -> None:
    user = await make_user(rs)
    case_id = await make_case(rs, user)
    rid = await add(rs, user, case_id, T0)
    async with rs.transaction() as tx:
        await tx.delete_case(case_id)
    assert await rs.get_reminder(rid, user.id) is None
    assert await claim(rs, T0 + HOUR) == []


async def test_a_rolled_back_claim_leaves_the_row_pending(rs: ReminderStore) -> None:
    user, rid = await one_reminder(rs)
    with pytest.raises(RuntimeError):
        async with rs.transaction() as tx:
            assert [r.id for r in await tx.claim_reminders(T0 + HOUR, 5, ["telegram"])] == [rid]
            raise RuntimeError("crash before commit")
    assert await status_of(rs, user, rid) == "pending"


async def test_reminders_and_claims_survive_a_restart(backend: Backend) -> None:
    rs = reminders(await backend.open())
    user = await make_user(rs)
    case_id = await make_case(rs, user)
    claimed = await add(rs, user, case_id, T0)
    waiting = await add(rs, user, case_id, T0 + 5 * HOUR)
    await claim(rs, T0 + HOUR)

    rs = reminders(await backend.reopen())
    assert await status_of(rs, user, claimed) == "claimed"
    assert await status_of(rs, user, waiting) == "pending"
    assert await rs.next_reminder_due(["telegram"]) == T0 + 5 * HOUR
    assert await claim(rs, T0 + 6 * HOUR) == [waiting]
