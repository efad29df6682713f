"""Findings as proposed answers to flows.yaml questions, in the shapes the engine stores (issue 13, item 5).

Only what the source showed becomes a proposal: the numbers (caller_numbers), the latest and earliest
moments (last_contact_at, since), robot or person (voice_kind), an opt-out the person said they sent
(opted_out), the SMS text (content) and its 【signature】 (company, unless the text is a fraud script, whose
signature is the brand it poses as). A number the text asks you to call is not the caller's (`callbacks`). How often it happens, whether the
person consented, and anything else is left for the person to answer. The conversation shows the
proposal with `findings_summary` and writes these answers only after the person taps "对"; "改一下" opens
the question as usual.
"""

from __future__ import annotations

from typing import Any

from engine.parsing import ParsedTime
from engine.reading.findings import Findings, NumberSeen, When

_VOICE = {"robot": "robot", "person": "live"}
# The most numbers proposed at once; the proposal's message shows every one of them (engine.reading.summary).
MAX_NUMBERS = 5


def proposed_numbers(findings: Findings) -> list[NumberSeen]:
    """The numbers proposed as the caller's or sender's: the busiest first, at most MAX_NUMBERS."""
    return sorted(findings.numbers, key=lambda seen: -seen.calls)[:MAX_NUMBERS]


def proposed_answers(findings: Findings) -> dict[str, Any]:
    """Answer key -> stored value (phone dicts, ISO times, choice values, verbatim text)."""
    proposal: dict[str, Any] = {}
    numbers = proposed_numbers(findings)
    if numbers:
        proposal["caller_numbers"] = [
            {"raw": seen.display, "number": seen.number, "kind": seen.kind, "region": seen.region, "display": seen.display}
            for seen in numbers
        ]
    moments = sorted(_moments(findings), key=lambda when: when.at)
    if moments:
        proposal["last_contact_at"] = _iso(moments[-1])
        if len(moments) > 1 and moments[0].at.date() != moments[-1].at.date():
            proposal["since"] = _iso(moments[0])
    if findings.caller:
        proposal["voice_kind"] = _VOICE[findings.caller]
    if findings.opted_out:
        proposal["opted_out"] = "yes"
    texts = [message.text for message in findings.messages]
    if texts:
        proposal["content"] = "\n".join(texts)[:2000]
    if findings.companies and findings.verdict.kind != "fraud":
        # In a fraud script the 【signature】 is the brand it poses as (impersonation), not who contacted you.
        proposal["company"] = findings.companies[0]
    return proposal


def last_contact(findings: Findings) -> When | None:
    """The moment proposed as the latest contact, the one the proposal's message must show."""
    moments = _moments(findings)
    return max(moments, key=lambda when: when.at) if moments else None


def _moments(findings: Findings) -> list[When]:
    seen = [when for number in findings.numbers for when in (number.first, number.last) if when is not None]
    return seen + list(findings.times)


def _iso(when: When) -> str:
    """As engine.parsing stores a time answer: a moment as ISO 8601 with its offset, a bare date as the day
    alone ("2026-11-28"), never that day at 00:00, an hour the source did not show."""
    return ParsedTime(when.at, when.precision).to_iso()
