"""English scam texts pasted into `bot.py console --json --lang en`: the fraud path is proposed with the same
one-tap confirmation as a Chinese one — who they posed as and what they asked for included, the relative and
the link among them — and English marketing is not taken for fraud."""
from __future__ import annotations

from pathlib import Path


from tests.dialogue.console_driver import ConsoleBot, last_question, stored_answers

PARCEL = "USPS: your package is on hold due to an incomplete address. Update your address at http://usps-hold.top/a within 24 hours."
HI_MUM = "Hi Mum, I lost my phone, this is my new number. Can you send £300 for my rent today? I'll pay you back."
SALE = "20% off everything this weekend at Harper & Co! Use code WEEKEND20. Reply STOP to opt out."


def test_a_parcel_scam_text_proposes_fraud_the_courier_and_the_link_and_writes_them_on_right(english: ConsoleBot, data_dir: Path) -> None:
    proposal = last_question(english.send(PARCEL))
    lines = proposal["text"].split("\n")
    assert lines[1].startswith("⚠️ This looks like fraud.")
    assert "They posed as: A shop, courier or customer service" in lines and "What they asked for: Open a link" in lines
    assert [b["value"] for b in proposal["buttons"]] == ["_accept", "_reject"]
    assert "fraud_asked" not in stored_answers(data_dir), "nothing is written before the person confirms"
    assert "where are you" in last_question(english.tap("_accept"))["text"]
    assert "How did they contact you?" in last_question(english.tap("US"))["text"]
    english.close()
    got = stored_answers(data_dir)
    assert got["issue_type"] == "fraud" and got["impersonation"] == "platform" and got["fraud_asked"] == ["link"]
    assert got["content"] == PARCEL


def test_a_hi_mum_text_proposes_a_relative_asking_for_money(english: ConsoleBot, data_dir: Path) -> None:
    text = last_question(english.send(HI_MUM))["text"]
    assert "This looks like fraud" in text
    assert "They posed as: A relative or friend" in text.split("\n") and "What they asked for: Send or pay money" in text.split("\n")
    english.tap("_accept")
    english.close()
    got = stored_answers(data_dir)
    assert got["impersonation"] == "relative" and got["fraud_asked"] == ["transfer"]


def test_english_marketing_is_not_taken_for_fraud(english: ConsoleBot, data_dir: Path) -> None:
    said = "\n".join(message["text"] for message in english.send(SALE))
    assert "fraud" not in said
    for label in ("How they contacted you", "They posed as", "What they asked for"):
        assert label not in said
    english.close()
    got = stored_answers(data_dir)
    assert got.get("issue_type") != "fraud" and not {"impersonation", "fraud_asked"} & set(got)
