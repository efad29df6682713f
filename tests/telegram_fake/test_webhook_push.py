"""The fake as Telegram's webhook side: updates POSTed to the bot, again until answered 200, and a method
call answered in the body run as Telegram runs it (JSON or form), its outcome never told to the bot."""
from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import web

from tests.fakebotapi import WEBHOOK_ANSWER, FakeBotApi
from tests.local_http import serve


@dataclass
class Endpoint:
    """A bot's webhook endpoint: records each POST and answers it with `answer(update)`."""

    url: str = ""
    received: list[tuple[dict[str, Any], str | None]] = field(default_factory=list)
    answer: Callable[[dict[str, Any]], web.Response] = lambda update: web.Response()


@pytest_asyncio.fixture
async def endpoint() -> AsyncIterator[Endpoint]:
    state = Endpoint()

    async def handle(request: web.Request) -> web.Response:
        update = await request.json()
        state.received.append((update, request.headers.get("X-Telegram-Bot-Api-Secret-Token")))
        return state.answer(update)

    app = web.Application()
    app.router.add_post("/hook", handle)
    runner, base = await serve(app)
    state.url = f"{base}/hook"
    try:
        yield state
    finally:
        await runner.cleanup()


async def settled(server: FakeBotApi, check: Callable[[], bool]) -> None:
    assert await server.state.changes.until(lambda: check() or None, 2.0), "not in time"


async def test_a_json_answer_is_run_and_recorded_as_a_webhook_answer(fake_bot_api: FakeBotApi, endpoint: Endpoint) -> None:
    endpoint.answer = lambda update: web.json_response(
        {"method": "sendMessage", "chat_id": update["message"]["chat"]["id"], "text": "收到"}
    )
    async with fake_bot_api.push_to(endpoint.url, "tok_1") as pusher:
        update = fake_bot_api.text(42, "你好")
        reply = await fake_bot_api.wait_for_message(42, timeout=2)
    assert endpoint.received == [(update, "tok_1")]
    assert reply.text == "收到"
    assert [(c.method, c.http_method, c.outcome) for c in fake_bot_api.calls] == [("sendMessage", WEBHOOK_ANSWER, "ok")]
    assert pusher.delivered == [update["update_id"]] and fake_bot_api.deliveries == [update]


async def test_a_form_answer_to_a_tap_answers_it_and_a_failing_one_is_only_recorded(
    fake_bot_api: FakeBotApi, endpoint: Endpoint
) -> None:
    fake_bot_api.user(7)
    question = await fake_bot_api.methods.resolve("sendMessage")[1](  # type: ignore[index]
        {"chat_id": 7, "text": "Continue?", "reply_markup": {"inline_keyboard": [[{"text": "Yes", "callback_data": "y"}]]}}
    )

    def answer(update: dict[str, Any]) -> web.Response:
        body = f"method=answerCallbackQuery&callback_query_id={update['callback_query']['id']}&show_alert=true"
        return web.Response(body=body, content_type="application/x-www-form-urlencoded")

    endpoint.answer = answer
    async with fake_bot_api.push_to(endpoint.url) as pusher:
        tap = fake_bot_api.callback(7, question["message_id"], "y")
        answered = await fake_bot_api.wait_for_callback_answer(tap, timeout=2)
        fake_bot_api.requeue(tap)  # delivered again: the same answer now finds the query answered
        await settled(fake_bot_api, lambda: len(fake_bot_api.calls) == 2)
    assert answered.show_alert is True
    assert [(c.http_method, c.outcome) for c in fake_bot_api.calls] == [(WEBHOOK_ANSWER, "ok"), (WEBHOOK_ANSWER, "error 400")]
    assert pusher.delivered == [tap["update_id"]] * 2 and pusher.failures == 0


async def test_an_update_is_posted_again_until_it_is_answered_200(fake_bot_api: FakeBotApi, endpoint: Endpoint) -> None:
    statuses = [500, 502, 200]
    endpoint.answer = lambda update: web.Response(status=statuses.pop(0))
    async with fake_bot_api.push_to(endpoint.url, retry_after=0.01) as pusher:
        update = fake_bot_api.text(42, "hi")
        await settled(fake_bot_api, lambda: bool(pusher.delivered))
        await asyncio.sleep(0.05)
    assert [u for u, _ in endpoint.received] == [update] * 3
    assert pusher.failures == 2 and pusher.delivered == [update["update_id"]]
    assert fake_bot_api.calls == [], "an empty answer runs nothing"


def test_an_answer_body_without_a_method_is_nothing() -> None:
    from tests.fakebotapi.webhook import answer_params

    assert answer_params(b"", "application/json") is None
    assert answer_params(b'{"ok": true}', "application/json") is None
    assert answer_params(b"not json", "application/json") is None
    assert answer_params(json.dumps({"method": "sendMessage", "chat_id": "5"}).encode(), "application/json") == {
        "method": "sendMessage", "chat_id": 5,
    }
