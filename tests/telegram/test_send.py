"""Sending: rate limits, retries of 429/5xx/dropped connections, long replies, the reminder outbox."""
from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from telegram.error import NetworkError

from engine.replies import Button, Reply
from handlers.telegram.send import SendPolicy, TokenBucket
from services.conversation import Context
from tests.telegram.helpers import CHAT, FAST_SEND, TINY_PDF, BotRunner, next_message


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_spaces_slots_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=3, clock=clock)
    assert [bucket.reserve() for _ in range(5)] == [0.0, 0.0, 0.0, 1.0, 2.0]
    clock.now += 10
    assert bucket.full
    assert bucket.reserve() == 0.0


async def test_a_429_is_waited_out_for_its_retry_after_and_the_message_still_arrives(bot: BotRunner) -> None:
    server = bot.server
    server.fail_next("sendMessage", 429, retry_after=1)
    server.command(CHAT, "start")
    await next_message(server, "反骚扰投诉助手", timeout=8)
    calls = server.calls_to("sendMessage")
    assert [c.outcome for c in calls] == ["injected 429", "ok"]
    assert calls[1].time - calls[0].time >= 0.95


async def test_a_500_and_a_dropped_connection_are_retried_with_backoff(bot: BotRunner) -> None:
    server = bot.server
    server.fail_next("sendMessage", 500)
    server.drop_next("sendMessage")
    server.command(CHAT, "start")
    await next_message(server, "反骚扰投诉助手")
    outcomes = [c.outcome for c in server.calls_to("sendMessage")]
    assert outcomes[-1] == "ok" and {"injected 500", "dropped"} <= set(outcomes)
    assert len(server.sent(CHAT)) == 1


async def test_messages_to_one_chat_are_spaced_by_the_per_chat_limit(runner: BotRunner) -> None:
    policy = SendPolicy(overall_per_second=1000, overall_burst=1000, chat_per_second=10, chat_burst=1, backoff=0.02)
    bot = await runner.start(send=policy)
    runner.server.user(CHAT)
    assert await bot.outbox.deliver(str(CHAT), [Reply(f"提醒 {i}") for i in range(4)])
    times = [c.time for c in runner.server.calls_to("sendMessage")]
    gaps = [b - a for a, b in pairwise(times)]
    # The first request also opens the connection, so its arrival may lag its slot: judge the later gaps.
    assert len(times) == 4 and min(gaps[1:]) >= 0.085 and times[-1] - times[0] >= 0.25, gaps


async def test_the_overall_limit_holds_across_chats(runner: BotRunner) -> None:
    policy = SendPolicy(overall_per_second=20, overall_burst=1, chat_per_second=1000, chat_burst=1000, backoff=0.02)
    bot = await runner.start(send=policy)
    for chat in (1, 2, 3, 4):
        runner.server.user(chat)
        assert await bot.outbox.deliver(str(chat), [Reply("提醒")])
    times = [c.time for c in runner.server.calls_to("sendMessage")]
    # Slots are 0.05 s apart; the first request also opens the connection, so its arrival may lag the
    # slot it got. Unlimited, the four would arrive within a few milliseconds.
    assert times[-1] - times[0] >= 2 * 0.05


async def test_a_long_reply_is_split_on_lines_with_the_keyboard_on_the_last_piece(bot: BotRunner) -> None:
    server = bot.server
    server.user(CHAT)
    text = "\n".join(f"{i:04d} " + "投诉文本" * 40 for i in range(60))
    assert bot.bot is not None
    assert await bot.bot.outbox.deliver(str(CHAT), [Reply(text, (Button("好", "ok"),), seq=3)])
    sent = server.sent(CHAT)
    assert len(sent) >= 3
    assert "\n".join(m.text or "" for m in sent) == text
    assert [bool(m.buttons) for m in sent] == [False] * (len(sent) - 1) + [True]
    assert sent[-1].callback_data == ["3|ok"]


async def test_the_outbox_says_false_for_a_blocked_or_unknown_chat(bot: BotRunner) -> None:
    server = bot.server
    assert bot.bot is not None and bot.app is not None
    outbox = bot.app.outboxes.get("telegram")
    assert outbox is bot.bot.outbox
    server.user(CHAT)
    assert await outbox.deliver(str(CHAT), [Reply("您的投诉已满 15 天，对方回复了吗？")])
    server.block(CHAT)
    assert not await outbox.deliver(str(CHAT), [Reply("再次提醒")])
    assert not await outbox.deliver("987654", [Reply("没有这个人")])
    assert not await outbox.deliver("not-a-chat", [Reply("x")])
    assert server.texts(CHAT) == ["您的投诉已满 15 天，对方回复了吗？"]


async def test_a_server_that_keeps_failing_is_given_up_on(bot: BotRunner) -> None:
    server = bot.server
    server.user(CHAT)
    assert bot.bot is not None
    server.fail_next("sendMessage", 502, times=FAST_SEND.attempts)
    with pytest.raises(NetworkError):
        await bot.bot.outbox.deliver(str(CHAT), [Reply("x")])
    assert len(server.calls_to("sendMessage")) == FAST_SEND.attempts


async def test_reply_files_are_uploaded_as_documents_and_oversize_ones_are_named(runner: BotRunner, tmp_path: Path) -> None:
    bot = await runner.start(max_upload_bytes=4096)
    pdf, big = tmp_path / "case-1.pdf", tmp_path / "case-1.zip"
    pdf.write_bytes(TINY_PDF)
    big.write_bytes(b"PK" + bytes(8000))

    async def export(ctx: Context) -> list[Reply]:
        return [Reply(f"投诉 #{ctx.arg} 已导出", attachments=(str(pdf), str(big)))]

    bot.app.service.commands.with_handler("export", export)
    server = runner.server
    server.command(CHAT, "export", "1")
    await next_message(server, "投诉 #1 已导出")
    note = await next_message(server, "太大或已不存在")
    assert "case-1.zip" in (note.text or "") and "case-1.pdf" not in (note.text or "")
    assert [(d.filename, d.data) for d in server.documents] == [("case-1.pdf", TINY_PDF)]
