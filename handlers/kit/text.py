"""Typed text as the conversation service understands it: a command, a shown button, or an answer."""
from __future__ import annotations

from collections.abc import Sequence

from engine.answers import small_number
from engine.events import Command, Event, TextInput
from engine.replies import Button
from services.commands import Commands


def command_or_text(raw: str) -> Event:
    """"/name@bot arg" as a Command; anything else (including "//" and a lone "/") as typed text."""
    text = raw.strip()
    if text.startswith("/") and len(text) > 1 and not text.startswith("//"):
        head, _, arg = text[1:].partition(" ")
        name = head.split("@", 1)[0]
        if name:
            return Command(name, arg.strip())
    return TextInput(raw)


# What a shown question expects when typed text may name one of its buttons (None: a service
# layer message with buttons, such as a delete confirmation or a check-in).
BUTTON_EXPECTS = frozenset({"choice", "choices", "confirm", "evidence", None})


def button_for_text(buttons: Sequence[Button], text: str) -> str | None:
    """The value of the shown button a person typed by its number or its label (with its number in front,
    as a long menu shows it), if any."""
    number = small_number(text)
    if number is not None and 1 <= number <= len(buttons):
        return buttons[number - 1].value
    wanted = text.strip().lower()
    for number, button in enumerate(buttons, 1):
        # A menu item may carry its number ("11. ✅ 其余都对", WeChat's menus past ten items).
        if wanted in (button.label.lower(), f"{number}. {button.label}".lower()):
            return button.value
    return None


def command_in_words(raw: str, commands: Commands) -> Command | None:
    """A command typed without its slash ("cases", "case 3") or in words ("我的投诉"), else None.

    Where there is no command menu to tap (WeChat), people type commands this way; only whole
    messages count, so an answer that merely contains the word stays an answer. Which names and
    words count is listed with each command (services/commands.py).
    """
    text = " ".join(raw.split())
    name = commands.named_by(text)
    if name is not None:
        return Command(name)
    head, _, arg = text.lower().partition(" ")
    spec = commands.specs.get(head)
    if arg and spec is not None and spec.takes_case and small_number(arg.lstrip("#")) is not None:
        return Command(head, arg)
    return None


def typed_event(raw: str, commands: Commands) -> Event:
    """Typed text on a platform without a command menu: a command with, without or instead of its slash."""
    return command_in_words(raw, commands) or command_or_text(raw)
