"""Contract: users and conversation sessions, for every store backend."""

from __future__ import annotations

from datetime import datetime

import pytest

from storage import Store
from tests.clocks import TickingClock
from tests.storage.builders import T0, make_user


async def test_get_or_create_user_returns_the_same_user_and_keeps_its_first_lang(
    store: Store,
) -> None:
    first = await store.get_or_create_user("telegram", "42", "zh-CN", T0)
    again = await store.get_or_create_user("telegram", "42", "en", T0)

    assert again == first
    assert first.lang == "zh-CN"
    assert first.timezone is None
    assert await store.get_user(first.id) == first


async def test_the_same_external_id_on_two_platforms_is_two_users(store: Store) -> None:
    on_telegram = await store.get_or_create_user("telegram", "42", "en", T0)
    on_console = await store.get_or_create_user("console", "42", "en", T0)

    assert on_telegram.id != on_console.id
    assert (on_console.platform, on_console.external_id) == ("console", "42")


async def test_get_user_of_unknown_id_is_none(store: Store) -> None:
    assert await store.get_user(12345) is None


async def test_language_and_time_zone_can_be_changed(store: Store) -> None:
    user = await make_user(store)

    await store.set_user_lang(user.id, "en")
    await store.set_user_timezone(user.id, "Asia/Shanghai")

    changed = await store.get_user(user.id)
    assert changed is not None
    assert (changed.lang, changed.timezone) == ("en", "Asia/Shanghai")

    await store.set_user_timezone(user.id, None)
    cleared = await store.get_user(user.id)
    assert cleared is not None and cleared.timezone is None


async def test_changing_an_unknown_user_raises_lookup_error(store: Store) -> None:
    with pytest.raises(LookupError):
        await store.set_user_lang(999, "en")


async def test_writes_for_an_unknown_user_raise_lookup_error(store: Store) -> None:
    with pytest.raises(LookupError):
        async with store.transaction() as tx:
            await tx.save_session(4242, {"step": "start"}, T0)
    with pytest.raises(LookupError):
        async with store.transaction() as tx:
            await tx.create_case(4242, T0)


async def test_session_state_round_trips_and_is_replaced(
    store: Store, clock: TickingClock
) -> None:
    user = await make_user(store)
    assert await store.load_session(user.id) is None

    state = {"step": "caller_numbers", "stack": ["start", "issue_type"], "text": "骚扰 📞"}
    async with store.transaction() as tx:
        await tx.save_session(user.id, state, clock())
    assert await store.load_session(user.id) == state

    async with store.transaction() as tx:
        await tx.save_session(user.id, {"step": "done"}, clock())
    assert await store.load_session(user.id) == {"step": "done"}


async def test_naive_timestamps_are_rejected(store: Store) -> None:
    user = await make_user(store)
    with pytest.raises(ValueError):
        async with store.transaction() as tx:
            await tx.create_case(user.id, datetime(2026, 11, 26, 15, 0))
    assert await store.list_cases(user.id) == []


async def test_a_user_with_their_session_is_one_read_and_a_new_person_is_created(store: Store) -> None:
    new, state, version = await store.user_with_session("telegram", "77", "zh", T0)
    assert (state, version) == (None, 0) and (new.lang, new.external_id) == ("zh", "77")
    assert await store.get_or_create_user("telegram", "77", "en", T0) == new

    async with store.transaction() as tx:
        await tx.set_user_timezone(new.id, "Asia/Shanghai")
        await tx.save_session(new.id, {"step": "发生了什么"}, T0)
        await tx.save_session(new.id, {"step": "done"}, T0, expected_version=1)
    user, state, version = await store.user_with_session("telegram", "77", "en", T0)
    assert user == await store.get_user(new.id) and user.timezone == "Asia/Shanghai" and user.lang == "zh"
    assert (state, version) == await store.load_session_version(new.id) == ({"step": "done"}, 2)
    assert (await store.user_with_session("wechat", "77", "en", T0))[0].id != new.id
