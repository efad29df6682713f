"""The push endpoint: WeChat's URL check, signatures, safe mode, and the 5-second answer."""
from __future__ import annotations

import aiohttp

from tests.wechat.helpers import TOKEN, Endpoint, Phone, signature


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
