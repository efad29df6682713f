"""Texts of the application layer (case lists, deletion, drafts) in both languages: the table is
services/texts.yaml; a case event is put into words here."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping

from engine.i18n import load_texts, render

SERVICE_TEXTS = load_texts(Path(__file__).with_name("texts.yaml"))


def st(key: str, lang: str, **values: Any) -> str:
    """A service text in `lang`; unknown status or kind keys fall back to the raw value."""
    if key not in SERVICE_TEXTS:
        return key.split(".", 1)[-1]
    return render(SERVICE_TEXTS, key, lang, **values)


def event_text(kind: str, data: Mapping[str, Any], lang: str, channel_name: Callable[[str], str]) -> str:
    """A case event as one readable phrase: its kind in words, with the channel or reference it names."""
    key = f"event.{kind}"
    if key not in SERVICE_TEXTS:
        return kind
    channel = data.get("channel") or data.get("to")
    values = {
        "channel": channel_name(str(channel)) if channel else "—",
        "reference": data.get("reference") or "—",
        "days": data.get("days") or "?",
    }
    text = render(SERVICE_TEXTS, key, lang, **values)
    via = data.get("via")
    if via and f"via.{via}" in SERVICE_TEXTS:
        text += " · " + render(SERVICE_TEXTS, f"via.{via}", lang)
    return text
