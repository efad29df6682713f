"""The countries the engine knows, as data handed to it: each one's phone region, time zone and date order.

Nothing here names a country: the application builds `Regions` from the channels.yaml jurisdictions
(knowledge/regions.py), so a new country is a YAML entry, not an edit of the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


@dataclass(frozen=True)
class Region:
    code: str
    phone_region: str
    timezone: str
    date_order: str = "DMY"


@dataclass(frozen=True)
class Regions:
    """Regions by jurisdiction code, and which one a language suggests before the person has said."""

    by_code: Mapping[str, Region] = field(default_factory=dict)
    default_by_lang: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, regions: Iterable[Region], default_by_lang: Mapping[str, str]) -> Regions:
        return cls({r.code: r for r in regions}, dict(default_by_lang))

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def for_answers(self, answers: dict[str, Any], source: str | None, lang: str) -> Region | None:
        """The region answered at step `source`, else the one the language suggests, else the first known."""
        value = answers.get(source) if source else None
        if isinstance(value, str) and value in self.by_code:
            return self.by_code[value]
        code = self.default_by_lang.get(lang)
        if code is not None and code in self.by_code:
            return self.by_code[code]
        return next(iter(self.by_code.values()), None)


# Phone numbers then need a country code, and times are read as UTC.
NO_REGION = Region("", "ZZ", "UTC")
