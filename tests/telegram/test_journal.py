"""The update journal: an update Telegram was told arrived is handled even if the bot dies first.

Through the real PTB Application and the fake Bot API, whose getUpdates forgets an update once a
later offset confirms it (as Telegram does): what the bot confirmed and then lost would be gone.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from handlers.telegram.app import Webhook
from handlers.telegram.adapter import TelegramAdapter
from storage import InboundUpdate, SqliteStore
from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT, FIXED_NOW, BotRunner, next_message, tiny_png
from tests.telegram.test_startup import free_port

SECRET = "我的身份证号 110101199003077777"


class Crash(BaseException):
    """Handling that never finishes, as the journal sees a process dying in the middle of it."""


def journaled(runner: BotRunner) -> list[int]:
    return [row[0] for row in runner.rows("select update_id from update_journal order by update_id")]


async def until(check: Callable[[], bool], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def start_case(server: FakeBotApi) -> None:
    server.command(CHAT, "new")
    await next_message(server, "你在哪里")


async def started_case(runner: BotRunner, **overrides: Any) -> FakeBotApi:
    """The bot started (with `overrides`) and a case begun up to its first question; the fake Bot API."""
    await runner.start(**overrides)
    await start_case(runner.server)
    return runner.server


@pytest.fixture
def gate(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], asyncio.Event]]:
    """gate(text): messages with this text wait in their handler until the returned event is set.

    Every gate opens when the test ends, so a failed test does not leave the bot's stop waiting.
    """
    gates: dict[str, asyncio.Event] = {}
    original = TelegramAdapter.handle_message

    async def waiting(self: TelegramAdapter, chat_id: int, who: Any, update_id: int, message: Any, ref: Any) -> None:
        if message.text in gates:
            await gates[message.text].wait()
        await original(self, chat_id, who, update_id, message, ref)

    monkeypatch.setattr(TelegramAdapter, "handle_message", waiting)
    yield lambda text: gates.setdefault(text, asyncio.Event())
    for event in gates.values():
        event.set()


async def test_an_update_is_journaled_before_it_is_confirmed_and_forgotten_once_handled(
    runner: BotRunner, gate: Callable[[str], asyncio.Event]
) -> None:
    server = runner.server
    await runner.start(album_window=2.0)
    new_gate = gate("/new")
    new = server.command(CHAT, "new")
    await server.wait_until_confirmed()

    (update_id, payload), = runner.rows("select update_id, payload from update_journal")
    assert update_id == new["update_id"] and json.loads(payload)["message"]["text"] == "/new"
    new_gate.set()
    await next_message(server, "你在哪里")
    album = server.album(CHAT, [tiny_png(1), tiny_png(2)])
    await server.wait_until_confirmed()
    await asyncio.sleep(0.5)  # past the journal's batching of forgets, inside the album's window
    assert journaled(runner) == [u["update_id"] for u in album], "album photos stay until the album is handled"
    await next_message(server, "共 2 份")
    server.sticker(CHAT)
    await next_message(server, "贴纸")
    server.press(CHAT, "中国大陆")
    await next_message(server, "发生了什么")
    await until(lambda: not journaled(runner))


async def test_an_album_confirmed_but_inside_its_window_when_the_process_is_killed_is_saved_after_the_restart(
    runner: BotRunner,
) -> None:
    server = await started_case(runner)
    await runner.stop()
    photos = [tiny_png(31), tiny_png(32), tiny_png(33)]
    async with runner.killed_process() as err:  # killed inside the 1 s album window of bot.py telegram
        album = server.album(CHAT, photos)
        await server.wait_until_confirmed(timeout=30)  # the next getUpdates told Telegram it has them

    ids = [u["update_id"] for u in album]
    assert runner.rows("select count(*) from evidence") == [(0,)], err.decode()
    assert journaled(runner) == ids
    assert server.pending_updates == []
    await runner.start()
    await next_message(server, "已把它保存为证据（共 3 份）")
    stored = {row[0] for row in runner.rows("select sha256 from evidence")}
    assert stored == {hashlib.sha256(p).hexdigest() for p in photos}
    assert [d["update_id"] for d in server.deliveries].count(ids[0]) == 1, "it came from the journal, not Telegram"
    assert len([t for t in server.texts(CHAT) if "保存为证据" in t]) == 1
    await until(lambda: not journaled(runner))


async def test_updates_journaled_but_not_yet_confirmed_are_replayed_and_not_fetched_a_second_time(
    runner: BotRunner,
) -> None:
    server = await started_case(runner)
    await runner.stop()
    # As if the process had died right after journaling a batch, before the poll that confirms it.
    batch = [server.command(CHAT, "cases"), server.sticker(CHAT)]
    async with SqliteStore(runner.data_dir) as store, store.transaction() as tx:
        await tx.journal_updates("telegram", [InboundUpdate(u["update_id"], str(CHAT), u) for u in batch], FIXED_NOW)

    await runner.start()
    await next_message(server, "你的投诉")
    await next_message(server, "贴纸")
    server.command(CHAT, "help")
    await next_message(server, "/cancel")
    await server.wait_until_confirmed()

    assert [d for d in server.deliveries if d in batch] == [], "the first poll confirmed them unread"
    texts = server.texts(CHAT)
    assert len([t for t in texts if "贴纸" in t]) == 1 and len([t for t in texts if "你的投诉" in t]) == 1
    await until(lambda: not journaled(runner))


async def test_replayed_updates_that_were_applied_already_change_nothing_and_send_nothing(runner: BotRunner) -> None:
    server = runner.server
    await runner.start()
    new = server.command(CHAT, "new")
    await next_message(server, "你在哪里")
    tap = server.press(CHAT, "中国大陆")
    await next_message(server, "发生了什么")
    sticker = server.sticker(CHAT)
    await next_message(server, "贴纸")
    unknown = server.command(CHAT, "frobnicate")
    await next_message(server, "没有这个命令")
    await runner.stop()
    # As if the process had died after applying them and before forgetting them.
    async with SqliteStore(runner.data_dir) as store, store.transaction() as tx:
        rows = [InboundUpdate(u["update_id"], str(CHAT), u) for u in (new, tap, sticker, unknown)]
        await tx.journal_updates("telegram", rows, FIXED_NOW)
    answers = runner.rows("select step_id, value from answers")
    sent, edits = len(server.sent(CHAT)), len(server.edits)

    await runner.start()
    server.command(CHAT, "help")
    await next_message(server, "/cancel")

    assert len(server.sent(CHAT)) == sent + 1 and len(server.edits) == edits
    assert runner.rows("select step_id, value from answers") == answers
    assert runner.rows("select count(*) from cases") == [(1,)]
    await until(lambda: not journaled(runner))


async def test_an_update_whose_handling_failed_and_was_apologised_for_is_not_replayed(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*args: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(TelegramAdapter, "handle_message", broken)
    server = runner.server
    await runner.start()
    server.text(CHAT, "138 0013 8000")
    await next_message(server, "抱歉")
    await until(lambda: not journaled(runner))
    monkeypatch.undo()
    await runner.restart()
    server.command(CHAT, "help")
    await next_message(server, "/cancel")

    assert len([t for t in server.texts(CHAT) if "抱歉" in t]) == 1


async def test_a_poison_update_is_given_up_after_three_replays_while_the_others_are_served(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    server = runner.server
    tries: list[int] = []
    original = TelegramAdapter.handle_message

    async def poisoned(self: TelegramAdapter, chat_id: int, who: Any, update_id: int, message: Any, ref: Any) -> None:
        if message.text == SECRET:
            tries.append(update_id)
            raise Crash
        await original(self, chat_id, who, update_id, message, ref)

    def tried(times: int) -> Callable[[], bool]:
        return lambda: len(tries) == times

    monkeypatch.setattr(TelegramAdapter, "handle_message", poisoned)
    await runner.start()
    poison = server.text(CHAT, SECRET)
    server.command(777, "cases")
    await next_message(server, "还没有投诉记录", chat_id=777)
    await until(tried(1))
    for attempt in (2, 3, 4):
        await runner.restart()
        await until(tried(attempt))
        server.command(777, "cases")
        await next_message(server, "还没有投诉记录", chat_id=777)

    await runner.restart()
    server.command(CHAT, "cases")
    await next_message(server, "还没有投诉记录")
    assert tries == [poison["update_id"]] * 4, "handled once, then replayed three times"
    await until(lambda: not journaled(runner))
    assert runner.rows("select 1 from processed_updates where update_id = ?", str(poison["update_id"])) == [(1,)]
    assert f"gave up update {poison['update_id']}" in caplog.text
    assert "110101199003077777" not in caplog.text


async def test_a_failed_journal_write_leaves_the_batch_unconfirmed_so_it_is_fetched_again(
    bot: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = bot.server
    assert bot.bot is not None
    journal = bot.bot.journal
    record = journal.record
    failed: list[int] = []

    async def flaky(updates: Any) -> None:
        if updates and not failed:
            failed.append(updates[0]["update_id"])
            raise OSError("disk I/O error")
        await record(updates)

    monkeypatch.setattr(journal, "record", flaky)
    new = server.command(CHAT, "new")
    await next_message(server, "你在哪里")

    assert failed == [new["update_id"]]
    assert [d["update_id"] for d in server.deliveries].count(new["update_id"]) == 2
    assert len([t for t in server.texts(CHAT) if "你在哪里" in t]) == 1


async def post(hook: Webhook, update: dict[str, Any]) -> int:
    """Deliver an update to the bot's webhook as Telegram would; returns the HTTP status."""
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"http://{hook.listen}:{hook.port}/{hook.path}", json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": hook.secret},
        )
    return answer.status_code


def webhook() -> Webhook:
    return Webhook(url="https://bot.example.org/telegram/hook", secret="s3cret-Token_1", port=free_port())


async def test_a_webhook_update_is_journaled_before_its_post_is_answered(
    runner: BotRunner, gate: Callable[[str], asyncio.Event]
) -> None:
    hook = webhook()
    new_gate = gate("/new")
    await runner.start(webhook=hook)
    server = runner.server
    update = server.command(CHAT, "new")

    assert await post(hook, update) == 200
    assert journaled(runner) == [update["update_id"]]
    new_gate.set()
    await next_message(server, "你在哪里")
    await until(lambda: not journaled(runner))


async def test_an_album_photo_delivered_twice_to_the_webhook_counts_once(runner: BotRunner) -> None:
    hook = webhook()
    await runner.start(webhook=hook, album_window=1.0)
    server = runner.server
    await post(hook, server.command(CHAT, "new"))
    await next_message(server, "你在哪里")
    first, second = server.album(CHAT, [tiny_png(41), tiny_png(42)])
    for update in (first, second, first):  # Telegram sends an update again when its answer was late
        assert await post(hook, update) == 200

    await next_message(server, "已把它保存为证据（共 2 份）")
    assert not [t for t in server.texts(CHAT) if "不会重复保存" in t]
    await until(lambda: not journaled(runner))


async def test_delete_erases_the_persons_journaled_updates_up_to_the_confirmation(bot: BotRunner) -> None:
    server = bot.server
    await start_case(server)
    server.press(CHAT, "中国大陆")
    await next_message(server, "发生了什么")
    assert bot.app is not None
    async with bot.app.store.transaction() as tx:  # rows the journal still holds at the moment of /delete
        await tx.journal_updates("telegram", [
            InboundUpdate(1, str(CHAT), {"update_id": 1, "message": {"text": SECRET}}),
            InboundUpdate(2, "777", {"update_id": 2, "message": {"text": "someone else"}}),
            InboundUpdate(10**9, str(CHAT), {"update_id": 10**9, "message": {"text": "sent after the erase"}}),
        ], FIXED_NOW)
    server.command(CHAT, "delete", "1")
    await next_message(server, "永久删除")
    server.press(CHAT, "🗑 永久删除")
    await next_message(server, "已删除")

    assert journaled(bot) == [2, 10**9]
