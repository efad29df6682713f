"""What a piece of evidence plainly shows, as names that flows.yaml options can be proposed from (`read_from`).

A name is either the code of a fraud cue that decided a fraud verdict (engine/reading/fraud.py: the
script asked for a code, an app, a transfer to a named account…), or one of the few facts of the source
itself below (an SMS signature, a call log). Only a fraud verdict gives its cue codes: a marketing message
or a message that is not fraud proposes nothing from them. The engine turns the names into answers only
through the options that list them, and only for the person to confirm (issue 13, "never fill silently").
"""

from __future__ import annotations

from functools import cache

from engine.reading.findings import Findings
from engine.reading.fraud import cue_codes

# Facts of the source besides the fraud cues, each plain to see in it.
SOURCE_SIGNALS = frozenset({
    "sms_signature",  # a pasted text or a message screenshot carrying a 【signature】: the form of an SMS in China
    "sms_screen",  # a screenshot of text messages whose sender is a phone number or an SMS sender id
    "call_log",  # a screenshot of the phone's call log
    "tagged_fraud",  # a call-log row the phone itself tagged as fraud ("诈骗电话", "Scam Likely")
})


@cache
def known_signals() -> frozenset[str]:
    """Every name `read_from` may use (the checker refuses any other)."""
    return SOURCE_SIGNALS | frozenset(cue_codes())


def signals_of(findings: Findings) -> tuple[str, ...]:
    """The names the findings show, in a stable order; empty when nothing could be read."""
    if findings.problem is not None:
        return ()
    found: list[str] = []
    if any(message.signature for message in findings.messages):
        found.append("sms_signature")
    if findings.source == "screenshot" and any(message.sender for message in findings.messages):
        found.append("sms_screen")
    if findings.layout == "call_log":
        found.append("call_log")
    if findings.verdict.kind == "fraud":
        found.extend(findings.verdict.reasons)
    return tuple(dict.fromkeys(found))
