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
