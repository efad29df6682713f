"""Texts of the follow-up feature (filing, check-ins, escalation, time zone) in both languages: the
table is services/followup/texts.yaml; the dates they show are written here."""
from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from typing import Any

from engine.i18n import load_texts, render

FOLLOWUP_TEXTS = load_texts(Path(__file__).with_name("texts.yaml"))


def ft(key: str, lang: str, **values: Any) -> str:
    """A follow-up text in `lang`."""
    return render(FOLLOWUP_TEXTS, key, lang, **values)

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = {"zh": "一二三四五六日", "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}


def fmt_date(moment: datetime, tz: tzinfo, lang: str) -> str:
    """A date the way people write it: 2026年11月27日 / 27 Nov 2026."""
    local = moment.astimezone(tz)
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日"
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"


def fmt_when(moment: datetime, tz: tzinfo, lang: str) -> str:
    """A date with weekday and time: 2026年12月14日（周一）10:30 / Mon 14 Dec 2026, 10:30."""
    local = moment.astimezone(tz)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if lang == "zh":
        return f"{fmt_date(local, tz, lang)}（周{WEEKDAYS['zh'][local.weekday()]}）{clock}"
    return f"{WEEKDAYS['en'][local.weekday()]} {fmt_date(local, tz, lang)}, {clock}"
