"""A pasted fraud message through `bot.py console --json` (issue 13): besides its text and signature, how they
made contact, who they posed as and what they asked for are proposed for one tap; [对] writes them and they
are not asked again, [改一下] writes nothing and asks, and nothing is proposed that the message does not say."""
from __future__ import annotations

import json
from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers

COURIER = "【顺丰速运】您的快递丢失，我司将为您办理理赔退款，请添加客服QQ并下载会议App，按提示操作领取 http://t.cn/aB3x"



def test_the_fraud_facts_of_a_pasted_message_are_proposed_and_written_on_right(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send(COURIER))
    lines = proposal["text"].split("\n")
    assert "对方联系方式：发短信" in lines
    assert "对方冒充：电商 / 快递 / 客服" in lines
    assert "对方要求：下载 App 或共享屏幕" in lines
    assert lines[-1] == "对吗？" and [b["value"] for b in proposal["buttons"]] == ["_accept", "_reject"]
    assert "fraud_asked" not in stored_answers(data_dir), "nothing is written before the person confirms"
    assert "你在哪里" in last_question(bot.tap("_accept"))["text"]
    # Country given: the next question is the first one the message could not answer.
    assert "有没有转账" in last_question(bot.tap("CN"))["text"]
    bot.close()
    got = stored_answers(data_dir)
    assert got["fraud_contact"] == "sms" and got["impersonation"] == "platform" and got["fraud_asked"] == ["app"]
    assert got["issue_type"] == "fraud" and got["content"] == COURIER


def test_change_it_then_answer_all_again_writes_nothing_read_and_asks(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(COURIER)
    assert "哪一项读错了" in last_question(bot.send("改一下"))["text"]
    assert "你在哪里" in last_question(bot.send("全部重新回答"))["text"]
    assert "发生了什么" in last_question(bot.tap("CN"))["text"]
    assert "怎么联系你" in last_question(bot.tap("fraud"))["text"]
    assert "自称是谁" in last_question(bot.send("打电话"))["text"]
    assert "要求你做什么" in last_question(bot.send("银行"))["text"]
    bot.close()
    got = stored_answers(data_dir)
    assert got["fraud_contact"] == "call" and got["impersonation"] == "bank"
    assert "fraud_asked" not in got and "content" not in got


def test_a_fraud_message_without_a_request_proposes_no_request(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send("【中通快递】您好，我是快递客服，您的快递丢失了"))
    assert "对方冒充：电商 / 快递 / 客服" in proposal["text"]
    assert "对方要求" not in proposal["text"]
    bot.tap("_accept")
    # What they asked for is the person's to say.
    assert "要求你做什么" in last_question(bot.tap("CN"))["text"]
    bot.close()
    assert "fraud_asked" not in stored_answers(data_dir)


def test_a_marketing_message_proposes_none_of_the_fraud_facts(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send("【某某商城】双十一全场5折，新品上市，进店有礼，回T退订"))
    assert "看起来是营销" in proposal["text"]
    for label in ("对方联系方式", "对方冒充", "对方要求"):
        assert label not in proposal["text"]
    bot.tap("_accept")
    bot.close()
    got = stored_answers(data_dir)
    assert got["issue_type"] != "fraud"
    assert not {"fraud_contact", "impersonation", "fraud_asked"} & set(got)


def test_a_screenshot_of_a_fraud_sms_proposes_the_sender_and_the_fraud_facts(
    bot: ConsoleBot, data_dir: Path, tmp_path: Path
) -> None:
    from bench.screenshots import render_sms

    screen = render_sms("notification", 7)  # 【最高人民法院】您有一张传票未领取，涉嫌违法…
    shot = tmp_path / "短信.png"
    shot.write_bytes(screen.encoded())
    proposal = last_question(bot.file(shot))
    lines = proposal["text"].split("\n")
    assert "从截图读到：" in lines and "对方联系方式：发短信" in lines and "对方冒充：公安 / 检察院 / 法院" in lines
    # The court's message asks the person to call a number: not one of the requests the flow lists.
    assert "对方要求" not in proposal["text"]
    question = last_question(bot.tap("_accept"))
    assert "要求你做什么" in question["text"], "country, sender, time and the fraud facts read: the request is asked"
    bot.close()
    got = stored_answers(data_dir)
    assert got["jurisdiction"] == "CN" and got["fraud_contact"] == "sms" and got["impersonation"] == "police"
    assert any(row.number.lstrip("+") in json.dumps(got["caller_numbers"]) for row in screen.rows)
