"""The Telegram profile's name offered as one tap at the contact question, through the real PTB Application
and the fake Bot API; a person whose profile gives no readable name gets no such button."""
from __future__ import annotations

import json

from tests.telegram.helpers import CHAT, BotRunner, next_message, question
from tests.telegram.test_complaint import answer_until_evidence, tap


async def reach_contact(bot: BotRunner) -> list[str]:
    server = bot.server
    await answer_until_evidence(server)
    await tap(server, "浪费时间", "现在请发送证据")
    await tap(server, "✅ 完成", "建议按下面的顺序投诉")
    server.press(CHAT, question(server).buttons[0]["text"])
    await next_message(server, "通话时长")
    await tap(server, "跳过 »", "你的联系方式")
    return [b["text"] for b in question(server).buttons]


async def test_the_profile_name_is_one_tap_at_the_contact_question_and_not_kept_otherwise(bot: BotRunner) -> None:
    server = bot.server
    server.user(CHAT, first_name="Jane", last_name="Doe")
    labels = await reach_contact(bot)
    assert "👤 Jane Doe" in labels
    stored = " ".join(str(row) for table in ("sessions", "answers", "users") for row in bot.rows(f"select * from {table}"))
    assert "Jane" not in stored, "the profile name is passed through, not saved, until the person taps it"
    await tap(server, "👤 Jane Doe", "请核对一下")
    answers = dict(bot.rows("select step_id, value from answers"))
    assert json.loads(answers["contact_name"]) == "Jane Doe"


async def test_no_readable_profile_name_no_button(bot: BotRunner) -> None:
    bot.server.user(CHAT, first_name="🦄")
    labels = await reach_contact(bot)
    assert not [label for label in labels if label.startswith("👤")]
