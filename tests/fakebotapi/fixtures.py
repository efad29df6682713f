"""pytest fixtures for the fake Bot API; import them into a conftest.py to use them."""
from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from .server import FakeBotApi


@pytest_asyncio.fixture
async def fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """A running FakeBotApi on 127.0.0.1, stopped after the test."""
    async with FakeBotApi() as server:
        yield server
