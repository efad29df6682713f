"""The command registry: each command is listed once, and /help, the unknown-command answer and the
Telegram menu are generated from it in both languages."""
from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.events import Command
from handlers.console import ConsoleChat
from services.commands import CommandSpec, Commands
from services.conversation import Who
from tests.services.added_command import PING, add_ping

ZH = Who("console", "zh", "zh-CN")
EN = Who("console", "en", "en")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    built = await build_app(load_settings({"DATA_DIR": str(tmp_path / "data")}))
    yield built
    await built.close()


async def test_help_lists_every_registered_command_with_its_argument(app: App) -> None:
    commands = app.service.commands
    for who, lang in ((ZH, "zh"), (EN, "en")):
        shown = "\n".join(r.text for r in await app.service.handle(who, Command("help", "")))
        for spec in commands.specs.values():
            assert f"{spec.usage(lang)} {spec.description(lang)}" in shown, spec.name
    assert "/case 编号 查看投诉详情" in commands.help_text("zh")
    assert "/timezone Area/City Set your time zone" in commands.help_text("en")


async def test_an_unknown_command_is_answered_with_the_same_list(app: App) -> None:
    shown = "\n".join(r.text for r in await app.service.handle(EN, Command("frobnicate", "")))
    assert "There is no command /frobnicate" in shown
    assert app.service.commands.help_text("en").split("\n", 1)[1] in shown


async def test_every_feature_command_has_a_handler_and_every_navigation_command_goes_to_the_engine(app: App) -> None:
    commands = app.service.commands
    assert set(commands.answered_here()) == {"cases", "case", "filed", "export", "rules", "timezone", "delete"}
    assert [name for name, _ in commands.menu("zh")] == [n for n in commands.specs if n != "timezone"]


def test_a_command_cannot_be_listed_twice() -> None:
    with pytest.raises(ValueError, match="listed twice"):
        Commands([CommandSpec("new", "新", "New"), CommandSpec("new", "新", "New")])


async def local_chat_help(app: App, lang: str) -> str:
    out = io.StringIO()
    chat = ConsoleChat(app.service, Who("console", f"person-{lang}", lang), json_mode=True, out=out, lang=lang)
    await chat.line("/help")
    return "\n".join(json.loads(line)["text"] for line in out.getvalue().splitlines())


async def test_the_local_chat_help_lists_every_registered_command(app: App) -> None:
    for lang in ("zh", "en"):
        shown = await local_chat_help(app, lang)
        for spec in app.service.commands.specs.values():
            assert f"{spec.usage(lang)} {spec.description(lang)}" in shown, spec.name


async def test_a_command_added_to_the_registry_is_in_the_local_chats_help_and_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_ping(monkeypatch)
    built = await build_app(load_settings({"DATA_DIR": str(tmp_path / "data")}))
    try:
        assert "/ping 测试机器人是否在线" in await local_chat_help(built, "zh")
        assert "/ping Check that the bot answers" in await local_chat_help(built, "en")
        assert "ping" in [name for name, _ in built.service.commands.menu("en")]
        replies = await built.service.handle(EN, Command("ping", ""))
        assert [r.text for r in replies] == ["pong 乒"]
        assert built.service.commands.named_by("测一测") == PING.name
    finally:
        await built.close()
