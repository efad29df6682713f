"""Calling rules: which rules the case facts suggest *may* have been broken (never a verdict), and /rules text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Callable

import holidays

from knowledge.catalog import Catalog, Jurisdiction, Rule
from knowledge.citations import letter_url, shown_sources
from knowledge.facts import Facts, answer, clock_known, parse_when, said_yes

CALL_ISSUES = frozenset({"robocall"})
SMS_ISSUES = frozenset({"spam_sms"})
# Unwanted contact the opt-out rules are about; fraud is a crime whatever was said before, and rude
# service is not marketing.
OPT_OUT_ISSUES = frozenset({"robocall", "spam_sms", "data_leak", "other"})


@dataclass(frozen=True)
class Breach:
    rule_id: str
    text: dict[str, str]
    source: str | None  # an official URL only; without one the letter cites the law by name and article
    unverified: bool = False


def possible_breaches(catalog: Catalog, facts: Facts, jurisdiction: str) -> list[Breach]:
    """Rules of the jurisdiction whose triggers match the facts, in catalogue order, each with its official URL."""
    jur = catalog.jurisdiction(jurisdiction)
    found: list[Breach] = []
    for rule in jur.rules:
        if rule.breach is None or not any(TRIGGERS[t](rule, facts, jur) for t in rule.triggers):
            continue
        text = rule.breach.as_dict()
        if rule.unverified:
            marker = catalog.texts.to_be_confirmed
            text = {"zh": f"{text['zh']}（{marker.zh}）", "en": f"{text['en']} ({marker.en})"}
        found.append(Breach(rule.id, text, letter_url(catalog, rule.sources), rule.unverified))
    return found


def rules_text(catalog: Catalog, jurisdiction: str, lang: str) -> str:
    """Plain-words summary of the jurisdiction's rules for a /rules command, with sources (never weak ones) and caveats."""
    jur = catalog.jurisdiction(jurisdiction)
    texts = catalog.texts
    lines = [texts.rules_heading.get(lang).format(jurisdiction=jur.name.get(lang)), ""]
    for number, rule in enumerate(jur.rules, start=1):
        title = rule.title.get(lang)
        if rule.unverified:
            title += f"（{texts.to_be_confirmed.zh}）" if lang == "zh" else f" ({texts.to_be_confirmed.en})"
        lines.append(f"{number}. {title}")
        lines.append(rule.text.get(lang))
        for source in shown_sources(catalog, rule.sources):
            checked = f"{texts.checked.get(lang)} {source.checked.isoformat()}"
            if source.reliability == "secondary":
                checked = f"{texts.secondary_source.get(lang)}, {checked}" if lang == "en" else f"{texts.secondary_source.zh}，{checked}"
            if lang == "zh":
                lines.append(f"{texts.source.zh}：{source.url}（{checked}）")
            else:
                lines.append(f"{texts.source.en}: {source.url} ({checked})")
        lines.append("")
    lines.append(texts.not_legal_advice.get(lang))
    return "\n".join(lines)


# ---- triggers: one function per fact pattern named in channels.yaml ----

def _issue(facts: Facts) -> str | None:
    return answer(facts, "issue_type")


def _last_contact(facts: Facts, tz: tzinfo) -> datetime | None:
    return parse_when(answer(facts, "last_contact_at"), tz)


def _contacted_after_opt_out(rule: Rule, facts: Facts, jur: Jurisdiction, issues: frozenset[str]) -> bool:
    """They asked to stop and contact went on: when the person says so, or when both dates are known and the
    latest contact came after every moment the opt-out may have been (issue 10: no rule on an assumed fact).

    A rule with `grace_business_days` (the US: a request is honoured within 10 business days) counts only
    contact after that window, so it needs both dates.
    """
    if _issue(facts) not in issues or not said_yes(facts, "opted_out"):
        return False
    said = answer(facts, "contact_after_opt_out")
    if said == "no":
        return False
    opted_out = parse_when(answer(facts, "opted_out_at"), jur.tz, latest=True)
    contact = _last_contact(facts, jur.tz)
    grace = rule.params.get("grace_business_days", 0)
    if opted_out is None or contact is None:
        return said == "yes" and not grace
    if grace:
        return contact.astimezone(jur.tz).date() > _business_days_after(opted_out.astimezone(jur.tz).date(), grace, jur)
    if said == "yes":
        return True
    return contact > opted_out


def _business_days_after(start: date, count: int, jur: Jurisdiction) -> date:
    """The last day of `count` business days after `start`: weekends and the country's public holidays skipped."""
    closed = holidays.country_holidays("GB" if jur.code == "UK" else jur.code, years=range(start.year, start.year + 2))
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            count -= 1
    return day


def _contact_after_opt_out(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    return _contacted_after_opt_out(rule, facts, jur, OPT_OUT_ISSUES)


def _call_after_opt_out(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    return _contacted_after_opt_out(rule, facts, jur, CALL_ISSUES)


def _sms_after_opt_out(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    return _contacted_after_opt_out(rule, facts, jur, SMS_ISSUES)


def _no_consent_call(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    return _issue(facts) in CALL_ISSUES and answer(facts, "relationship") == "never"


def _no_consent_sms(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    return _issue(facts) in SMS_ISSUES and answer(facts, "relationship") == "never"


def _local_time_of_contact(facts: Facts, jur: Jurisdiction) -> time | None:
    """Wall-clock time of the latest contact where the person was: the offset they gave, else the zone's;
    None when only a day was given, which says nothing about the hour."""
    if not clock_known(answer(facts, "last_contact_at")):
        return None
    contact = _last_contact(facts, jur.tz)
    return None if contact is None else contact.timetz().replace(tzinfo=None)


def _outside_hours(rule: Rule, moment: time) -> bool:
    """Before start_hour or after end_hour (end_hour:00 itself is still allowed, as in "after 9 p.m.")."""
    start, end = time(rule.params["start_hour"]), time(rule.params["end_hour"])
    return moment < start or moment > end


def _outside_calling_hours(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    """Telephone solicitations only: a call the person invited or permitted, or from a company they deal
    with, is not one unless they had asked it to stop."""
    if _issue(facts) not in CALL_ISSUES or _invited_or_customer(facts):
        return False
    moment = _local_time_of_contact(facts, jur)
    return moment is not None and _outside_hours(rule, moment)


def _invited_or_customer(facts: Facts) -> bool:
    return answer(facts, "relationship") in ("customer", "consented") and not said_yes(facts, "opted_out")


def _quiet_hours_keyword(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    """A sector rule on hours: only when the company or what was said names the sector."""
    if _issue(facts) not in CALL_ISSUES:
        return False
    about = f"{answer(facts, 'company') or ''} {answer(facts, 'content') or ''}".casefold()
    if not any(word.casefold() in about for word in rule.keywords):
        return False
    contact = _last_contact(facts, jur.tz)
    if contact is None or not clock_known(answer(facts, "last_contact_at")):
        return False
    return _outside_hours(rule, contact.astimezone(jur.tz).time())


def _registered_long_enough(rule: Rule, facts: Facts, jur: Jurisdiction, prefix: str) -> bool:
    if not said_yes(facts, f"{prefix}_registered"):
        return False
    registered = parse_when(answer(facts, f"{prefix}_registered_at"), jur.tz, latest=True)
    contact = _last_contact(facts, jur.tz)
    if registered is None or contact is None:
        return False
    return contact - registered >= timedelta(days=rule.params["days"])


def _dnc_registered_long_enough(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    """Sales calls to a number on the registry; an existing customer is an exception until they opt out."""
    if _issue(facts) not in CALL_ISSUES:
        return False
    if answer(facts, "relationship") in ("customer", "consented") and not said_yes(facts, "opted_out"):
        return False
    return _registered_long_enough(rule, facts, jur, "dnc")


def _dnc_texts_registered_long_enough(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    """Marketing texts to a number on the registry, counted only from the day the rule took effect."""
    if _issue(facts) not in SMS_ISSUES:
        return False
    if answer(facts, "relationship") in ("customer", "consented") and not said_yes(facts, "opted_out"):
        return False
    contact = _last_contact(facts, jur.tz)
    in_force = rule.params["in_force"]
    start = date(in_force // 10000, in_force // 100 % 100, in_force % 100)
    if contact is None or contact.astimezone(jur.tz).date() < start:
        return False
    return _registered_long_enough(rule, facts, jur, "dnc")


def _tps_registered_long_enough(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    """TPS covers live calls only, and not callers the person told they do not object."""
    if _issue(facts) not in CALL_ISSUES or answer(facts, "voice_kind") == "robot":
        return False
    if answer(facts, "relationship") == "consented":
        return False
    return _registered_long_enough(rule, facts, jur, "tps")


def _robot_without_consent(rule: Rule, facts: Facts, jur: Jurisdiction) -> bool:
    """Only when the person said they never agreed: "not sure" or a skipped answer is no known absence of consent."""
    return (
        _issue(facts) in CALL_ISSUES
        and answer(facts, "voice_kind") in ("robot", "both")
        and answer(facts, "relationship") == "never"
    )


TRIGGERS: dict[str, Callable[[Rule, Facts, Jurisdiction], bool]] = {
    "contact_after_opt_out": _contact_after_opt_out,
    "call_after_opt_out": _call_after_opt_out,
    "sms_after_opt_out": _sms_after_opt_out,
    "no_consent_call": _no_consent_call,
    "no_consent_sms": _no_consent_sms,
    "outside_calling_hours": _outside_calling_hours,
    "quiet_hours_keyword": _quiet_hours_keyword,
    "dnc_registered_long_enough": _dnc_registered_long_enough,
    "dnc_texts_registered_long_enough": _dnc_texts_registered_long_enough,
    "tps_registered_long_enough": _tps_registered_long_enough,
    "robot_without_consent": _robot_without_consent,
}
