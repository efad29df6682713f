"""setMyCommands / getMyCommands per language and scope, with the real API's validation."""
from __future__ import annotations

import pytest
from telegram import BotCommand, BotCommandScopeChat
from telegram.error import BadRequest

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.ptb import application_builder


async def test_commands_are_recorded_per_language_and_scope(fake_bot_api: FakeBotApi) -> None:
    async with application_builder(fake_bot_api).build() as app:
        bot = app.bot
        await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("help", "Help")])
        await bot.set_my_commands([BotCommand("start", "开始投诉")], language_code="zh")
        await bot.set_my_commands([BotCommand("export", "Export")], scope=BotCommandScopeChat(42))
        chinese = await bot.get_my_commands(language_code="zh")
        english = await bot.get_my_commands(language_code="en")
    assert [(c.command, c.description) for c in chinese] == [("start", "开始投诉")]
    assert english == (), "no fallback: a language without its own list gets none"
    assert fake_bot_api.commands_for() == [
        {"command": "start", "description": "Start"}, {"command": "help", "description": "Help"},
    ]
    assert fake_bot_api.commands_for("zh") == [{"command": "start", "description": "开始投诉"}]
    assert fake_bot_api.commands_for(scope="chat:42") == [{"command": "export", "description": "Export"}]


async def test_invalid_commands_and_language_codes_are_refused(fake_bot_api: FakeBotApi) -> None:
    async with application_builder(fake_bot_api).build() as app:
        with pytest.raises(BadRequest, match="(?i)invalid language code"):
            await app.bot.set_my_commands([BotCommand("start", "开始")], language_code="zh-hans")
        with pytest.raises(BadRequest, match="(?i)bot_command_invalid"):
            await app.bot.set_my_commands([BotCommand("Start", "Start")])
        with pytest.raises(BadRequest, match="(?i)bot_command_description_invalid"):
            await app.bot.set_my_commands([BotCommand("start", "")])
    assert fake_bot_api.commands == {}
