"""Jurisdiction facts the engine needs: the phone-number region, the time zone and the order of day and month."""
from __future__ import annotations

from typing import Any, Literal

import phonenumbers
from phonenumbers import timezone as phone_timezones

PHONE_REGION = {"CN": "CN", "US": "US", "UK": "GB"}
TIMEZONE = {"CN": "Asia/Shanghai", "US": "America/New_York", "UK": "Europe/London"}
# "11/20" and "11.20" are 20 November in China and the US, "20/11" in the UK (issue 10).
DATE_ORDER: dict[str, Literal["MDY", "DMY"]] = {"CN": "MDY", "US": "MDY", "UK": "DMY"}
DEFAULT_BY_LANG = {"zh": "CN", "en": "US"}
# Zones that lie in each jurisdiction: a /timezone elsewhere says where the person is now, not where the call
# came in, so it is not used for the call's time.
_ZONE_PREFIXES = {
    "CN": ("Asia/Shanghai", "Asia/Urumqi", "Asia/Chongqing", "Asia/Harbin", "PRC"),
    "US": ("America/", "US/", "Pacific/Honolulu"),
    "UK": ("Europe/London", "GB"),
}


def jurisdiction_of(answers: dict[str, Any], source: str | None, lang: str) -> str:
    """The jurisdiction answered at step `source`, else the one the language suggests."""
    value = answers.get(source) if source else None
    if isinstance(value, str) and value in PHONE_REGION:
        return value
    return DEFAULT_BY_LANG.get(lang, "CN")


def zone_of_call(jurisdiction: str, answers: dict[str, Any], person_zone: str | None) -> str:
    """The called person's time zone: their /timezone when it lies in the jurisdiction, else (US) the zone of
    the called number's area code where phonenumbers knows a single one, else the jurisdiction's."""
    if person_zone and person_zone.startswith(_ZONE_PREFIXES.get(jurisdiction, ())):
        return person_zone
    if jurisdiction == "US":
        zone = _area_code_zone(answers.get("called_number"))
        if zone is not None:
            return zone
    return TIMEZONE[jurisdiction]


def zone_is_certain(jurisdiction: str, answers: dict[str, Any], person_zone: str | None) -> bool:
    """Whether the zone of the call is known rather than the jurisdiction's default guessed for a country
    spanning several zones; when it is not, the echo of a time names the zone it was read in."""
    if jurisdiction != "US":
        return True
    if person_zone and person_zone.startswith(_ZONE_PREFIXES["US"]):
        return True
    return _area_code_zone(answers.get("called_number")) is not None


def _area_code_zone(called: Any) -> str | None:
    phones = called if isinstance(called, list) else [called]
    for phone in phones:
        number = phone.get("number") if isinstance(phone, dict) else phone
        if not isinstance(number, str) or not number.startswith("+1"):
            continue
        try:
            zones = phone_timezones.time_zones_for_number(phonenumbers.parse(number))
        except phonenumbers.NumberParseException:
            continue
        if len(zones) == 1 and zones[0].startswith(_ZONE_PREFIXES["US"]):
            return zones[0]
    return None
