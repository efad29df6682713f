"""The WeChat API as it misbehaves: token refused, 5xx, slow answers, the 48-hour window."""
from __future__ import annotations

import asyncio

import pytest

from tests.fakewechat import Fault
from tests.wechat.helpers import Endpoint, Phone

SEND = "/cgi-bin/message/custom/send"


async def start_case(phone: Phone) -> None:
    await phone.text("/new")
    await phone.expect("你在哪里")


async def test_the_access_token_is_fetched_once_and_shared(wechat: Endpoint, phone: Phone) -> None:
    others = [Phone(wechat, f"o_other_{n}") for n in range(5)]
    await asyncio.gather(*(start_case(p) for p in [phone, *others]))
    assert wechat.api.token_fetches == 1
    assert wechat.api.calls[SEND] == 6


async def test_a_refused_token_is_fetched_again_and_the_call_retried_once(wechat: Endpoint, phone: Phone) -> None:
    await start_case(phone)
    wechat.api.expire_token()  # WeChat now answers 40001 to the cached token
    await phone.tap("中国大陆", "发生了什么")
    assert wechat.api.token_fetches == 2
    assert wechat.api.calls[SEND] == 3, "the refused call and its one retry"


async def test_server_errors_are_retried(wechat: Endpoint, phone: Phone) -> None:
    wechat.api.fail(SEND, Fault(status=502, times=2))
    await start_case(phone)
    assert sum("你在哪里" in t for t in phone.inbox()) == 1


async def test_a_slow_api_does_not_delay_the_http_answer(wechat: Endpoint, phone: Phone) -> None:
    wechat.api.fail(SEND, Fault(delay=1.5))
    answer = await phone.text("/new")
    assert answer.body == "success" and answer.seconds < 1.0
    await phone.expect("你在哪里")


async def test_outside_the_window_a_message_is_held_and_shown_first_when_the_person_writes(
    wechat: Endpoint, phone: Phone
) -> None:
    wechat.api.close_window(phone.openid)
    await phone.text("/new")
    await until_held(wechat, 1)
    assert phone.inbox() == []
    await wechat.restart()  # held in the store, not in memory
    wechat.api.open_window(phone.openid)  # the person writes again
    answer = await phone.text("帮助")
    assert answer.body == "success", "older held messages go first, so no passive reply"
    await phone.expect("你在哪里")
    await phone.expect("/new")
    await until_held(wechat, 0)


async def test_too_many_messages_are_held_too_and_nothing_is_dropped(wechat: Endpoint, phone: Phone) -> None:
    wechat.api.fail(SEND, Fault(errcode=45047))
    await phone.text("/new")
    await until_held(wechat, 1)
    await phone.text("帮助")
    await phone.expect("你在哪里")
    await phone.expect("/new")


async def test_a_busy_api_is_retried_later_without_the_person_writing(wechat: Endpoint, phone: Phone) -> None:
    wechat.api.fail(SEND, Fault(errcode=45009, times=3))
    await phone.text("/new")
    await phone.expect("你在哪里", timeout=5)


async def until_held(endpoint: Endpoint, count: int, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while endpoint.rows("select count(*) from outbox where platform = 'wechat'") != [(count,)]:
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not {count} held")
        await asyncio.sleep(0.02)


async def test_a_failing_menu_create_does_not_stop_the_start_and_logs_no_token(
    endpoint: Endpoint, caplog: pytest.LogCaptureFixture
) -> None:
    endpoint.api.fail("/cgi-bin/menu/create", Fault(status=503, times=10))
    await endpoint.start()
    phone = Phone(endpoint)
    await start_case(phone)
    assert endpoint.api.menus == []
    assert "menu/create failed" in caplog.text
    assert "access_token" not in caplog.text and "tok_" not in caplog.text
    assert phone.openid not in caplog.text
