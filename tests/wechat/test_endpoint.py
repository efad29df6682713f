"""The push endpoint: WeChat's URL check, signatures, safe mode, and the 5-second answer."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.wechat.helpers import TOKEN, Endpoint, Phone, signature

ROOT = Path(__file__).resolve().parents[2]


async def get(endpoint: Endpoint, **query: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(endpoint.url, params=query) as resp:
        return resp.status, await resp.text()


async def test_the_url_check_echoes_echostr_only_when_signed_with_the_token(wechat: Endpoint) -> None:
    good = signature(TOKEN, "1790000000", "abc")
    assert await get(wechat, signature=good, timestamp="1790000000", nonce="abc", echostr="echo-42") == (200, "echo-42")
    status, _ = await get(wechat, signature="0" * 40, timestamp="1790000000", nonce="abc", echostr="echo-42")
    assert status == 403


async def test_a_plain_text_answer_is_the_passive_reply_encrypted_back_in_safe_mode(phone: Phone) -> None:
    answer = await phone.text("帮助")
    assert answer.status == 200 and answer.passive is not None and "/new" in answer.passive
    assert "<Encrypt>" in answer.body and "/new" not in answer.body
    assert phone.endpoint.api.sent == [], "nothing went through the customer-service API"


async def test_plain_pushes_are_answered_in_plain_xml(wechat: Endpoint) -> None:
    plain = Phone(wechat, "o_plain", aes=False)
    answer = await plain.text("help")
    assert answer.passive is not None and "/new" in answer.body


async def test_a_greeting_with_options_goes_out_as_a_menu_message_after_success(phone: Phone) -> None:
    answer = await phone.event("subscribe")
    assert (answer.status, answer.body) == (200, "success")
    await phone.expect("反骚扰投诉助手")
    assert [item["content"] for item in phone.last_menu()] == ["📝 开始投诉", "📂 我的投诉"]
    assert [item["id"] for item in phone.last_menu()] == ["-|_new", "-|_cases"]


async def test_a_push_with_a_wrong_signature_gets_403_and_changes_nothing(wechat: Endpoint, phone: Phone) -> None:
    query, body = phone.signed_query(phone.xml("text", {"Content": "/new"}))
    forged = await phone.post("", {**query, "signature": "f" * 40}, body)
    assert forged.status == 403
    tampered = await phone.post("", {**query, "msg_signature": "0" * 40}, body)
    assert tampered.status == 403
    assert wechat.rows("select count(*) from users") == [(0,)]
    assert wechat.rows("select count(*) from processed_updates") == [(0,)]
    assert wechat.api.sent == []


async def test_a_slow_answer_gets_success_in_time_and_follows_as_a_custom_message(
    wechat: Endpoint, phone: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert wechat.bot is not None and wechat.app is not None
    original = wechat.app.service.handle_full

    async def slow(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(1.5)
        return await original(*args, **kwargs)

    monkeypatch.setattr(wechat.app.service, "handle_full", slow)
    answer = await phone.text("帮助")  # plain text: a passive reply, had it been ready in time
    assert answer.body == "success" and answer.seconds < wechat.bot.answer_within + 0.5
    await phone.expect("/new")
    assert [s.msgtype for s in wechat.api.sent] == ["text"]


async def test_without_app_credentials_everything_comes_in_the_passive_reply(endpoint: Endpoint) -> None:
    endpoint.env.update(WECHAT_APP_ID="", WECHAT_APP_SECRET="", WECHAT_ENCODING_AES_KEY="")
    await endpoint.start()
    phone = Phone(endpoint, aes=False)
    answer = await phone.text("/new")
    assert answer.passive is not None and "你在哪里" in answer.passive and "1. 中国大陆" in answer.passive
    answer = await phone.text("1")
    assert answer.passive is not None and "发生了什么" in answer.passive
    assert endpoint.api.calls == {}, "no API call without credentials"


def test_bot_py_wechat_without_a_token_says_what_to_set(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WECHAT_")}
    done = subprocess.run(
        [sys.executable, "bot.py", "wechat"], cwd=ROOT, env={**env, "DATA_DIR": str(tmp_path)},
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2 and "WECHAT_TOKEN" in done.stderr and "Traceback" not in done.stderr
