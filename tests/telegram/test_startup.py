"""Start-up: the command menu, options from settings, webhook mode with its secret, order per chat."""
from __future__ import annotations

import argparse
import socket

import httpx
import pytest

from app.settings import load_settings
from handlers.telegram.app import SELF_HOSTED_LIMIT, TelegramOptions, Webhook, run_telegram, webhook_from
from handlers.telegram.send import SendPolicy
from tests.services.added_command import add_ping
from tests.telegram.helpers import CHAT, BotRunner, next_message

MB = 1024 * 1024


async def test_commands_are_published_in_chinese_and_english(bot: BotRunner) -> None:
    server = bot.server
    names = [name for name, _ in bot.app.service.commands.menu("en")]
    assert names[:3] == ["start", "new", "cases"] and "timezone" not in names
    for code in ("", "en", "zh"):
        published = server.commands_for(code)
        assert published is not None and [c["command"] for c in published] == names
    zh = {c["command"]: c["description"] for c in server.commands_for("zh") or []}
    en = {c["command"]: c["description"] for c in server.commands_for("en") or []}
    assert zh["new"] == "开始新的投诉" and en["new"] == "Start a new complaint"
    assert server.commands_for("") == server.commands_for("en")


async def test_help_lists_every_registered_command(bot: BotRunner) -> None:
    bot.server.command(CHAT, "help", language_code="en")
    shown = (await next_message(bot.server, "/new")).text or ""
    for spec in bot.app.service.commands.specs.values():
        assert f"{spec.usage('en')} {spec.description('en')}" in shown, spec.name


async def test_a_command_added_to_the_registry_is_in_the_menu_and_help_and_answered(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_ping(monkeypatch)
    await runner.start()
    server = runner.server
    for code, description in (("zh", "测试机器人是否在线"), ("en", "Check that the bot answers")):
        assert {"command": "ping", "description": description} in (server.commands_for(code) or [])
    server.command(CHAT, "help", language_code="zh")
    await next_message(server, "/ping 测试机器人是否在线")
    server.command(CHAT, "ping", language_code="zh")
    await next_message(server, "pong 乒")


async def test_start_greets_in_the_persons_language(bot: BotRunner) -> None:
    server = bot.server
    server.command(CHAT, "start", language_code="zh-hans")
    await next_message(server, "你好，我是反骚扰投诉助手")
    server.command(31337, "start", language_code="en")
    greeting = await next_message(server, "I help you fight back", chat_id=31337)
    assert [b["text"] for b in greeting.buttons] == ["📝 Start a complaint", "📂 My cases"]


def test_the_download_limit_is_20_mb_on_the_public_api_and_lifted_on_a_self_hosted_one() -> None:
    env = {"TELEGRAM_BOT_TOKEN": "1:x"}
    public = TelegramOptions.from_settings(load_settings(env))
    assert public.max_download_bytes == 20 * MB and public.api_base_url == "https://api.telegram.org"
    own = load_settings({**env, "TELEGRAM_API_BASE_URL": "http://botapi.internal:8081/"})
    assert TelegramOptions.from_settings(own).max_download_bytes == SELF_HOSTED_LIMIT
    assert TelegramOptions.from_settings(load_settings({**env, "TELEGRAM_API_BASE_URL": "http://x", "TELEGRAM_MAX_FILE_MB": "300"})).max_download_bytes == 300 * MB
    with pytest.raises(SystemExit):
        load_settings({**env, "TELEGRAM_MAX_FILE_MB": "lots"})


async def test_the_flows_evidence_limit_caps_the_download_limit(runner: BotRunner) -> None:
    bot = await runner.start()
    assert bot.options.max_download_bytes == 20 * MB  # self-hosted (the fake), but flows.yaml takes 20 MB


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_webhook_mode_registers_the_url_and_refuses_posts_without_the_secret(runner: BotRunner) -> None:
    port = free_port()
    hook = Webhook(url="https://bot.example.org/telegram/hook", secret="s3cret-Token_1", listen="127.0.0.1", port=port)
    await runner.start(webhook=hook)
    server = runner.server
    assert server.webhook_url == hook.url
    assert server.calls_to("setWebhook")[-1].params["secret_token"] == hook.secret
    update = server.command(CHAT, "start")
    local = f"http://127.0.0.1:{port}/telegram/hook"
    async with httpx.AsyncClient() as client:
        refused = await client.post(local, json=update)
        wrong = await client.post(local, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "nope"})
        secret = {"X-Telegram-Bot-Api-Secret-Token": hook.secret}
        not_json = await client.post(local, content=b"update_id=1", headers={**secret, "Content-Type": "text/plain"})
        elsewhere = await client.post(f"http://127.0.0.1:{port}/other", json=update, headers=secret)
        taken = await client.post(local + "/", json=update, headers=secret)  # PTB's route took the slash too
    assert (refused.status_code, wrong.status_code, not_json.status_code) == (403, 403, 403)
    assert (elsewhere.status_code, taken.status_code) == (404, 200)
    await next_message(server, "反骚扰投诉助手")


async def test_one_chats_updates_keep_their_order_while_other_chats_go_on(runner: BotRunner) -> None:
    await runner.start(send=SendPolicy(overall_per_second=1000, overall_burst=1000, chat_per_second=5, chat_burst=1))
    server = runner.server
    for command in ("cases", "help", "frobnicate", "lang"):
        server.command(CHAT, command)
    server.command(777, "cases")
    await next_message(server, "还没有投诉记录", chat_id=777)
    await next_message(server, "Switched to English", timeout=5)
    texts = server.texts(CHAT)
    order = [next(i for i, t in enumerate(texts) if key in t) for key in ("还没有投诉记录", "命令：", "没有这个命令", "Switched")]
    assert order == sorted(order)
    other = server.sent(777)[0]
    assert other.time < server.sent(CHAT)[-1].time, "the other chat did not wait for this one"


def test_run_telegram_without_a_token_explains_and_exits(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert run_telegram(argparse.Namespace()) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_the_webhook_secret_comes_from_the_environment_or_is_generated() -> None:
    args = argparse.Namespace(webhook_url="https://bot.example.org/tg", listen="0.0.0.0", port=8443)
    given = webhook_from(args, load_settings({"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_WEBHOOK_SECRET": "from-env_1"}))
    assert given is not None and given.secret == "from-env_1" and given.path == "tg" and given.listen == "0.0.0.0"
    first = webhook_from(args, load_settings({"TELEGRAM_BOT_TOKEN": "1:x"}))
    second = webhook_from(args, load_settings({"TELEGRAM_BOT_TOKEN": "1:x"}))
    assert first is not None and second is not None and first.secret != second.secret
    assert len(first.secret) >= 32 and all(c.isalnum() or c in "-_" for c in first.secret)
    assert webhook_from(argparse.Namespace(), load_settings({"TELEGRAM_BOT_TOKEN": "1:x"})) is None
