"""What a pasted Chinese fraud message asks for, through `bot.py console --json` and the shipped flows.yaml:
a money plea from a "child" with a new number proposes "转账或付款", a fake courier asking to reply with an ID
number and address proposes the personal-details option; [对] writes them and "要求你做什么" is not asked."""
from __future__ import annotations

from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers

MONEY_PLEA = "妈，我手机掉水里了，这是我新号，你先给我汇款5000，我同学的卡号6222020200112233445，别告诉爸。"
COURIER = "【中通快递】您的快递因地址不详无法派送，请回复您的姓名、身份证号和详细地址，以便重新派送。"


def test_a_childs_money_plea_proposes_a_relative_asking_for_money_and_writes_it_on_right(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send(MONEY_PLEA))
    lines = proposal["text"].split("\n")
    assert "对方冒充：亲友 / 熟人" in lines and "对方要求：转账或付款" in lines
    assert "fraud_asked" not in stored_answers(data_dir), "nothing is written before the person confirms"
    bot.tap("_accept")
    assert "要求你做什么" not in last_question(bot.tap("CN"))["text"]
    bot.close()
    got = stored_answers(data_dir)
    assert got["impersonation"] == "relative" and got["fraud_asked"] == ["transfer"]


def test_a_courier_asking_for_an_id_number_and_address_proposes_personal_details(bot: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(bot.send(COURIER))
    lines = proposal["text"].split("\n")
    assert "对方冒充：电商 / 快递 / 客服" in lines and "对方要求：提供银行卡、身份证、地址等个人信息" in lines
    bot.tap("_accept")
    bot.tap("CN")
    bot.close()
    got = stored_answers(data_dir)
    assert got["impersonation"] == "platform" and got["fraud_asked"] == ["details"]
