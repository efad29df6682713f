"""Image helpers for building realistic PhotoSize lists without an imaging library."""
from __future__ import annotations

import struct
import zlib

DEFAULT_SIZE = (1280, 960)
_JPEG_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of PNG/JPEG/GIF/WebP bytes, or DEFAULT_SIZE when unknown.

    Telegram reports real dimensions in PhotoSize, so the fake reads them when it can.
    """
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return width, height
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP" and data[12:16] == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return width & 0x3FFF, height & 0x3FFF
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data) or DEFAULT_SIZE
    return DEFAULT_SIZE


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        if marker in _JPEG_SOF:
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    return None


def solid_png(width: int, height: int, grey: int = 128) -> bytes:
    """A valid greyscale PNG of the given size; stands in for Telegram's downscaled copies."""
    width, height = max(1, width), max(1, height)
    raw = (b"\x00" + bytes([grey]) * width) * height

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def thumbnail_sizes(width: int, height: int) -> list[tuple[int, int]]:
    """Sizes of the smaller copies Telegram keeps (longest side 90 and 320), smallest first."""
    longest = max(width, height, 1)
    sizes = []
    for side in (90, 320):
        scale = side / longest
        sizes.append((max(1, round(width * scale)), max(1, round(height * scale))))
    return sizes
