"""The local chat's own conveniences (issue 13): /file in the help and the evidence prompt, a pasted or
dragged path taken as a file, the language from the first message, the open question shown again after
a restart, and /case in the person's time zone."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, texts
from tests.dialogue.test_console_complaint import answer_until_evidence, finish_after_evidence


def test_help_says_how_to_attach_a_file(bot: ConsoleBot) -> None:
    assert "/file" in texts(bot.send("/help"))
    bot.send("/new")
    assert "/file" not in texts(bot.tap("CN"))
    bot.close()


def test_the_evidence_question_names_file(bot: ConsoleBot) -> None:
    answer_until_evidence(bot)
    bot.send("/back")
    bot.tap("time")
    assert "/file" in last_question(bot.tap("_done"))["text"]
    bot.close()


def test_a_pasted_or_dragged_path_is_taken_as_a_file(
    bot: ConsoleBot, data_dir: Path, tmp_path: Path, evidence_files: dict[str, Path]
) -> None:
    spaced = tmp_path / "my shots"
    spaced.mkdir()
    (spaced / "call log.png").write_bytes(evidence_files["png"].read_bytes())
    (spaced / "sms 2.pdf").write_bytes(evidence_files["pdf"].read_bytes())
    (spaced / "third (1).png").write_bytes(evidence_files["png"].read_bytes()[:-4] + b"\x00\x00\x00\x01")
    answer_until_evidence(bot)
    assert "已保存 1 份证据（共 1 份）" in texts(bot.send(f"'{spaced / 'call log.png'}'"))
    assert "共 2 份" in texts(bot.send(str(spaced / "sms 2.pdf").replace(" ", "\\ ")))
    assert "共 3 份" in texts(bot.send("file://" + str(spaced / "third (1).png").replace(" ", "%20")))
    assert "找不到文件：/tmp/surely/not/here.png" in texts(bot.send("/tmp/surely/not/here.png"))
    assert "共 4 份" in texts(bot.send("短信原文：【某某贷款】您有一笔额度待领取"))
    finish_after_evidence(bot)
    bot.close()
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        kinds = [row[0] for row in conn.execute("select kind from evidence order by id")]
    assert kinds == ["image", "pdf", "image", "text"]


def test_without_lang_the_first_typed_words_choose_the_language(data_dir: Path) -> None:
    bot = ConsoleBot(data_dir, lang=None, env={"LANG": "en_US.UTF-8"})
    first = bot.send("/new")
    assert "where are you" in texts(first)
    answered = bot.send("中国")
    assert "发生了什么" in texts(answered), texts(answered)
    bot.close()
    again = ConsoleBot(data_dir, lang=None, env={"LANG": "en_US.UTF-8"})
    assert "发生了什么" in texts(again.expect_greeting())
    again.close()
    english = ConsoleBot(data_dir / "other", lang=None, env={"LANG": "zh_CN.UTF-8"})
    english.send("/new")
    assert "What happened" in texts(english.send("china"))
    english.close()


def test_after_a_restart_the_open_question_outside_the_flow_is_asked_again(
    data_dir: Path, evidence_files: dict[str, Path]
) -> None:
    first = ConsoleBot(data_dir)
    answer_until_evidence(first)
    first.file(evidence_files["png"])
    asked = last_question(finish_after_evidence(first))
    assert any(b["value"].startswith("_filed:") for b in asked["buttons"]), asked
    first.kill()
    second = ConsoleBot(data_dir)
    again = last_question(second.expect_greeting())
    assert again["buttons"] == asked["buttons"] and again["text"] == asked["text"]
    reference_question = last_question(second.tap(next(b["value"] for b in asked["buttons"] if b["value"].startswith("_filed:"))))
    assert reference_question["expects"] == "text"
    second.kill()
    third = ConsoleBot(data_dir)
    assert last_question(third.expect_greeting())["text"] == reference_question["text"]
    assert "A2026" in texts(third.send("A20261201"))
    confirm = last_question(third.send("/delete 1"))
    third.kill()
    fourth = ConsoleBot(data_dir)
    assert last_question(fourth.expect_greeting())["buttons"] == confirm["buttons"]
    fourth.tap("_delete:1")
    fourth.close()
    fifth = ConsoleBot(data_dir)
    assert not fifth.greeting
    fifth.close()


def test_case_shows_times_in_the_persons_time_zone(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send("/new")
    bot.tap("CN")
    bot.tap("robocall")
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        created = conn.execute("select created_at from cases").fetchone()[0]
    utc = datetime.fromisoformat(str(created).replace("Z", "+00:00"))
    shanghai = (utc + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")
    shown = texts(bot.send("/case 1"))
    assert f"创建于 {shanghai}" in shown and "Asia/Shanghai" in shown, shown
    bot.close()
