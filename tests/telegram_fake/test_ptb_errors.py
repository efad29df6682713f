"""Injected failures and the real API's refusals, as PTB sees them."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
)
from telegram.ext import AIORateLimiter, ApplicationBuilder

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.ptb import application_builder, polling
from tests.telegram_fake.tinybot import Seen, build_tiny_bot, eventually


@pytest.fixture
def timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    """Opt in to PTB 22's timedelta time periods, so RetryAfter raises no deprecation warning."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


async def test_injected_500_reaches_the_error_handler_as_network_error(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    fake_bot_api.fail_next("sendMessage", 500)
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        fake_bot_api.text(1, "first")
        await eventually(lambda: bool(seen.errors))
        fake_bot_api.text(1, "second")
        reply = await fake_bot_api.wait_for_message(1, timeout=2)
    [error] = seen.errors
    assert type(error) is NetworkError and "Internal Server Error" in str(error)
    assert reply.text == "echo: second", "only the next call fails"
    assert [c.outcome for c in fake_bot_api.calls_to("sendMessage")] == ["injected 500", "ok"]


async def test_injected_429_raises_retry_after(fake_bot_api: FakeBotApi, timedelta_periods: None) -> None:
    fake_bot_api.user(2)
    fake_bot_api.fail_next("sendMessage", 429, retry_after=7)
    async with application_builder(fake_bot_api).build() as app:
        with pytest.raises(RetryAfter) as info:
            await app.bot.send_message(2, "hello")
        await app.bot.send_message(2, "hello again")
    assert info.value.retry_after == dt.timedelta(seconds=7)
    assert fake_bot_api.texts(2) == ["hello again"]


async def test_rate_limiter_retries_after_429(fake_bot_api: FakeBotApi, timedelta_periods: None) -> None:
    fake_bot_api.user(2)
    fake_bot_api.fail_next("sendMessage", 429, retry_after=1)
    app = application_builder(fake_bot_api).rate_limiter(AIORateLimiter(max_retries=1)).build()
    async with app:
        started = time.monotonic()
        await app.bot.send_message(2, "eventually")
        elapsed = time.monotonic() - started
    assert fake_bot_api.texts(2) == ["eventually"]
    assert elapsed >= 1.0, "the limiter waited retry_after before retrying"


async def test_dropped_connection_is_a_network_error(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user(3)
    fake_bot_api.drop_next("sendMessage", times=2)
    async with application_builder(fake_bot_api).build() as app:
        for _ in range(2):
            with pytest.raises(NetworkError):
                await app.bot.send_message(3, "lost")
        await app.bot.send_message(3, "delivered")
    assert fake_bot_api.texts(3) == ["delivered"]
    assert [c.outcome for c in fake_bot_api.calls_to("sendMessage")] == ["dropped", "dropped", "ok"]


async def test_polling_survives_a_failed_get_updates(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.fail_next("getUpdates", 502)
    async with polling(build_tiny_bot(fake_bot_api, Seen())):
        fake_bot_api.text(4, "still there?")
        reply = await fake_bot_api.wait_for_message(4, timeout=2.5)
    assert reply.text == "echo: still there?"


async def test_wrong_token_is_unauthorized(fake_bot_api: FakeBotApi) -> None:
    app = (
        ApplicationBuilder().token("999:WRONG").base_url(fake_bot_api.base_url)
        .base_file_url(fake_bot_api.base_file_url).build()
    )
    with pytest.raises(InvalidToken):
        await app.initialize()


async def test_unknown_method_is_404(fake_bot_api: FakeBotApi) -> None:
    async with application_builder(fake_bot_api).build() as app:
        with pytest.raises(EndPointNotFound):
            await app.bot.do_api_request("sendTelepathicHint")
    assert fake_bot_api.calls_to("sendTelepathicHint")[0].outcome == "error 404"


async def test_real_api_refusals(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user(5)
    fake_bot_api.user(6)
    fake_bot_api.block(6)
    async with application_builder(fake_bot_api).build() as app:
        bot = app.bot
        with pytest.raises(BadRequest, match="(?i)can't parse entities.*'\\.' is reserved"):
            await bot.send_message(5, "Done. Thanks!", parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(5, "<b>bold</i>", parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            long_button = InlineKeyboardButton("x", callback_data="y" * 65)
            await bot.send_message(5, "pick", reply_markup=InlineKeyboardMarkup([[long_button]]))
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(404404, "hello?")
        with pytest.raises(Forbidden, match="(?i)blocked"):
            await bot.send_message(6, "hello?")
        with pytest.raises(BadRequest, match="(?i)message text is empty"):
            await bot.send_message(5, " ")
        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await bot.send_message(5, "长" * 4097)
        sent = await bot.send_message(5, "*ok*", parse_mode="MarkdownV2")
        assert sent.text == "ok", "the API returns text without markup"
        with pytest.raises(BadRequest, match="(?i)message is not modified"):
            await bot.edit_message_text("*ok*", chat_id=5, message_id=sent.message_id, parse_mode="MarkdownV2")
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("x", chat_id=5, message_id=999)
        with pytest.raises(BadRequest, match="(?i)wrong parameter action"):
            await bot.send_chat_action(5, "dancing")
    assert fake_bot_api.texts(5) == ["*ok*"]


async def test_a_callback_query_can_be_answered_once(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user(8)
    async with application_builder(fake_bot_api).build() as app:
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
        message = await app.bot.send_message(8, "ready", reply_markup=keyboard)
        press = fake_bot_api.callback(8, message.message_id, "go")
        query_id = press["callback_query"]["id"]
        assert await app.bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await app.bot.answer_callback_query(query_id)
    with pytest.raises(ValueError):
        fake_bot_api.callback(8, message.message_id, "not-offered")
    assert fake_bot_api.callback(8, message.message_id, "not-offered", force=True)["callback_query"]["data"]
