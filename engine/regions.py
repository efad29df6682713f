"""Jurisdiction facts the engine needs: the phone-number region and the default time zone."""
from __future__ import annotations

from typing import Any

PHONE_REGION = {"CN": "CN", "US": "US", "UK": "GB"}
TIMEZONE = {"CN": "Asia/Shanghai", "US": "America/New_York", "UK": "Europe/London"}
DEFAULT_BY_LANG = {"zh": "CN", "en": "US"}


def jurisdiction_of(answers: dict[str, Any], source: str | None, lang: str) -> str:
    """The jurisdiction answered at step `source`, else the one the language suggests."""
    value = answers.get(source) if source else None
    if isinstance(value, str) and value in PHONE_REGION:
        return value
    return DEFAULT_BY_LANG.get(lang, "CN")
