"""Reading evidence (issue 13): facts from screenshot text or a pasted message, and fraud recognition. Pure."""

from engine.reading.extract import TextLine, extract_from_lines, extract_from_text
from engine.reading.findings import Call, Findings, Message, NumberSeen, Verdict, When
from engine.reading.fraud import classify
from engine.reading.proposal import proposed_answers
from engine.reading.summary import findings_summary

__all__ = [
    "Call",
    "Findings",
    "Message",
    "NumberSeen",
    "TextLine",
    "Verdict",
    "When",
    "classify",
    "extract_from_lines",
    "extract_from_text",
    "findings_summary",
    "proposed_answers",
]
