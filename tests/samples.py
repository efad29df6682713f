"""Small valid files of each kind a person sends as evidence, for the Telegram, WeChat and local-chat tests."""
from __future__ import annotations

import struct
import zlib

TINY_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
OGG = b"OggS\x00\x02" + bytes(range(64))
MP3 = b"ID3\x04\x00\x00" + bytes(range(64))
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + bytes(64)


def tiny_png(seed: int) -> bytes:
    """A valid 2x2 PNG whose pixels depend on `seed`, so each seed gives a different file."""
    raw = b"".join(b"\x00" + bytes([(seed * 40 + i) % 256, seed % 256, 200]) * 2 for i in range(2))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
