"""Wiring a real python-telegram-bot Application to a FakeBotApi (no PTB object is mocked)."""
from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from telegram.ext import Application, ApplicationBuilder

from .server import FakeBotApi


def application_builder(server: FakeBotApi) -> ApplicationBuilder:
    """An ApplicationBuilder whose bot talks to `server` (same token, fake base URLs)."""
    return (
        ApplicationBuilder()
        .token(server.token)
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
    )


@asynccontextmanager
async def polling(
    app: Application, *, timeout: int = 1, allowed_updates: Sequence[str] | None = None
) -> AsyncIterator[Application]:
    """Run `app` with long polling for the block, then shut it down cleanly."""
    await app.initialize()
    try:
        await app.start()
        assert app.updater is not None, "build the Application with an Updater to poll"
        await app.updater.start_polling(poll_interval=0, timeout=timeout, allowed_updates=allowed_updates)
        yield app
    finally:
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
