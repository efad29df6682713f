"""The command registry: each command is listed once, and /help, the unknown-command answer and the
Telegram menu are generated from it in both languages."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.events import Command
from services.commands import CommandSpec, Commands
from services.conversation import Who

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
