"""Evidence items of an export: their safe names inside the pack and what was found on disk.

Names are built from the item's number, kind, hash and a fixed extension per MIME type, never from
the person's filename, so nothing they sent can shape a path inside the ZIP or on the disk.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from storage.protocols import EvidenceFileStore, EvidenceRow

EXTENSIONS: dict[str, str] = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/gif": "gif",
    "image/bmp": "bmp",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "image/avif": "avif",
    "application/pdf": "pdf",
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/amr": "amr",
    "audio/flac": "flac",
    "audio/wav": "wav",
    "audio/mp4": "m4a",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/3gpp": "3gp",
    "video/mp4": "mp4",
    "text/plain": "txt",
}
KINDS = frozenset({"image", "pdf", "audio", "video", "text", "forward", "document"})
# Formats that are compressed already: deflating them again costs time and saves nothing.
COMPRESSED_KINDS = frozenset({"image", "audio", "video"})

OK, MISSING, ALTERED = "ok", "missing", "altered"


@dataclass(frozen=True)
class PackItem:
    """One evidence row with its number in the pack, its ZIP member name and its stored file."""

    n: int
    row: EvidenceRow
    arcname: str
    path: Path | None

    @property
    def compressed(self) -> bool:
        return self.row.kind in COMPRESSED_KINDS and self.row.mime != "image/bmp"


@dataclass(frozen=True)
class ItemCheck:
    """What the export found: the file as recorded, gone, or different from its recorded hash."""

    status: str
    actual_sha256: str | None = None
    actual_size: int | None = None


def extension_for(mime: str, kind: str) -> str:
    if mime in EXTENSIONS:
        return EXTENSIONS[mime]
    return "txt" if kind in ("text", "forward") else "bin"


def member_name(n: int, width: int, row: EvidenceRow) -> str:
    """`01-image-0123456789ab.png`: number, kind, first 12 hex of the hash, extension from the MIME type."""
    kind = row.kind if row.kind in KINDS else "file"
    digest = "".join(c for c in row.sha256.lower()[:12] if c in "0123456789abcdef") or "unknown"
    return f"{n:0{width}d}-{kind}-{digest}.{extension_for(row.mime, row.kind)}"


def pack_items(rows: list[EvidenceRow], files: EvidenceFileStore) -> list[PackItem]:
    """Number the evidence in the order it was received and resolve each stored file's path."""
    width = max(2, len(str(len(rows))))
    items = []
    for n, row in enumerate(rows, 1):
        try:
            path: Path | None = files.open_path(row.stored_path)
        except ValueError:
            path = None
        items.append(PackItem(n, row, member_name(n, width, row), path))
    return items
