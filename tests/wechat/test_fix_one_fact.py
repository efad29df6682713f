"""One fact read wrong, fixed over WeChat pushes: the facts read come back as a msgmenu after [改一下],
their item ids bound to the list like every other button, so a forged or old id is refused."""
from __future__ import annotations

from tests.wechat.helpers import Endpoint, Phone

STORY = "昨天下午3点 138 0013 8000 又打来推销贷款，是机器人"


async def test_a_wrong_number_is_fixed_from_the_menu_of_facts_read(wechat: Endpoint, phone: Phone) -> None:
    await phone.say(STORY, "从你发来的文字读到")
    await phone.tap("✏️ 改一下", "哪一项读错了")
    menu = phone.last_menu()
    assert [i["content"] for i in menu][-2:] == ["🔄 全部重新回答", "✅ 其余都对"]
    seq = menu[0]["id"].split("|")[0]
    # An id this list never showed (a question not read, with the list's own seq) is refused.
    await phone.text("✏️ 被叫号码", f"{seq}|_fix:called_number")
    await phone.expect("请点选下面的一个选项")
    await phone.tap("✏️ 号码 138 0013 8000", "哪个号码")
    await phone.say("139 1234 5678", "已改：来电/短信号码：139 1234 5678")
    await phone.tap("✅ 其余都对", "多久一次")
    # The first list's ids belong to a question that is gone.
    await phone.text("✏️ 问题类型", f"{seq}|_fix:issue_type")
    await phone.expect("按钮不再有效")
    answers = dict(wechat.rows("select step_id, value from answers"))
    assert "+8613912345678" in answers["caller_numbers"] and "+8613800138000" not in answers["caller_numbers"]
    assert answers["voice_kind"] == '"robot"' and answers["issue_type"] == '"robocall"'
    assert "called_number" not in answers


# A fake courier's call told in one message, with its number, two days, the voice and an opt-out: eleven
# buttons (nine facts, "answer all again", "the rest is right"), more than one WeChat menu takes.
COURIER = ("昨天下午3点 138 0013 8000 打电话来，自称顺丰客服，说我的快递丢失了要理赔，让我下载会议App共享屏幕、"
           "提供银行卡号和验证码。从11月20日开始已经打了好几次，都是机器人语音，我回复过TD也没用")


async def test_more_facts_than_a_menu_takes_come_as_two_numbered_menus_and_a_typed_number_picks_one(
        wechat: Endpoint, phone: Phone) -> None:
    await phone.say(COURIER, "从你发来的文字读到")
    await phone.tap("✏️ 改一下", "哪一项读错了")
    await phone.expect("11. ✅ 其余都对")
    menus = [m for m in wechat.api.messages(phone.openid) if m.msgtype == "msgmenu"][-2:]
    first, second = (m.body["msgmenu"] for m in menus)
    assert "哪一项读错了" in first["head_content"] and "下一条消息里还有" in first["tail_content"]
    assert len(first["list"]) == 10 and [i["content"] for i in second["list"]] == ["11. ✅ 其余都对"]
    assert first["list"][-1]["content"] == "10. 🔄 全部重新回答"
    assert "回复它前面的序号" in second["tail_content"], "the way to pick by typing is said"
    items = first["list"] + second["list"]
    assert [i["content"].split(". ", 1)[0] for i in items] == [str(n) for n in range(1, 12)]
    number = next(i for i in items if "✏️ 号码 138 0013 8000" in i["content"])
    # The person types the number in front of the caller's number instead of tapping.
    await phone.say(number["content"].split(".", 1)[0], "号码")
    await phone.say("139 1234 5678", "已改：来电/短信号码：139 1234 5678")
    # The eight facts left and the two choices fit one menu again: no numbers in front.
    left = [i["content"] for i in phone.last_menu()]
    assert len(left) == 10 and left[-1] == "✅ 其余都对" and not any("号码" in item for item in left)
    await phone.tap("✅ 其余都对", "对方是怎么联系你的")
    answers = dict(wechat.rows("select step_id, value from answers"))
    assert "+8613912345678" in answers["caller_numbers"] and "+8613800138000" not in answers["caller_numbers"]
    assert answers["impersonation"] == '"platform"' and answers["since"] == '"2026-11-20"'
