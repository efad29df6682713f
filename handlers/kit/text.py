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


# What a shown question expects when typed text may name one of its buttons (None: a service
# layer message with buttons, such as a delete confirmation or a check-in).
BUTTON_EXPECTS = frozenset({"choice", "choices", "confirm", "evidence", None})


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


# Where there is no command menu to tap (WeChat), people type a command without its slash or say
# it in words; only whole messages count, so an answer that merely contains the word stays an answer.
COMMAND_WORDS: dict[str, str] = {
    "新投诉": "new",
    "开始投诉": "new",
    "new complaint": "new",
    "我的投诉": "cases",
    "my cases": "cases",
    "帮助": "help",
    "继续": "start",
    "暂停": "cancel",
    "切换语言": "lang",
    "相关法规": "rules",
}
# Commands that may be typed bare; those in WITH_ARGUMENT also take "case 3" style arguments.
BARE_COMMANDS = frozenset({"start", "new", "cases", "help", "lang", "rules", "cancel", "restart", "export", "filed"})
WITH_ARGUMENT = frozenset({"case", "delete", "export", "filed", "timezone"})


def command_in_words(raw: str) -> Command | None:
    """A command typed without its slash ("cases", "case 3") or in words ("我的投诉"), else None."""
    text = " ".join(raw.split())
    word = text.lower()
    if word in COMMAND_WORDS:
        return Command(COMMAND_WORDS[word])
    head, _, arg = word.partition(" ")
    if not arg and head in BARE_COMMANDS:
        return Command(head)
    if arg and head in WITH_ARGUMENT and small_number(arg.lstrip("#")) is not None:
        return Command(head, arg)
    return None


def typed_event(raw: str) -> Event:
    """Typed text on a platform without a command menu: a command with, without or instead of its slash."""
    return command_in_words(raw) or command_or_text(raw)
