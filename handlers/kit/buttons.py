"""Button data bound to the question it was shown with, shared by every platform that sends buttons.

A button travels as "{seq}|{value}" (Telegram's callback data, WeChat's msgmenu item id), so a
tap on an older question reaches the engine with that question's seq and is refused as stale;
buttons of the service layer, which belong to no question, carry "-|{value}". Anything that does
not decode was not made by this bot and is refused.
"""
from __future__ import annotations

from engine.events import ButtonPress

NO_SEQ = "-"
MAX_DATA_BYTES = 64  # Telegram's callback data limit; WeChat menu ids are kept as short


def encode_button(value: str, seq: int | None, max_bytes: int = MAX_DATA_BYTES) -> str | None:
    """The data for a button, or None when it would not fit `max_bytes`."""
    data = f"{NO_SEQ if seq is None else seq}|{value}"
    return data if len(data.encode("utf-8")) <= max_bytes else None


def decode_button(data: str | None, max_bytes: int = MAX_DATA_BYTES) -> ButtonPress | None:
    """The tap some button data stands for; None for anything this bot did not make."""
    if not data or len(data.encode("utf-8")) > max_bytes:
        return None
    seq_text, sep, value = data.partition("|")
    if not sep or not value:
        return None
    if seq_text == NO_SEQ:
        return ButtonPress(value, None)
    if not seq_text.isascii() or not seq_text.isdigit() or len(seq_text) > 9:
        return None
    return ButtonPress(value, int(seq_text))
