"""Long polling pauses before a poll only after a burst: under light load an update is fetched at once.

Through the real PTB Application and the fake Bot API, with the pause made long (1.5 s) so that its
presence or absence shows plainly against handling times of a few milliseconds.
"""
from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from app.bootstrap import build_app
from app.settings import load_settings
from handlers.telegram.app import TelegramBot, TelegramOptions
from handlers.telegram.inbox import BUSY_BATCH
from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT, FAST_SEND, FIXED_NOW, next_message

PAUSE = 1.5


@asynccontextmanager
async def polling(server: FakeBotApi, data_dir: Path) -> AsyncIterator[TelegramBot]:
    settings = load_settings({
        "DATA_DIR": str(data_dir), "TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_BASE_URL": server.url,
    })
    app = await build_app(settings, clock=lambda: FIXED_NOW)
    try:
        bot = TelegramBot(app, TelegramOptions.from_settings(settings, app.flow, send=FAST_SEND))
        async with bot.running(poll_timeout=1, poll_interval=PAUSE):
            yield bot
    finally:
        await app.close()


async def test_one_update_at_a_time_is_fetched_without_waiting_out_the_pause(
    fake_bot_api: FakeBotApi, tmp_path: Path
) -> None:
    async with polling(fake_bot_api, tmp_path / "data"):
        fake_bot_api.command(CHAT, "start")
        await next_message(fake_bot_api, "反骚扰投诉助手", timeout=10)
        for _ in range(2):
            queued = time.monotonic()
            fake_bot_api.command(CHAT, "help")
            reply = await fake_bot_api.wait_for_message(CHAT, lambda m, after=queued: m.time > after, timeout=10)
            # A fixed pause after every poll would have held this update for most of PAUSE.
            assert reply.time - queued < PAUSE / 2


async def test_after_a_poll_that_brought_a_burst_the_next_one_waits(fake_bot_api: FakeBotApi, tmp_path: Path) -> None:
    chats = [CHAT + n for n in range(BUSY_BATCH)]
    for chat in chats:  # waiting before the bot starts: its first poll brings them all
        fake_bot_api.command(chat, "start")
    async with polling(fake_bot_api, tmp_path / "data"):
        for chat in chats:
            await next_message(fake_bot_api, "反骚扰投诉助手", chat_id=chat, timeout=10)
        polls = fake_bot_api.calls_to("getUpdates")
        while len(polls) < 2:
            await fake_bot_api.wait_for_calls("getUpdates", 2, timeout=10)
            polls = fake_bot_api.calls_to("getUpdates")
        assert polls[1].time - polls[0].time >= PAUSE * 0.9
