"""The countries the engine knows, as data handed to it: each one's phone region, time zone and date order.

Nothing here names a country: the application builds `Regions` from the channels.yaml jurisdictions
(knowledge/regions.py), so a new country is a YAML entry, not an edit of the engine.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import phonenumbers
from phonenumbers import timezone as phone_timezones


@dataclass(frozen=True)
class Region:
    code: str
    phone_region: str
    timezone: str
    date_order: str = "DMY"
    # A country over several zones (the US): its default zone is a guess unless the call's zone is known.
    multi_timezone: bool = False
    # Its name per language ((lang, name) pairs), for saying which country a proposal assumed.
    names: tuple[tuple[str, str], ...] = ()

    def name(self, lang: str) -> str:
        return dict(self.names).get(lang, self.code)


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

    def of_phone_region(self, phone_region: str) -> Region | None:
        """The jurisdiction whose numbers carry this phone region ("GB" -> UK), if exactly one does."""
        found = [r for r in self.by_code.values() if r.phone_region == phone_region]
        return found[0] if len(found) == 1 else None

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


def zone_of_call(region: Region, answers: dict[str, Any], person_zone: str | None) -> str:
    """The called person's time zone (issue 10): their /timezone when it lies in the region, else the zone of
    the called number where phonenumbers knows a single one (a US area code), else the region's."""
    if person_zone and _in_region(person_zone, region):
        return person_zone
    return _called_number_zone(region, answers.get("called_number")) or region.timezone


def zone_is_certain(region: Region, answers: dict[str, Any], person_zone: str | None) -> bool:
    """Whether the call's zone is known rather than the default of a country spanning several zones; when it
    is not, the echo of a time names the zone it was read in."""
    if not region.multi_timezone:
        return True
    if person_zone and _in_region(person_zone, region):
        return True
    return _called_number_zone(region, answers.get("called_number")) is not None


def _in_region(zone: str, region: Region) -> bool:
    """A /timezone is taken for the call only in the region's own area of the zone database (America/ for the
    US): one elsewhere says where the person is now, not where the call came in."""
    if zone == region.timezone:
        return True
    return region.multi_timezone and zone.split("/", 1)[0] == region.timezone.split("/", 1)[0]


def _called_number_zone(region: Region, called: Any) -> str | None:
    phones = called if isinstance(called, list) else [called]
    for phone in phones:
        number = phone.get("number") if isinstance(phone, dict) else phone
        if not isinstance(number, str) or not number.startswith("+"):
            continue
        try:
            parsed = phonenumbers.parse(number)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.region_code_for_number(parsed) != region.phone_region:
            continue
        zones = phone_timezones.time_zones_for_number(parsed)
        if len(zones) == 1 and _in_region(zones[0], region):
            return zones[0]
    return None
