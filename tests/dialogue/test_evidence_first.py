"""Evidence first through `bot.py console --json` (issue 13): a screenshot or a story before /new starts a
complaint, keeps what was sent, and the first reply says what was received and asks what is still open."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, texts


def test_a_screenshot_before_new_starts_a_complaint_and_is_kept(
    bot: ConsoleBot, data_dir: Path, evidence_files: dict[str, Path]
) -> None:
    messages = bot.file(evidence_files["png"])
    assert len(messages) == 1
    assert "收到 1 份证据" in messages[0]["text"] and "你在哪里" in messages[0]["text"]
    assert messages[0]["expects"] == "choice"
    bot.close()
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        assert conn.execute("select count(*) from cases").fetchone()[0] == 1
        assert conn.execute("select kind from evidence").fetchall() == [("image",)]


def test_a_story_before_new_is_kept_as_text_evidence_and_its_facts_proposed_for_one_tap(bot: ConsoleBot, data_dir: Path) -> None:
    story = "刚才又接到 400-820-1234 的机器人推销电话，这周第三次了"
    messages = bot.send(story)
    assert len(messages) <= 2
    proposal = last_question(messages)
    assert "从你发来的文字读到" in proposal["text"] and "400 820 1234" in proposal["text"]
    # The country the number belongs to is proposed with the rest, said in the message, never filled silently.
    assert "号码所在地区：中国大陆" in proposal["text"]
    assert [b["value"] for b in proposal["buttons"]] == ["_accept", "_reject"]
    first = last_question(bot.send("对"))
    assert "多久一次" in first["text"], "country, type, number and time are known: not asked again"
    bot.close()
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        answers = dict(conn.execute("select step_id, value from answers"))
        kinds = conn.execute("select kind from evidence").fetchall()
    assert "+864008201234" in answers["caller_numbers"] and answers["issue_type"] == '"robocall"'
    assert answers["jurisdiction"] == '"CN"'
    assert answers["voice_kind"] == '"robot"'
    assert kinds == [("text",)]


def test_a_greeting_is_not_a_story(bot: ConsoleBot) -> None:
    assert "/new" in texts(bot.send("你好"))
    bot.close()


def test_a_call_log_screenshot_before_new_is_read_and_its_numbers_proposed_for_one_tap(
    bot: ConsoleBot, data_dir: Path, tmp_path: Path
) -> None:
    from bench.screenshots import render_call_log

    screen = render_call_log("call_detail", 0)
    shot = tmp_path / "通话记录.png"
    shot.write_bytes(screen.encoded())
    messages = bot.file(shot)
    assert len(messages) <= 2
    proposal = last_question(messages)
    assert "收到 1 份证据" in proposal["text"] and "从截图读到" in proposal["text"], proposal["text"]
    assert [b["value"] for b in proposal["buttons"]] == ["_accept", "_reject"]
    assert "多久一次" in last_question(bot.tap("_accept"))["text"]
    bot.close()
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        answers = dict(conn.execute("select step_id, value from answers"))
    assert any(number.lstrip("+") in answers["caller_numbers"] for number in screen.numbers), (answers, screen.numbers)
    assert answers["issue_type"] == '"robocall"' and "last_contact_at" in answers
