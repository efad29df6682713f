"""Whole complaints through `bot.py console --json` in a subprocess, as a script or a person would."""
from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, texts


def answer_until_evidence(bot: ConsoleBot, since: str | None = None, opted_out_at: str = "2026-11-01 09:00") -> None:
    """The CN robocall path typed as a person would, merged questions answered in one message each."""
    assert last_question(bot.send("/new"))["expects"] == "choice"
    bot.tap("CN")
    q = last_question(bot.tap("robocall"))
    assert q["expects"] == "phone"
    q = last_question(bot.send("138 0013 8000, 95555"))
    assert q["expects"] == "datetime", "no time given with the numbers: the latest time is asked"
    q = last_question(bot.send("2026-11-20 14:30"))
    assert q["expects"] == "choice"
    if since is None:
        bot.tap("several_per_day")
    else:
        assert "记下了" in texts(bot.send(f"一天好几次，从{since}开始"))
    bot.tap("never")
    reply = bot.send(f"有，{opted_out_at}回复过TD")
    # They asked to stop before the latest call: "did they go on?" is not asked, their dates say it.
    assert "记下了" in texts(reply) and "录音" in last_question(reply)["text"]
    bot.tap("robot")
    q = last_question(bot.send("某某贷款公司：您好，这里是XX贷款，您有一笔额度待领取"))
    assert q["expects"] == "choices"
    # Two effects: "pick several" turns the one-tap buttons into ticks.
    bot.tap("_multi")
    bot.tap("time")
    bot.tap("sleep")
    q = last_question(bot.tap("_done"))
    assert q["expects"] == "evidence"


def finish_after_evidence(bot: ConsoleBot) -> list[dict]:
    q = last_question(bot.tap("_done"))
    assert q["expects"] == "choice" and q["buttons"], q
    bot.tap(q["buttons"][0]["value"])
    # Whatever the chosen channel still needs (call length, the called number, contact details).
    for _ in range(6):
        q = last_question(bot.send("/skip"))
        if "_ok" in [b["value"] for b in q["buttons"]]:
            break
    assert "_ok" in [b["value"] for b in q["buttons"]]
    assert "属实" in [b["label"] for b in q["buttons"] if b["value"] == "_ok"][0]
    return bot.tap("_ok")


def db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "bot.sqlite3")


def test_full_complaint_with_two_evidence_files_ends_with_a_stored_case_and_draft(
    bot: ConsoleBot, data_dir: Path, evidence_files: dict[str, Path]
) -> None:
    answer_until_evidence(bot)
    assert "已保存 1" in texts(bot.file(evidence_files["png"]))
    assert "已保存 1" in texts(bot.file(evidence_files["pdf"]))
    final = texts(finish_after_evidence(bot))
    png_hash = hashlib.sha256(evidence_files["png"].read_bytes()).hexdigest()
    pdf_hash = hashlib.sha256(evidence_files["pdf"].read_bytes()).hexdigest()
    assert png_hash in final and pdf_hash in final
    assert "138 0013 8000" in final or "13800138000" in final
    assert "2026" in final and "14:30" in final
    assert bot.close() == 0
    with db(data_dir) as conn:
        status, draft = conn.execute("select status, draft from cases").fetchone()
        rows = conn.execute("select sha256, stored_path from evidence order by id").fetchall()
    assert status == "ready" and png_hash in draft
    assert [r[0] for r in rows] == [png_hash, pdf_hash]
    for sha, stored in rows:
        stored_file = data_dir / "evidence" / stored
        assert hashlib.sha256(stored_file.read_bytes()).hexdigest() == sha
        assert "call-log" not in stored and "bill" not in stored


def test_a_month_or_a_year_answers_since_when_and_the_opt_out_and_reads_so_in_the_draft(
    bot: ConsoleBot, data_dir: Path, evidence_files: dict[str, Path]
) -> None:
    answer_until_evidence(bot, since="2025年3月", opted_out_at="2026年10月")
    bot.file(evidence_files["png"])
    final = texts(finish_after_evidence(bot))
    assert "自2025年3月起" in final
    assert "我已于2026年10月明确要求对方停止联系。此后对方仍继续联系我。" in final
    assert bot.close() == 0
    with db(data_dir) as conn:
        answers = dict(conn.execute("select step_id, value from answers where step_id in ('since', 'opted_out_at')"))
    assert answers == {"since": '"2025-03"', "opted_out_at": '"2026-10"'}


def test_killing_the_process_mid_flow_resumes_at_the_same_step(data_dir: Path, evidence_files: dict[str, Path]) -> None:
    first = ConsoleBot(data_dir)
    first.send("/new")
    first.tap("CN")
    first.tap("robocall")
    before = last_question(first.send("138 0013 8000"))
    first.kill()
    second = ConsoleBot(data_dir)
    resumed = last_question(second.expect_greeting())
    assert resumed["expects"] == "datetime" and resumed["text"].split("\n")[0] == before["text"].split("\n")[0]
    q = last_question(second.send("2026-11-20 14:30"))
    assert q["expects"] == "choice"
    second.close()
    with db(data_dir) as conn:
        answers = dict(conn.execute("select step_id, value from answers").fetchall())
    assert "13800138000" in answers["caller_numbers"] and "2026-11-20T14:30" in answers["last_contact_at"]


def test_a_fraud_answer_brings_the_urgent_advice_first(bot: ConsoleBot) -> None:
    bot.send("/new")
    bot.tap("CN")
    messages = bot.tap("fraud")
    assert "110" in messages[0]["text"] and "96110" in messages[0]["text"]
    assert last_question(messages)["expects"] == "choice"


def test_bad_input_gets_a_clear_message_and_the_conversation_goes_on(
    bot: ConsoleBot, evidence_files: dict[str, Path], tmp_path: Path
) -> None:
    bot.send("/new")
    bot.tap("CN")
    bot.tap("robocall")
    assert "号码" in texts(bot.send("12"))
    assert "号码" in texts(bot.send("hello"))
    q = last_question(bot.send("138 0013 8000"))
    assert q["expects"] == "datetime"
    assert "不存在" in texts(bot.send("2026-02-30 10:00"))
    assert "将来" in texts(bot.send("2030-01-01 10:00"))
    assert "没看懂" in texts(bot.send("asdf qwerty"))
    assert "找不到文件" in texts(bot.file(tmp_path / "missing.png"))
    assert "文件夹" in texts(bot.file(tmp_path))
    assert "空的" in texts(bot.file(evidence_files["empty"]))
    assert "不能作为证据" in texts(bot.file(evidence_files["junk"]))
    assert "没有这个命令" in texts(bot.send("/frobnicate"))
    q = last_question(bot.send("昨天下午3点"))
    assert q["expects"] == "choice"
    bot.tap("several_per_day")
    bot.tap("never")
    bot.tap("no")
    q = last_question(bot.tap("robot"))
    assert q["expects"] == "text"
    assert "空" in texts(bot.send(""))
    assert "太长" in texts(bot.send("投诉" * 5000))
    assert "乱码" in texts(bot.send("\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f"))
    q = last_question(bot.send("某某公司"))
    assert q["expects"] == "choices"
    assert bot.close() == 0


def test_commands_work_in_the_local_chat(bot: ConsoleBot, data_dir: Path, evidence_files: dict[str, Path]) -> None:
    assert "还没有" in texts(bot.send("/cases"))
    bot.send("/new")
    bot.tap("CN")
    assert "证据" in texts(bot.file(evidence_files["png"]))
    stored = list((data_dir / "evidence").rglob("*"))
    assert any(p.is_file() for p in stored)
    assert "#1" in texts(bot.send("/cases"))
    assert "没有找到" in texts(bot.send("/case 99"))
    assert "#1" in texts(bot.send("/case 1"))
    help_text = texts(bot.send("/help"))
    assert "/delete" in help_text and "/lang" in help_text
    assert "English" in texts(bot.send("/lang")) or "Switched" in texts(bot.send("/lang"))
    confirm = bot.send("/delete 1")
    assert [b["value"] for b in confirm[0]["buttons"]] == ["_delete:1", "_keepcase"]
    bot.tap("_delete:1")
    assert bot.close() == 0
    with db(data_dir) as conn:
        assert conn.execute("select count(*) from cases").fetchone()[0] == 0
        assert conn.execute("select count(*) from answers").fetchone()[0] == 0
        assert conn.execute("select count(*) from evidence").fetchone()[0] == 0
    assert not [p for p in (data_dir / "evidence").rglob("*") if p.is_file()]
