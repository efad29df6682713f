"""A pasted fraud message with one fact read wrong, fixed through `bot.py console --json`: [改一下] lists
the facts, the wrong one is answered alone with its usual buttons, the rest is written on one tap, and the
fact marked wrong keeps only the person's answer."""
from __future__ import annotations

from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers

COURIER = "【顺丰速运】您的快递丢失，我司将为您办理理赔退款，请添加客服QQ并下载会议App，按提示操作领取 http://t.cn/aB3x"



def test_who_they_posed_as_read_wrong_is_fixed_alone_and_the_rest_is_kept(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send(COURIER)
    listing = last_question(bot.send("改一下"))
    values = [b["value"] for b in listing["buttons"]]
    assert "_fix:impersonation" in values and values[-2:] == ["_fix_all", "_fix_rest"]
    assert "✏️ 对方冒充 电商 / 快递 / 客服" in [b["label"] for b in listing["buttons"]]
    asked = last_question(bot.tap("_fix:impersonation"))
    assert "自称是谁" in asked["text"] and "bank" in [b["value"] for b in asked["buttons"]]
    back = last_question(bot.tap("bank"))
    assert "已改：对方冒充" in back["text"] and "_fix:impersonation" not in [b["value"] for b in back["buttons"]]
    # The rest by its number, as typed on a console.
    assert "你在哪里" in last_question(bot.send(str(len(back["buttons"]))))["text"]
    bot.close()
    got = stored_answers(data_dir)
    assert got["impersonation"] == "bank"
    assert got["fraud_contact"] == "sms" and got["fraud_asked"] == ["app"] and got["content"] == COURIER
