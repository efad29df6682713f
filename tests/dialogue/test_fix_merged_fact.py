"""Facts read from a pasted message, fixed through `bot.py console --json` with the shipped flows.yaml:
a fact that a merged question fills (since-when of "how often", the company of an SMS, the time typed
with the number) is answered alone while the question's other facts stay as read, and a time read only
to the day is shown and written as that day, never as the day at 00:00."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers, texts

# Two days without an hour: the latest is the 28th, the first ("since") the 20th.
DAYS_ZH = "138 0013 8000 11月20日打来推销贷款，11月28日又打来，是机器人"
DAYS_EN = "+86 138 0013 8000 called me on 2026-11-20 and again on 2026-11-28, a robot selling loans"
SMS = "【好借贷款】尊敬的客户，您有一笔20万额度待领取，点击 http://t.cn/x1 领取，回复TD退订"


def values(question: dict[str, Any]) -> list[str]:
    return [b["value"] for b in question["buttons"]]


def labels(question: dict[str, Any]) -> list[str]:
    return [b["label"] for b in question["buttons"]]


def test_since_read_wrong_is_asked_alone_and_how_often_is_asked_as_usual_later(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(DAYS_ZH)
    listing = last_question(bot.send("改一下"))
    assert "_fix:since" in values(listing)
    asked = last_question(bot.tap("_fix:since"))
    assert "从何时开始" in asked["text"] and "多久一次" not in asked["text"], "only the fact, not the merged question"
    assert values(asked) == ["_back"], "no frequency options to answer"
    # An option of the merged question is not on screen: refused, the fact is asked again.
    refused = bot.tap("daily")
    assert "请点选" in texts(refused) and "从何时开始" in last_question(refused)["text"]
    back = last_question(bot.send("11月18日"))
    assert "已改：从何时开始：2026年11月18日（周三），时间不详" in back["text"]
    assert "_fix:since" not in values(back) and "_fix:last_contact_at" in values(back)
    nxt = last_question(bot.send("其余都对"))
    assert "多久一次" in nxt["text"], "how often was never read, so it is asked when the flow reaches it"
    bot.tap("daily")
    bot.close()
    got = stored_answers(data_dir)
    assert got["since"] == "2026-11-18" and got["frequency"] == "daily"
    assert got["last_contact_at"] == "2026-11-28", "the other facts stay as read"
    assert got["caller_numbers"][0]["number"] == "+8613800138000" and got["voice_kind"] == "robot"


def test_the_company_of_an_sms_is_fixed_alone_and_the_sms_text_stays_as_read(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(SMS)
    bot.send("改一下")
    asked = last_question(bot.tap("_fix:company"))
    assert "请写上公司/产品" in asked["text"] and "只答公司/产品就行，内容照读到的保留" in asked["text"]
    assert "对方是哪家公司" not in asked["text"], "the merged question (company and what they said) is not asked"
    back = last_question(bot.send("好借金融"))
    assert "已改：公司/产品：好借金融" in back["text"] and "_fix:content" in values(back)
    bot.send("其余都对")
    bot.close()
    got = stored_answers(data_dir)
    assert got["company"] == "好借金融" and got["content"] == SMS


def test_back_at_a_fact_asked_alone_keeps_nothing_of_it(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(DAYS_ZH)
    bot.send("改一下")
    bot.tap("_fix:since")
    out = last_question(bot.send("/skip"))
    assert "不保存、稍后再问：从何时开始" in out["text"] and "_fix_rest" in values(out)
    bot.tap("_fix_rest")
    bot.close()
    got = stored_answers(data_dir)
    assert "since" not in got and "frequency" not in got and got["last_contact_at"] == "2026-11-28"


def test_the_number_fixed_alone_keeps_the_time_read_with_it(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send("138 0013 8000 11月20日 14:30打来推销贷款，11月28日 09:10又打来，是机器人")
    bot.send("改一下")
    asked = last_question(bot.tap("_fix:caller_numbers"))
    assert "只答来电/短信号码就行，时间照读到的保留" in asked["text"]
    bot.send("139 1234 5678")
    bot.send("其余都对")
    bot.close()
    got = stored_answers(data_dir)
    assert got["caller_numbers"][0]["number"] == "+8613912345678"
    assert got["last_contact_at"] == "2026-11-28T09:10:00+08:00" and got["since"] == "2026-11-20T14:30:00+08:00"


def test_a_bare_date_with_two_times_listed_asks_which_and_the_fact_tapped_takes_it(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(DAYS_ZH)
    bot.send("改一下")
    which = last_question(bot.send("11月18日"))
    assert "要改哪一项" in which["text"], "the latest time or since when: not guessed"
    back = last_question(bot.tap("_fix:since"))
    assert "已改：从何时开始：2026年11月18日（周三）" in back["text"]
    bot.send("其余都对")
    bot.close()
    got = stored_answers(data_dir)
    assert got["since"] == "2026-11-18" and got["last_contact_at"] == "2026-11-28"


def test_a_typed_correction_naming_since_at_the_proposal_fixes_it_alone(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(DAYS_ZH)
    back = last_question(bot.send("开始是11月17日"))
    assert "已改：从何时开始：2026年11月17日（周二）" in back["text"] and "_fix_rest" in values(back)
    bot.send("其余都对")
    bot.close()
    got = stored_answers(data_dir)
    assert got["since"] == "2026-11-17" and "frequency" not in got and got["last_contact_at"] == "2026-11-28"


def test_in_english_a_fact_asked_alone(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="en")
    bot.send(DAYS_EN)
    bot.send("change")
    asked = last_question(bot.tap("_fix:since"))
    assert "Since: please write the date" in asked["text"] and "How often" not in asked["text"]
    back = last_question(bot.send("2026-11-15"))
    assert "Changed: Since: Sunday 15 November 2026, time not given" in back["text"]
    bot.send("rest is right")
    bot.close()
    got = stored_answers(tmp_path / "data")
    assert got["since"] == "2026-11-15" and got["last_contact_at"] == "2026-11-28"


def test_days_read_without_an_hour_show_and_are_kept_as_days_in_chinese(bot: ConsoleBot, data_dir: Path) -> None:
    said = texts(bot.send(DAYS_ZH))
    listing = last_question(bot.send("改一下"))
    assert "✏️ 时间 2026年11月28日（周六）" in labels(listing) and "✏️ 开始 2026年11月20日（周五）" in labels(listing)
    said += texts(bot.send("其余都对"))
    said += texts(bot.send("/case 1"))
    assert "最近一次时间: 2026年11月28日（周六），时间不详" in said
    assert "00:00" not in said + "".join(labels(listing))
    got = stored_answers(data_dir)
    assert got["last_contact_at"] == "2026-11-28" and got["since"] == "2026-11-20"
    final = answer_to_the_draft(bot, [
        ("多久一次", "daily"), ("客户", "never"), ("不要再打", "no"), ("哪家公司", "某某贷款公司：推销贷款"),
        ("影响", "time"), ("投诉", "cn_12321"), ("通话", "2"), ("联系方式", "/skip"),
    ])
    letter = final[final.index("【"):]
    assert "2026年11月28日（周六），时间不详" in letter and "自2026年11月20日起" in letter
    assert not re.search(r"11月(20|28)日[^\n]{0,6}00:00", final), "no hour that was never read"


def test_days_read_without_an_hour_show_as_days_in_english(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="en")
    said = texts(bot.send(DAYS_EN))
    listing = last_question(bot.send("change"))
    assert "✏️ Time Saturday 28 November 2026" in labels(listing)
    assert "✏️ Since Friday 20 November 2026" in labels(listing)
    said += texts(bot.send("rest is right")) + texts(bot.send("/case 1"))
    assert "Latest call or text: Saturday 28 November 2026, time not given" in said
    assert "00:00" not in said + "".join(labels(listing))
    assert stored_answers(tmp_path / "data")["last_contact_at"] == "2026-11-28"


def test_a_day_read_without_an_hour_is_a_day_in_an_english_letter(tmp_path: Path) -> None:
    bot = ConsoleBot(tmp_path / "data", lang="en")
    bot.send("+44 20 7946 0018 called me on 2026-11-20 and again on 2026-11-28, a robot selling loans")
    bot.send("right")
    final = answer_to_the_draft(bot, [
        ("What happened", "robocall"), ("How often", "daily"), ("customer", "never"), ("tell them to stop", "no"),
        ("TPS", "no"), ("Which company", "Acme Loans Ltd: a loan offer"), ("affected", "time"), ("channels", "uk_ico"), ("number that was called", "_skip_rest"),
    ])
    assert "Saturday 28 November 2026, time not given" in final and "since 20 November 2026" in final
    assert not re.search(r"(20|28) November 2026[^\n]{0,3}00:00", final), "no hour that was never read"


def answer_to_the_draft(bot: ConsoleBot, script: list[tuple[str, str]]) -> str:
    """Answer the open questions in order (each names a word of its question) and confirm the summary;
    everything said from then on."""
    q = last_question(bot.send("/start"))
    pending = list(script)
    for _ in range(30):
        if "_ok" in values(q):
            return texts(bot.tap("_ok"))
        word, reply = pending.pop(0)
        assert word in q["text"], (word, q["text"][:200])
        q = last_question(bot.tap(reply) if reply in values(q) else bot.send(reply))
    raise AssertionError("the summary never came")
