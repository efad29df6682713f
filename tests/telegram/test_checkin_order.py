"""A check-in never lands between the replies of one event: it takes the chat's outbox turn.

The answer to the time question is two messages ("记下了…", then the next question). Here the second
one meets Telegram's flood control (a 429 with retry_after 1 s) just as a check-in falls due. The
check-in used to go straight out meanwhile, so it came between the two.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from services.conversation import Who
from tests.followup.helpers import ready_case
from tests.telegram.helpers import CHAT, FAST_SEND, FIXED_NOW, BotRunner, next_message
from tests.telegram.test_complaint import send, tap

# One message a quarter second per chat: the second reply of an event waits a moment for its slot.
SPACED = replace(FAST_SEND, chat_per_second=4.0, chat_burst=1)


async def test_a_check_in_due_between_two_replies_of_an_event_comes_after_both(runner: BotRunner) -> None:
    now = [FIXED_NOW]
    runner.clock = lambda: now[0]
    await runner.start(send=SPACED)
    server, app = runner.server, runner.app
    assert app is not None
    case_id = await ready_case(app, Who("telegram", str(CHAT), "zh"))
    server.command(CHAT, "start")
    welcome = await next_message(server, "反骚扰投诉助手")
    server.callback(CHAT, welcome.message_id, f"-|_filetmr:{case_id}", force=True)
    await next_message(server, "提醒")
    server.command(CHAT, "new")
    await next_message(server, "你在哪里")
    await tap(server, "中国大陆", "发生了什么")
    await tap(server, "骚扰电话 / 电销机器人", "对方用的是哪个号码")
    await send(server, "138 0013 8000, 95555", "最近一次是什么时候")
    now[0] += timedelta(days=1, minutes=5)

    server.text(CHAT, "2026-11-20 14:30")
    await next_message(server, "记下了")
    server.fail_next("sendMessage", 429, retry_after=1)  # the next question waits out flood control
    await app.scheduler.run_once()  # the check-in falls due now
    await next_message(server, "多久一次", timeout=8)
    await next_message(server, f"#{case_id}", timeout=8)
    texts = server.texts(CHAT)
    noted = next(i for i, t in enumerate(texts) if t.startswith("记下了"))
    asked = next(i for i, t in enumerate(texts) if t.startswith("多久一次"))
    checkin = next(i for i, t in enumerate(texts) if f"#{case_id}" in t and i > noted)
    assert noted < asked < checkin, texts[noted:]
