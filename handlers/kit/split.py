"""Long texts in pieces that fit a platform's message limit, cut at line ends, counted as Telegram counts (UTF-16 units)."""
from __future__ import annotations


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def cut(text: str, limit: int) -> tuple[str, str]:
    """Split at most `limit` UTF-16 units off the front without breaking a surrogate pair."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:i], text[i:]
    return text, ""


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` units, cut at line ends; a single over-long line is cut hard."""
    if tg_len(text) <= limit:
        return [text] if text.strip() else []
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = line if not current else current + "\n" + line
        if tg_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        while tg_len(line) > limit:
            head, line = cut(line, limit)
            pieces.append(head)
        current = line
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]
