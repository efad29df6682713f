"""Test helpers: a restartable bot on a data dir, database peeks; the sample evidence bytes of tests/samples.py, re-exported."""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from app.bootstrap import App, build_app
from app.settings import load_settings
from handlers.telegram.app import TelegramBot, TelegramOptions, Webhook
from handlers.telegram.send import SendPolicy
from tests.fakebotapi import FakeBotApi, SentMessage
from tests.restartable import Restartable
from tests.samples import MP3 as MP3
from tests.samples import MP4 as MP4
from tests.samples import OGG as OGG
from tests.samples import TINY_PDF as TINY_PDF
from tests.samples import tiny_png as tiny_png

ROOT = Path(__file__).resolve().parents[2]
CN = timezone(timedelta(hours=8))
FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=CN)
CHAT = 4242
# No throttling and short backoff, so the suite stays fast; the limiter has its own tests.
FAST_SEND = SendPolicy(
    overall_per_second=10_000, overall_burst=10_000, chat_per_second=10_000, chat_burst=10_000,
    attempts=4, backoff=0.02, max_backoff=0.1,
)
class BotRunner(Restartable[TelegramBot]):
    """The bot under test; stop() and start() again on the same data dir is a restart."""

    def __init__(self, server: FakeBotApi, data_dir: Path, **overrides: Any) -> None:
        self.server = server
        self.data_dir = data_dir
        self.overrides: dict[str, Any] = {"album_window": 0.3, "send": FAST_SEND, **overrides}
        self.app: App | None = None
        self.bot: TelegramBot | None = None
        self._stack: AsyncExitStack | None = None
        self.clock = lambda: FIXED_NOW

    @property
    def settings_env(self) -> dict[str, str]:
        return {
            "DATA_DIR": str(self.data_dir),
            "TELEGRAM_BOT_TOKEN": self.server.token,
            "TELEGRAM_API_BASE_URL": self.server.url,
        }

    async def start(self, webhook: Webhook | None = None, **overrides: Any) -> TelegramBot:
        settings = load_settings(self.settings_env)
        self.app = await build_app(settings, clock=self.clock)
        options = TelegramOptions.from_settings(settings, self.app.flow, **{**self.overrides, **overrides})
        self.bot = TelegramBot(self.app, options)
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(self.bot.running(webhook=webhook, poll_timeout=1))
        return self.bot

    @asynccontextmanager
    async def killed_process(self) -> AsyncIterator[bytearray]:
        """`bot.py telegram` on this data dir as a process of its own, killed (SIGKILL) when the block
        ends, as by a crash at that moment; what it wrote to stderr is in the bytearray afterwards."""
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "bot.py", "telegram", cwd=ROOT, env={**os.environ, **self.settings_env},
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        err = bytearray()
        try:
            yield err
        finally:
            proc.send_signal(signal.SIGKILL)
            err += (await proc.communicate())[1]


def question(server: FakeBotApi, chat_id: int = CHAT) -> SentMessage:
    """The newest message in the chat that still has buttons."""
    for sent in reversed(server.sent(chat_id)):
        if sent.buttons and not sent.deleted:
            return sent
    raise AssertionError(f"no message with buttons; sent: {server.texts(chat_id)!r}")


async def next_message(server: FakeBotApi, contains: str, chat_id: int = CHAT, timeout: float = 5.0) -> SentMessage:
    """The next message (not seen by earlier waits) whose text contains `contains`."""
    return await server.wait_for_message(chat_id, lambda m: contains in (m.text or ""), timeout=timeout)
