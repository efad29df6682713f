"""Evidence first on Telegram (issue 13), through the real PTB Application and the fake Bot API: a photo or
a pasted story sent before /new starts a complaint, is kept, and the next question is asked."""
from __future__ import annotations

from tests.telegram.helpers import CHAT, BotRunner, next_message, question, tiny_png


async def test_a_photo_before_new_starts_a_complaint_and_is_kept(bot: BotRunner) -> None:
    server = bot.server
    server.photo(CHAT, tiny_png(7))
    reply = await next_message(server, "收到 1 份证据")
    assert "你在哪里" in (reply.text or "")
    assert bot.rows("select count(*) from cases") == [(1,)]
    assert bot.rows("select kind from evidence") == [("image",)]


async def test_a_pasted_story_before_new_proposes_what_it_says_and_right_keeps_it(bot: BotRunner) -> None:
    server = bot.server
    server.text(CHAT, "昨天下午3点 138 0013 8000 又打来推销贷款，是机器人")
    proposal = await next_message(server, "从你发来的文字读到")
    assert "138 0013 8000" in (proposal.text or "") and "号码所在地区：中国大陆" in (proposal.text or "")
    server.press(CHAT, "✅ 对")
    # Country, kind, number and time came with the story: the first open question is how often.
    await next_message(server, "多久一次")
    assert question(server).text and "多久一次" in question(server).text
    answers = dict(bot.rows("select step_id, value from answers"))
    assert "+8613800138000" in answers["caller_numbers"] and answers["voice_kind"] == '"robot"'
    assert answers["jurisdiction"] == '"CN"'
    assert bot.rows("select kind from evidence") == [("text",)]
