"""Evidence in, proposed facts out: the one call the conversation layer needs (issue 13, items 2 and 3).

`read_evidence` OCRs an image and extracts what it shows; `read_pasted` does the same for a pasted SMS or
a typed story. Both return `Findings`, which the conversation proposes with `findings_summary` for a
one-tap confirmation; nothing is written into a complaint until the person confirms it.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from engine.reading.extract import extract_from_lines, extract_from_text
from engine.reading.findings import Findings
from services.reading.ocr import ImageReader


async def read_evidence(reader: ImageReader, path: str | Path, *, now: datetime, region: str, chat_key: str) -> Findings:
    """Facts read from one image file; `problem` is set when the file could not be read."""
    result = await reader.read(path, chat_key)
    if result.status != "ok":
        return Findings(source="screenshot", problem=result.status)
    return extract_from_lines(result.lines, now, region)


def read_pasted(text: str, *, now: datetime, region: str) -> Findings:
    """Facts read from a pasted message or a sentence; pure and fast, so it runs on the event loop."""
    return extract_from_text(text, now, region)
