"""bench.scaling's lean driver: HTTP framing, the fake Bot API on it (called by a real PTB Bot), and the
webhook pusher (retries until 200, runs the call an answer carries). The figures are only worth
something if the driver checks what the aiohttp fake checks and delivers every update."""
from __future__ import annotations

import asyncio

import orjson
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram import Message as TgMessage
from telegram.error import BadRequest, InvalidToken

from bench.lean_http import FramingError, Message, response_bytes, serve, take_message
from bench.lean_telegram import SECRET_HEADER, LeanBotApi, LeanPusher
from bench.scaling import check
from handlers.telegram.http import AiohttpRequest
from tests.deploy.cluster import Outcome
from tests.fakebotapi import WEBHOOK_ANSWER, FakeBotApi

CHAT = 4242


def test_a_message_is_taken_only_when_whole_and_pipelined_ones_one_by_one() -> None:
    first = b"POST /a HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"x\":1}"
    second = b"GET /b?q=1 HTTP/1.1\r\nConnection: close\r\n\r\n"
    buffer = bytearray(first[:-3])
    assert take_message(buffer) is None
    buffer += first[-3:] + second
    one = take_message(buffer)
    assert one is not None and one.start == ("POST", "/a", "HTTP/1.1") and one.body == b'{"x":1}'
    assert one.content_type == "application/json" and not one.close
    two = take_message(buffer)
    assert two is not None and two.start[1] == "/b?q=1" and two.body == b"" and two.close
    assert take_message(buffer) is None and buffer == bytearray()


def test_chunked_bodies_are_refused_not_waited_for() -> None:
    with pytest.raises(FramingError):
        take_message(bytearray(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))


def test_a_response_says_its_length() -> None:
    message = take_message(bytearray(response_bytes(404, b'{"ok":false}')))
    assert message is not None and message.start[:2] == ("HTTP/1.1", "404") and message.body == b'{"ok":false}'


async def test_a_real_ptb_bot_is_served_and_checked_as_the_aiohttp_fake_does() -> None:
    fake = FakeBotApi()
    fake.user(CHAT, language_code="en")
    async with LeanBotApi(fake):
        bot = Bot(fake.token, base_url=f"{fake.url}/bot", request=AiohttpRequest())
        async with bot:
            keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="0|yes")]])
            sent = await bot.send_message(CHAT, "<b>Called</b> today?", parse_mode="HTML", reply_markup=keyboard)
            edited = await bot.edit_message_text("Called <i>today</i>?", chat_id=CHAT, message_id=sent.message_id,
                                                 parse_mode="HTML")
            with pytest.raises(BadRequest, match="(?i)can't parse entities"):
                await bot.send_message(CHAT, "<b>open", parse_mode="HTML")
            with pytest.raises(BadRequest, match="(?i)chat not found"):
                await bot.send_message(CHAT + 1, "hello")
        assert sent.text == "Called today?" and isinstance(edited, TgMessage) and edited.text == "Called today?"
        assert [m.text for m in fake.sent(CHAT)] == ["Called <i>today</i>?"]
        assert fake.sent(CHAT)[0].original_text == "<b>Called</b> today?"
        assert [e.text for e in fake.edits] == ["Called <i>today</i>?"]
        outcomes = [(c.method, c.outcome) for c in fake.calls if c.method != "getMe"]
        assert outcomes == [("sendMessage", "ok"), ("editMessageText", "ok"), ("sendMessage", "error 400"),
                            ("sendMessage", "error 400")]
        with pytest.raises(InvalidToken):
            async with Bot("1:wrong", base_url=f"{fake.url}/bot", request=AiohttpRequest()) as other:
                await other.get_me()


async def test_each_update_is_posted_until_answered_200_and_the_answers_call_is_run_once() -> None:
    fake = FakeBotApi()
    fake.user(CHAT)
    received: list[Message] = []

    def webhook(request: Message) -> bytes:
        received.append(request)
        if len(received) == 1:
            return response_bytes(502)  # nginx with no process up: Telegram sends it again
        update = orjson.loads(request.body)
        call = {"method": "answerCallbackQuery", "callback_query_id": update["callback_query"]["id"]}
        return response_bytes(200, orjson.dumps(call))

    server, port = await serve(webhook)
    try:
        async with LeanBotApi(fake):
            bot = Bot(fake.token, base_url=f"{fake.url}/bot", request=AiohttpRequest())
            async with bot:
                keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Yes", callback_data="0|yes")]])
                sent = await bot.send_message(CHAT, "Called today?", reply_markup=keyboard)
            async with LeanPusher(fake, f"http://127.0.0.1:{port}/hook", "s3cret", retry_after=0.01) as pusher:
                update = fake.callback(CHAT, sent.message_id, "0|yes")
                for _ in range(200):
                    if pusher.delivered:
                        break
                    await asyncio.sleep(0.01)
    finally:
        server.close()
    assert pusher.delivered == 1 and pusher.failures == 1 and len(received) == 2
    assert all(r.start[:2] == ("POST", "/hook") and r.headers[SECRET_HEADER.lower()] == "s3cret" for r in received)
    assert orjson.loads(received[1].body) == update
    assert [a.callback_query_id for a in fake.callback_answers] == [update["callback_query"]["id"]]
    assert [(c.method, c.http_method, c.outcome) for c in fake.calls_to("answerCallbackQuery")] == [
        ("answerCallbackQuery", WEBHOOK_ANSWER, "ok")]
    assert fake.state.callback_queries == {}


def test_the_run_is_refused_when_the_database_shows_a_loss_or_a_doubling() -> None:
    fake = FakeBotApi()
    cases = [{"external_id": "1", "id": 10, "status": "ready", "drafted": True},
             {"external_id": "2", "id": 11, "status": "ready", "drafted": True}]
    sent = [[101, 102], [103]]
    check(2, Outcome(cases, {10: 1, 11: 1}, {}, {101, 102, 103}, 0), sent, fake, [0, 0])
    bad = [
        (Outcome(cases, {10: 1, 11: 1}, {}, {101, 103}, 0), "1 updates not applied"),
        (Outcome(cases, {10: 2, 11: 1}, {}, {101, 102, 103}, 0), "a case was started twice"),
        (Outcome(cases[:1], {10: 1}, {}, {101, 102, 103}, 0), "1 of 2 complaints ready"),
        (Outcome(cases, {10: 1, 11: 1}, {}, {101, 102, 103}, 3), "3 updates left in the journal"),
    ]
    for outcome, problem in bad:
        with pytest.raises(SystemExit, match=problem):
            check(2, outcome, sent, fake, [0, 0])
    with pytest.raises(SystemExit, match="exit codes"):
        check(2, Outcome(cases, {10: 1, 11: 1}, {}, {101, 102, 103}, 0), sent, fake, [0, 1])
    fake.state.callback_queries["7"] = {}
    with pytest.raises(SystemExit, match="1 taps never answered"):
        check(2, Outcome(cases, {10: 1, 11: 1}, {}, {101, 102, 103}, 0), sent, fake, [0, 0])
