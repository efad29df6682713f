"""What a person meets at the edges: refusals that say what to do, files only the bot can read, nothing left after /delete.

Through the real app on SQLite (build_app), the real webhook endpoint, and bot.py telegram as a second poller.
"""
from __future__ import annotations

import asyncio
import os
import stat
import sys
from pathlib import Path

import httpx

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.answers import Accepted, Rejected
from engine.steps.number import number_answer
from engine.steps.text import text_answer
from engine.events import ButtonPress, Command
from engine.model import NumberStep, TextStep
from handlers.telegram.app import Webhook
from services.conversation import Who
from services.followup.timezone import resolve_timezone
from tests.clocks import TickingClock
from tests.robustness.walk import NOW
from tests.telegram.helpers import CHAT, BotRunner, next_message
from tests.telegram.test_startup import free_port

ROOT = Path(__file__).resolve().parents[2]
ANNA = Who("console", "anna", "en")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_the_data_folder_and_database_files_are_private_whatever_the_umask(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    old = os.umask(0o022)
    try:
        app = await build_app(load_settings({"DATA_DIR": str(data_dir)}), clock=TickingClock(NOW))
        await app.service.handle(ANNA, Command("new"))
        files = sorted(data_dir.glob("bot.sqlite3*"))
        assert {p.name for p in files} >= {"bot.sqlite3", "bot.sqlite3-wal", "bot.sqlite3-shm"}
        assert mode(data_dir) == 0o700 and {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}
        await app.close()
    finally:
        os.umask(old)


async def test_partial_downloads_left_by_a_crash_are_gone_at_the_next_start_and_after_delete(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    leftover = data_dir / "evidence" / "tmp" / "crash1.part"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"first megabytes of someone's recording")
    app = await build_app(load_settings({"DATA_DIR": str(data_dir)}), clock=TickingClock(NOW))
    try:
        assert not leftover.exists()
        writing = app.files.new_temp_path()
        leftover.write_bytes(b"left by a failed download")
        await app.service.handle(ANNA, Command("new"))
        await app.service.handle(ANNA, Command("export", "1"))
        user = await app.service.user_for(ANNA)
        assert (data_dir / "exports" / str(user.id)).is_dir()
        await app.service.handle(ANNA, ButtonPress("_delete:1"))
        assert not leftover.exists(), "erased with the case"
        assert writing.exists(), "a download in progress is left alone"
        assert not (data_dir / "exports" / str(user.id)).exists(), "no empty folder named after the person"
    finally:
        await app.close()


async def test_unknown_countries_languages_and_zones_are_refused_with_the_choices(app: App) -> None:
    rules = await app.service.handle(ANNA, Command("rules", "XX"))
    assert "no rules for “XX”" in rules[0].text and "CN" in rules[0].text
    assert {b.value for b in rules[0].buttons} == {"_rules:CN", "_rules:US", "_rules:UK"}
    lang = await app.service.handle(ANNA, Command("lang", "klingon"))
    assert "klingon" in lang[0].text and "/lang zh" in lang[0].text
    assert (await app.service.user_for(ANNA)).lang == "en", "the language did not change"
    assert (await app.service.handle(ANNA, Command("lang", "中文")))[0].text == "已切换为中文。"
    for name in ("Factory", "localtime", "factory"):
        assert resolve_timezone(name) is None
    assert resolve_timezone("asia/shanghai") == "Asia/Shanghai"


def test_control_characters_alone_are_no_text_answer_and_limits_read_plainly() -> None:
    step = TextStep(id="content", type="text", prompt={"en": "?", "zh": "?"})
    assert text_answer(step, "\x01\x02\x03") == Rejected("error.not_text")
    assert text_answer(step, "\u200b\u200e") == Rejected("error.not_text")
    assert isinstance(text_answer(step, "他说回拨"), Accepted)
    amount = NumberStep(id="amount", type="number", prompt={"en": "?", "zh": "?"}, min=0, max=1e8)
    refused = number_answer(amount, "200000000")
    assert isinstance(refused, Rejected) and refused.values == {"max": "100,000,000"}


async def test_the_webhook_answers_bodies_that_are_no_update_with_400_and_logs_none_of_them(
    runner: BotRunner, caplog: object
) -> None:
    port = free_port()
    hook = Webhook(url="https://bot.example.org/telegram/hook", secret="s3cret-Token_1", listen="127.0.0.1", port=port)
    await runner.start(webhook=hook)
    local = f"http://127.0.0.1:{port}/telegram/hook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret, "Content-Type": "application/json"}
    secret_text = "我的验证码 884213 请勿告诉他人"
    async with httpx.AsyncClient() as client:
        statuses = [
            (await client.post(local, content=body, headers=headers)).status_code
            for body in (b"", b"{not json", b"[1, 2]", b"\xff\xfe", f'{{"update_id": "x", "message": {{"text": "{secret_text}"}}}}'.encode())
        ]
    assert statuses == [400] * 5
    assert secret_text not in caplog.text  # type: ignore[attr-defined]
    runner.server.command(CHAT, "start")
    async with httpx.AsyncClient() as client:
        update = runner.server.pending_updates[-1]
        assert (await client.post(local, json=update, headers=headers)).status_code == 200
    await next_message(runner.server, "反骚扰投诉助手")


async def test_a_second_poller_with_the_same_token_stops_with_a_clear_message(runner: BotRunner) -> None:
    await runner.start(conflict_window=0.0)
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "telegram", cwd=ROOT,
        env={**os.environ, **runner.settings_env, "DATA_DIR": str(runner.data_dir.parent / "other")},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 60)
    except asyncio.TimeoutError:
        proc.kill()
        raise
    assert proc.returncode == 1, err.decode()
    assert "409 Conflict" in err.decode() and "Stop the other one" in err.decode()
    runner.server.command(CHAT, "cases")
    await next_message(runner.server, "还没有投诉记录", timeout=10)
