"""A command added to the registry for a test, as a feature would add one: one CommandSpec in the list."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app import bootstrap
from engine.replies import Reply
from services.commands import CommandSpec, Features, command_list
from services.conversation import Context


async def pong(ctx: Context) -> list[Reply]:
    return [Reply("pong 乒")]


PING = CommandSpec(
    "ping", "测试机器人是否在线", "Check that the bot answers", handler=pong,
    typed_bare=True, words=("测一测",), menu_label=("测一测", "Ping"),
)


def add_ping(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every app built after this lists /ping after the bot's own commands."""

    def listed(**features: Any) -> Features:
        shipped = command_list(**features)
        return replace(shipped, specs=[*shipped.specs, PING])

    monkeypatch.setattr(bootstrap, "command_list", listed)
