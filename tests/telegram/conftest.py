"""Fixtures: the fake Bot API and a real bot (PTB Application + conversation service) talking to it."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.fixtures import fake_bot_api  # noqa: F401
from tests.telegram.helpers import BotRunner


@pytest_asyncio.fixture
async def runner(fake_bot_api: FakeBotApi, tmp_path: Path) -> AsyncIterator[BotRunner]:  # noqa: F811
    """A bot on a fresh data dir, not yet started (call `await runner.start()`)."""
    async with BotRunner(fake_bot_api, tmp_path / "data") as bot:
        yield bot


@pytest_asyncio.fixture
async def bot(runner: BotRunner) -> BotRunner:
    """A running bot with fast timings."""
    await runner.start()
    return runner
