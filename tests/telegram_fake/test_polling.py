"""getUpdates semantics: long polling, offsets confirming updates, redelivery, conflicts."""
from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.ptb import polling
from tests.telegram_fake.tinybot import Seen, build_tiny_bot


async def _call(server: FakeBotApi, method: str, **params: Any) -> httpx.Response:
    async with httpx.AsyncClient(timeout=10) as client:
        return await client.post(f"{server.base_url}{server.token}/{method}", json=params)


async def test_long_poll_returns_as_soon_as_an_update_is_queued(fake_bot_api: FakeBotApi) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(_call(fake_bot_api, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    update = fake_bot_api.text(1, "wake up")
    response = await poll
    assert time.monotonic() - started < 1.0
    assert response.json() == {"ok": True, "result": [update]}


async def test_long_poll_without_updates_waits_for_its_timeout(fake_bot_api: FakeBotApi) -> None:
    started = time.monotonic()
    response = await _call(fake_bot_api, "getUpdates", timeout=0.3)
    assert response.json() == {"ok": True, "result": []}
    assert time.monotonic() - started >= 0.3


async def test_offset_and_limit(fake_bot_api: FakeBotApi) -> None:
    first, second, third = (fake_bot_api.text(1, t) for t in ("a", "b", "c"))
    unconfirmed = (await _call(fake_bot_api, "getUpdates", limit=2)).json()["result"]
    again = (await _call(fake_bot_api, "getUpdates")).json()["result"]
    confirmed = (await _call(fake_bot_api, "getUpdates", offset=second["update_id"] + 1)).json()["result"]
    assert unconfirmed == [first, second]
    assert again == [first, second, third], "without an offset nothing is confirmed"
    assert confirmed == [third]
    assert fake_bot_api.pending_updates == [third]


async def test_ptb_offsets_confirm_updates_without_redelivery(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        queued = [fake_bot_api.text(2, f"m{i}") for i in range(3)]
        for i in range(3):
            assert (await fake_bot_api.wait_for_message(2, timeout=2)).text == f"echo: m{i}"
        await fake_bot_api.wait_until_confirmed(timeout=2)
    delivered = [u["update_id"] for u in fake_bot_api.deliveries]
    assert delivered == [u["update_id"] for u in queued]
    assert [u.update_id for u in seen.updates] == delivered
    assert fake_bot_api.pending_updates == []


async def test_requeued_update_reaches_a_restarted_bot(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        update = fake_bot_api.text(3, "once")
        await fake_bot_api.wait_for_message(3, timeout=2)
    fake_bot_api.requeue(update)  # as if the bot had died before confirming it
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        await fake_bot_api.wait_for_message(3, timeout=2)
    assert [u["update_id"] for u in fake_bot_api.deliveries] == [update["update_id"]] * 2
    assert [u.update_id for u in seen.updates] == [update["update_id"]] * 2
    assert fake_bot_api.texts(3) == ["echo: once", "echo: once"]


async def test_requeue_to_a_running_bot(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        update = fake_bot_api.text(4, "dup")
        await fake_bot_api.wait_for_message(4, timeout=2)
        fake_bot_api.requeue(update)  # same id: behind the running poller's offset
        fresh = fake_bot_api.requeue(update, new_update_id=True)
        await fake_bot_api.wait_for_message(4, timeout=2)
        await fake_bot_api.wait_until_confirmed(timeout=2)
    assert [u.update_id for u in seen.updates] == [update["update_id"], fresh["update_id"]]
    assert fresh["message"] == update["message"]


async def test_a_second_poller_terminates_the_first(fake_bot_api: FakeBotApi) -> None:
    first = asyncio.create_task(_call(fake_bot_api, "getUpdates", timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(_call(fake_bot_api, "getUpdates", timeout=5))
    response = await asyncio.wait_for(first, 1)
    assert response.status_code == 409
    assert "terminated by other getUpdates request" in response.json()["description"]
    fake_bot_api.text(5, "for the survivor")
    assert len((await asyncio.wait_for(second, 1)).json()["result"]) == 1


async def test_webhook_blocks_polling_until_ptb_deletes_it(fake_bot_api: FakeBotApi) -> None:
    assert (await _call(fake_bot_api, "setWebhook", url="http://insecure/hook")).status_code == 400
    assert (await _call(fake_bot_api, "setWebhook", url="https://bot.invalid/hook")).json()["result"] is True
    info = (await _call(fake_bot_api, "getWebhookInfo")).json()["result"]
    assert info["url"] == "https://bot.invalid/hook"
    blocked = await _call(fake_bot_api, "getUpdates")
    assert blocked.status_code == 409 and "webhook is active" in blocked.json()["description"]
    async with polling(build_tiny_bot(fake_bot_api, Seen())):
        fake_bot_api.text(6, "polling works")
        await fake_bot_api.wait_for_message(6, timeout=2)
    assert fake_bot_api.webhook_url == ""


async def test_allowed_updates_filter_and_persist(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user(7)
    fake_bot_api.text(7, "dropped")
    result = (await _call(fake_bot_api, "getUpdates", allowed_updates=["callback_query"])).json()["result"]
    assert result == [] and fake_bot_api.pending_updates == []
    fake_bot_api.text(7, "also dropped")
    assert (await _call(fake_bot_api, "getUpdates")).json()["result"] == []


async def test_form_encoded_and_get_requests(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user(8)
    async with httpx.AsyncClient() as client:
        sent = await client.post(f"{fake_bot_api.base_url}{fake_bot_api.token}/sendmessage",
                                 data={"chat_id": "8", "text": "123"})
        me = await client.get(f"{fake_bot_api.base_url}{fake_bot_api.token}/getMe")
        download = await client.get(f"{fake_bot_api.base_file_url}wrong-token/photos/file_1.jpg")
    assert sent.json()["result"]["text"] == "123", "text stays a string even when it looks like JSON"
    assert fake_bot_api.sent(8)[0].text == "123" and fake_bot_api.calls[0].method == "sendMessage"
    assert me.json()["result"]["is_bot"] is True
    assert download.status_code == 401
