"""Typed text as the conversation service understands it: a command, a shown button, or an answer."""
from __future__ import annotations

from collections.abc import Sequence

from engine.answers import small_number
from engine.events import Command, Event, TextInput
from engine.replies import Button


def command_or_text(raw: str) -> Event:
    """"/name@bot arg" as a Command; anything else (including "//" and a lone "/") as typed text."""
    text = raw.strip()
    if text.startswith("/") and len(text) > 1 and not text.startswith("//"):
        head, _, arg = text[1:].partition(" ")
        name = head.split("@", 1)[0]
        if name:
            return Command(name, arg.strip())
    return TextInput(raw)


def button_for_text(buttons: Sequence[Button], text: str) -> str | None:
    """The value of the shown button a person typed by its number or its label, if any."""
    number = small_number(text)
    if number is not None and 1 <= number <= len(buttons):
        return buttons[number - 1].value
    wanted = text.strip().lower()
    for button in buttons:
        if wanted == button.label.lower():
            return button.value
    return None
