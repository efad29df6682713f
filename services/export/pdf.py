"""The PDF half of an evidence pack: complaint, facts, timeline and an appendix of every evidence item.

All text is drawn with one embedded CJK font (it has Latin glyphs too), so Chinese renders anywhere.
Images appear only as small previews made one at a time; the originals travel in the ZIP.
"""
from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import Align, WrapMode, XPos, YPos

from services.export.fonts import CjkFont
from services.export.thumbs import Thumb, make_thumbnail

FONT = "cjk"
LINE = 5.6
SMALL_LINE = 4.6
PREVIEW_MAX_MM = 70.0
PREVIEW_MIN_MM = 15.0
PREVIEW_MM_PER_PX = 0.35


@dataclass(frozen=True)
class Section:
    title: str
    lines: list[str]


@dataclass(frozen=True)
class AppendixEntry:
    """One evidence item: a heading, detail lines, the hash on a line of its own, maybe a preview."""

    heading: str
    lines: list[str]
    sha256_label: str
    sha256: str
    note: str | None = None
    image_path: Path | None = None
    preview_caption: str = ""
    no_preview: str = ""
    excerpt: str | None = None


@dataclass(frozen=True)
class PdfContent:
    """Everything the PDF shows, already in the person's language."""

    lang: str
    title: str
    running_header: str
    page_label: str
    intro: list[str]
    notice: str | None
    sections: list[Section]
    appendix_title: str
    appendix_intro: str
    entries: list[AppendixEntry] = field(default_factory=list)
    created_at: datetime | None = None


class _Document(FPDF):
    def __init__(self, content: PdfContent, font: CjkFont) -> None:
        super().__init__(format="A4")
        self.content = content
        self.font_info = font
        self.wrap = WrapMode.CHAR if content.lang == "zh" else WrapMode.WORD
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.add_font(FONT, fname=str(font.path), collection_font_number=font.index)
        self.set_title(self.clean(content.title))
        self.set_lang("zh-CN" if content.lang == "zh" else "en")
        self.set_creator("complaint bot evidence export")
        if content.created_at is not None:
            self.set_creation_date(content.created_at)

    def clean(self, text: str) -> str:
        """Drop what the font cannot draw (emoji, control characters) rather than print empty boxes."""
        text = text.replace("\r\n", "\n").replace("\t", "    ")
        return "".join(
            c for c in text if c == "\n" or (self.font_info.covers(c) and unicodedata.category(c) != "Cc")
        )

    def header(self) -> None:
        if self.page_no() == 1:
            return
        self.set_font(FONT, size=8)
        self.set_text_color(120, 120, 120)
        self.cell(0, 5, self.clean(self.content.running_header), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=8)
        self.set_text_color(120, 120, 120)
        label = self.content.page_label.format(page=self.page_no(), total="{nb}")
        self.cell(0, 5, self.clean(label), align=Align.C)
        self.set_text_color(0, 0, 0)

    def text_block(self, text: str, size: float = 10.5, line: float = LINE) -> None:
        self.set_font(FONT, size=size)
        self.multi_cell(
            0, line, self.clean(text), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=self.wrap
        )

    def heading(self, text: str) -> None:
        if self.will_page_break(30):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, size=13)
        self.set_fill_color(232, 236, 242)
        self.cell(0, 8, " " + self.clean(text), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def lines_height(self, text: str, size: float, line: float) -> float:
        self.set_font(FONT, size=size)
        lines = self.multi_cell(0, line, self.clean(text), dry_run=True, output="LINES", wrapmode=self.wrap)
        return len(lines) * line if isinstance(lines, list) else line


def write_pdf(dest: Path, content: PdfContent, font: CjkFont) -> None:
    """Lay out the whole pack and write it to `dest`."""
    pdf = _Document(content, font)
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.multi_cell(0, 9, pdf.clean(content.title), align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)
    for line in content.intro:
        pdf.text_block(line, size=10)
    if content.notice:
        pdf.ln(2)
        pdf.set_fill_color(255, 243, 205)
        pdf.set_font(FONT, size=10.5)
        pdf.multi_cell(
            0, LINE + 0.6, pdf.clean(content.notice), fill=True, align=Align.L,
            new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=pdf.wrap, padding=2,
        )
    for section in content.sections:
        pdf.heading(section.title)
        for line in section.lines:
            pdf.text_block(line)
    pdf.add_page()
    pdf.heading(content.appendix_title)
    pdf.text_block(content.appendix_intro, size=9.5, line=SMALL_LINE + 0.4)
    for entry in content.entries:
        _entry(pdf, entry)
    pdf.output(str(dest))


def _entry(pdf: _Document, entry: AppendixEntry) -> None:
    """One item; its preview is made, placed and dropped before the next item is read."""
    thumb = make_thumbnail(entry.image_path) if entry.image_path is not None else None
    preview_h = _preview_size(thumb)[1] + SMALL_LINE + 2 if thumb else 0.0
    text = "\n".join([entry.heading, *entry.lines])
    needed = pdf.lines_height(text, 9.5, SMALL_LINE) + 2 * SMALL_LINE + preview_h + 6
    if entry.excerpt:
        needed += pdf.lines_height(entry.excerpt, 9, SMALL_LINE) + 3
    if pdf.will_page_break(min(needed, 120)):
        pdf.add_page()
    pdf.ln(3)
    pdf.set_draw_color(200, 200, 200)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2)
    pdf.text_block(entry.heading, size=11, line=LINE)
    for line in entry.lines:
        pdf.text_block(line, size=9.5, line=SMALL_LINE)
    pdf.set_font(FONT, size=9)
    pdf.cell(0, SMALL_LINE, pdf.clean(entry.sha256_label), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.cell(0, SMALL_LINE, pdf.clean(entry.sha256), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if entry.note:
        pdf.set_text_color(170, 30, 30)
        pdf.text_block(entry.note, size=9.5, line=SMALL_LINE)
        pdf.set_text_color(0, 0, 0)
    if entry.excerpt:
        pdf.set_fill_color(245, 245, 245)
        pdf.set_font(FONT, size=9)
        pdf.multi_cell(
            0, SMALL_LINE, pdf.clean(entry.excerpt), fill=True, align=Align.L,
            new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=pdf.wrap, padding=1,
        )
    if thumb is not None:
        _preview(pdf, thumb, entry.preview_caption)
    elif entry.image_path is not None and entry.no_preview:
        pdf.text_block(entry.no_preview, size=9, line=SMALL_LINE)


def _preview(pdf: _Document, thumb: Thumb, caption: str) -> None:
    width, height = _preview_size(thumb)
    if pdf.will_page_break(height + SMALL_LINE + 2):
        pdf.add_page()
    pdf.ln(1)
    pdf.set_font(FONT, size=8)
    pdf.set_text_color(110, 110, 110)
    text = caption.format(w=thumb.original_width, h=thumb.original_height)
    pdf.cell(0, SMALL_LINE, pdf.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0, 0, 0)
    pdf.image(io.BytesIO(thumb.jpeg), x=pdf.l_margin, w=width, h=height)
    pdf.ln(1)


def _preview_size(thumb: Thumb) -> tuple[float, float]:
    """Millimetres on the page: the long side between 15 and 70 mm, aspect ratio kept."""
    long_px = max(thumb.width, thumb.height)
    long_mm = min(PREVIEW_MAX_MM, max(PREVIEW_MIN_MM, long_px * PREVIEW_MM_PER_PX))
    scale = long_mm / long_px
    return thumb.width * scale, thumb.height * scale
