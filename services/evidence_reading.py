"""What the conversation reads from evidence before the engine sees it (issue 13, "evidence first").

A pasted SMS or a sentence that tells the story becomes a text evidence item with a `Proposal` of the
answers it shows (numbers, the latest time, the SMS text and its 【signature】, robot or person, an
opt-out, and what kind of case it looks like); the engine asks the person to confirm them in one tap.
Reading text is pure and fast, so it runs here on the event loop; screenshots are read by the OCR
service (services/reading, off the event loop) where it is wired in.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from engine.answers import text_item
from engine.events import Event, FileInput, Proposal, TextInput
from engine.parsing import parse_phone_numbers
from engine.reading import Findings, extract_from_text, findings_summary
from engine.reading.summary import text as reading_text
from engine.regions import NO_REGION, Region, Regions
from engine.state import ACTIVE, SessionState
from services.texts import st

# Shorter than this, a typed line at no open complaint is a greeting, not a story.
MIN_STORY_CHARS = 6
_VOICE = {"robot": "robot", "person": "live"}


def region_of(state: SessionState, regions: Regions) -> Region:
    """The case's country (its phone region and clock), else the one the language suggests."""
    return regions.for_answers(state.answers, "jurisdiction", state.lang) or NO_REGION


def read_typed(event: Event, state: SessionState, evidence_step: str | None, regions: Regions, now: datetime) -> Event:
    """A typed story (no complaint open) or a pasted SMS (at the evidence question) as evidence with a
    proposal; any other event unchanged."""
    if not isinstance(event, TextInput) or evidence_step is None:
        return event
    text = event.text.strip()
    in_flow = state.status == ACTIVE and state.step is not None
    if in_flow and state.step != evidence_step:
        return event
    if not in_flow and (len(text) < MIN_STORY_CHARS or text.startswith("/")):
        return event
    region = region_of(state, regions)
    # Now on the person's clock, so "刚才" and "昨天下午3点" are read as they meant them.
    findings = extract_from_text(text, now.astimezone(ZoneInfo(region.timezone)), region.phone_region)
    if not in_flow and findings.empty and findings.verdict.kind == "unknown":
        return event
    return FileInput(items=(text_item(text, now),), proposal=proposal_of(findings, state.lang, region.phone_region))


def proposal_of(findings: Findings, lang: str, region: str) -> Proposal | None:
    """The answers the findings show, with the message that states them; None when they show none."""
    answers = answers_of(findings, region)
    if not answers:
        return None
    if findings.empty:
        # Only the kind was recognised (a fraud script without a number): say so and ask.
        return Proposal("\n".join([reading_text("fraud", lang), st("reading.fraud_kind", lang)]), answers)
    return Proposal(findings_summary(findings, lang), answers)


def answers_of(findings: Findings, region: str) -> dict[str, Any]:
    """Flow answers in the engine's stored shapes, only from what the source showed."""
    answers: dict[str, Any] = {}
    if findings.verdict.kind == "fraud":
        answers["issue_type"] = "fraud"
    elif findings.layout == "call_log" or (findings.layout == "story" and findings.caller and findings.verdict.kind == "spam"):
        answers["issue_type"] = "robocall"
    elif findings.layout == "sms" and findings.verdict.kind == "spam":
        answers["issue_type"] = "spam_sms"
    phones = []
    for seen in sorted(findings.numbers, key=lambda n: -n.calls)[:5]:
        parsed, _ = parse_phone_numbers(seen.number, region)
        phones += [p.to_dict() | {"display": seen.display} for p in parsed[:1]]
    if phones:
        answers["caller_numbers"] = phones
    moments = sorted(
        [w for n in findings.numbers for w in (n.first, n.last) if w is not None] + list(findings.times),
        key=lambda w: w.at,
    )
    if moments:
        answers["last_contact_at"] = moments[-1].at.isoformat()
    if findings.caller:
        answers["voice_kind"] = _VOICE[findings.caller]
    if findings.opted_out:
        answers["opted_out"] = "yes"
    if findings.messages:
        answers["content"] = "\n".join(m.text for m in findings.messages)[:2000]
    if findings.companies:
        answers["company"] = findings.companies[0][:200]
    return answers
