"""Texts only the WeChat adapter says (WeChat's own message kinds, menus, held reminders), in both
languages: the table is handlers/wechat/texts.yaml."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.i18n import load_texts, render

WECHAT_TEXTS = load_texts(Path(__file__).with_name("texts.yaml"))


def wt(key: str, lang: str, **values: Any) -> str:
    """An adapter text in `lang` (English fallback)."""
    return render(WECHAT_TEXTS, key, lang, **values)


def unsupported_text(kind: str, lang: str) -> str:
    what = f"what.{kind}" if f"what.{kind}" in WECHAT_TEXTS else "what.other"
    return wt("unsupported", lang, what=wt(what, lang))
