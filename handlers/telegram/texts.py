"""Texts only the Telegram adapter says (things Telegram can send that the engine never sees), in both
languages: the table is handlers/telegram/texts.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.i18n import load_texts, render

TELEGRAM_TEXTS = load_texts(Path(__file__).with_name("texts.yaml"))


def tt(key: str, lang: str, **values: Any) -> str:
    """An adapter text in `lang` (English fallback); a refusal's `{accepted}` says what evidence can be sent."""
    return render(TELEGRAM_TEXTS, key, lang, accepted=render(TELEGRAM_TEXTS, "accepted", lang), **values)


def unsupported_text(kind: str, lang: str) -> str:
    what = f"what.{kind}" if f"what.{kind}" in TELEGRAM_TEXTS else "what.other"
    return tt("unsupported", lang, what=tt(what, lang))
