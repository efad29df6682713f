"""One fact read wrong, fixed on Telegram through the real PTB Application and the fake Bot API: after
[改一下] the facts read are buttons; the wrong one costs one tap and one answer, the rest is kept with
one more tap, and nothing the person marked wrong is written."""
from __future__ import annotations

import pytest

from tests.telegram.helpers import CHAT, BotRunner, next_message, question

STORY = "昨天下午3点 138 0013 8000 又打来推销贷款，是机器人"


def labels(bot: BotRunner) -> list[str]:
    return [b["text"] for b in question(bot.server).buttons]


async def test_a_story_with_one_wrong_number_is_fixed_by_one_tap_and_one_answer(bot: BotRunner) -> None:
    server = bot.server
    server.text(CHAT, STORY)
    await next_message(server, "从你发来的文字读到")
    inputs = 0
    server.press(CHAT, "✏️ 改一下")
    inputs += 1
    listing = await next_message(server, "哪一项读错了")
    assert "✏️ 号码 138 0013 8000" in labels(bot) and labels(bot)[-2:] == ["🔄 全部重新回答", "✅ 其余都对"]
    server.press(CHAT, "✏️ 号码 138 0013 8000")
    inputs += 1
    await next_message(server, "哪个号码")
    server.text(CHAT, "139 1234 5678")
    inputs += 1
    await next_message(server, "已改：来电/短信号码：139 1234 5678")
    assert "caller_numbers" in dict(bot.rows("select step_id, value from answers"))
    assert "voice_kind" not in dict(bot.rows("select step_id, value from answers")), "the rest waits for its tap"
    server.press(CHAT, "✅ 其余都对")
    inputs += 1
    # Country, kind, the latest time and robot-or-person came with the story: the next question is how often.
    await next_message(server, "多久一次")
    # [对] alone would have been one input: the one wrong fact cost one tap (which fact) and one answer,
    # besides [改一下] and [其余都对] in place of [对].
    assert inputs == 1 + 2 + 1
    answers = dict(bot.rows("select step_id, value from answers"))
    assert "+8613912345678" in answers["caller_numbers"] and "+8613800138000" not in answers["caller_numbers"]
    assert answers["voice_kind"] == '"robot"' and answers["jurisdiction"] == '"CN"'
    assert answers["last_contact_at"].startswith('"2026') or answers["last_contact_at"].startswith('"20')
    # The old list's buttons belong to a question that is gone: refused as stale, nothing changes.
    assert listing.original_reply_markup is not None
    kind = next(b["callback_data"] for row in listing.original_reply_markup["inline_keyboard"] for b in row
                if b["callback_data"].endswith("|_fix:issue_type"))
    answer = await server.wait_for_callback_answer(server.callback(CHAT, listing.message_id, kind, force=True))
    assert answer.text == "这个问题已经结束了，按钮不再有效。"
    assert dict(bot.rows("select step_id, value from answers"))["issue_type"] == '"robocall"'


async def test_a_typed_named_correction_at_the_proposal_needs_no_tap_to_say_which(bot: BotRunner) -> None:
    server = bot.server
    server.text(CHAT, STORY)
    await next_message(server, "从你发来的文字读到")
    server.text(CHAT, "号码是 139 1234 5678")
    await next_message(server, "已改：来电/短信号码")
    server.press(CHAT, "✅ 其余都对")
    await next_message(server, "多久一次")
    assert "+8613912345678" in dict(bot.rows("select step_id, value from answers"))["caller_numbers"]


@pytest.mark.parametrize("value", ["_fix:harm", "_fix:company", "_fix:"])
async def test_forged_fact_buttons_on_the_current_list_are_refused(bot: BotRunner, value: str) -> None:
    server = bot.server
    server.text(CHAT, STORY)
    await next_message(server, "从你发来的文字读到")
    server.press(CHAT, "✏️ 改一下")
    listing = await next_message(server, "哪一项读错了")
    seq = question(server).buttons[0]["callback_data"].split("|")[0]
    await server.wait_for_callback_answer(server.callback(CHAT, listing.message_id, f"{seq}|{value}", force=True))
    await next_message(server, "请点选下面的一个选项")
    answers = dict(bot.rows("select step_id, value from answers"))
    assert set(answers) <= {"evidence"}, "nothing read is written by a forged tap"
