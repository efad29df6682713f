"""The whole follow-up in the local chat (`bot.py console --json` in a subprocess, compressed time):
file → the check-in arrives by itself → "no reply" → the escalation draft citing the first complaint."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any, Callable

from tests.dialogue.console_driver import ConsoleBot, last_question, texts
from tests.dialogue.test_console_complaint import answer_until_evidence

# 600 000 schedule seconds per wall second: the operator's 15 days pass in about 2.2 seconds.
SCALE = "600000"


def wait_for(bot: ConsoleBot, seen: list[dict[str, Any]], found: Callable[[dict[str, Any]], bool], timeout: float = 20.0) -> dict[str, Any]:
    """Read what the bot prints by itself until a message matches (messages already seen count too)."""
    deadline = time.monotonic() + timeout
    while True:
        match = next((m for m in seen if found(m)), None)
        if match is not None:
            return match
        if time.monotonic() > deadline:
            raise AssertionError(f"nothing matched in {seen!r}; stderr: {bot.stderr_tail()}")
        seen += bot._read(wait=0.5, required=False)


def finish_with_the_operator(bot: ConsoleBot) -> list[dict[str, Any]]:
    """From the evidence question to the finished case, choosing the operator as the channel."""
    bot.send("来电记录截图：138 0013 8000，每天三次")
    q = last_question(bot.tap("_done"))
    assert "cn_operator" in [b["value"] for b in q["buttons"]], q
    q = last_question(bot.tap("cn_operator"))
    # The operator's channel asks which operator (its hotline) and the number that was called.
    assert "china_mobile" in [b["value"] for b in q["buttons"]], q
    q = last_question(bot.tap("china_mobile"))
    for _ in range(6):
        if "_ok" in [b["value"] for b in q["buttons"]]:
            break
        q = last_question(bot.send("/skip"))
    # The summary's OK confirms the answers are true and writes the draft.
    return bot.tap("_ok")


def test_file_then_the_check_in_arrives_then_no_reply_brings_the_escalation_draft(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    bot = ConsoleBot(data_dir, env={"REMINDER_TIME_SCALE": SCALE})
    try:
        answer_until_evidence(bot)
        finished = finish_with_the_operator(bot)
        asked = last_question(finished)
        assert [b["value"] for b in asked["buttons"]] == ["_filed:1", "_later:1", "_filetmr:1"]
        assert "中国移动" in asked["text"]

        filed = bot.tap("_filed:1")
        assert "15日" in texts(filed) and last_question(filed)["buttons"][0]["value"] == "_noref:1"
        seen = bot.send("GD2026112700123")
        assert "GD2026112700123" in texts(seen)

        checkin = wait_for(bot, seen, lambda m: bool(m.get("reminder")))
        assert "GD2026112700123" in checkin["text"] and "#1" in checkin["text"]
        no_reply = next(b["value"] for b in checkin["buttons"] if b["value"].endswith(":nor"))

        escalation = bot.tap(no_reply)
        body = texts(escalation)
        assert "12300" in body and "GD2026112700123" in body and "中国移动" in body
        # The escalation draft ends with how to send it to 12300 and what happens next.
        route = body[body.index("如何发送（工信部电信用户申诉受理中心（12300））"):]
        assert "12300在5个工作日内决定是否受理" in route and "/export 1" in route
        assert any(m["buttons"] and m["buttons"][0]["value"] == "_esc:1:cn_12300" for m in escalation)

        noted = bot.tap("_esc:1:cn_12300")
        assert "12300" in texts(noted) and "5个工作日" in texts(noted)
        assert bot.close() == 0
    finally:
        if bot.proc.poll() is None:
            bot.kill()

    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        status, channel = conn.execute("select status, channel from cases where id = 1").fetchone()
        kinds = [k for (k,) in conn.execute("select kind from case_events where case_id = 1 order by id")]
        sent = conn.execute("select count(*) from reminders where status in ('sent', 'answered')").fetchone()[0]
    assert (status, channel) == ("escalated", "cn_12300")
    order = ["filed", "reference", "reminder_sent", "no_reply", "escalation_offered", "escalated"]
    assert [kinds.index(k) for k in order] == sorted(kinds.index(k) for k in order)
    assert sent == 1
