"""A message pasted where a question wanted a tap (a person who typed /new, then pasted the spam SMS at
"what happened?"): it is kept as evidence and read, as it would have been before /new, not refused."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers

REFUSED = "请点选下面的一个选项"
SPAM = "【某某商城】双十一全场5折，新品上市，进店有礼，详询 400-123-4567，回T退订"


def stored(data_dir: Path) -> tuple[dict[str, object], list[str]]:
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        kinds = [kind for (kind,) in conn.execute("select kind from evidence")]
    return stored_answers(data_dir), kinds


def test_a_message_pasted_at_a_choice_is_kept_and_read(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send("/new")
    assert "发生了什么" in last_question(bot.tap("CN"))["text"]
    messages = bot.send(SPAM)
    proposal = last_question(messages)
    assert not any(REFUSED in m["text"] for m in messages), "the paste is not refused"
    assert "【某某商城】" in proposal["text"] and [b["value"] for b in proposal["buttons"]] == ["_accept", "_reject"]
    bot.tap("_accept")
    bot.close()
    answers, kinds = stored(data_dir)
    assert answers["issue_type"] == "spam_sms" and answers["content"] == SPAM
    assert kinds == ["text"]


def test_a_short_or_plain_answer_that_fits_no_option_is_still_refused(bot: ConsoleBot, data_dir: Path) -> None:
    bot.send("/new")
    bot.tap("CN")
    for line in ("不知道", "我也说不清楚到底是什么情况，反正很烦人"):
        messages = bot.send(line)
        assert REFUSED in messages[0]["text"]
        assert "发生了什么" in last_question(messages)["text"]
    bot.close()
    answers, kinds = stored(data_dir)
    assert "issue_type" not in answers and kinds == []


def test_at_the_list_of_facts_read_a_pasted_message_is_not_taken_as_new_evidence() -> None:
    """At [改一下]'s list a typed line is a correction: even a refused one that reads as a message."""
    from datetime import datetime, timezone

    from engine.events import TextInput
    from engine.state import ACTIVE, SessionState
    from services.evidence_reading import read_pasted
    from tests.engine.helpers import shipped_regions

    state = SessionState(lang="zh", status=ACTIVE, step="issue_type")
    now = datetime(2026, 12, 1, tzinfo=timezone.utc)
    assert read_pasted(TextInput(SPAM), state, shipped_regions(), now) != TextInput(SPAM)
    state.proposal = {"text": "…", "answers": {"issue_type": "spam_sms"}, "listing": True}
    assert read_pasted(TextInput(SPAM), state, shipped_regions(), now) == TextInput(SPAM)
