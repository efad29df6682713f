"""Webhook mode: a tap's answerCallbackQuery rides on the answer to its webhook request; replies never do.

Through the real PTB Application and the fake Bot API pushing each update to the bot's endpoint as
Telegram does (tests/fakebotapi/webhook.py): the fake runs a method call answered in the body and,
like Telegram, never tells the bot whether it worked.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest

from handlers.telegram.app import TelegramBot, Webhook
from services.conversation import ConversationService
from tests.fakebotapi import WEBHOOK_ANSWER, FakeBotApi
from tests.fakebotapi.webhook import WebhookPusher
from tests.telegram.helpers import CHAT, BotRunner, next_message
from tests.telegram.test_journal import journaled, until
from tests.telegram.test_startup import free_port


def webhook() -> Webhook:
    return Webhook(url="https://bot.example.org/telegram/hook", secret="s3cret-Token_1", port=free_port())


def local(hook: Webhook) -> str:
    return f"http://{hook.listen}:{hook.port}/{hook.path}"


def own_calls(server: FakeBotApi, method: str) -> list[str]:
    """How each call of `method` reached the fake: "POST" for the bot's own, WEBHOOK_ANSWER for an answer's."""
    return [c.http_method for c in server.calls_to(method)]


@asynccontextmanager
async def at_first_question(
    runner: BotRunner, wait: float | None = None
) -> AsyncIterator[tuple[TelegramBot, WebhookPusher]]:
    """The bot in webhook mode (holding a request up to `wait` for its answer, if given), the fake
    pushing updates to it, and a complaint started up to its first question."""
    hook = webhook()
    bot = await runner.start(webhook=hook)
    if wait is not None:
        bot.webhook_answers.wait = wait
    async with runner.server.push_to(local(hook), hook.secret) as pusher:
        runner.server.command(CHAT, "new")
        await next_message(runner.server, "你在哪里")
        yield bot, pusher


async def test_a_tap_is_answered_in_the_webhook_answer_and_its_reply_sent_by_the_bot(runner: BotRunner) -> None:
    server = runner.server
    async with at_first_question(runner) as (_, pusher):
        tap = server.press(CHAT, "中国大陆")
        await next_message(server, "发生了什么")
        answer = await server.wait_for_callback_answer(tap)

    assert answer.text is None
    assert own_calls(server, "answerCallbackQuery") == [WEBHOOK_ANSWER]
    assert server.calls_to("answerCallbackQuery")[0].outcome == "ok"
    # The next question and the tidied one went as the bot's own calls, which Telegram confirms.
    assert set(own_calls(server, "sendMessage")) == {"POST"}
    assert own_calls(server, "editMessageText") == ["POST"]
    assert "→ 中国大陆" in (server.sent(CHAT)[-2].text or "")
    assert pusher.failures == 0 and len(pusher.delivered) == 2
    await until(lambda: not journaled(runner))


async def test_a_tap_handled_after_the_wait_is_answered_by_a_call_of_its_own(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = runner.server
    original = ConversationService.handle_full

    async def slow(self: ConversationService, who: Any, event: Any, ids: Any = None) -> Any:
        await asyncio.sleep(0.3)
        return await original(self, who, event, ids)

    async with at_first_question(runner, wait=0.05) as (bot, pusher):
        monkeypatch.setattr(ConversationService, "handle_full", slow)
        tap = server.press(CHAT, "中国大陆")
        await until(lambda: tap["update_id"] in pusher.delivered)
        assert not server.callback_answers  # the request was answered empty, before the tap was handled
        await next_message(server, "发生了什么")
        await server.wait_for_callback_answer(tap)

    assert own_calls(server, "answerCallbackQuery") == ["POST"]
    assert not bot.webhook_answers._open  # nothing left waiting for an answer that went


async def test_a_tap_delivered_twice_is_applied_once_and_neither_request_is_held(runner: BotRunner) -> None:
    server = runner.server
    async with at_first_question(runner, wait=5.0) as (_, pusher):
        started = time.monotonic()
        tap = server.press(CHAT, "中国大陆")
        server.requeue(tap)  # Telegram sends it again, as after a timed-out request
        await until(lambda: pusher.delivered.count(tap["update_id"]) == 2)
        assert time.monotonic() - started < 2.0
        await next_message(server, "发生了什么")
        await asyncio.sleep(0.2)

    assert len([t for t in server.texts(CHAT) if "发生了什么" in t]) == 1
    answers = server.calls_to("answerCallbackQuery")
    assert [c.http_method for c in answers] == [WEBHOOK_ANSWER, WEBHOOK_ANSWER]
    # Telegram runs both; the second finds the query answered already, and the bot never hears of it.
    assert sorted(c.outcome for c in answers) == ["error 400", "ok"]
    assert len(server.callback_answers) == 1


async def test_a_message_is_not_held_and_its_reply_never_rides_on_the_answer(runner: BotRunner) -> None:
    server = runner.server
    async with at_first_question(runner, wait=5.0) as (_, pusher):
        server.press(CHAT, "中国大陆")
        await next_message(server, "发生了什么")
        server.press(CHAT, "骚扰电话 / 电销机器人")
        await next_message(server, "哪个号码")
        started = time.monotonic()
        text = server.text(CHAT, "138 0013 8000")
        await until(lambda: text["update_id"] in pusher.delivered)
        assert time.monotonic() - started < 2.0
        await server.wait_for_message(CHAT, lambda m: bool(m.buttons))

    assert pusher.failures == 0
    assert {c.http_method for c in server.calls if c.method in ("sendMessage", "editMessageText")} == {"POST"}
    assert {c.method for c in server.calls if c.http_method == WEBHOOK_ANSWER} == {"answerCallbackQuery"}
