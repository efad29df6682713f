"""A whole complaint over WeChat pushes: menu taps, typed numbers, a voice answer, two screenshots."""
from __future__ import annotations

import hashlib

from tests.telegram.helpers import tiny_png
from tests.wechat.helpers import Endpoint, Phone

AMR = b"#!AMR\n" + bytes(range(64))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def answer_until_evidence(phone: Phone) -> None:
    await phone.event("subscribe")
    await phone.expect("反骚扰投诉助手")
    await phone.tap("📝 开始投诉", "你在哪里")
    await phone.tap("中国大陆", "发生了什么")
    await phone.say("1", "对方用的是哪个号码")  # the first option, typed by its number
    await phone.say("138 0013 8000, 95555", "最近一次是什么时候")
    await phone.say("2026-11-20 14:30", "多久一次")
    # A voice message at a choice: its recognised words pick the option.
    await phone.media("voice", AMR, "audio/amr", Format="amr", Recognition="一天好几次。")
    await phone.expect("你是对方的客户")
    await phone.say("从来没有", "明确要求对方")  # an option typed in words
    await phone.tap("没有", "录音/机器人")
    await phone.tap("录音或机器人", "哪家公司、说了什么")
    # A voice message whose recognised text answers the text question.
    await phone.media("voice", AMR, "audio/amr", Format="amr", Recognition="您好，这里是XX贷款，您有一笔额度待领取")
    await phone.expect("造成了什么影响")


async def test_a_whole_complaint_with_two_screenshots_a_voice_answer_and_menu_taps(wechat: Endpoint, phone: Phone) -> None:
    await answer_until_evidence(phone)
    # Two effects: "pick several" turns the one-tap menu into ticks with Done.
    await phone.tap("☑️ 选多项", "可多选")
    await phone.tap("浪费时间", "浪费时间")
    await phone.tap("✓ 浪费时间")
    await phone.expect("浪费时间")
    await phone.tap("影响休息", "影响休息")
    await phone.tap("✅ 完成", "现在请发送证据")

    shots = [tiny_png(1), tiny_png(2)]
    first = await phone.media("image", shots[0], "image/png")
    assert first.body == "success" and first.seconds < 1.0, "nothing slow before the HTTP answer"
    await phone.expect("共 1 份")
    await phone.media("image", shots[1], "image/png")
    await phone.expect("共 2 份")
    await phone.media("voice", AMR, "audio/amr", Format="amr")
    await phone.expect("共 3 份")
    await phone.media("image", shots[0], "image/png")
    await phone.expect("不会重复保存")

    await phone.tap("✅ 完成", "建议按下面的顺序投诉")
    # 12321 needs the call length and the person's phone, which were not given before: asked for it alone.
    await phone.tap(phone.last_menu()[0]["content"], "通话时长")
    await phone.say("2", "你的联系方式")
    await phone.tap("跳过 »")
    await phone.expect("请核对一下")
    # The summary offers its choices as a menu; one tap confirms the answers are true.
    confirm = next(i for i in phone.last_menu() if i["content"].startswith("✅"))
    await phone.text(confirm["content"], confirm["id"])
    await phone.expect("投诉已保存")

    (status, draft, jurisdiction, issue), = wechat.rows("select status, draft, jurisdiction, issue_type from cases")
    assert (status, jurisdiction, issue) == ("ready", "CN", "robocall") and draft
    assert "您有一笔额度待领取" in draft
    assert wechat.rows("select value from answers where step_id = 'frequency'") == [('"several_per_day"',)]
    rows = wechat.rows("select sha256, kind, stored_path from evidence order by id")
    assert [(r[0], r[1]) for r in rows] == [(sha(shots[0]), "image"), (sha(shots[1]), "image"), (sha(AMR), "audio")]
    for digest, _, stored in rows:
        assert sha((wechat.data_dir / "evidence" / stored).read_bytes()) == digest
    assert not list((wechat.data_dir / "evidence" / "tmp").glob("*")), "no temp download is left behind"
    assert all(len(s.text.encode()) <= 2048 for s in wechat.api.sent if s.msgtype == "text")
