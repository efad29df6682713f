"""An unexpected failure: the person gets a short apology, the log gets no phone number or token."""
from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from app.logsafe import install_redaction
from tests.telegram.helpers import CHAT, BotRunner, next_message


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """A root handler set up like app.bootstrap.setup_logging does (redaction filter installed)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


async def test_a_crash_while_handling_a_message_gets_an_apology_and_a_redacted_log(
    bot: BotRunner, log_output: io.StringIO, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = bot.server
    install_redaction([server.token])
    assert bot.app is not None

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"lost the database while saving +86 138 0013 8000 for {server.token}")

    monkeypatch.setattr(bot.app.service, "handle_full", broken)
    server.text(CHAT, "138 0013 8000")
    apology = await next_message(server, "抱歉")
    assert apology.text == "抱歉，出了点问题，你的回答没有丢失。请再发一次，或发送 /start。"
    server.command(CHAT, "new")
    pressed = server.callback(CHAT, apology.message_id, "1|CN", force=True)
    await server.wait_for_callback_answer(pressed)
    await next_message(server, "抱歉")
    logged = log_output.getvalue()
    assert "RuntimeError" in logged
    assert "138 0013 8000" not in logged and "13800138000" not in logged
    assert server.token not in logged and server.token.split(":")[1] not in logged
