"""What the conversation reads from evidence before the engine sees it (issue 13, "evidence first").

A pasted SMS or a sentence that tells the story becomes a text evidence item with a `Proposal` of the
answers it shows (numbers, the latest time, the SMS text and its 【signature】, robot or person, an
opt-out, and what kind of case it looks like); the engine asks the person to confirm them in one tap.
Reading text is pure and fast, so it runs on the event loop; screenshots are OCR'd by services/reading
in its worker pool, off the event loop, before the person's turn takes the per-chat lock.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from PIL import Image

from engine.events import Event, FileInput, Proposal, TextInput
from engine.evidence import EvidenceItem
from engine.fact_fix import listing
from engine.reading import Findings, extract_from_text, findings_summary
from engine.reading.proposal import proposed_answers
from engine.reading.signals import signals_of
from engine.reading.summary import text as reading_text
from engine.regions import NO_REGION, Region, Regions
from engine.state import ACTIVE, SessionState
from services.reading import ImageReader, read_evidence
from services.texts import st

# Shorter than this, a typed line at no open complaint is a greeting, not a story.
MIN_STORY_CHARS = 6
# Shorter than this, a refused answer is a mistyped one, not a pasted message.
MIN_PASTED_CHARS = 20
# The answers the findings' message does not itself name ("robocall" for a call log): the engine lists them
# with the flow's labels, so the person sees every fact the one tap writes.
_UNSTATED = ("issue_type",)
# Below this many pixels on its short side an image cannot show a readable line of text.
MIN_READABLE_PX = 48


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
    if in_flow and (state.step != evidence_step or listing(state)):
        # At the list of facts read (engine/fact_fix.py) a typed line is a correction, not more evidence.
        return event
    if not in_flow and (len(text) < MIN_STORY_CHARS or text.startswith("/")):
        return event
    findings = _findings(text, state, regions, now)
    if findings.empty and (in_flow or findings.verdict.kind == "unknown"):
        # Nothing read: "完成", a button's number or a plain note is the engine's to understand.
        return event
    return _as_evidence(text, findings, state, regions, now)


def read_pasted(event: Event, state: SessionState, regions: Regions, now: datetime) -> Event:
    """A typed line the current question could not take, when it is plainly the message itself (a
    pasted spam or scam SMS at "what happened?"): kept as evidence with a proposal, not refused.
    Anything else unchanged, so the person gets the question's own "please tap one of the options"."""
    if not isinstance(event, TextInput) or state.status != ACTIVE or listing(state):
        # At the list of facts read a refused line stays a refused correction, as in read_typed.
        return event
    text = event.text.strip()
    if len(text) < MIN_PASTED_CHARS or text.startswith("/"):
        return event
    findings = _findings(text, state, regions, now)
    if findings.verdict.kind == "unknown" and findings.layout != "sms":
        return event
    return _as_evidence(text, findings, state, regions, now)


def elsewhere_of(state: SessionState, regions: Regions, region: Region) -> tuple[str, ...]:
    """Before a country is chosen, the other countries' phone regions: a number written in one of their
    national forms is read whole there, not cut by the rules of the country the language suggests."""
    if state.answers.get("jurisdiction") is not None:
        return ()
    return tuple(dict.fromkeys(r.phone_region for r in regions.by_code.values() if r.phone_region != region.phone_region))


def _findings(text: str, state: SessionState, regions: Regions, now: datetime) -> Findings:
    region = region_of(state, regions)
    # Now on the person's clock, so "刚才" and "昨天下午3点" are read as they meant them.
    local = now.astimezone(ZoneInfo(region.timezone))
    return extract_from_text(text, local, region.phone_region, elsewhere_of(state, regions, region))


def _as_evidence(text: str, findings: Findings, state: SessionState, regions: Regions, now: datetime) -> FileInput:
    country = country_of(findings, state, regions)
    if country is not None and country != region_of(state, regions):
        # The numbers name another country than the language suggested: "today" is read on its clock.
        findings = extract_from_text(text, now.astimezone(ZoneInfo(country.timezone)), country.phone_region)
    proposal = proposal_of(findings, state.lang, country)
    return FileInput(items=(EvidenceItem.of_text(text, "text", now),), proposal=proposal)


def proposal_of(findings: Findings, lang: str, country: Region | None = None) -> Proposal | None:
    """The answers the findings show, with the message that states them; None when they show none.
    `country`, when given, is proposed too and said in the message (never filled silently)."""
    answers = answers_of(findings)
    if not answers:
        return None
    if findings.empty:
        # Only the kind was recognised (a fraud script without a number): say so and ask.
        return Proposal("\n".join([reading_text("fraud", lang), st("reading.fraud_kind", lang)]), answers, signals_of(findings))
    text = findings_summary(findings, lang)
    if country is not None:
        answers["jurisdiction"] = country.code
        text = "\n".join([st("reading.country", lang, name=country.name(lang)), text])
    return Proposal(text, answers, signals_of(findings), _UNSTATED)


def country_of(findings: Findings, state: SessionState, regions: Regions) -> Region | None:
    """The country every number read belongs to, when the case has none yet: the one question a
    screenshot answers besides its own facts. None when the numbers disagree or name none."""
    if state.answers.get("jurisdiction") is not None:
        return None
    # Short service numbers (95555, 10086) and sender ids belong to no country: only full numbers count.
    phone_regions = {seen.region for seen in findings.numbers if seen.region and seen.kind != "service"}
    if len(phone_regions) != 1:
        return None
    return regions.of_phone_region(phone_regions.pop())


def answers_of(findings: Findings) -> dict[str, Any]:
    """Flow answers in the engine's stored shapes, only from what the source showed: the facts
    (engine.reading.proposal) and the kind of case the source plainly is."""
    answers: dict[str, Any] = {}
    if findings.verdict.kind == "fraud":
        answers["issue_type"] = "fraud"
    elif findings.layout == "call_log" or (findings.layout == "story" and findings.caller and findings.verdict.kind == "spam"):
        answers["issue_type"] = "robocall"
    elif findings.layout == "sms" and findings.verdict.kind == "spam":
        answers["issue_type"] = "spam_sms"
    return answers | proposed_answers(findings)


async def read_images(
    event: Event, state: SessionState, regions: Regions, reader: ImageReader, chat_key: str, now: datetime
) -> Event:
    """Screenshots OCR'd off the event loop (the reader's worker pool): the first one that shows facts
    brings a proposal. An image that cannot be read is still kept; the bot then just asks."""
    if not isinstance(event, FileInput) or event.proposal is not None:
        return event
    region = region_of(state, regions)
    local = now.astimezone(ZoneInfo(region.timezone))
    for item in event.items:
        if item.kind != "image" or not item.source or too_small_to_read(Path(item.source)):
            continue
        findings = await read_evidence(reader, item.source, now=local, region=region.phone_region, chat_key=chat_key)
        if findings.problem is None and not findings.empty:
            proposal = proposal_of(findings, state.lang, country_of(findings, state, regions))
            if proposal is not None:
                return replace(event, proposal=proposal)
    return event


def too_small_to_read(path: Path) -> bool:
    """An image too small to hold a line of text (an icon, a sticker-sized picture) is not OCR'd; only
    its header is read here. Files PIL cannot open go to the reader, which reports them unreadable."""
    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    return min(width, height) < MIN_READABLE_PX
