"""What the evidence-pack PDF says, in the person's language: built from the stored case, no layout here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from engine.evidence import human_size
from knowledge.catalog import Catalog
from services.export.items import ALTERED, MISSING, ItemCheck, PackItem
from services.export.pdf import AppendixEntry, PdfContent, Section
from services.texts import SERVICE_TEXTS, event_text, st
from storage.protocols import CaseEvent, CaseRow, User

EXCERPT_BYTES = 4000
EXCERPT_CHARS = 1500
UNFINISHED = "draft"


@dataclass(frozen=True)
class Zone:
    """The time zone the pack's times are shown in, and how to name it."""

    tz: tzinfo
    label: str

    def fmt(self, at: datetime) -> str:
        return at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M:%S")


@dataclass(frozen=True)
class CaseFacts:
    """The stored case as the export read it."""

    case: CaseRow
    summary: list[str]
    events: list[CaseEvent]
    items: list[PackItem]


def display_zone(user: User, case: CaseRow, catalog: Catalog, lang: str) -> Zone:
    """The person's own zone if known, else the country's (when it has one), else UTC."""
    if user.timezone:
        try:
            return Zone(ZoneInfo(user.timezone), user.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    if case.jurisdiction:
        try:
            place = catalog.jurisdiction(case.jurisdiction)
        except KeyError:
            place = None
        if place is not None and not place.multi_timezone:
            return Zone(place.tz, place.time_label.get(lang))
    return Zone(timezone.utc, st("export.pdf.utc", lang))


def channel_name(catalog: Catalog, lang: str, channel_id: str) -> str:
    return catalog.channel(channel_id).name.get(lang) if catalog.has_channel(channel_id) else channel_id


def pdf_content(
    facts: CaseFacts, checks: dict[int, ItemCheck], catalog: Catalog, lang: str, zone: Zone, now: datetime
) -> PdfContent:
    """Everything the PDF shows; `checks` say which stored files were found as recorded."""
    case = facts.case
    unfinished = case.status == UNFINISHED
    return PdfContent(
        lang=lang,
        title=st("export.pdf.title", lang, id=case.id),
        running_header=st("export.pdf.running", lang, id=case.id, date=zone.fmt(now)),
        page_label=st("export.pdf.page", lang, page="{page}", total="{total}"),
        intro=_intro(case, catalog, lang, zone, now),
        notice=st("export.pdf.unfinished", lang) if unfinished else None,
        sections=[
            Section(st("export.pdf.complaint", lang), [case.draft or st("export.pdf.no_complaint", lang)]),
            Section(st("export.pdf.facts", lang), facts.summary or [st("export.pdf.no_facts", lang)]),
            Section(st("export.pdf.timeline", lang), [_event_line(e, catalog, lang, zone) for e in facts.events]),
        ],
        appendix_title=st("export.pdf.appendix", lang),
        appendix_intro=(
            st("export.pdf.appendix_intro", lang, count=len(facts.items))
            if facts.items
            else st("export.pdf.no_evidence", lang)
        ),
        entries=[_entry(item, checks.get(item.n, ItemCheck(MISSING)), lang, zone) for item in facts.items],
        created_at=now,
    )


def _intro(case: CaseRow, catalog: Catalog, lang: str, zone: Zone, now: datetime) -> list[str]:
    lines = [
        st("export.pdf.status", lang, status=st(f"status.{case.status}", lang)),
        st("export.pdf.created", lang, date=zone.fmt(case.created_at)),
        st("export.pdf.exported", lang, date=zone.fmt(now)),
    ]
    if case.jurisdiction:
        try:
            lines.append(st("export.pdf.jurisdiction", lang, name=catalog.jurisdiction(case.jurisdiction).name.get(lang)))
        except KeyError:
            lines.append(st("export.pdf.jurisdiction", lang, name=case.jurisdiction))
    if case.channel:
        lines.append(st("export.pdf.channel", lang, name=channel_name(catalog, lang, case.channel)))
    if case.reference:
        lines.append(st("export.pdf.reference", lang, reference=case.reference))
    lines.append(st("export.pdf.zone", lang, zone=zone.label))
    return lines


def _event_line(event: CaseEvent, catalog: Catalog, lang: str, zone: Zone) -> str:
    """`2026-11-26 15:00:00 · filed with 12321`: the kind in words, never the raw key when it is known."""
    if f"event.{event.kind}" in SERVICE_TEXTS:
        text = event_text(event.kind, event.data, lang, lambda cid: channel_name(catalog, lang, cid))
    else:
        text = event.kind.replace("_", " ")
        details = [f"{k}: {v}" for k, v in event.data.items() if isinstance(v, (str, int, float)) and str(v)]
        if details:
            text += " (" + ", ".join(details)[:200] + ")"
    return f"{zone.fmt(event.at)} · {text}"


def _entry(item: PackItem, check: ItemCheck, lang: str, zone: Zone) -> AppendixEntry:
    row = item.row
    kind = st(f"kind.{row.kind}", lang)
    lines = [
        st("export.pdf.received", lang, date=zone.fmt(row.received_at)),
        st("export.pdf.type", lang, kind=kind, mime=row.mime),
        st("export.pdf.size", lang, size=human_size(row.size), bytes=f"{row.size:,}"),
    ]
    if check.status != MISSING:
        lines.append(st("export.pdf.member", lang, name=item.arcname))
    if row.filename:
        lines.append(st("export.pdf.filename", lang, name=row.filename[:200]))
    if row.caption:
        lines.append(st("export.pdf.caption", lang, text=row.caption[:1000]))
    if row.origin:
        lines.append(st("export.pdf.origin", lang, text=_origin(row.origin)))
    note = None
    if check.status == MISSING:
        note = st("export.pdf.missing", lang)
    elif check.status == ALTERED:
        note = st("export.pdf.altered", lang, sha=check.actual_sha256 or "?")
    readable = check.status != MISSING and item.path is not None
    return AppendixEntry(
        heading=st("export.pdf.item", lang, n=item.n, kind=kind),
        lines=lines,
        sha256_label=st("export.pdf.sha", lang),
        sha256=row.sha256,
        note=note,
        image_path=item.path if readable and row.kind == "image" else None,
        preview_caption=st("export.pdf.preview", lang, w="{w}", h="{h}"),
        no_preview=st("export.pdf.no_preview", lang),
        excerpt=_excerpt(item, lang) if readable and row.kind in ("text", "forward") else None,
    )


def _origin(origin: dict[str, Any]) -> str:
    parts = [f"{k}: {v}" for k, v in origin.items() if isinstance(v, (str, int, float)) and str(v)]
    return ", ".join(parts)[:300] or "—"


def _excerpt(item: PackItem, lang: str) -> str | None:
    """The start of a text item (an SMS, a forwarded message), which is evidence in its own words."""
    assert item.path is not None
    try:
        with item.path.open("rb") as handle:
            head = handle.read(EXCERPT_BYTES + 1)
    except OSError:
        return None
    text = head[:EXCERPT_BYTES].decode("utf-8", errors="ignore").strip()
    cut = len(head) > EXCERPT_BYTES or len(text) > EXCERPT_CHARS
    text = text[:EXCERPT_CHARS]
    if not text:
        return None
    body = st("export.pdf.excerpt", lang) + "\n" + text
    return body + "\n" + st("export.pdf.more", lang) if cut else body
