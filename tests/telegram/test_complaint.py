"""A whole complaint through a real PTB Application and the fake Bot API; restarts and redelivery."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT, CN, TINY_PDF, BotRunner, next_message, question, tiny_png

SMS = "【某某贷款】尊敬的客户，您有一笔 50000 元额度待领取，点击 t.cn/xxxx 领取，回复TD退订"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


async def tap(server: FakeBotApi, label: str, expect: str) -> None:
    server.press(CHAT, label)
    await next_message(server, expect)


async def send(server: FakeBotApi, text: str, expect: str) -> None:
    server.text(CHAT, text)
    await next_message(server, expect)


async def answer_until_evidence(server: FakeBotApi) -> None:
    server.command(CHAT, "start")
    await next_message(server, "反骚扰投诉助手")
    await tap(server, "📝 开始投诉", "你在哪里")
    await tap(server, "中国大陆", "发生了什么")
    await tap(server, "骚扰电话 / 电销机器人", "对方用的是哪个号码")
    # The numbers and the latest time in one message; the company and what they said in another.
    await send(server, "138 0013 8000, 95555，2026-11-20 14:30", "多久一次")
    await tap(server, "一天好几次", "你是对方的客户")
    await tap(server, "从没同意过，也不是客户", "明确要求对方")
    await tap(server, "没有", "录音/机器人")
    await tap(server, "录音或机器人", "哪家公司、说了什么")
    await send(server, "某某贷款公司：您好，这里是XX贷款，您有一笔额度待领取", "造成了什么影响")


async def test_a_full_complaint_by_buttons_with_album_pdf_and_forwarded_sms_is_stored(bot: BotRunner) -> None:
    server = bot.server
    await answer_until_evidence(server)

    harm = question(server)
    # Two effects: "pick several" redraws the one-tap buttons in place as ticks with Done.
    server.press(CHAT, "☑️ 选多项")
    await server.wait_for_edit(CHAT, harm.message_id, lambda e: "✅ 完成" in json.dumps(e.reply_markup, ensure_ascii=False))
    server.press(CHAT, "浪费时间")
    await server.wait_for_edit(CHAT, harm.message_id, lambda e: "✓ 浪费时间" in json.dumps(e.reply_markup, ensure_ascii=False))
    server.press(CHAT, "影响休息")
    await server.wait_for_edit(CHAT, harm.message_id, lambda e: "✓ 影响休息" in json.dumps(e.reply_markup, ensure_ascii=False))
    await tap(server, "✅ 完成", "现在请发送证据")

    photos = [tiny_png(1), tiny_png(2), tiny_png(3)]
    album = server.album(CHAT, photos, caption="通话记录截图")
    ack = await next_message(server, "已保存 3 份证据（共 3 份）")
    server.document(CHAT, TINY_PDF, "话费详单.pdf", "application/pdf")
    await next_message(server, "共 4 份")
    sms = server.forwarded_text(CHAT, SMS, origin_name="1069 0000 1234", origin_date=datetime(2026, 11, 20, 14, 31, tzinfo=CN))
    await next_message(server, "共 5 份")
    server.photo(CHAT, photos[0])
    await next_message(server, "不会重复保存")

    await tap(server, "✅ 完成", "建议按下面的顺序投诉")
    channel = question(server)
    server.press(CHAT, channel.buttons[0]["text"])
    # 12321 needs the call length and the person's phone, which were not given before: asked for it alone.
    await next_message(server, "通话时长")
    await tap(server, "跳过 »", "你的联系方式")
    await tap(server, "跳过 »", "请核对一下")
    # One tap checks the answers and confirms they are true.
    await tap(server, "✅ 属实，生成投诉", "投诉已保存")
    saved = await next_message(server, "随时发送 /case")

    assert (ack.text or "").count("已保存") == 1, "the album is acknowledged once, as one event"
    assert all(len(m.text or "") <= 4096 for m in server.sent(CHAT))
    assert all(m.parse_mode is None for m in server.sent(CHAT))
    (status, draft, jurisdiction, issue, chosen), = bot.rows("select status, draft, jurisdiction, issue_type, channel from cases")
    assert (status, jurisdiction, issue) == ("ready", "CN", "robocall")
    assert chosen and draft and "#1" in (saved.text or "")

    served = [server.file_bytes(u["message"]["photo"][-1]["file_id"]) for u in album]
    assert served == photos
    expected = {sha(p) for p in photos} | {sha(TINY_PDF), sha(SMS.encode("utf-8"))}
    rows = bot.rows("select sha256, kind, stored_path, caption, origin, filename from evidence order by id")
    assert {r[0] for r in rows} == expected and len(rows) == 5
    kinds = {r[0]: r[1] for r in rows}
    assert kinds[sha(TINY_PDF)] == "pdf" and kinds[sha(SMS.encode())] == "forward" and kinds[sha(photos[0])] == "image"
    for digest, _, stored, *_ in rows:
        assert sha((bot.data_dir / "evidence" / stored).read_bytes()) == digest
    by_hash = {r[0]: r for r in rows}
    assert by_hash[sha(photos[0])][3] == "通话记录截图"
    assert by_hash[sha(TINY_PDF)][5] == "话费详单.pdf"
    origin = json.loads(by_hash[sha(SMS.encode())][4])
    assert origin["sender"] == "1069 0000 1234" and origin["date"].startswith("2026-11-20T06:31")

    album_ids = {str(u["update_id"]) for u in album} | {str(sms["update_id"])}
    processed = {r[0] for r in bot.rows("select update_id from processed_updates where platform = 'telegram'")}
    assert album_ids <= processed
    assert not list((bot.data_dir / "evidence" / "tmp").glob("*")), "no temp download is left behind"


async def test_the_answered_question_is_edited_to_show_the_answer_without_its_keyboard(bot: BotRunner) -> None:
    server = bot.server
    server.command(CHAT, "new")
    asked = await next_message(server, "你在哪里")
    server.press(CHAT, "中国大陆")
    edit = await server.wait_for_edit(CHAT, asked.message_id)
    assert edit.text == f"{asked.original_text}\n\n→ 中国大陆"
    assert not edit.reply_markup
    answers = [a for a in server.callback_answers if a.message_id == asked.message_id]
    assert len(answers) == 1 and answers[0].text is None


async def test_a_restart_mid_flow_resumes_at_the_same_question_and_a_redelivered_update_is_applied_once(
    runner: BotRunner,
) -> None:
    server = runner.server
    await runner.start()
    server.command(CHAT, "new")
    await next_message(server, "你在哪里")
    await tap(server, "中国大陆", "发生了什么")
    await tap(server, "骚扰电话 / 电销机器人", "对方用的是哪个号码")
    numbers = server.text(CHAT, "138 0013 8000")
    asked = await next_message(server, "最近一次是什么时候")

    await runner.restart()
    server.requeue(numbers)
    server.command(CHAT, "start")
    await next_message(server, "我们继续上次的问题")
    resumed = await next_message(server, "最近一次是什么时候")
    assert resumed.text == asked.text
    between = [m.text for m in server.sent(CHAT) if m.message_id > asked.message_id and m is not resumed]
    assert between == ["我们继续上次的问题："], "the redelivered numbers were not applied again"
    assert [d["update_id"] for d in server.deliveries].count(numbers["update_id"]) == 2

    server.text(CHAT, "2026-11-20 14:30")
    await next_message(server, "多久一次")
    answers = dict(runner.rows("select step_id, value from answers"))
    assert json.loads(answers["caller_numbers"])[0]["number"] == "+8613800138000"
    assert "called_number" not in answers, "asked only for the channels that need it"
