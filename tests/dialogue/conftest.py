"""Fixtures for whole-conversation tests through the local chat's JSON mode."""
from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Iterator

import pytest

from tests.dialogue.console_driver import ConsoleBot


def tiny_png(seed: int) -> bytes:
    """A valid 2x2 PNG whose pixels depend on `seed`, so each is a different file."""
    raw = b"".join(b"\x00" + bytes([(seed * 40 + i) % 256, seed % 256, 200]) * 2 for i in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


TINY_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def evidence_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "phone"
    folder.mkdir()
    files = {
        "png": folder / "call-log.png",
        "pdf": folder / "bill.pdf",
        "empty": folder / "empty.png",
        "junk": folder / "junk.bin",
    }
    files["png"].write_bytes(tiny_png(1))
    files["pdf"].write_bytes(TINY_PDF)
    files["empty"].write_bytes(b"")
    files["junk"].write_bytes(bytes(range(256)) * 8)
    return files


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def bot(data_dir: Path) -> Iterator[ConsoleBot]:
    running = ConsoleBot(data_dir)
    yield running
    if running.proc.poll() is None:
        running.close()
