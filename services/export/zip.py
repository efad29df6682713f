"""The ZIP half of an evidence pack: the original files, streamed and re-hashed, plus manifest.json.

Each original is copied in fixed-size chunks straight into its ZIP member while its SHA-256 is
recomputed, so memory stays at one chunk whatever the files weigh, and the manifest can say which
files still match the hash recorded when they were received.
"""
from __future__ import annotations

import hashlib
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BufferedReader
from pathlib import Path
from typing import IO, Any

from services.export.items import ALTERED, MISSING, OK, ItemCheck, PackItem

CHUNK = 1 << 20
MANIFEST = "manifest.json"
ZIP64_FROM = 1 << 31


@dataclass(frozen=True)
class PackMeta:
    """Case-level facts written into the manifest."""

    case_id: int
    case_status: str
    exported_at: datetime


def write_zip(dest: Path, items: list[PackItem], meta: PackMeta) -> dict[int, ItemCheck]:
    """Write the ZIP at `dest`; returns what was found for each item number."""
    checks: dict[int, ItemCheck] = {}
    with zipfile.ZipFile(dest, "w", allowZip64=True) as archive:
        for item in items:
            checks[item.n] = _add_original(archive, item)
        manifest = json.dumps(manifest_of(items, checks, meta), ensure_ascii=False, indent=2)
        info = zipfile.ZipInfo(MANIFEST, date_time=_zip_time(meta.exported_at))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        archive.writestr(info, manifest.encode("utf-8"))
    return checks


def _add_original(archive: zipfile.ZipFile, item: PackItem) -> ItemCheck:
    if item.path is None:
        return ItemCheck(MISSING)
    try:
        source = item.path.open("rb")
    except OSError:
        return ItemCheck(MISSING)
    with source:
        info = zipfile.ZipInfo(item.arcname, date_time=_zip_time(item.row.received_at))
        info.compress_type = zipfile.ZIP_STORED if item.compressed else zipfile.ZIP_DEFLATED
        info.external_attr = 0o600 << 16
        with archive.open(info, "w", force_zip64=item.row.size >= ZIP64_FROM) as member:
            digest, size = _copy(source, member)
    if digest == item.row.sha256 and size == item.row.size:
        return ItemCheck(OK)
    return ItemCheck(ALTERED, digest, size)


def _copy(source: BufferedReader, member: IO[bytes]) -> tuple[str, int]:
    """Copy with one reused buffer, hashing on the way."""
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    size = 0
    while n := source.readinto(buffer):
        digest.update(view[:n])
        member.write(view[:n])
        size += n
    return digest.hexdigest(), size


def manifest_of(items: list[PackItem], checks: dict[int, ItemCheck], meta: PackMeta) -> dict[str, Any]:
    """The manifest: case, export time and, per item, the recorded hash and metadata."""
    return {
        "case_id": meta.case_id,
        "case_status": meta.case_status,
        "exported_at": _iso(meta.exported_at),
        "hash_algorithm": "SHA-256",
        "items": [_entry(item, checks.get(item.n, ItemCheck(MISSING))) for item in items],
    }


def _entry(item: PackItem, check: ItemCheck) -> dict[str, Any]:
    row = item.row
    entry: dict[str, Any] = {
        "n": item.n,
        "file": None if check.status == MISSING else item.arcname,
        "status": check.status,
        "sha256": row.sha256,
        "kind": row.kind,
        "mime": row.mime,
        "size": row.size,
        "received_at": _iso(row.received_at),
        "original_filename": row.filename,
        "caption": row.caption,
        "origin": row.origin,
    }
    if check.status == ALTERED:
        entry["sha256_of_file"] = check.actual_sha256
        entry["size_of_file"] = check.actual_size
    return entry


def _iso(at: datetime) -> str:
    return at.astimezone(timezone.utc).isoformat(timespec="seconds")


def _zip_time(at: datetime) -> tuple[int, int, int, int, int, int]:
    """ZIP stores local-less times from 1980 on; UTC, like the manifest."""
    utc = at.astimezone(timezone.utc)
    if utc.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    return (utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)
