"""A person who only taps pays no more than one who types (issue 13), through `bot.py console --json`:
a button that carries the follow-up ("有，之后还在打/发"), one tap for a one-option multiple choice (and
"pick several" for more), one tap past several optional questions in a row, and no second ask for a
number skipped once. Nothing is written that the person did not tap or type."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.dialogue.console_driver import ConsoleBot, last_question, texts


def values(q: dict[str, Any]) -> list[str]:
    return [b["value"] for b in q["buttons"]]


def label(q: dict[str, Any], value: str) -> str:
    return next(b["label"] for b in q["buttons"] if b["value"] == value)


def test_chinese_tapper_opt_out_button_carries_the_follow_up_and_one_tap_answers_the_harm(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="zh")
    inputs = 0

    def send(line: str | dict[str, Any]) -> list[dict[str, Any]]:
        nonlocal inputs
        inputs += 1
        return bot.send(line)

    q = last_question(send("/new"))
    q = last_question(send({"button": "CN"}))
    q = last_question(send({"button": "robocall"}))
    q = last_question(send("138 0013 8000"))
    q = last_question(send("2026-11-20 14:30"))
    q = last_question(send({"button": "daily"}))
    q = last_question(send({"button": "never"}))
    assert "要求对方不要再打" in q["text"]
    # The combined answer comes first, then the plain options.
    assert values(q)[:3] == ["_combo0", "yes", "no"] and label(q, "_combo0") == "有，之后还在打/发"
    out = send({"button": "_combo0"})
    q = last_question(out)
    assert "录音" in q["text"], "did they go on after the opt-out is not asked: the button said so"
    q = last_question(send({"button": "robot"}))
    assert "哪家公司" in q["text"]
    q = last_question(send({"button": "_skip"}))
    assert q["expects"] == "choices" and "点一项即可" in q["text"]
    assert "_done" not in values(q) and label(q, "_multi") == "☑️ 选多项"
    q = last_question(send({"button": "stress"}))
    assert q["expects"] == "evidence", "one tap answered the multiple choice"
    q = last_question(send({"button": "_done"}))
    q = last_question(send({"button": "cn_12321"}))
    # Call length and contact details: two optional questions in a row, one tap passes both.
    assert "通话时长" in q["text"] and "后面还有 1 个可选问题：你的联系方式" in q["text"]
    assert label(q, "_skip_rest") == "⏭ 这 2 个都跳过"
    q = last_question(send({"button": "_skip_rest"}))
    summary = q["text"]
    assert "_ok" in values(q)
    assert "要求停止后是否仍联系：有" in summary and "造成的影响：焦虑、烦躁" in summary
    final = texts(send({"button": "_ok"}))
    assert inputs == 15
    letter = final[final.index("【"):]
    assert "此后对方仍继续联系我" in letter
    assert "通话时长" not in letter, "a skipped call length is not written"
    assert bot.close() == 0


def test_english_tapper_picks_several_with_pick_several_and_is_not_asked_a_skipped_number_twice(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="en")
    bot.send("/new")
    bot.tap("US")
    q = last_question(bot.tap("robocall"))
    assert "Which of your numbers" in q["text"] and "complaints ask for it" in q["text"]
    q = last_question(bot.tap("_skip"))
    q = last_question(bot.send("(202) 555-0143, yesterday 3pm"))
    q = last_question(bot.tap("once"))
    q = last_question(bot.tap("never"))
    assert label(q, "_combo0") == "Yes, and they kept on"
    # Tapping the plain "Yes" still asks the follow-up: nothing is assumed.
    q = last_question(bot.tap("yes"))
    assert "After you asked them to stop" in q["text"]
    q = last_question(bot.tap("unsure"))
    q = last_question(bot.tap("robot"))
    assert "Do Not Call Registry" in q["text"]
    q = last_question(bot.tap("yes"))
    # The registry date and the company are both optional and asked in a row.
    assert "Roughly when did you register" in q["text"]
    assert "1 more optional question(s) follow: Company and what was said" in q["text"]
    assert label(q, "_skip_rest") == "⏭ Skip these 2"
    # Typed words for the button work too.
    q = last_question(bot.send("skip all"))
    assert q["expects"] == "choices" and "Pick several" in label(q, "_multi")
    q = last_question(bot.tap("_multi"))
    assert "_done" in values(q) and "tap to toggle" in q["text"]
    bot.tap("time")
    bot.tap("sleep")
    q = last_question(bot.tap("_done"))
    assert q["expects"] == "evidence"
    q = last_question(bot.tap("_done"))
    q = last_question(bot.tap("us_ftc_dnc"))
    # The FTC's form uses the called number, but it was skipped once already: not asked again.
    assert "_ok" in values(q), q["text"]
    summary = q["text"]
    assert "The harm done: Wasted time, Disturbed rest or sleep" in summary
    assert "Contact after you asked them to stop: Not sure" in summary
    final = texts(bot.tap("_ok"))
    assert "They contacted me again after that" not in final, "'not sure' is not written as 'they went on'"
    assert bot.close() == 0


def test_typed_pick_several_and_skip_words_in_chinese_and_the_data_leak_asks_nothing_twice(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="zh")
    bot.send("/new")
    bot.tap("CN")
    bot.tap("data_leak")
    q = last_question(bot.send("138 0013 8000，昨天下午3点"))
    assert "对方知道你的哪些信息" in q["text"] and "_multi" in values(q)
    q = last_question(bot.send("选多项"))
    assert "_done" in values(q)
    bot.tap("name")
    q = last_question(bot.tap("address"))
    assert "✓ 姓名" in label(q, "name") and "✓ 住址" in label(q, "address")
    q = last_question(bot.tap("_done"))
    assert "留过这些信息" in q["text"] and "后面还有 1 个可选问题：可能泄露信息的公司" in q["text"]
    q = last_question(bot.send("都跳过"))
    assert "多久一次" in q["text"], "both optional leak questions passed in one input"
    q = last_question(bot.tap("once"))
    q = last_question(bot.tap("never"))
    q = last_question(bot.tap("no"))
    q = last_question(bot.tap("live"))
    # One optional question alone (the company): no "skip these" button.
    assert "哪家公司" in q["text"] and "_skip_rest" not in values(q) and "_skip" in values(q)
    q = last_question(bot.send("/skip"))
    q = last_question(bot.tap("privacy"))
    q = last_question(bot.tap("_done"))
    q = last_question(bot.tap("cn_12321"))
    for _ in range(3):
        if "_ok" in values(q):
            break
        q = last_question(bot.tap("_skip_rest" if "_skip_rest" in values(q) else "_skip"))
    summary = q["text"]
    assert "对方知道的信息：姓名、住址" in summary
    assert "要求停止后是否仍联系" not in summary, "they never asked to stop: the follow-up is neither asked nor written"
    bot.tap("_ok")
    assert bot.close() == 0
