"""Engine replies as Telegram messages: inline keyboards, step-bound button data, text splitting.

Button data is "{seq}|{value}" (handlers/kit/buttons.py), so a tap is bound to the question it
was shown with. Everything is sent as plain text (no parse_mode), so nothing a
person typed can break the formatting of a message.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardMarkup

from engine.replies import Button, Reply
from handlers.kit.buttons import encode_button
from handlers.kit.split import cut, tg_len

MAX_TEXT = 4096
MAX_CALLBACK_TEXT = 200
ANSWER_ARROW = "\n\n→ "
# Navigation shared by every step goes on its own last row, after the answers.
NAV_VALUES = frozenset({"_back", "_skip", "_help", "_keep"})
# An inline keyboard as the Bot API's JSON: {"inline_keyboard": [[{"text": ..., "callback_data": ...}]]}.
Keyboard = dict[str, Any]
# Labels up to this display width (CJK counts double) fit two to a row on a phone.
SHORT_LABEL = 16


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def keyboard(buttons: Sequence[Button], seq: int | None) -> Keyboard | None:
    """Answers one per row (two per row when every label is short), then the navigation row.

    As the Bot API's JSON (an InlineKeyboardMarkup object), not PTB's classes: building those and
    turning them back into dicts for every message was about 5 % of the bot's CPU.
    """
    answers: list[dict[str, str]] = []
    nav: list[dict[str, str]] = []
    for button in buttons:
        data = encode_button(button.value, seq)
        if data is None:
            continue
        (nav if button.value in NAV_VALUES else answers).append({"text": button.label, "callback_data": data})
    if not answers and not nav:
        return None
    short = all(display_width(b["text"]) <= SHORT_LABEL for b in answers)
    per_row = 2 if short else 1
    rows = [answers[i : i + per_row] for i in range(0, len(answers), per_row)]
    if nav:
        rows.append(nav)
    return {"inline_keyboard": rows}


def reply_keyboard(reply: Reply) -> Keyboard | None:
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


def answered_text(original: str, answered: str) -> str:
    """The question as it reads once answered: its text, then an arrow and the answer."""
    tail = ANSWER_ARROW + answered
    room = MAX_TEXT - tg_len(tail)
    if tg_len(original) > room:
        original = cut(original, max(room - 1, 0))[0] + "…"
    return original + tail


def callback_text(text: str) -> str:
    """A notice shown over the chat on a tap is at most 200 characters."""
    return text if len(text) <= MAX_CALLBACK_TEXT else text[: MAX_CALLBACK_TEXT - 1] + "…"
