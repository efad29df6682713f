"""The catalogue file: the shipped one is valid and sourced; broken copies are reported at the right line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.catalog import CatalogError, check_catalog_file, load_catalog

from .conftest import CHANNELS_YAML

SHIPPED = CHANNELS_YAML.read_text(encoding="utf-8")


def write_copy(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "channels.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, snippet: str, after: str | None = None, occurrence: int = 1) -> int:
    """1-based line of the n-th `snippet` (counting from the first `after`, if given)."""
    at = text.index(after) if after else 0
    for _ in range(occurrence):
        at = text.index(snippet, at) + 1
    return text[: at - 1].count("\n") + 1


def replace_once(text: str, old: str, new: str, after: str | None = None) -> str:
    start = text.index(after) if after else 0
    at = text.index(old, start)
    return text[:at] + new + text[at + len(old):]


def problems_at(problems: list[str], path: Path, line: int) -> list[str]:
    return [p for p in problems if p.startswith(f"{path}:{line}:")]


def test_shipped_catalogue_has_no_problems():
    assert check_catalog_file(CHANNELS_YAML) == []


def test_shipped_catalogue_covers_the_three_jurisdictions_with_their_time_zones(catalog):
    zones = {j.code: j.timezone for j in catalog.jurisdictions}
    assert zones == {"CN": "Asia/Shanghai", "US": "America/New_York", "UK": "Europe/London"}
    for code in zones:
        assert catalog.channels_for(code), code
        assert catalog.rules_for(code), code


def test_expected_channels_exist(catalog):
    expected = {
        "cn_operator", "cn_12321", "cn_12300", "cn_12315", "cn_police", "cn_company",
        "us_ftc_dnc", "us_fcc", "us_ftc_reportfraud", "us_police", "us_state_ag",
        "uk_tps", "uk_ico", "uk_ofcom", "uk_7726", "uk_report_fraud",
    }
    assert expected <= {c.id for c in catalog.channels}


def test_every_channel_rule_and_fact_has_a_source_url_and_checked_date(catalog):
    def check(fact, what):
        urls = catalog.source_urls(fact.sources)
        assert urls, what
        for source_id, url in zip(fact.sources, urls):
            assert re.match(r"^https?://", url), (what, url)
            assert catalog.source(source_id).checked is not None

    for channel in catalog.channels:
        check(channel, channel.id)
        for item in [*channel.how, *channel.sms_formats, *channel.prerequisites, *channel.deadlines]:
            check(item, f"{channel.id}: {item}")
    for jurisdiction in catalog.jurisdictions:
        for rule in jurisdiction.rules:
            check(rule, rule.id)


def test_unconfirmed_research_facts_ship_as_unverified(catalog):
    for deadline_id in ("cn_12321_forward", "cn_12321_company_reply", "cn_12321_user_feedback", "cn_12315_report_verify"):
        assert catalog.find_deadline(deadline_id)[1].unverified
    assert not catalog.find_deadline("cn_operator_reply")[1].unverified
    assert not catalog.find_deadline("cn_12300_accept")[1].unverified
    rules = {r.id: r for j in catalog.jurisdictions for r in j.rules}
    assert rules["cn_draft_2020_consent_calls"].unverified
    assert rules["cn_life_insurance_hours"].unverified
    assert not rules["cn_consumer_consent"].unverified
    unicom = catalog.channel("cn_operator").sms_format_for("china_unicom")
    assert unicom is not None and unicom.unverified
    # The audit found no official page for 12321's web form and SMS format, nor for the 12300 phone line.
    assert all(h.unverified for h in catalog.channel("cn_12321").how)
    assert catalog.channel("cn_12321").sms_format_for(None).unverified
    assert all(h.unverified for h in catalog.channel("cn_12300").how if h.type == "phone")


def test_audit_confirmed_facts_drop_their_flags(catalog):
    """catalogue-audit.md confirmed these against official pages: they are no longer 'to be confirmed'."""
    rules = {r.id: r for j in catalog.jurisdictions for r in j.rules}
    assert not catalog.find_deadline("cn_12315_mediation_end")[1].unverified
    assert not rules["cn_civil_code_privacy"].unverified
    assert not rules["uk_told_to_stop"].unverified and "21(1)(a)" in rules["uk_told_to_stop"].text.en
    assert not rules["uk_marketing_texts"].unverified and "22" in rules["uk_marketing_texts"].text.en
    assert not rules["uk_pecr_fines"].unverified and "5 February 2026" in rules["uk_pecr_fines"].text.en
    operator = catalog.channel("cn_operator")
    assert [h for h in operator.how if h.value == "10099" and not h.unverified]
    assert [h for h in operator.how if h.value == "KTFSR" and h.operator == "china_telecom" and not h.unverified]
    assert [h for h in catalog.channel("uk_ico").how if h.value == "0303 123 1113" and not h.unverified]
    assert [h for h in catalog.channel("uk_report_fraud").how if h.value == "101" and not h.unverified]
    assert not catalog.channel("uk_159").unverified
    assert [h for h in catalog.channel("cn_12315").how if h.type == "web" and not h.unverified]


def test_audit_corrections(catalog):
    rules = {r.id: r for j in catalog.jurisdictions for r in j.rules}
    # 12300: an unsatisfactory answer is enough; the 15 days are for an operator that did not answer.
    for text in (catalog.channel("cn_operator").summary, catalog.channel("cn_operator").reason("operator_at_fault"),
                 catalog.channel("cn_12300").reason("default")):
        assert "satisf" in text.en and "15 days" in text.en
    assert "第十条" in catalog.channel("cn_12300").summary.zh
    # US: written consent for marketing texts; the two damages provisions; texts under the DNC rules.
    assert "written consent" in rules["us_autodialed_texts"].text.en and "oral or written" not in rules["us_autodialed_texts"].text.en
    assert "§227(b)(3)" in rules["us_tcpa_damages"].text.en and "§227(c)(5)" in rules["us_tcpa_damages"].text.en
    assert "26 March 2024" in rules["us_dnc_covers_texts"].text.en
    assert "10 business days" in rules["us_consent_revocation"].text.en and "11 April 2025" in rules["us_consent_revocation"].text.en
    assert "existing business relationship" in rules["us_calling_hours"].text.en
    # UK: an attempted call counts (DUAA s.110).
    assert "section 110" in rules["uk_attempted_calls"].text.en
    # China: the missing facts.
    for rule_id in ("cn_12381_warning", "cn_antifraud_law_13", "cn_antifraud_law_30", "cn_pipl_rights_refused",
                    "cn_pipl_no_unlawful_handling", "cn_pipl_penalties", "cn_pipl_damages"):
        assert rule_id in rules


def test_the_vacated_one_to_one_consent_rule_is_never_cited_as_law(catalog):
    for jurisdiction in catalog.jurisdictions:
        for rule in jurisdiction.rules:
            if rule.id == "us_one_to_one_vacated":
                assert "vacated" in rule.text.en and rule.breach is None and not rule.triggers
                continue
            assert "one-to-one" not in (rule.text.en + (rule.breach.en if rule.breach else "")).lower()


def test_deadlines_are_data_for_reminders(catalog):
    channel, reply = catalog.find_deadline("cn_operator_reply")
    assert (channel.id, reply.days, reply.working_days, reply.escalate_to) == ("cn_operator", 15, False, ["cn_12300"])
    _, accept = catalog.find_deadline("cn_12300_accept")
    assert (accept.days, accept.working_days) == (5, True)
    _, answer = catalog.find_deadline("cn_12300_reply")
    assert (answer.days, answer.working_days) == (30, False)
    _, accept_12315 = catalog.find_deadline("cn_12315_accept")
    assert (accept_12315.days, accept_12315.working_days) == (7, True)
    prerequisites = {p.id: p for c in catalog.channels for p in c.prerequisites}
    assert prerequisites["cn_12300_after_operator"].days == 15
    assert prerequisites["cn_12300_after_operator"].channel == "cn_operator"
    assert prerequisites["us_dnc_after_31_days"].days == 31
    assert prerequisites["uk_tps_after_28_days"].days == 28


def test_tracking_channels_match_the_peer_research(catalog):
    tracking = {c.id for c in catalog.channels if c.tracks_complaints}
    assert {"cn_operator", "cn_12321", "cn_12300", "cn_12315"} <= tracking
    assert not tracking & {"us_ftc_dnc", "us_fcc", "us_ftc_reportfraud", "uk_ico", "uk_tps"}
    for channel_id in ("us_ftc_dnc", "us_fcc", "uk_ico", "uk_tps"):
        assert catalog.channel(channel_id).follow_up is not None


def test_12321_sms_format_is_number_star_full_text(catalog):
    fmt = catalog.channel("cn_12321").sms_format_for(None)
    assert fmt is not None
    assert (fmt.to, fmt.pattern) == ("12321", "{number}*{text}")


def test_helpers_raise_for_unknown_ids(catalog):
    with pytest.raises(KeyError):
        catalog.channel("cn_nowhere")
    with pytest.raises(KeyError):
        catalog.jurisdiction("FR")


def test_yaml_syntax_error_reports_its_line(tmp_path):
    text = replace_once(SHIPPED, "    timezone: America/New_York", "    timezone: America: New_York")
    path = write_copy(tmp_path, text)
    problems = check_catalog_file(path)
    line = line_of(text, "    timezone: America: New_York")
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:{line}:")
    assert "YAML syntax error" in problems[0]


# One edit of the shipped file, and the problem it must be reported as at the line it names:
# (the text replaced, its replacement, the entry it is in, the line the problem names, words the problem says).
ONE_BROKEN_ENTRY = {
    "a missing required field, at the entry's line": (
        "    kind: regulator\n", "", "  - id: us_fcc", "  - id: us_fcc", ("missing required field 'kind'", "us_fcc"),
    ),
    "a wrong type, at the value's line": (
        "        days: 30\n", "        days: thirty\n", "      - id: cn_12300_reply", "        days: thirty", ("days", "integer"),
    ),
    "a flag of the wrong type, at the value's line": (
        "    tracks_complaints: true", "    tracks_complaints: sometimes", "  - id: cn_12315", "tracks_complaints: sometimes",
        ("tracks_complaints",),
    ),
    "an unknown next channel, at the next line": (
        "    next: [cn_12300, cn_12321]", "    next: [cn_12399, cn_12321]", "  - id: cn_operator", "    next: [cn_12399, cn_12321]",
        ("unknown channel 'cn_12399'",),
    ),
    "a fact without a source, at the fact's line": (
        "        sources: [cn_12300_hubei]\n", "", "      - id: cn_12300_accept", "      - id: cn_12300_accept",
        ("deadline 'cn_12300_accept' has no source",),
    ),
    "an unknown source id, at its line": (
        "        sources: [cn_12300_hubei]", "        sources: [cn_nowhere]", "      - id: cn_12300_accept", "sources: [cn_nowhere]",
        ("unknown source 'cn_nowhere'",),
    ),
    "an unknown jurisdiction, at its line": (
        "    jurisdiction: UK", "    jurisdiction: FR", "  - id: uk_ofcom", "    jurisdiction: FR", ("unknown jurisdiction 'FR'",),
    ),
    "a missing English text, at its line": (
        "what: {zh: 12300在5个工作日内决定是否受理, en: 12300 decides within 5 working days whether to accept the appeal}",
        "what: {zh: 12300在5个工作日内决定是否受理}", None, "what: {zh: 12300在5个工作日内决定是否受理}",
        ("missing required field 'en'",),
    ),
}


@pytest.mark.parametrize(("old", "new", "within", "at", "says"), ONE_BROKEN_ENTRY.values(), ids=ONE_BROKEN_ENTRY.keys())
def test_a_broken_entry_is_reported_at_the_line_it_names(
    tmp_path: Path, old: str, new: str, within: str | None, at: str, says: tuple[str, ...]
) -> None:
    text = replace_once(SHIPPED, old, new, after=within)
    path = write_copy(tmp_path, text)
    found = problems_at(check_catalog_file(path), path, line_of(text, at, within))
    assert any(all(words in p for words in says) for p in found), found


def test_duplicate_channel_id_reports_the_second_occurrence(tmp_path):
    text = replace_once(SHIPPED, "  - id: uk_ofcom\n", "  - id: uk_ico\n")
    path = write_copy(tmp_path, text)
    problems = check_catalog_file(path)
    second = line_of(text, "  - id: uk_ico\n", occurrence=2)
    assert second > line_of(text, "  - id: uk_ico\n")
    found = problems_at(problems, path, second)
    assert any("duplicate id 'uk_ico'" in p for p in found), problems


def test_rule_with_empty_sources_is_reported(tmp_path):
    anchor = "      - id: cn_ad_law_43"
    text = replace_once(SHIPPED, "        sources: [cn_law_db, cn_laws_lawrefbook]", "        sources: []", after=anchor)
    path = write_copy(tmp_path, text)
    problems = check_catalog_file(path)
    assert any("rule 'cn_ad_law_43' has no source" in p for p in problems), problems


def test_duplicate_mapping_key_and_unknown_field_are_reported(tmp_path):
    text = replace_once(SHIPPED, "    kind: regulator\n", "    kind: regulator\n    kind: consumer\n    colour: red\n", after="  - id: us_fcc")
    path = write_copy(tmp_path, text)
    problems = check_catalog_file(path)
    anchor = "  - id: us_fcc"
    assert any("duplicate key 'kind'" in p for p in problems_at(problems, path, line_of(text, "    kind: consumer", anchor)))
    assert any("unknown field 'colour'" in p for p in problems_at(problems, path, line_of(text, "    colour: red", anchor)))


def test_load_catalog_raises_with_every_problem(tmp_path):
    text = replace_once(SHIPPED, "    next: [cn_12300, cn_12321]", "    next: [cn_12399, cn_12321]", after="  - id: cn_operator")
    text = replace_once(text, "    jurisdiction: UK", "    jurisdiction: FR", after="  - id: uk_ofcom")
    path = write_copy(tmp_path, text)
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    assert len(caught.value.problems) >= 2
    assert all(re.match(rf"^{re.escape(str(path))}:\d+:\d+: ", p) for p in caught.value.problems)


def test_an_alias_or_a_language_default_claimed_by_two_jurisdictions_is_reported(tmp_path):
    text = replace_once(SHIPPED, "aliases: [USA, AMERICA, 美国]", "aliases: [USA, AMERICA, 美国, UK]")
    text = replace_once(text, "    default_for: [en]\n", "    default_for: [en, zh]\n")
    path = write_copy(tmp_path, text)
    problems = check_catalog_file(path)
    aliases_line = line_of(text, "aliases: [USA, AMERICA, 美国, UK]")
    default_line = line_of(text, "default_for: [en, zh]")
    assert any("alias 'UK' already names UK" in p for p in problems_at(problems, path, aliases_line)), problems
    assert any("'zh' already defaults to CN" in p for p in problems_at(problems, path, default_line)), problems


# Answers a channel needs that flows.yaml does not ask yet (the truth-drafts work adds them).
NOT_YET_ASKED = {"call_duration"}


def test_channel_needs_name_answers_the_conversation_can_ask(catalog):
    """A need's `fact` is a flows.yaml answer, so the conversation can ask it before that channel's draft."""
    from engine.loader import load_flow

    flow = load_flow(CHANNELS_YAML.parent / "flows.yaml")
    # A merged question's fills are answers too (the contact line fills contact_phone).
    asked = {step.id for step in flow.steps} | {fill.id for step in flow.steps for fill in step.fills}
    facts = {n.fact for c in catalog.channels for n in c.needs if n.fact}
    assert facts - asked <= NOT_YET_ASKED, facts - asked
    # 12321 needs a call's length for calls only; the operator needs the number that was called.
    assert "call_duration" in catalog.channel("cn_12321").needed_facts("robocall")
    assert "call_duration" not in catalog.channel("cn_12321").needed_facts("spam_sms")
    assert "content" in catalog.channel("cn_12321").needed_facts("spam_sms")
    assert "called_number" in catalog.channel("cn_operator").needed_facts("robocall")
    assert "called_number" not in catalog.channel("cn_12321").needed_facts("robocall")


def test_the_flow_asks_a_channels_extra_needs_only_for_channels_that_exist(catalog):
    """`when: {answer: channel, in: [...]}` in flows.yaml names catalogue channels only: a misspelt id
    would silently never ask (or always skip) that channel's extra question."""
    from engine.loader import load_flow
    from engine.model import Condition

    def channel_values(cond: Condition) -> list[str]:
        nested = [*(cond.all or []), *(cond.any or []), *([cond.not_] if cond.not_ else [])]
        own = [*(cond.in_ or []), *([cond.equals] if cond.equals is not None else [])] if cond.answer == "channel" else []
        return own + [v for c in nested for v in channel_values(c)]

    flow = load_flow(CHANNELS_YAML.parent / "flows.yaml")
    named = {v for step in flow.steps if step.when for v in channel_values(step.when)}
    known = {c.id for c in catalog.channels}
    assert named and named <= known, named - known
