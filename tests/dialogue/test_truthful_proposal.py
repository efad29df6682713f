"""The one-tap proposal from a pasted message through `bot.py console --json`: what [对] writes is what the
proposal said, a number the message asks you to call is never written as the number that contacted you,
the brand a fake-courier text poses as is never written as the company, and a number in another supported
country's national form is proposed whole in that country, or not at all (never cut to a short code)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo


from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers, texts

FAKE_SF = "【顺丰速运】您的快递因地址不详无法派送，请致电 0755 1234 5678 办理理赔"
WITH_SENDER_ID = "10690000123456：【顺丰速运】您的快件地址不详无法派送，请致电0755-12345678联系理赔专员办理退款"
ROYAL_MAIL = "Royal Mail: your parcel could not be delivered. Call 0161 496 0000 now to rearrange delivery and avoid a fee."


def test_a_fake_courier_sms_writes_neither_its_callback_number_nor_the_brand_it_poses_as(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send(FAKE_SF))["text"]
    lines = proposal.split("\n")
    assert "短信来自 未显示的号码，冒用【顺丰速运】的名义" in proposal
    assert "让你拨打或联系的号码：0755 1234 5678（只留在原文里，不当作对方的来电或发信号码）" in lines
    assert "对方冒充：电商 / 快递 / 客服" in lines
    assert not any(line.startswith("公司：") for line in lines)
    bot.tap("_accept")
    bot.close()
    got = stored_answers(data_dir)
    assert "caller_numbers" not in got and "company" not in got
    assert got["issue_type"] == "fraud" and got["impersonation"] == "platform"
    assert got["content"] == FAKE_SF, "the callback number stays in the message's own words"


def test_a_sender_id_before_the_message_is_the_sender_and_the_callback_number_is_not(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send(WITH_SENDER_ID))["text"]
    assert "短信来自 10690000123456，冒用【顺丰速运】的名义" in proposal
    assert "让你拨打或联系的号码：0755 1234 5678" in proposal
    bot.tap("_accept")
    bot.close()
    got = stored_answers(data_dir)
    assert [n["number"] for n in got["caller_numbers"]] == ["10690000123456"]
    assert got["content"] == WITH_SENDER_ID


def test_an_english_scam_text_with_a_call_this_number_line(english: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(english.send(ROYAL_MAIL))["text"]
    lines = proposal.split("\n")
    assert "Number(s) it asks you to call or text: 0161 496 0000 (kept in the text only, not as the number that contacted you)" in lines
    assert "robot" not in proposal.lower() and "Number(s): " not in proposal
    english.tap("_accept")
    english.close()
    got = stored_answers(data_dir)
    assert "caller_numbers" not in got and "voice_kind" not in got and "last_contact_at" not in got
    assert got["content"] == ROYAL_MAIL and got["issue_type"] == "fraud"


def test_a_uk_number_typed_in_english_before_a_country_is_never_cut_to_a_short_code(english: ConsoleBot, data_dir: Path) -> None:
    # 07700 900123 is a possible UK mobile and a valid Guangxi landline: which one is asked, not guessed.
    said = texts(english.send("I keep getting calls from 07700 900123, a robot voice"))
    assert "900123" not in said.replace("07700 900123", "")
    english.close()
    assert "900123" not in str(stored_answers(data_dir).get("caller_numbers"))


def test_a_uk_number_valid_only_in_the_uk_is_proposed_whole_with_the_uk(english: ConsoleBot, data_dir: Path) -> None:
    before = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    proposal = last_question(english.send("I got a call from 0161 496 0000 today, a robot voice"))["text"]
    after = datetime.now(ZoneInfo("Europe/London")).date().isoformat()
    lines = proposal.split("\n")
    assert "Number(s): 0161 496 0000" in lines and any("United Kingdom" in line for line in lines)
    english.tap("_accept")
    english.close()
    got = stored_answers(data_dir)
    assert [n["number"] for n in got["caller_numbers"]] == ["+441614960000"] and got["jurisdiction"] == "UK"
    # A day without a clock is stored as the day, not its midnight; "today" on the UK clock, not the US one.
    assert got["last_contact_at"] in (before, after)


def test_the_kind_of_case_a_story_is_proposed_as_is_said_before_it_is_written(bot: ConsoleBot, data_dir: Path) -> None:
    lines = last_question(bot.send("刚才又接到 400-820-1234 的机器人推销电话，这周第三次了"))["text"].split("\n")
    assert lines[-2:] == ["问题类型：骚扰电话 / 电销机器人", "对吗？"]
    bot.tap("_accept")
    bot.close()
    assert stored_answers(data_dir)["issue_type"] == "robocall"


def _walk_to_draft(bot: ConsoleBot, answers: dict[str, str]) -> str:
    """Answer each question after the proposal: a typed answer when a word of the question is in `answers`,
    else the first plain option (none, or Done, where several may be ticked), /skip for an optional text."""
    out = bot.tap("_accept")
    for _ in range(30):
        q = last_question(out)
        values = [b["value"] for b in q["buttons"]]
        if "_ok" in values:
            return texts(bot.tap("_ok"))
        typed = next((reply for word, reply in answers.items() if word in q["text"]), None)
        if typed is not None:
            out = bot.send(typed)
        elif "_skip" in values:
            out = bot.tap("_skip")
        elif "_done" in values:
            bot.tap("other" if "other" in values and "transfer" in values else "nothing")
            out = bot.tap("_done")
        else:
            out = bot.tap("no" if "no" in values else values[0])
    raise AssertionError("the conversation did not reach the draft")


def test_the_police_report_of_a_fake_courier_sms_names_its_sender_not_the_brand_or_the_callback(bot: ConsoleBot) -> None:
    bot.send(WITH_SENDER_ID)
    draft = _walk_to_draft(bot, {"你在哪里": "CN", "最近一次是什么时候": "昨天下午3点"})
    bot.close()
    assert "对方通过短信与我联系，所用号码：10690000123456，自称是电商、快递或客服。" in draft
    assert "“最近一次短信是" in draft and "最近一次来电" not in draft
    # 顺丰 and the callback number appear only inside the message quoted word for word.
    assert draft.replace(f"“{WITH_SENDER_ID}”", "").count("顺丰") == 0
    assert "0755" not in draft.replace(f"“{WITH_SENDER_ID}”", "")
