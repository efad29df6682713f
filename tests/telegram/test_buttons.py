"""Button taps: stale keyboards, forged data, other people's cases; the spinner is always answered."""
from __future__ import annotations

from tests.telegram.helpers import CHAT, BotRunner, next_message

STALE = "这个问题已经结束了，按钮不再有效。"


async def test_a_tap_on_an_old_keyboard_is_refused_with_a_short_notice_and_changes_nothing(bot: BotRunner) -> None:
    server = bot.server
    server.command(CHAT, "new")
    first = await next_message(server, "你在哪里")
    server.press(CHAT, "中国大陆")
    await next_message(server, "发生了什么")
    await server.wait_for_edit(CHAT, first.message_id)
    sent_before, edits_before = len(server.sent(CHAT)), len(server.edits)

    assert first.original_reply_markup is not None
    other_country = first.original_reply_markup["inline_keyboard"][0][1]["callback_data"]
    assert other_country == "1|US"
    old = server.callback(CHAT, first.message_id, other_country, force=True)
    answer = await server.wait_for_callback_answer(old)

    assert answer.text == STALE
    server.command(CHAT, "cases")
    await next_message(server, "#1")
    assert len(server.sent(CHAT)) == sent_before + 1, "only the /cases answer was sent"
    assert len(server.edits) == edits_before
    assert bot.rows("select jurisdiction from cases") == [("CN",)]


async def test_forged_button_data_is_answered_and_refused_without_crashing(bot: BotRunner) -> None:
    server = bot.server
    server.command(CHAT, "start")
    welcome = await next_message(server, "反骚扰投诉助手")
    for data in ("garbage", "|", "99999999999|CN", "-|"):
        forged = server.callback(CHAT, welcome.message_id, data, force=True)
        answer = await server.wait_for_callback_answer(forged)
        assert answer.text == "这个按钮已失效。"
    forged = server.callback(CHAT, welcome.message_id, "-|_delete:999", force=True)
    await server.wait_for_callback_answer(forged)
    await next_message(server, "没有找到你的投诉 #999")
    assert not [m for m in server.sent(CHAT) if "抱歉" in (m.text or "")]


async def test_another_persons_case_cannot_be_deleted_with_crafted_data(bot: BotRunner) -> None:
    server = bot.server
    owner, intruder = 1001, 2002
    server.command(owner, "new")
    await next_message(server, "你在哪里", chat_id=owner)
    server.command(intruder, "start")
    bait = await next_message(server, "反骚扰投诉助手", chat_id=intruder)

    crafted = server.callback(intruder, bait.message_id, "-|_delete:1", force=True)
    await server.wait_for_callback_answer(crafted)
    await next_message(server, "没有找到你的投诉 #1", chat_id=intruder)
    assert bot.rows("select id from cases") == [(1,)]


async def test_deleting_ones_own_case_asks_first_and_the_confirmation_shows_the_choice(bot: BotRunner) -> None:
    server = bot.server
    server.command(CHAT, "new")
    await next_message(server, "你在哪里")
    server.command(CHAT, "delete", "1")
    confirm = await next_message(server, "永久删除投诉 #1")
    assert confirm.callback_data == ["-|_delete:1", "-|_keepcase"]
    server.press(CHAT, "🗑 永久删除")
    await next_message(server, "投诉 #1 及其文件已删除")
    edit = await server.wait_for_edit(CHAT, confirm.message_id)
    assert (edit.text or "").endswith("→ 🗑 永久删除") and not edit.reply_markup
    assert bot.rows("select id from cases") == []
