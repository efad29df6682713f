"""Official citations only: the checker refuses weak-only facts and non-official URLs in letter texts;
letters show only official URLs; /rules never shows weak sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from knowledge.catalog import check_catalog_file
from knowledge.citations import letter_url, only_weak, rule_citation, shown_sources
from services.drafting import DraftInput, available_kinds, render_draft

from .conftest import CHANNELS_YAML
from .test_catalog import line_of, problems_at, replace_once, write_copy
from .test_drafting import CN_CASE, CREATED, EVIDENCE, FRAUD_CASE, US_CASE

SHIPPED = CHANNELS_YAML.read_text(encoding="utf-8")
URL = re.compile(r"https?://[^\s\"'）)，。、]+")


def all_facts(catalog):
    for channel in catalog.channels:
        yield channel.id, channel, channel.unverified
        for item in [*channel.how, *channel.sms_formats, *channel.prerequisites, *channel.deadlines]:
            yield channel.id, item, channel.unverified
    for jurisdiction in catalog.jurisdictions:
        for rule in jurisdiction.rules:
            yield rule.id, rule, False


def test_no_shipped_fact_rests_only_on_weak_sources_unless_flagged(catalog):
    for where, fact, inherited in all_facts(catalog):
        if only_weak(catalog, fact):
            assert fact.unverified or inherited, (where, fact)


def test_a_weak_only_fact_without_the_flag_is_reported_at_its_line(tmp_path: Path):
    anchor = "      - id: cn_call_centre_notice"
    text = replace_once(SHIPPED, "        sources: [cn_callcentre_2020, cn_callcentre_hubei]",
                        "        sources: [cn_callcentre_hubei]", after=anchor)
    path = write_copy(tmp_path, text)
    found = problems_at(check_catalog_file(path), path, line_of(text, "sources: [cn_callcentre_hubei]", after=anchor))
    assert any("rule 'cn_call_centre_notice' rests only on weak sources" in p for p in found), found

    flagged = replace_once(text, "        sources: [cn_callcentre_hubei]",
                           "        unverified: true\n        sources: [cn_callcentre_hubei]", after=anchor)
    assert check_catalog_file(write_copy(tmp_path, flagged)) == []


def test_a_non_official_url_in_a_letter_text_is_reported_at_its_line(tmp_path: Path):
    anchor = "  - id: cn_12300\n"
    old = "note: {zh: 湖北省的邮件申诉地址（各省不同）, en: Hubei's e-mail address for appeals (each province has its own)}"
    new = "note: {zh: 见 http://m.law-lib.com/law/x, en: see http://m.law-lib.com/law/x}"
    text = replace_once(SHIPPED, old, new, after=anchor)
    path = write_copy(tmp_path, text)
    found = problems_at(check_catalog_file(path), path, line_of(text, new))
    assert any("a letter would show 'http://m.law-lib.com/law/x'" in p for p in found), found

    official = new.replace("http://m.law-lib.com/law/x", "http://hubca.miit.gov.cn/gzcy/dxyhss/index.html")
    assert check_catalog_file(write_copy(tmp_path, replace_once(SHIPPED, old, official, after=anchor))) == []


def test_a_non_official_url_in_a_breach_is_reported(tmp_path: Path):
    anchor = "      - id: cn_ad_law_43"
    old = "（未经同意以电子信息方式发送广告）。"
    text = replace_once(SHIPPED, old, "（见 https://tmtdoc.com/a）。", after=anchor)
    problems = check_catalog_file(write_copy(tmp_path, text))
    assert any("a letter would show 'https://tmtdoc.com/a'" in p for p in problems), problems


CASES = [
    CN_CASE,
    FRAUD_CASE,
    US_CASE,
    {**US_CASE, "issue_type": "spam_sms", "content": "WIN a cruise! Reply YES"},
    {"issue_type": "data_leak", "relationship": "never", "company": "Acme"},
    {"issue_type": "rude_service", "opted_out": "yes"},
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_letters_show_only_official_urls(catalog, lang):
    """Every draft for every channel: a URL in it is an official source or the channel's own address."""
    official = {s.url for s in catalog.sources if s.reliability == "official"}
    weak_or_secondary = {s.url for s in catalog.sources if s.reliability != "official"}
    checked = 0
    for answers in CASES:
        for channel in catalog.channels:
            own = {h.value for h in channel.how if h.type == "web" and h.value}
            draft_input = DraftInput(case_id=7, answers={**answers, "jurisdiction": channel.jurisdiction},
                                     evidence=EVIDENCE, created_at=CREATED)
            for kind in available_kinds(catalog, draft_input, channel.id):
                text = render_draft(catalog, draft_input, channel.id, lang, kind=kind).text
                for url in URL.findall(text):
                    checked += 1
                    assert url in official or url.rstrip("/") in {o.rstrip("/") for o in own}, (channel.id, kind, url)
                for url in weak_or_secondary:
                    assert url not in text, (channel.id, kind, url)
    assert checked  # the cases do produce citations


def test_rules_never_list_weak_sources(catalog):
    for jurisdiction in catalog.jurisdictions:
        for rule in jurisdiction.rules:
            for source in shown_sources(catalog, rule.sources):
                assert source.reliability in ("official", "secondary")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_data_leak_and_fraud_rules_are_citable_by_id(catalog, lang):
    """The fraud and data-leak drafts cite these by id: law by name and article, an official URL."""
    for rule_id, article in [
        ("cn_pipl_no_unlawful_handling", ("第十条", "Art. 10")),
        ("cn_pipl_rights_refused", ("第五十条", "Art. 50")),
        ("cn_pipl_penalties", ("第六十六条", "Art. 66")),
        ("cn_pipl_damages", ("第六十九条", "Art. 69")),
        ("cn_antifraud_law_13", ("第十三条", "Art. 13")),
        ("cn_antifraud_law_30", ("第三十条", "Art. 30")),
        ("uk_ico_data_complaints", ("3个月", "3 months")),
    ]:
        citation = rule_citation(catalog, rule_id, lang)
        assert article[0 if lang == "zh" else 1] in citation.text
        assert citation.url is not None and catalog_url_is_official(catalog, citation.url)
        assert not citation.unverified
    with pytest.raises(KeyError):
        rule_citation(catalog, "no_such_rule", lang)


def catalog_url_is_official(catalog, url: str) -> bool:
    return any(s.url == url and s.reliability == "official" for s in catalog.sources)


def test_letter_url_skips_secondary_and_weak(catalog):
    assert letter_url(catalog, ["cn_callcentre_2020", "cn_callcentre_hubei"]) is None
    assert letter_url(catalog, ["us_hours_nwdebt", "us_ecfr_64_1200"]) == catalog.source("us_ecfr_64_1200").url


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_possible_breach_is_its_own_line_with_or_without_a_url(catalog, lang):
    from knowledge.rules import possible_breaches

    draft_input = DraftInput(case_id=7, answers=CN_CASE, evidence=[], created_at=CREATED)
    text = render_draft(catalog, draft_input, "cn_12321", lang, kind="written").text
    breaches = possible_breaches(catalog, CN_CASE, "CN")
    assert any(b.source for b in breaches) and any(b.source is None for b in breaches)
    lines = text.splitlines()
    for breach in breaches:
        cited = ((f"（来源：{breach.source}）" if lang == "zh" else f" (source: {breach.source})")
                 if breach.source else "")
        assert f"- {breach.text[lang]}{cited}" in lines


def test_a_web_address_without_an_official_source_must_be_flagged(tmp_path: Path):
    anchor = "  - id: uk_ico\n"
    old = "        sources: [uk_ico_contact, uk_which_tool, uk_ico_blog]"
    text = replace_once(SHIPPED, old, "        sources: [uk_which_tool, uk_ico_blog]", after=anchor)
    path = write_copy(tmp_path, text)
    found = problems_at(check_catalog_file(path), path, line_of(text, "value: https://ico.org.uk", after=anchor) - 1)
    assert any("the web address 'https://ico.org.uk' is shown in every draft" in p for p in found), found
    flagged = replace_once(text, "        sources: [uk_which_tool, uk_ico_blog]",
                           "        unverified: true\n        sources: [uk_which_tool, uk_ico_blog]", after=anchor)
    assert check_catalog_file(write_copy(tmp_path, flagged)) == []
