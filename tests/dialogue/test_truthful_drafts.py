"""Truthful drafts through `bot.py console --json` (issue 10): a day stays a day, the parsed time is said back at
its step, the letter goes out in the channel's language with a gist in the person's, free text is quoted
without emoji, and a fraud victim gets a police report without a single telemarketing question."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.dialogue.console_driver import ConsoleBot, last_question, texts

EMOJI = "😡🙄"


def complete(bot: ConsoleBot, script: list[tuple[str, Any]]) -> tuple[list[str], str]:
    """Answer the questions in order: each script entry names a word of the question it answers and the
    answer (a button value, text, or /skip); returns every question asked and the final output."""
    asked: list[str] = []
    pending = list(script)
    q = last_question(bot.send("/new"))
    for _ in range(60):
        asked.append(q["text"])
        values = [b["value"] for b in q["buttons"]]
        if q["expects"] == "confirm":
            return asked, texts(bot.tap("yes"))
        if "_ok" in values:
            # The summary's one tap confirms the answers are true and writes the draft.
            return asked, texts(bot.tap("_ok"))
        assert pending, f"no answer left for: {q['text'][:120]}"
        word, reply = pending.pop(0)
        assert word in q["text"], (word, q["text"][:200])
        if isinstance(reply, list):
            if "_multi" in values:
                # A one-tap multiple choice: "pick several" first, then ticks and Done.
                bot.tap("_multi")
            for value in reply:
                bot.tap(value)
            out = bot.tap("_done")
        elif reply in values:
            out = bot.tap(reply)
        else:
            out = bot.send(reply)
        asked.append(texts(out))
        q = last_question(out)
    raise AssertionError("the conversation did not end")


def test_english_chat_in_china_a_day_stays_a_day_and_the_letter_to_12321_is_chinese(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="en")
    asked, final = complete(bot, [
        ("where are you", "CN"),
        ("What happened", "robocall"),
        ("Which number called", "138 0013 8000"),
        ("When was the latest", "2026-11-20"),
        ("How often", "daily"),
        ("customer", "unsure"),
        ("tell them to stop", "no"),
        ("recording", "robot"),
        ("Which company", f"Acme Loans Ltd: A recorded voice offered me a loan {EMOJI}"),
        ("affected you", ["time"]),
        ("evidence", "_done"),
        ("channels", "cn_12321"),
        ("call length", "2"),
        ("contact details", "/skip"),
    ])
    assert bot.close() == 0
    assert "Noted: Friday 20 November 2026, time not given" in "\n".join(asked)
    assert "[What it says, in English for you (do not send this part)]" in final
    letter = final[final.index("【"):]
    assert "致：12321" in letter and "Dear Sir" not in letter
    assert "2026年11月20日（周五），时间不详" in letter and "00:00" not in letter
    assert "几乎每天" in letter and "通话时长：约 2 分钟" in letter
    assert "“Acme Loans Ltd: A recorded voice offered me a loan”" in letter and "“Acme Loans Ltd”" in letter
    assert not any(ch in final for ch in EMOJI)
    assert "现就骚扰电话问题进行投诉。" in letter, "the opening splices nothing the person typed"


def test_a_fraud_victim_is_asked_only_about_the_fraud_and_gets_a_police_report(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="zh")
    asked, final = complete(bot, [
        ("你在哪里", "CN"),
        ("发生了什么", "fraud"),
        ("怎么联系你", "call"),
        ("自称是谁", "police"),
        ("要求你做什么", ["transfer", "app"]),
        # Merged questions: the sum with "yes", the time with the way of paying, the app with "yes".
        ("损失钱财", "有，5000元"),
        ("什么方式", "银行转账，2026-11-20 15:10"),
        ("钱转到了哪里", "工商银行 6222 0000 1111 张某"),
        ("验证码", "有，ToDesk"),
        ("已经做了哪些", ["bank"]),
        ("哪个号码", "138 0013 8000"),
        ("最近一次", "11.20 14:30"),
        ("自己的话", f"对方说我涉嫌洗钱，要转到安全账户 {EMOJI}"),
        ("证据", "_done"),
        ("建议", "cn_police"),
        ("联系方式", "/skip"),
    ])
    assert bot.close() == 0
    questions = "\n".join(asked)
    for marketing in ("推销什么", "是对方的客户", "TD 退订", "多久一次", "录音/机器人"):
        assert marketing not in questions, marketing
    assert "记下了：2026年11月20日（周五）14:30" in questions, "11.20 is 20 November in China, said back at once"
    for fact in ("报案材料", "反电信网络诈骗法", "96110", "5,000 元", "“工商银行 6222 0000 1111 张某”", "“ToDesk”"):
        assert fact in final, fact
    for wrong in ("我从未成为对方的客户", "通话内容或推销的产品", "频率是一次", "00:00"):
        assert wrong not in final, wrong
    contact, payment = final.index("对方通过电话与我联系"), final.index("按对方要求付款")
    assert contact < payment
    assert not any(ch in final for ch in EMOJI)


def test_chinese_chat_in_the_us_reads_the_time_in_the_called_numbers_zone_and_writes_to_the_ftc_in_english(
    tmp_path: Path,
) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="zh")
    asked, final = complete(bot, [
        ("你在哪里", "US"),
        ("发生了什么", "robocall"),
        # The called number first: its area code says in which of the US zones the times are.
        ("你的哪个号码", "(415) 555-0199"),
        ("哪个号码", "(202) 555-0143"),
        ("最近一次", "7*7"),
        ("最近一次", "yesterday at 8.45pm"),
        ("多久一次", "daily"),
        ("客户", "unsure"),
        ("不要再打", "no"),
        ("录音", "robot"),
        ("拒接来电", "unsure"),
        ("公司", "/skip"),
        ("影响", ["time"]),
        ("证据", "_done"),
        ("建议", "us_ftc_dnc"),
    ])
    assert bot.close() == 0
    questions = "\n".join(asked)
    assert "没看懂这个时间" in questions and "7月7日" not in questions, "7*7 is refused, not read as 7 July"
    assert re.search(r"记下了：\d{4}年\d{1,2}月\d{1,2}日（周.）20:45", questions)
    assert "【给你看的中文大意（不要发送这一段）】" in final
    letter = final[final.index("— "):]
    assert re.search(r"Latest call: \w+ \d{1,2} \w+ 2026, 20:45 \(local time, UTC-08:00\)", letter), letter[:800]
    assert not re.search(r"[\u3400-\u9fff]", letter.split("---")[0])
    # Consent is unsure and the time is 20:45: neither the robocall-consent nor the calling-hours rule is named.
    assert "before 8" not in letter and "prior express" not in letter.lower()
