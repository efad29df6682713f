"""Every draft ends with where and how to send it, from channels.yaml, through the real local chat."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.catalog import load_catalog
from tests.dialogue.console_driver import ConsoleBot, last_question
from tests.dialogue.test_jurisdiction_paths import run_to_channel

CATALOG = load_catalog(Path(__file__).resolve().parents[2] / "channels.yaml")
HEADING = {"zh": "如何发送", "en": "How to send it"}
DISCLAIMER = {lang: CATALOG.texts.not_legal_advice.get(lang) for lang in ("zh", "en")}


def draft_message(bot: ConsoleBot, channel: str) -> str:
    """Pick the channel, confirm at the summary, and return the one message that carries the complaint."""
    q = last_question(bot.tap(channel))
    while "_ok" not in [b["value"] for b in q["buttons"]]:
        q = last_question(bot.send("/skip"))
    # The summary's OK confirms the answers are true and brings the draft.
    messages = [m["text"] for m in bot.tap("_ok")]
    return next(m for m in messages if "SHA-256" in m)


@pytest.mark.parametrize(
    "lang, jurisdiction, issue, number, channel, must",
    [
        ("en", "US", "robocall", "(202) 555-0143", "us_ftc_dnc", ["https://www.donotcall.gov", "1-888-382-1222"]),
        ("zh", "CN", "robocall", "138 0013 8000", "cn_12321", ["https://www.12321.cn", "010-12321", "待核实", "3个工作日"]),
        ("en", "UK", "robocall", "020 7946 0018", "uk_ico", ["https://ico.org.uk", "0303 123 1113"]),
    ],
)
def test_the_draft_ends_with_the_channels_route(
    data_dir: Path, evidence_files: dict[str, Path], lang: str, jurisdiction: str, issue: str, number: str,
    channel: str, must: list[str],
) -> None:
    bot = ConsoleBot(data_dir, lang=lang)
    run_to_channel(bot, jurisdiction, issue, number, evidence_files["png"])
    text = draft_message(bot, channel)
    assert bot.close() == 0

    route = text[text.index(HEADING[lang]):]
    assert text.index(DISCLAIMER[lang]) < text.index(HEADING[lang])  # after the letter, as its last section
    assert CATALOG.channel(channel).name.get(lang) in route.splitlines()[0]
    for fragment in must:
        assert fragment in route, fragment
    case_id = re.search(r"/export (\d+)", route)
    assert case_id, route
    if CATALOG.channel(channel).tracks_complaints:
        assert f"/filed {case_id.group(1)}" in route
    for deadline in CATALOG.channel(channel).deadlines:
        assert deadline.what.get(lang) in route
    if CATALOG.channel(channel).follow_up:
        assert CATALOG.channel(channel).follow_up.get(lang) in route


def test_rules_command_marks_secondary_sources_and_never_shows_weak_ones(data_dir: Path) -> None:
    bot = ConsoleBot(data_dir, lang="zh")
    shown = "\n".join(m["text"] for m in bot.send("/rules CN"))
    shown += "\n".join(m["text"] for m in bot.send("/rules US"))
    assert bot.close() == 0
    assert "https://flk.npc.gov.cn/" in shown  # official
    assert "非官方来源" in shown and "http://www.tmtdoc.com/news/d15521.html" in shown  # secondary, marked
    for source in CATALOG.sources:
        if source.reliability == "weak":
            assert source.url not in shown, source.url
