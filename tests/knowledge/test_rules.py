"""Possible breaches: each trigger fires on its facts and stays silent without them; /rules text."""

from __future__ import annotations

from typing import get_args

import pytest

from knowledge.catalog import TRIGGER_PARAMS, Trigger
from knowledge.rules import TRIGGERS, possible_breaches, rules_text


def breach_ids(catalog, facts, jurisdiction) -> set[str]:
    return {b.rule_id for b in possible_breaches(catalog, facts, jurisdiction)}


def test_every_trigger_name_has_an_implementation():
    assert set(TRIGGERS) == set(get_args(Trigger))
    assert set(TRIGGER_PARAMS) <= set(TRIGGERS)


CN_CUSTOMER_CALL = {"issue_type": "robocall", "relationship": "customer", "last_contact_at": "2026-11-26T15:00:00+08:00"}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"opted_out": "yes", "opted_out_at": "2026-11-20T10:00:00+08:00"}, True),
        # Neither a date nor the person's word that contact went on: not assumed (issue 10).
        ({"opted_out": "yes"}, False),
        ({"opted_out": "yes", "contact_after_opt_out": "yes"}, True),
        ({"opted_out": "yes", "contact_after_opt_out": "no", "opted_out_at": "2026-11-20T10:00:00+08:00"}, False),
        ({"opted_out": "yes", "opted_out_at": "2026-11-26T16:00:00+08:00"}, False),
        ({"opted_out": "yes", "opted_out_at": "2026-11-20"}, True),
        ({"opted_out": "yes", "opted_out_at": "2026-11-26"}, False),  # the same day: not certainly before
        ({"opted_out": "no"}, False),
        ({}, False),
    ],
)
def test_contact_after_opt_out(catalog, extra, expected):
    assert ("cn_consumer_consent" in breach_ids(catalog, {**CN_CUSTOMER_CALL, **extra}, "CN")) is expected


def test_opt_out_rules_follow_the_medium(catalog):
    went_on = {"opted_out": "yes", "contact_after_opt_out": "yes"}
    call = breach_ids(catalog, {**CN_CUSTOMER_CALL, **went_on}, "CN")
    sms = breach_ids(catalog, {**CN_CUSTOMER_CALL, "issue_type": "spam_sms", **went_on}, "CN")
    assert "cn_sms_rules_order31" not in call and "cn_sms_rules_order31" in sms
    assert "cn_online_trade_refusal" in sms
    us_call = breach_ids(catalog, {**CN_CUSTOMER_CALL, "opted_out": "yes", "opted_out_at": "2026-11-02"}, "US")
    assert "us_company_do_not_call" in us_call


US_CUSTOMER_CALL = {"issue_type": "robocall", "relationship": "customer", "opted_out": "yes"}


@pytest.mark.parametrize(
    ("opted_out_at", "last_contact_at", "expected"),
    [
        # Friday 13 Nov: the 10th business day is Monday 30 Nov (Thanksgiving, 26 Nov, is not one).
        ("2026-11-13", "2026-11-30T10:00:00-05:00", False),
        ("2026-11-13", "2026-12-01T10:00:00-05:00", True),
        ("2026-11-20", "2026-11-25T10:00:00-05:00", False),
        (None, "2026-11-30T10:00:00-05:00", False),  # no date for the request: the window cannot be counted
        ("2026-11-13", None, False),
    ],
)
def test_us_company_do_not_call_allows_ten_business_days(catalog, opted_out_at, last_contact_at, expected):
    facts = {**US_CUSTOMER_CALL, "opted_out_at": opted_out_at, "last_contact_at": last_contact_at}
    assert ("us_company_do_not_call" in breach_ids(catalog, facts, "US")) is expected


@pytest.mark.parametrize(
    ("relationship", "opted_out", "expected"),
    [("never", "no", True), ("unsure", "no", True), ("customer", "no", False), ("consented", "no", False),
     ("customer", "yes", True)],
)
def test_us_calling_hours_do_not_apply_to_invited_calls_or_customers(catalog, relationship, opted_out, expected):
    facts = {"issue_type": "robocall", "relationship": relationship, "opted_out": opted_out,
             "last_contact_at": "2026-11-20T22:30:00-05:00"}
    assert ("us_calling_hours" in breach_ids(catalog, facts, "US")) is expected


def test_fraud_is_not_read_as_an_opt_out_breach(catalog):
    facts = {"issue_type": "fraud", "opted_out": "yes", "relationship": "never"}
    assert breach_ids(catalog, facts, "CN") == set()


def test_commercial_contact_without_consent(catalog):
    sms = breach_ids(catalog, {"issue_type": "spam_sms", "relationship": "never"}, "CN")
    assert {"cn_consumer_consent", "cn_sms_rules_order31", "cn_ad_law_43"} <= sms
    assert "cn_call_centre_notice" not in sms
    call = breach_ids(catalog, {"issue_type": "robocall", "relationship": "never"}, "CN")
    assert {"cn_consumer_consent", "cn_call_centre_notice"} <= call
    assert "cn_ad_law_43" not in call
    for relationship in ("customer", "consented", "unsure"):
        assert breach_ids(catalog, {"issue_type": "spam_sms", "relationship": relationship}, "CN") == set()


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("2026-11-26T21:30:00-08:00", True),
        ("2026-11-26T21:00:00-05:00", False),
        ("2026-11-26T20:59:00-05:00", False),
        ("2026-11-26T07:59:00-06:00", True),
        ("2026-11-26T08:00:00-06:00", False),
        ("2026-11-26T22:00:00", True),  # no offset: read in the jurisdiction's default zone
    ],
)
def test_us_calling_hours_use_the_local_time_of_the_call(catalog, when, expected):
    facts = {"issue_type": "robocall", "relationship": "never", "last_contact_at": when}
    assert ("us_calling_hours" in breach_ids(catalog, facts, "US")) is expected


def test_a_day_without_a_time_names_no_calling_hours_rule(catalog):
    # "last Tuesday" / "上周五" are stored as a day; read at midnight they would "break" the hours rules.
    us = {"issue_type": "robocall", "relationship": "never", "last_contact_at": "2026-11-24"}
    assert "us_calling_hours" not in breach_ids(catalog, us, "US")
    assert "us_calling_hours" in breach_ids(catalog, {**us, "last_contact_at": "2026-11-24T23:30:00-05:00"}, "US")
    cn = {"issue_type": "robocall", "company": "某某人寿保险", "last_contact_at": "2026-11-20"}
    assert "cn_life_insurance_hours" not in breach_ids(catalog, cn, "CN")
    assert "cn_life_insurance_hours" in breach_ids(catalog, {**cn, "last_contact_at": "2026-11-20T22:00:00+08:00"}, "CN")


def test_us_calling_hours_need_a_call(catalog):
    facts = {"issue_type": "spam_sms", "last_contact_at": "2026-11-26T23:30:00-05:00"}
    assert "us_calling_hours" not in breach_ids(catalog, facts, "US")
    assert "us_calling_hours" not in breach_ids(catalog, {"issue_type": "robocall"}, "US")


DNC_CALL = {
    "issue_type": "robocall",
    "voice_kind": "live",
    "relationship": "never",
    "dnc_registered": "yes",
    "last_contact_at": "2026-11-26T12:00:00-05:00",
}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"dnc_registered_at": "2026-10-01T12:00:00-04:00"}, True),
        ({"dnc_registered_at": "2026-10-26T12:00:00-04:00"}, True),  # 31 days and an hour
        ({"dnc_registered_at": "2026-11-10T12:00:00-05:00"}, False),
        ({"dnc_registered_at": "2025"}, True),  # any day of 2025 is more than 31 days before the call
        ({"dnc_registered_at": "2026-09"}, True),
        ({"dnc_registered_at": "2026-10"}, False),  # 31 October would be too recent: not certain
        ({}, False),
        ({"dnc_registered": "no", "dnc_registered_at": "2026-01-01T12:00:00-05:00"}, False),
        ({"dnc_registered_at": "2026-01-01T12:00:00-05:00", "relationship": "customer"}, False),
        ({"dnc_registered_at": "2026-01-01T12:00:00-05:00", "relationship": "customer", "opted_out": "yes"}, True),
    ],
)
def test_do_not_call_registry_31_days(catalog, extra, expected):
    assert ("us_do_not_call" in breach_ids(catalog, {**DNC_CALL, **extra}, "US")) is expected


TPS_CALL = {
    "issue_type": "robocall",
    "voice_kind": "live",
    "relationship": "never",
    "tps_registered": "yes",
    "last_contact_at": "2026-11-26T12:00:00+00:00",
}


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"tps_registered_at": "2026-10-01T12:00:00+01:00"}, True),
        ({"tps_registered_at": "2026-11-10T12:00:00+00:00"}, False),
        ({}, False),
        ({"tps_registered_at": "2026-10-01T12:00:00+01:00", "voice_kind": "robot"}, False),
        ({"tps_registered_at": "2026-10-01T12:00:00+01:00", "relationship": "consented"}, False),
    ],
)
def test_tps_28_days(catalog, extra, expected):
    assert ("uk_tps_live_calls" in breach_ids(catalog, {**TPS_CALL, **extra}, "UK")) is expected


@pytest.mark.parametrize(
    ("voice", "relationship", "expected"),
    [
        ("robot", "never", True),
        # Consent is named as missing only when the person said they never agreed (issue 10).
        ("both", "customer", False),
        ("robot", "unsure", False),
        ("robot", "consented", False),
        ("live", "never", False),
        ("unknown", "never", False),
    ],
)
def test_robot_calls_without_consent(catalog, voice, relationship, expected):
    facts = {"issue_type": "robocall", "voice_kind": voice, "relationship": relationship}
    assert ("us_prerecorded_consent" in breach_ids(catalog, facts, "US")) is expected
    assert ("uk_automated_calls_consent" in breach_ids(catalog, facts, "UK")) is expected


@pytest.mark.parametrize(
    ("company", "when", "expected"),
    [
        ("某某人寿保险", "2026-11-26T22:00:00+08:00", True),
        ("某某人寿保险", "2026-11-26T14:00:00Z", True),  # 22:00 in Beijing
        ("某某人寿保险", "2026-11-26T10:00:00+08:00", False),
        ("某某装修", "2026-11-26T22:00:00+08:00", False),
    ],
)
def test_life_insurance_quiet_hours_are_flagged_as_unverified(catalog, company, when, expected):
    facts = {"issue_type": "robocall", "relationship": "customer", "company": company, "last_contact_at": when}
    found = [b for b in possible_breaches(catalog, facts, "CN") if b.rule_id == "cn_life_insurance_hours"]
    assert bool(found) is expected
    if found:
        assert found[0].unverified
        assert "待核实" in found[0].text["zh"] and "to be confirmed" in found[0].text["en"]


def test_breaches_carry_only_an_official_url_and_hedged_wording(catalog):
    facts = {"issue_type": "robocall", "voice_kind": "robot", "relationship": "never", "opted_out": "yes"}
    for jurisdiction in ("CN", "US", "UK"):
        breaches = possible_breaches(catalog, facts, jurisdiction)
        assert breaches, jurisdiction
        rules = {r.id: r for r in catalog.rules_for(jurisdiction)}
        for breach in breaches:
            official = [catalog.source(s).url for s in rules[breach.rule_id].sources
                        if catalog.source(s).reliability == "official"]
            assert breach.source == (official[0] if official else None)
            assert "may" in breach.text["en"]
            assert "可能" in breach.text["zh"]


def test_a_rule_without_an_official_source_is_cited_by_name_only(catalog):
    """The call-centre notice rests on a secondary source: its breach carries no URL, its text names the notice."""
    facts = {"issue_type": "robocall", "relationship": "never"}
    breach = next(b for b in possible_breaches(catalog, facts, "CN") if b.rule_id == "cn_call_centre_notice")
    assert breach.source is None
    assert "关于加强呼叫中心业务管理的通知" in breach.text["zh"]


def test_no_facts_no_breaches(catalog):
    for jurisdiction in ("CN", "US", "UK"):
        assert possible_breaches(catalog, {}, jurisdiction) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK"])
def test_rules_text_lists_every_rule_with_its_sources(catalog, jurisdiction, lang):
    text = rules_text(catalog, jurisdiction, lang)
    marker = catalog.texts.to_be_confirmed.get(lang)
    secondary = catalog.texts.secondary_source.get(lang)
    lines = text.splitlines()
    for rule in catalog.rules_for(jurisdiction):
        title_line = next(line for line in lines if rule.title.get(lang) in line)
        assert (marker in title_line) is rule.unverified
        assert rule.text.get(lang) in text
        for source_id in rule.sources:
            source = catalog.source(source_id)
            shown = [line for line in lines if source.url in line]
            if source.reliability == "weak":
                assert not shown, source.url
            else:
                assert shown, source.url
                assert all((secondary in line) is (source.reliability == "secondary") for line in shown)
    assert catalog.texts.not_legal_advice.get(lang) in text
    assert "None" not in text


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({}, True),
        ({"relationship": "customer"}, False),
        ({"relationship": "customer", "opted_out": "yes"}, True),
        ({"dnc_registered_at": "2026-11-01"}, False),  # registered less than 31 days before the text
        ({"dnc_registered_at": None}, False),  # no registration date: the 31 days cannot be counted
        ({"last_contact_at": "2024-03-25T10:00:00-04:00", "dnc_registered_at": "2020-01-01"}, False),  # before the rule
        ({"issue_type": "robocall"}, False),  # calls have their own rule
    ],
)
def test_us_do_not_call_covers_marketing_texts_from_26_march_2024(catalog, facts, expected):
    base = {"issue_type": "spam_sms", "relationship": "never", "dnc_registered": "yes",
            "dnc_registered_at": "2025-01-01", "last_contact_at": "2026-11-20T10:00:00-05:00"}
    assert ("us_dnc_covers_texts" in breach_ids(catalog, {**base, **facts}, "US")) is expected
