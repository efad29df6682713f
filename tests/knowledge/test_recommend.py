"""Channel recommendation: the first channel and the key channels for each issue type and jurisdiction."""

from __future__ import annotations

import pytest

from knowledge.recommend import escalation_next, recommend

ISSUE_TABLE = [
    # (jurisdiction, issue_type, first, must include, must not include)
    ("CN", "robocall", "cn_12321", {"cn_operator"}, {"cn_police", "cn_12300"}),
    ("CN", "spam_sms", "cn_12321", {"cn_operator"}, {"cn_police", "cn_12300"}),
    ("CN", "data_leak", "cn_12321", set(), {"cn_police", "cn_12300"}),
    ("CN", "fraud", "cn_police", {"cn_12321"}, {"cn_12300", "cn_company"}),
    ("CN", "rude_service", "cn_company", {"cn_12315"}, {"cn_police", "cn_12300"}),
    ("CN", "other", "cn_12321", {"cn_operator"}, {"cn_police"}),
    ("US", "robocall", "us_ftc_dnc", {"us_fcc"}, {"us_police", "us_ftc_reportfraud"}),
    ("US", "spam_sms", "us_carrier_7726", {"us_fcc", "us_ftc_dnc"}, {"us_police"}),
    ("US", "data_leak", "us_ftc_dnc", {"us_fcc"}, {"us_police"}),
    ("US", "fraud", "us_police", {"us_ftc_reportfraud"}, {"us_ftc_dnc"}),
    ("US", "rude_service", "us_company", set(), {"us_police"}),
    ("US", "other", "us_ftc_dnc", {"us_fcc"}, {"us_police"}),
    ("UK", "robocall", "uk_ico", {"uk_tps", "uk_ofcom"}, {"uk_report_fraud"}),
    ("UK", "spam_sms", "uk_7726", {"uk_ico"}, {"uk_tps", "uk_report_fraud"}),
    ("UK", "data_leak", "uk_ico", set(), {"uk_report_fraud", "uk_tps"}),
    ("UK", "fraud", "uk_report_fraud", set(), {"uk_tps", "uk_ico"}),
    ("UK", "rude_service", "uk_company", {"uk_ombudsman"}, {"uk_report_fraud"}),
    ("UK", "other", "uk_ico", {"uk_tps"}, {"uk_report_fraud"}),
]


def ids(recommendations) -> list[str]:
    return [r.channel_id for r in recommendations]


@pytest.mark.parametrize(("jurisdiction", "issue", "first", "present", "absent"), ISSUE_TABLE)
def test_recommendation_per_issue_and_jurisdiction(catalog, jurisdiction, issue, first, present, absent):
    result = recommend(catalog, {"jurisdiction": jurisdiction, "issue_type": issue}, jurisdiction)
    assert ids(result)[0] == first
    assert present <= set(ids(result))
    assert not absent & set(ids(result))
    assert [r.first for r in result] == [True] + [False] * (len(result) - 1)
    for r in result:
        assert catalog.channel(r.channel_id).jurisdiction == jurisdiction
        assert r.why["zh"].strip() and r.why["en"].strip()


FRAUD_SIGNS = [
    {"money_lost": "yes", "amount_lost": 3000},
    {"codes_shared": "yes"},
    {"impersonation": "bank"},
    {"impersonation": "police"},
]


@pytest.mark.parametrize("signs", FRAUD_SIGNS)
@pytest.mark.parametrize(
    ("jurisdiction", "police"), [("CN", "cn_police"), ("US", "us_police"), ("UK", "uk_report_fraud")]
)
def test_fraud_signs_put_the_police_first_whatever_the_issue_type(catalog, signs, jurisdiction, police):
    facts = {"issue_type": "robocall", "impersonation": "none", **signs}
    assert ids(recommend(catalog, facts, jurisdiction))[0] == police


def test_cn_money_lost_says_call_110_now(catalog):
    first = recommend(catalog, {"issue_type": "fraud", "money_lost": "yes"}, "CN")[0]
    assert "110" in first.why["zh"] and "110" in first.why["en"]
    attempt = recommend(catalog, {"issue_type": "fraud", "money_lost": "no", "codes_shared": "no"}, "CN")[0]
    assert "96110" in attempt.why["en"]


def test_us_fraud_also_points_to_reportfraud(catalog):
    assert ids(recommend(catalog, {"issue_type": "fraud"}, "US"))[:2] == ["us_police", "us_ftc_reportfraud"]


def test_uk_bank_impersonation_adds_159(catalog):
    assert "uk_159" in ids(recommend(catalog, {"issue_type": "fraud", "impersonation": "bank"}, "UK"))
    assert "uk_159" not in ids(recommend(catalog, {"issue_type": "fraud", "impersonation": "platform"}, "UK"))


@pytest.mark.parametrize(
    "facts",
    [
        {"issue_type": "data_leak", "company": "中国移动", "own_operator": "china_mobile"},
        {"issue_type": "spam_sms", "company": "China Mobile marketing", "own_operator": "china_mobile"},
        {"issue_type": "rude_service", "own_operator": "china_unicom"},
        {"issue_type": "robocall", "company": "中国电信", "own_operator": "unknown"},
    ],
)
def test_operator_at_fault_goes_to_the_operator_then_12300(catalog, facts):
    result = recommend(catalog, facts, "CN")
    assert ids(result)[:2] == ["cn_operator", "cn_12300"]
    assert "12300" in result[0].why["zh"]


def test_a_company_whose_name_merely_contains_an_operator_word_is_not_the_operator(catalog):
    facts = {"issue_type": "robocall", "company": "移动互联网科技公司", "own_operator": "china_mobile"}
    assert "cn_12300" not in ids(recommend(catalog, facts, "CN"))


def test_another_operator_calling_is_not_the_persons_operator(catalog):
    facts = {"issue_type": "robocall", "company": "中国联通", "own_operator": "china_mobile", "relationship": "never"}
    assert ids(recommend(catalog, facts, "CN"))[0] == "cn_12321"


def test_identifiable_company_adds_12315(catalog):
    with_company = recommend(catalog, {"issue_type": "robocall", "company": "某某装修", "relationship": "never"}, "CN")
    assert ids(with_company)[0] == "cn_12321"
    assert "cn_12315" in ids(with_company)
    assert "cn_12315" not in ids(recommend(catalog, {"issue_type": "robocall"}, "CN"))


def test_a_customer_who_has_not_opted_out_is_told_to_tell_the_company_first(catalog):
    facts = {"issue_type": "robocall", "company": "某银行", "relationship": "customer", "opted_out": "no"}
    assert ids(recommend(catalog, facts, "CN"))[:2] == ["cn_company", "cn_12315"]
    assert ids(recommend(catalog, facts, "US"))[0] == "us_company"
    assert ids(recommend(catalog, {**facts, "opted_out": "yes"}, "CN"))[0] == "cn_12321"


def test_uk_robot_calls_go_to_the_ico_not_the_tps(catalog):
    result = ids(recommend(catalog, {"issue_type": "robocall", "voice_kind": "robot"}, "UK"))
    assert result[0] == "uk_ico" and "uk_tps" not in result


def test_uk_live_calls_after_28_days_on_tps_go_to_the_tps_first(catalog):
    facts = {
        "issue_type": "robocall",
        "voice_kind": "live",
        "tps_registered": "yes",
        "tps_registered_at": "2026-09-01T10:00:00+01:00",
        "last_contact_at": "2026-11-20T10:00:00+00:00",
    }
    assert ids(recommend(catalog, facts, "UK"))[0] == "uk_tps"
    too_soon = {**facts, "tps_registered_at": "2026-11-10T10:00:00+00:00"}
    assert ids(recommend(catalog, too_soon, "UK"))[0] == "uk_ico"


def test_us_dnc_reason_follows_registration(catalog):
    registered = recommend(catalog, {"issue_type": "robocall", "voice_kind": "live", "dnc_registered": "yes"}, "US")[0]
    unregistered = recommend(catalog, {"issue_type": "robocall", "voice_kind": "live", "dnc_registered": "no"}, "US")[0]
    assert registered.why != unregistered.why
    assert "Register" in unregistered.why["en"]


def test_unknown_jurisdiction_is_an_error(catalog):
    with pytest.raises(KeyError):
        recommend(catalog, {"issue_type": "robocall"}, "FR")


@pytest.mark.parametrize(
    ("channel_id", "issue", "expected"),
    [
        ("cn_operator", "robocall", ["cn_12300", "cn_12321"]),
        ("cn_operator", "rude_service", ["cn_12300"]),
        ("cn_12321", "spam_sms", ["cn_operator", "cn_12315"]),
        ("cn_company", "robocall", ["cn_12321", "cn_12315"]),
        ("cn_company", "spam_sms", ["cn_12321", "cn_12315"]),
        ("cn_company", "rude_service", ["cn_12315"]),
        ("cn_12300", "robocall", []),
        ("us_ftc_dnc", "robocall", ["us_fcc"]),
        ("us_fcc", "robocall", ["us_state_ag"]),
        ("uk_tps", "robocall", ["uk_ico"]),
        ("uk_company", "rude_service", ["uk_ombudsman"]),
        ("uk_company", "data_leak", ["uk_ico"]),
    ],
)
def test_escalation_follows_the_ladder(catalog, channel_id, issue, expected):
    result = escalation_next(catalog, channel_id, {"issue_type": issue})
    assert ids(result) == expected
    if "cn_12321" in expected:
        why = next(r.why for r in result if r.channel_id == "cn_12321")
        assert "之前的投诉" in why["zh"] and "earlier complaint" in why["en"], "12321's escalation reason"
    if result:
        assert result[0].first
        assert all(r.why["zh"] and r.why["en"] for r in result)


def test_escalation_from_the_operator_cites_the_15_days(catalog):
    step = escalation_next(catalog, "cn_operator", {"issue_type": "data_leak"})[0]
    assert "15" in step.why["zh"] and "15" in step.why["en"]


def test_unverified_channels_say_so_in_the_reason(catalog):
    assoc = next(r for r in recommend(catalog, {"issue_type": "rude_service"}, "CN") if r.channel_id == "cn_consumer_assoc")
    assert catalog.texts.to_be_confirmed.en in assoc.why["en"]
    assert catalog.texts.to_be_confirmed.zh in assoc.why["zh"]
    bank = next(r for r in recommend(catalog, {"issue_type": "fraud", "impersonation": "bank"}, "UK") if r.channel_id == "uk_159")
    assert catalog.texts.to_be_confirmed.en not in bank.why["en"]
    police = recommend(catalog, {"issue_type": "fraud"}, "CN")[0]
    assert catalog.texts.to_be_confirmed.en not in police.why["en"]
