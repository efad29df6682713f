"""Small JPEG previews of image evidence for the PDF, made one at a time with bounded memory.

JPEGs are decoded at a reduced scale (Pillow's draft mode) and everything else is refused a preview
when decoding it whole would take too much memory, so a huge or hostile image cannot blow up an export.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

MAX_SIDE_PX = 480
# At most about 128 MB decoded (RGBA) for a format that cannot be decoded at a reduced scale.
MAX_DECODE_PIXELS = 32_000_000


@dataclass(frozen=True)
class Thumb:
    jpeg: bytes
    width: int
    height: int
    original_width: int
    original_height: int


def make_thumbnail(path: Path, max_side: int = MAX_SIDE_PX) -> Thumb | None:
    """A preview no larger than `max_side` pixels, or None when the file cannot be previewed safely."""
    try:
        with Image.open(path) as image:
            original = image.size
            image.draft("RGB", (max_side, max_side))
            if image.width * image.height > MAX_DECODE_PIXELS:
                return None
            image.thumbnail((max_side, max_side), reducing_gap=2.0)
            small = _flatten(ImageOps.exif_transpose(image))
            out = io.BytesIO()
            small.save(out, "JPEG", quality=80, optimize=True)
            return Thumb(out.getvalue(), small.width, small.height, *original)
    except Exception:  # unreadable, truncated or unsupported (e.g. HEIC): listed without a preview
        return None


def _flatten(image: Image.Image) -> Image.Image:
    """RGB on white, since JPEG has no transparency."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image
