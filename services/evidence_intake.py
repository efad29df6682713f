"""Turning a received file into an evidence item: what kind it really is, its size and SHA-256.

The kind comes from the bytes (magic numbers) before the name or the platform's MIME type, so a
renamed or mislabelled file is judged for what it is.
"""
from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from engine.evidence import EvidenceItem
from typing import Any

_SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"\x89PNG\r\n\x1a\n", 0, "image", "image/png"),
    (b"\xff\xd8\xff", 0, "image", "image/jpeg"),
    (b"GIF87a", 0, "image", "image/gif"),
    (b"GIF89a", 0, "image", "image/gif"),
    (b"BM", 0, "image", "image/bmp"),
    (b"%PDF-", 0, "pdf", "application/pdf"),
    (b"OggS", 0, "audio", "audio/ogg"),
    (b"ID3", 0, "audio", "audio/mpeg"),
    (b"#!AMR", 0, "audio", "audio/amr"),
    (b"fLaC", 0, "audio", "audio/flac"),
    (b"\x1aE\xdf\xa3", 0, "video", "video/webm"),
]
_FTYP_BRANDS = {
    b"heic": ("image", "image/heic"), b"heix": ("image", "image/heic"), b"mif1": ("image", "image/heif"),
    b"avif": ("image", "image/avif"), b"M4A ": ("audio", "audio/mp4"), b"M4B ": ("audio", "audio/mp4"),
    b"qt  ": ("video", "video/quicktime"), b"3gp4": ("video", "video/3gpp"), b"3gp5": ("video", "video/3gpp"),
}


def sniff_kind(head: bytes, mime_hint: str | None = None) -> tuple[str, str]:
    """(kind, mime) from a file's first bytes; ("unknown", ...) when it is not usable evidence."""
    for signature, offset, kind, mime in _SIGNATURES:
        if head[offset : offset + len(signature)] == signature:
            return kind, mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image", "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio", "audio/wav"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _FTYP_BRANDS:
            return _FTYP_BRANDS[brand]
        return "video", "video/mp4"
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        return "audio", "audio/mpeg"
    if _is_text(head):
        return "text", "text/plain"
    return "unknown", mime_hint or "application/octet-stream"


def _is_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode("utf-8")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls <= len(text) // 50


@dataclass(frozen=True)
class FileFacts:
    sha256: str
    size: int
    kind: str
    mime: str


def _examine_sync(path: Path, mime_hint: str | None) -> FileFacts:
    digest = hashlib.sha256()
    size = 0
    head = b""
    with path.open("rb") as fh:
        while chunk := fh.read(1024 * 1024):
            if not head:
                head = chunk[:4096]
            digest.update(chunk)
            size += len(chunk)
    kind, mime = sniff_kind(head, mime_hint)
    return FileFacts(digest.hexdigest(), size, kind, mime)


async def examine(path: Path, mime_hint: str | None = None) -> FileFacts:
    """Hash and classify a file without loading it into memory at once."""
    return await asyncio.to_thread(_examine_sync, path, mime_hint)


async def file_item(
    path: Path,
    *,
    received_at: datetime,
    filename: str | None = None,
    mime_hint: str | None = None,
    caption: str | None = None,
    origin: dict[str, Any] | None = None,
    temporary: bool = False,
    kind_hint: str | None = None,
) -> EvidenceItem:
    """An evidence item for the engine, hashed here once; `source` says where the bytes are until the case keeps them."""
    facts = await examine(path, mime_hint)
    kind = facts.kind
    if kind_hint and kind != "unknown" and kind_hint in ("audio", "video") and kind in ("audio", "video"):
        kind = kind_hint
    return EvidenceItem(
        sha256=facts.sha256,
        kind=kind,
        mime=facts.mime,
        size=facts.size,
        received_at=received_at.isoformat(),
        filename=filename,
        caption=caption,
        origin=origin,
        source=str(path),
        temporary=temporary,
    )
