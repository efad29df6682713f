"""The aiohttp transport under a real PTB Bot: bodies as PTB sends them, timeouts and errors as PTB's own."""
from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, TimedOut

from handlers.telegram.http import AiohttpRequest
from tests.local_http import serve

TOKEN = "123:abc"
ME = {"id": 1, "is_bot": True, "first_name": "bot", "username": "bot"}
SENT = {"message_id": 7, "date": 0, "chat": {"id": 5, "type": "private"}, "text": "hi"}


@dataclass
class Server:
    url: str
    bodies: list[dict[str, Any]] = field(default_factory=list)
    delay: float = 0.0
    in_flight: int = 0
    most_in_flight: int = 0


@pytest_asyncio.fixture
async def server() -> AsyncIterator[Server]:
    """A minimal Bot API: records each call's fields (and uploads), answers after `delay`."""
    state = Server(url="")

    async def handle(request: web.Request) -> web.Response:
        state.in_flight += 1
        state.most_in_flight = max(state.most_in_flight, state.in_flight)
        try:
            if request.content_type == "application/json":
                fields: dict[str, Any] = await request.json()
            else:
                form = await request.post()
                fields = {
                    k: (v.filename, v.content_type, v.file.read()) if isinstance(v, web.FileField) else v
                    for k, v in form.items()
                }
            state.bodies.append({"method": request.match_info["method"], "content_type": request.content_type, **fields})
            await asyncio.sleep(state.delay)
        finally:
            state.in_flight -= 1
        result: Any = ME if request.match_info["method"] == "getMe" else SENT
        return web.json_response({"ok": True, "result": result})

    app = web.Application()
    app.router.add_post("/bot{token}/{method}", handle)
    runner, state.url = await serve(app)
    try:
        yield state
    finally:
        await runner.cleanup()


def bot_for(url: str, request: AiohttpRequest) -> Bot:
    return Bot(TOKEN, base_url=f"{url}/bot", request=request, get_updates_request=AiohttpRequest(1))


async def test_a_message_with_a_keyboard_arrives_as_one_json_body(server: Server) -> None:
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("是", callback_data="q1:yes")]])
    async with bot_for(server.url, AiohttpRequest()) as bot:
        message = await bot.send_message(5, "你好", reply_markup=markup)
        await bot.do_api_request("send_message", {"chat_id": 5, "text": "再见", "reply_markup": markup.to_dict()})
    assert message.message_id == 7
    typed, raw = server.bodies[-2:]
    for body, text in ((typed, "你好"), (raw, "再见")):
        assert body["content_type"] == "application/json"
        assert body["method"] == "sendMessage" and body["text"] == text and body["chat_id"] == 5
        assert body["reply_markup"] == {"inline_keyboard": [[{"text": "是", "callback_data": "q1:yes"}]]}


async def test_an_upload_goes_as_multipart_with_its_name_and_bytes(server: Server) -> None:
    async with bot_for(server.url, AiohttpRequest()) as bot:
        await bot.send_document(5, document=b"%PDF-1.7 evidence", filename="case-3.pdf", caption="证据")
    body = server.bodies[-1]
    assert body["method"] == "sendDocument" and body["caption"] == "证据" and body["chat_id"] == "5"
    name, _mime, data = body["document"]
    assert name == "case-3.pdf" and data == b"%PDF-1.7 evidence"


async def test_a_slow_answer_is_ptbs_timed_out(server: Server) -> None:
    async with bot_for(server.url, AiohttpRequest(read_timeout=0.2)) as bot:
        server.delay = 1.0
        with pytest.raises(TimedOut):
            await bot.send_message(5, "hi")


async def test_a_per_call_timeout_overrides_the_default(server: Server) -> None:
    async with bot_for(server.url, AiohttpRequest(read_timeout=0.1)) as bot:
        server.delay = 0.4
        message = await bot.send_message(5, "hi", read_timeout=3)
    assert message.message_id == 7


async def test_the_pool_bounds_the_calls_in_flight(server: Server) -> None:
    async with bot_for(server.url, AiohttpRequest(connection_pool_size=2, pool_timeout=5)) as bot:
        server.delay = 0.1
        await asyncio.gather(*(bot.send_message(5, f"m{i}") for i in range(6)))
    assert server.most_in_flight == 2
    assert len([b for b in server.bodies if b["method"] == "sendMessage"]) == 6


async def test_a_full_pool_past_the_pool_timeout_is_timed_out(server: Server) -> None:
    async with bot_for(server.url, AiohttpRequest(connection_pool_size=1, pool_timeout=0.1, connect_timeout=0.1)) as bot:
        server.delay = 1.0
        first = asyncio.create_task(bot.send_message(5, "first"))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut):
            await bot.send_message(5, "second")
        await first


async def test_nobody_listening_is_ptbs_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError):
            await request.post(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe")
    finally:
        await request.shutdown()


async def test_a_call_before_initialize_is_a_clear_error() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:9/botx/getMe", "POST")


async def test_an_http_proxy_from_the_environment_carries_the_calls(
    server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", server.url)
    async with bot_for("http://api.telegram.invalid", AiohttpRequest()) as bot:
        await bot.send_message(5, "via the proxy")
    assert server.bodies[-1]["text"] == "via the proxy"


async def test_no_proxy_hosts_are_reached_directly(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with bot_for(server.url, AiohttpRequest()) as bot:
        await bot.send_message(5, "direct")
    assert server.bodies[-1]["text"] == "direct"
