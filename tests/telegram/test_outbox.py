"""The outbox on Telegram: a committed reply reaches the person whatever the Bot API or the process does.

Through the real PTB Application and the fake Bot API's fault injection; the kill test runs
`bot.py telegram` as a real process and SIGKILLs it in the middle of a send's back-off.
"""
from __future__ import annotations

import asyncio
from typing import Any

import pytest

from handlers.telegram.adapter import TelegramAdapter
from services.outbox import OutboxPolicy, OutboxSender
from tests.telegram.helpers import CHAT, BotRunner, next_message, tiny_png
from tests.telegram.test_journal import Crash, start_case, started_case, until

FAST_OUTBOX = OutboxPolicy(first_retry=0.05, max_retry=0.2, idle_poll=0.5)
NEXT_QUESTION = "发生了什么"


def queued(runner: BotRunner) -> int:
    return runner.rows("select count(*) from outbox")[0][0]


def apologies(runner: BotRunner) -> list[str]:
    return [t for t in runner.server.texts(CHAT) if "抱歉" in t]


def copies(runner: BotRunner, text: str) -> int:
    return len([t for t in runner.server.texts(CHAT) if text in t])


async def at_harm_picking_several(runner: BotRunner) -> Any:
    """Answer up to the harm question and tap "pick several", so a tap toggles (and redraws) an option."""
    from tests.telegram.test_complaint import answer_until_evidence

    server = runner.server
    await answer_until_evidence(server)
    harm = server.sent(CHAT)[-1]
    server.press(CHAT, "☑️ 选多项")
    await server.wait_for_edit(CHAT, harm.message_id, lambda e: "完成" in str(e.reply_markup))
    await until(lambda: queued(runner) == 0)
    return harm


async def test_a_reply_whose_sends_fail_six_times_stays_queued_and_goes_out_once_they_succeed(runner: BotRunner) -> None:
    server = await started_case(runner, outbox=FAST_OUTBOX)
    server.fail_next("sendMessage", 500, times=6)

    server.press(CHAT, "中国大陆")

    await next_message(server, NEXT_QUESTION)
    await until(lambda: queued(runner) == 0)
    assert copies(runner, NEXT_QUESTION) == 1 and apologies(runner) == []
    assert len([c for c in server.calls_to("sendMessage") if c.outcome == "injected 500"]) == 6


async def test_flood_control_beyond_the_cap_keeps_the_reply_queued_and_a_restart_sends_it(runner: BotRunner) -> None:
    server = await started_case(runner, outbox=FAST_OUTBOX)
    server.fail_next("sendMessage", 429, retry_after=3600)

    server.press(CHAT, "中国大陆")

    await server.wait_for_calls("sendMessage", count=2)
    await until(lambda: queued(runner) == 1)
    (due,) = runner.rows("select due_at from outbox")[0]
    assert due > runner.rows("select created_at from outbox")[0][0], "it waits Telegram's retry_after"
    assert copies(runner, NEXT_QUESTION) == 0
    await runner.restart()
    await next_message(server, NEXT_QUESTION)
    await until(lambda: queued(runner) == 0)
    assert copies(runner, NEXT_QUESTION) == 1


async def test_failed_tidying_calls_never_cost_the_next_question(runner: BotRunner) -> None:
    server = await started_case(runner, outbox=FAST_OUTBOX)
    server.fail_next("answerCallbackQuery", 400, times=5, description="Bad Request: something odd")
    server.fail_next("editMessageText", 500, times=20)

    server.press(CHAT, "中国大陆")

    await next_message(server, NEXT_QUESTION)
    assert apologies(runner) == [] and copies(runner, NEXT_QUESTION) == 1


async def test_a_stale_notice_that_cannot_be_shown_on_the_button_comes_as_a_message(runner: BotRunner) -> None:
    server = await started_case(runner, outbox=FAST_OUTBOX)
    first = [m for m in server.sent(CHAT) if m.buttons][-1]
    server.press(CHAT, "中国大陆")
    await next_message(server, NEXT_QUESTION)
    server.fail_next("answerCallbackQuery", 500, times=10)

    server.callback(CHAT, first.message_id, "1|US", force=True)

    await next_message(server, "这个问题已经结束了")
    await until(lambda: queued(runner) == 0)


async def test_a_bot_killed_during_a_sends_back_off_sends_the_reply_after_the_restart(runner: BotRunner) -> None:
    server = await started_case(runner)
    await runner.stop()
    async with runner.killed_process() as err:
        server.drop_next("sendMessage", times=3)
        server.press(CHAT, "中国大陆")
        await server.wait_for_calls("sendMessage", count=2, timeout=30)  # now in its back-off

    assert runner.rows("select value from answers where step_id = 'jurisdiction'") == [('"CN"',)], err.decode()
    assert queued(runner) == 1 and copies(runner, NEXT_QUESTION) == 0
    await runner.start()
    await next_message(server, NEXT_QUESTION)
    await until(lambda: queued(runner) == 0)
    assert copies(runner, NEXT_QUESTION) == 1


async def test_a_blocked_person_does_not_hold_the_queue_for_ever(runner: BotRunner) -> None:
    server = await started_case(runner, outbox=FAST_OUTBOX)
    server.block(CHAT)
    server.press(CHAT, "中国大陆")
    await until(lambda: queued(runner) == 0 and bool(server.callback_answers))
    server.unblock(CHAT)
    server.command(CHAT, "help")
    await next_message(server, "/cancel")


async def test_a_forged_update_whose_sender_is_not_the_private_chat_is_refused(runner: BotRunner) -> None:
    server = runner.server
    owner, intruder = CHAT, 2002
    await runner.start(outbox=FAST_OUTBOX)
    server.command(owner, "new")
    await next_message(server, "你在哪里", chat_id=owner)
    server.command(owner, "delete 1")
    confirm = await next_message(server, "永久删除", chat_id=owner)
    server.user(intruder)

    forged = server.callback(owner, confirm.message_id, confirm.callback_data[0], user=intruder, force=True)
    await server.wait_for_callback_answer(forged)
    server.text(owner, "/cases", user=intruder)
    await asyncio.sleep(0.3)

    assert runner.rows("select id from cases") == [(1,)]
    assert not [t for t in server.texts(owner) if "已删除" in t or "你的投诉" in t]
    assert runner.rows("select external_id from users order by id") == [(str(owner),)]


async def test_an_update_given_up_after_repeated_crashes_asks_the_person_to_send_it_again(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = runner.server
    original = TelegramAdapter.handle_message

    async def hangs(self: TelegramAdapter, chat_id: int, who: Any, update_id: int, message: Any, ref: Any) -> None:
        if message.photo:
            raise Crash  # as a download that never finishes looks to the journal
        await original(self, chat_id, who, update_id, message, ref)

    monkeypatch.setattr(TelegramAdapter, "handle_message", hangs)
    await runner.start(outbox=FAST_OUTBOX)
    await start_case(server)
    server.press(CHAT, "中国大陆")
    await next_message(server, NEXT_QUESTION)
    shot = server.photo(CHAT, tiny_png(7))
    await until(lambda: runner.rows("select attempts from update_journal") == [(0,)])
    for _ in range(4):
        await runner.restart()

    notice = await next_message(server, "没能保存")
    assert "文件" in notice.text and "再发一次" in notice.text
    assert runner.rows("select kind, data from case_events where kind = 'gave_up'") == [("gave_up", '{"what":"file"}')]
    assert runner.rows("select 1 from processed_updates where update_id = ?", str(shot["update_id"])) == [(1,)]
    await runner.restart()
    await asyncio.sleep(0.3)
    assert len([t for t in server.texts(CHAT) if "没能保存" in t]) == 1


async def test_a_question_redrawn_in_place_is_not_also_sent_by_the_outbox_loop(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A toggle's question is queued and then redrawn in place (its row discarded). The outbox's
    background loop, running a pass at that moment (under load it runs them back to back), used to
    find the fresh row due and send the question a second time."""
    server = runner.server
    bot = await runner.start(outbox=FAST_OUTBOX)
    harm = await at_harm_picking_several(runner)
    original = TelegramAdapter.tidy_question
    passes: list[asyncio.Task[int]] = []

    async def loop_pass_meanwhile(self: TelegramAdapter, *args: Any) -> bool:
        passes.append(asyncio.create_task(bot.reply_outbox.run_once()))  # as the background loop would
        await asyncio.sleep(0.2)
        return await original(self, *args)

    monkeypatch.setattr(TelegramAdapter, "tidy_question", loop_pass_meanwhile)
    server.press(CHAT, "浪费时间")
    await server.wait_for_edit(CHAT, harm.message_id, lambda e: "✓ 浪费时间" in str(e.reply_markup))
    assert await asyncio.wait_for(passes[0], 2) == 0
    await until(lambda: queued(runner) == 0)
    assert copies(runner, "造成了什么影响") == 1
    assert server.sent(CHAT)[-1].message_id == harm.message_id


async def test_a_bot_that_dies_after_the_events_commit_but_before_its_send_sends_the_reply_once_after_the_restart(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The event's transaction claims its reply for this process (no claim of its own before the send):
    a process dying between that commit and the send leaves the row held, and the next start sends it,
    once, though the update itself is replayed from the journal too."""
    from services.outbox import OutboxSender

    server = await started_case(runner)
    original = OutboxSender.send_held

    async def dies(self: OutboxSender, chat_id: str, ids: Any, replies: Any) -> int:
        raise Crash

    monkeypatch.setattr(OutboxSender, "send_held", dies)
    server.press(CHAT, "中国大陆")
    await until(lambda: runner.rows("select value from answers where step_id = 'jurisdiction'") == [('"CN"',)])
    await until(lambda: queued(runner) == 1)
    assert runner.rows("select attempts, reply like ? from outbox", f"%{NEXT_QUESTION}%") == [(1, 1)], "held for the process that died"
    assert copies(runner, NEXT_QUESTION) == 0

    monkeypatch.setattr(OutboxSender, "send_held", original)
    await runner.restart()
    await next_message(server, NEXT_QUESTION)
    await until(lambda: queued(runner) == 0)
    await asyncio.sleep(0.3)  # the replayed tap, applied already, queues nothing more
    assert copies(runner, NEXT_QUESTION) == 1


async def test_a_question_redrawn_in_place_is_not_sent_by_another_process_when_the_redraw_is_slow(
    runner: BotRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Several processes on one database (seen as a question sent twice 12.7 s apart in the nginx
    deployment test on a loaded machine): another process's outbox loop leaves a fresh row alone only
    for `settle` seconds. A redraw slower than that (a loaded machine, a slow Bot API) let it find the
    toggle's question settled and send it while this process redrew it in place and then discarded
    it: the person saw the question twice. The row is held during the redraw now."""
    server = runner.server
    shared = OutboxPolicy(first_retry=0.05, max_retry=0.2, idle_poll=0.5, settle=0.1, hold=5.0)
    await runner.start(outbox=shared)
    assert runner.app is not None
    sent_by_other: list[str] = []

    async def other_send(chat: str, reply: Any) -> None:
        sent_by_other.append(reply.text)

    other = OutboxSender(runner.app.store, "telegram", other_send, shared, exclusive=False)
    harm = await at_harm_picking_several(runner)
    original = TelegramAdapter.tidy_question
    passes: list[int] = []

    async def slow_redraw_while_another_process_sweeps(self: TelegramAdapter, *args: Any) -> bool:
        await asyncio.sleep(shared.settle * 3)  # the edit is slow: the fresh row has settled meanwhile
        passes.append(await other.run_once())  # the other process's background loop runs a pass
        return await original(self, *args)

    monkeypatch.setattr(TelegramAdapter, "tidy_question", slow_redraw_while_another_process_sweeps)
    server.press(CHAT, "浪费时间")
    await server.wait_for_edit(CHAT, harm.message_id, lambda e: "✓ 浪费时间" in str(e.reply_markup))
    await until(lambda: queued(runner) == 0)
    assert passes == [0] and sent_by_other == [], "the other process left the row being redrawn alone"
    assert copies(runner, "造成了什么影响") == 1
    assert server.sent(CHAT)[-1].message_id == harm.message_id
