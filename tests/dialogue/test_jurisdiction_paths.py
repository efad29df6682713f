"""Each jurisdiction's path end to end in the local chat, and the rules command."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.dialogue.console_driver import ConsoleBot, last_question, texts


def run_to_channel(bot: ConsoleBot, jurisdiction: str, issue: str, number: str, png: Path) -> dict:
    """Answer every question with a sensible default until the channel step; returns that question."""
    q = last_question(bot.send("/new"))
    q = last_question(bot.tap(jurisdiction))
    q = last_question(bot.tap(issue))
    answers = {
        "phone": number,
        "datetime": "2026-11-20 22:30",
        "text": "Loan offer, press 1",
        "number": "500",
    }
    for _ in range(40):
        expects = q["expects"]
        values = [b["value"] for b in q["buttons"]]
        if expects == "choice" and values and not values[0].startswith("_") and values[0].startswith(jurisdiction.lower() + "_"):
            return q
        if expects == "evidence":
            assert "1" in texts(bot.file(png))
            q = last_question(bot.tap("_done"))
        elif expects == "choices" and "_multi" in values:
            # One option: one tap answers.
            q = last_question(bot.tap(values[0]))
        elif expects == "choices":
            bot.tap(values[0])
            q = last_question(bot.tap("_done"))
        elif expects in ("choice", "confirm"):
            pick = "yes" if "yes" in values else "never" if "never" in values else values[0]
            q = last_question(bot.tap(pick))
        elif "_skip" in values:
            q = last_question(bot.send("/skip"))
        else:
            q = last_question(bot.send(answers[expects]))
    raise AssertionError("never reached the channel step")


def finish(bot: ConsoleBot, channel: str) -> str:
    q = last_question(bot.tap(channel))
    while "_ok" not in [b["value"] for b in q["buttons"]]:
        q = last_question(bot.send("/skip"))
    # One tap at the summary confirms the answers are true and writes the draft.
    return texts(bot.tap("_ok"))


@pytest.mark.parametrize(
    "lang, jurisdiction, issue, number, first_channel, expected",
    [
        ("en", "US", "robocall", "(202) 555-0143", "us_ftc_dnc", ["(202) 555-0143", "SHA-256", "not legal advice"]),
        ("en", "UK", "robocall", "020 7946 0018", "uk_ico", ["020 7946 0018", "SHA-256"]),
        ("zh", "CN", "robocall", "138 0013 8000", "cn_12321", ["138 0013 8000", "SHA-256"]),
        ("zh", "CN", "fraud", "138 0013 8000", "cn_police", ["138 0013 8000"]),
    ],
)
def test_each_jurisdiction_path_ends_with_a_draft_for_its_channel(
    data_dir: Path, evidence_files: dict[str, Path], lang: str, jurisdiction: str, issue: str, number: str,
    first_channel: str, expected: list[str],
) -> None:
    bot = ConsoleBot(data_dir, lang=lang)
    q = run_to_channel(bot, jurisdiction, issue, number, evidence_files["png"])
    values = [b["value"] for b in q["buttons"] if not b["value"].startswith("_")]
    assert values[0] == first_channel, values
    draft = finish(bot, values[0])
    for fragment in expected:
        assert fragment in draft
    assert bot.close() == 0


def test_rules_command_gives_the_rules_with_sources_for_each_jurisdiction(bot: ConsoleBot) -> None:
    cn = texts(bot.send("/rules"))
    assert "http" in cn and "24" in cn
    us = bot.send("/rules US")
    assert "Do Not Call" in texts(us) or "拒接" in texts(us)
    assert "_rules:CN" in [b["value"] for b in us[-1]["buttons"]]
    assert "TPS" in texts(bot.tap("_rules:UK"))
