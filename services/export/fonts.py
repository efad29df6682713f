"""Choosing the CJK font embedded in exported PDFs: a configured or installed one, else the shipped one.

A candidate is only used if it really has Chinese glyphs and fpdf2 can embed it, so a wrong
CJK_FONT_PATH or an odd system font falls back to the next choice instead of printing tofu boxes.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF

log = logging.getLogger(__name__)

SHIPPED_FONT = Path(__file__).resolve().parents[2] / "assets" / "fonts" / "wqy-microhei.ttc"
# (path, index in the collection): Noto's collection holds JP, KR, SC, TC, ... in that order.
SYSTEM_FONTS: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
    (Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"), 0),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"), 0),
)
PROBE_TEXT = "中文投诉证据 Evidence 0123456789"


@dataclass(frozen=True)
class CjkFont:
    """A usable font file and the set of characters it can draw."""

    path: Path
    index: int
    chars: frozenset[int]

    def covers(self, char: str) -> bool:
        return ord(char) in self.chars


class NoCjkFont(RuntimeError):
    """Not even the shipped font could be used (the repository is incomplete)."""


def candidates(preferred: Path | None) -> list[tuple[Path, int]]:
    """The order of preference: CJK_FONT_PATH, installed system fonts, the font shipped in assets/."""
    found: list[tuple[Path, int]] = [(preferred, 0)] if preferred is not None else []
    return found + list(SYSTEM_FONTS) + [(SHIPPED_FONT, 0)]


@lru_cache(maxsize=4)
def pick_cjk_font(preferred: Path | None = None) -> CjkFont:
    """The first candidate that exists, draws Chinese and embeds cleanly (checked once per process)."""
    for path, index in candidates(preferred):
        if not path.is_file():
            if path == preferred:
                log.warning("CJK_FONT_PATH does not point at a file; using another font")
            continue
        font = _usable(path, index)
        if font is not None:
            return font
        log.warning("font %s cannot be used for Chinese PDFs; trying the next one", path.name)
    raise NoCjkFont(f"no usable CJK font, not even {SHIPPED_FONT}")


def _usable(path: Path, index: int) -> CjkFont | None:
    try:
        with TTFont(str(path), fontNumber=index, lazy=True) as ttfont:
            chars = frozenset(ttfont.getBestCmap() or {})
        if not all(ord(c) in chars for c in PROBE_TEXT if not c.isspace()):
            return None
        probe = FPDF()
        probe.add_font("probe", fname=str(path), collection_font_number=index)
        probe.add_page()
        probe.set_font("probe", size=10)
        probe.cell(text=PROBE_TEXT)
        probe.output()
    except Exception:  # any parse or embedding failure means "not this font"
        return None
    return CjkFont(path, index, chars)
