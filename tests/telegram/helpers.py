"""Test helpers: a restartable bot on a data dir, sample evidence bytes, database peeks."""
from __future__ import annotations

import sqlite3
import struct
import zlib
from contextlib import AsyncExitStack
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from app.bootstrap import App, build_app
from app.settings import load_settings
from handlers.telegram.app import TelegramBot, TelegramOptions, Webhook
from handlers.telegram.send import SendPolicy
from tests.fakebotapi import FakeBotApi, SentMessage

CN = timezone(timedelta(hours=8))
FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=CN)
CHAT = 4242
# No throttling and short backoff, so the suite stays fast; the limiter has its own tests.
FAST_SEND = SendPolicy(
    overall_per_second=10_000, overall_burst=10_000, chat_per_second=10_000, chat_burst=10_000,
    attempts=4, backoff=0.02, max_backoff=0.1,
)
TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
OGG = b"OggS\x00\x02" + bytes(range(64))
MP3 = b"ID3\x04\x00\x00" + bytes(range(64))
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64)


def tiny_png(seed: int) -> bytes:
    """A valid 2x2 PNG whose pixels depend on `seed`, so each seed gives a different file."""
    raw = b"".join(b"\x00" + bytes([(seed * 40 + i) % 256, seed % 256, 200]) * 2 for i in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


class BotRunner:
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

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def restart(self) -> TelegramBot:
        await self.stop()
        return await self.start()

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "bot.sqlite3")

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return conn.execute(sql, args).fetchall()


def question(server: FakeBotApi, chat_id: int = CHAT) -> SentMessage:
    """The newest message in the chat that still has buttons."""
    for sent in reversed(server.sent(chat_id)):
        if sent.buttons and not sent.deleted:
            return sent
    raise AssertionError(f"no message with buttons; sent: {server.texts(chat_id)!r}")


async def next_message(server: FakeBotApi, contains: str, chat_id: int = CHAT, timeout: float = 5.0) -> SentMessage:
    """The next message (not seen by earlier waits) whose text contains `contains`."""
    return await server.wait_for_message(chat_id, lambda m: contains in (m.text or ""), timeout=timeout)
