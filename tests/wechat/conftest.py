"""Fixtures: the fake WeChat API and the real WeChat endpoint (aiohttp server + conversation service)."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from tests.fakewechat import FakeWeChatApi
from tests.wechat.helpers import Endpoint, Phone


@pytest_asyncio.fixture
async def fake_wechat() -> AsyncIterator[FakeWeChatApi]:
    async with FakeWeChatApi() as api:
        yield api


@pytest_asyncio.fixture
async def endpoint(fake_wechat: FakeWeChatApi, tmp_path: Path) -> AsyncIterator[Endpoint]:
    """The endpoint on a fresh data dir, not yet started (call `await endpoint.start()`)."""
    async with Endpoint(fake_wechat, tmp_path / "data") as running:
        yield running


@pytest_asyncio.fixture
async def wechat(endpoint: Endpoint) -> Endpoint:
    """A running endpoint."""
    await endpoint.start()
    return endpoint


@pytest_asyncio.fixture
def phone(wechat: Endpoint) -> Phone:
    return Phone(wechat)
