"""Engine replies as Telegram messages: inline keyboards, step-bound button data, text splitting.

Button data is "{seq}|{value}" so a tap is bound to the question it was shown with (the engine
refuses a tap on an older question as stale); buttons of the service layer, which belong to no
question, carry "-|{value}". Everything is sent as plain text (no parse_mode), so nothing a
person typed can break the formatting of a message.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from engine.events import ButtonPress
from engine.replies import Button, Reply

MAX_TEXT = 4096
MAX_DATA_BYTES = 64
MAX_CALLBACK_TEXT = 200
ANSWER_ARROW = "\n\n→ "
NO_SEQ = "-"
# Navigation shared by every step goes on its own last row, after the answers.
NAV_VALUES = frozenset({"_back", "_skip", "_help", "_keep"})
# Labels up to this display width (CJK counts double) fit two to a row on a phone.
SHORT_LABEL = 16


def encode_button(value: str, seq: int | None) -> str | None:
    """Callback data for a button, or None when it would not fit Telegram's 64 bytes."""
    data = f"{NO_SEQ if seq is None else seq}|{value}"
    return data if len(data.encode("utf-8")) <= MAX_DATA_BYTES else None


def decode_button(data: str | None) -> ButtonPress | None:
    """The tap a callback's data stands for; None for anything this bot did not make."""
    if not data or len(data.encode("utf-8")) > MAX_DATA_BYTES:
        return None
    seq_text, sep, value = data.partition("|")
    if not sep or not value:
        return None
    if seq_text == NO_SEQ:
        return ButtonPress(value, None)
    if not seq_text.isascii() or not seq_text.isdigit() or len(seq_text) > 9:
        return None
    return ButtonPress(value, int(seq_text))


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def keyboard(buttons: Sequence[Button], seq: int | None) -> InlineKeyboardMarkup | None:
    """Answers one per row (two per row when every label is short), then the navigation row."""
    answers: list[InlineKeyboardButton] = []
    nav: list[InlineKeyboardButton] = []
    for button in buttons:
        data = encode_button(button.value, seq)
        if data is None:
            continue
        (nav if button.value in NAV_VALUES else answers).append(InlineKeyboardButton(button.label, callback_data=data))
    if not answers and not nav:
        return None
    short = all(display_width(b.text) <= SHORT_LABEL for b in answers)
    per_row = 2 if short else 1
    rows = [answers[i : i + per_row] for i in range(0, len(answers), per_row)]
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows)


def reply_keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    return keyboard(reply.buttons, reply.seq)


def button_label(markup: InlineKeyboardMarkup | None, data: str | None) -> str | None:
    """The label of the button with `data` on a message (what the person tapped)."""
    if markup is None or not data:
        return None
    for row in markup.inline_keyboard:
        for button in row:
            if button.callback_data == data:
                return button.text
    return None


def tg_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _cut(text: str, limit: int) -> tuple[str, str]:
    """Split at most `limit` UTF-16 units off the front without breaking a surrogate pair."""
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return text[:i], text[i:]
    return text, ""


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
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
            head, line = _cut(line, limit)
            pieces.append(head)
        current = line
    if current:
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def answered_text(original: str, answered: str) -> str:
    """The question as it reads once answered: its text, then an arrow and the answer."""
    tail = ANSWER_ARROW + answered
    room = MAX_TEXT - tg_len(tail)
    if tg_len(original) > room:
        original = _cut(original, max(room - 1, 0))[0] + "…"
    return original + tail


def callback_text(text: str) -> str:
    """A notice shown over the chat on a tap is at most 200 characters."""
    return text if len(text) <= MAX_CALLBACK_TEXT else text[: MAX_CALLBACK_TEXT - 1] + "…"
