"""Drafts: every given fact appears, in both languages; SMS reports follow the channel's format exactly."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from engine.evidence import EvidenceItem
from services.drafting import DraftError, DraftInput, PreviousComplaint, available_kinds, render_draft

from .conftest import phone

CREATED = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
SHA_A = "3f" * 32
SHA_B = "0123456789abcdef" * 4

EVIDENCE = [
    EvidenceItem(
        SHA_A, "image", "image/jpeg", 250880, "2026-11-26T15:05:00+08:00", filename="call-log.jpg", caption="通话记录截图"
    ),
    EvidenceItem(SHA_B, "audio", "audio/ogg", 1234567, "2026-11-26T15:06:00+08:00"),
]

CN_CASE = {
    "jurisdiction": "CN",
    "issue_type": "robocall",
    "caller_numbers": [
        phone("138 0013 8000", "+8613800138000"),
        phone("021 5555 1234", "+862155551234", kind="fixed_line"),
    ],
    "called_number": [phone("139 1234 5678", "+8613912345678")],
    "own_operator": "china_mobile",
    "company": "某某装修公司",
    "last_contact_at": "2026-11-26T15:00:00+08:00",
    "frequency": "several_per_day",
    "since": "2026-11-01T09:00:00+08:00",
    "relationship": "never",
    "opted_out": "yes",
    "opted_out_at": "2026-11-10T10:00:00+08:00",
    "voice_kind": "robot",
    "content": "您好，这里是某某装修，现在装修享八折",
    "money_lost": "no",
    "codes_shared": "no",
    "impersonation": "none",
    "harm": ["time", "sleep"],
    "harm_detail": "夜里十点还打来",
    "contact_name": "张三",
    "contact_phone": "+86 139 1234 5678",
    "contact_email": "zhang@example.com",
    "truth_confirmed": "yes",
}

FRAUD_CASE = {
    **CN_CASE,
    "issue_type": "fraud",
    "company": None,
    "impersonation": "police",
    "money_lost": "yes",
    "amount_lost": 5000,
    "codes_shared": "yes",
    "content": "你涉嫌洗钱，需要把资金转到安全账户",
}

US_CASE = {
    "jurisdiction": "US",
    "issue_type": "robocall",
    "caller_numbers": [phone("(202) 555-0143", "+12025550143", kind="fixed_line_or_mobile", region="US")],
    "called_number": [phone("(415) 555-0199", "+14155550199", region="US")],
    "company": "Acme Warranty",
    "last_contact_at": "2026-11-26T21:30:00-08:00",
    "frequency": "daily",
    "relationship": "never",
    "opted_out": "no",
    "voice_kind": "robot",
    "content": "Your car warranty is about to expire",
    "dnc_registered": "yes",
    "dnc_registered_at": "2026-01-05T10:00:00-08:00",
    "money_lost": "no",
    "codes_shared": "no",
    "impersonation": "none",
    "contact_name": "Jane Doe",
    "contact_email": "jane@example.com",
}


def make_input(answers, evidence=EVIDENCE, previous=None) -> DraftInput:
    return DraftInput(case_id=42, answers=answers, evidence=list(evidence), created_at=CREATED, previous=previous)


@pytest.mark.parametrize(
    ("lang", "when", "since", "opted"),
    [
        ("zh", "2026年11月26日（周四）15:00（北京时间，UTC+08:00）", "2026年11月1日", "2026年11月10日"),
        ("en", "Thursday 26 November 2026, 15:00 (Beijing time, UTC+08:00)", "1 November 2026", "10 November 2026"),
    ],
)
def test_written_draft_contains_every_fact(catalog, lang, when, since, opted):
    draft = render_draft(catalog, make_input(CN_CASE), "cn_12321", lang, kind="written")
    assert draft.kind == "written"
    text = draft.text
    for fact in (
        "138 0013 8000", "021 5555 1234", "139 1234 5678", "某某装修公司", when, since, opted,
        CN_CASE["content"], "张三", "+86 139 1234 5678", "zhang@example.com", "夜里十点还打来",
        SHA_A, SHA_B, "call-log.jpg", "通话记录截图", catalog.texts.not_legal_advice.get(lang),
    ):
        assert fact in text, fact
    assert ("一天好几次" if lang == "zh" else "several times a day") in text
    assert ("录音或AI" if lang == "zh" else "recording or an artificial (AI) voice") in text
    assert ("从未" if lang == "zh" else "never been their customer") in text
    assert "245.0 KB" in text and "1.2 MB" in text
    # Art. 24 as a possible breach, cited by name and article: its only sources are not official, so no URL.
    assert ("第二十四条" if lang == "zh" else "Art. 24") in text
    assert "law-lib.com" not in text
    assert "None" not in text and "None" not in draft.title


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fraud_draft_asks_to_investigate_and_recover_money(catalog, lang):
    draft = render_draft(catalog, make_input(FRAUD_CASE), "cn_police", lang, kind="written")
    amount = "5,000 元" if lang == "zh" else "¥5,000"
    assert amount in draft.text
    if lang == "zh":
        assert "报案材料" in draft.text and "立案侦查" in draft.text and "追回损失" in draft.text and "公安" in draft.text
        assert "反电信网络诈骗法》第三十条" in draft.text and "96110" in draft.text
        for marketing in ("从未成为对方的客户", "通话内容或推销的产品", "频率"):
            assert marketing not in draft.text
    else:
        assert "Crime report" in draft.text and "investigate it" in draft.text and "recover the money" in draft.text
        assert "claiming to be the police" in draft.text and "verification code" in draft.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_us_draft_keeps_the_callers_local_time_and_flags_breaches(catalog, lang):
    draft = render_draft(catalog, make_input(US_CASE, evidence=[]), "us_ftc_dnc", lang)
    assert draft.kind == "written"
    for fact in ("(202) 555-0143", "(415) 555-0199", "Acme Warranty", "Jane Doe", "jane@example.com", US_CASE["content"]):
        assert fact in draft.text
    assert "21:30" in draft.text and "UTC-08:00" in draft.text
    for url in ("https://www.donotcall.gov/", "https://www.ecfr.gov/current/title-47/chapter-I/subchapter-B/part-64/subpart-L/section-64.1200"):
        assert url in draft.text
    assert "nwdebtresolution.com" not in draft.text


def test_uk_draft_shows_uk_time_across_summer_time(catalog):
    facts = {"issue_type": "robocall", "last_contact_at": "2026-07-01T12:00:00+00:00", "voice_kind": "live"}
    draft = render_draft(catalog, make_input(facts, evidence=[]), "uk_ico", "en")
    assert "1 July 2026, 13:00 (UK time, UTC+01:00)" in draft.text


def test_cn_draft_converts_to_beijing_time(catalog):
    facts = {"issue_type": "robocall", "last_contact_at": "2026-11-26T07:00:00Z"}
    draft = render_draft(catalog, make_input(facts, evidence=[]), "cn_12321", "zh", kind="written")
    assert "2026年11月26日（周四）15:00（北京时间，UTC+08:00）" in draft.text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_escalation_draft_cites_the_first_complaint(catalog, lang):
    previous = PreviousComplaint("cn_operator", datetime(2026, 11, 5, 2, 0, tzinfo=timezone.utc), "GD20261105-0042")
    facts = {**CN_CASE, "issue_type": "data_leak", "company": "中国移动"}
    draft = render_draft(catalog, make_input(facts, previous=previous), "cn_12300", lang)
    assert "GD20261105-0042" in draft.text
    assert ("2026年11月5日" if lang == "zh" else "5 November 2026") in draft.text
    assert ("中国移动（10086）" if lang == "zh" else "China Mobile (10086)") in draft.text
    assert "22" in draft.text and "15" in draft.text  # 22 days since, past the operator's 15 days
    assert ("再次投诉" if lang == "zh" else "Follow-up complaint") in draft.title


def test_escalation_without_reference_reads_cleanly(catalog):
    previous = PreviousComplaint("cn_operator", datetime(2026, 11, 20, tzinfo=timezone.utc), None)
    draft = render_draft(catalog, make_input({"issue_type": "rude_service"}, previous=previous), "cn_12300", "en")
    assert "None" not in draft.text and "reference" not in draft.text.split("Earlier complaint")[1].split("\n\n")[0]


SPAM = "【某某商城】尊敬的会员，您的积分即将清零，点击 http://x.cn/a 兑换，回T退订"


def test_12321_sms_is_number_star_full_text(catalog):
    facts = {**CN_CASE, "issue_type": "spam_sms", "content": SPAM}
    draft = render_draft(catalog, make_input(facts), "cn_12321", "zh")
    assert draft.kind == "sms"
    assert draft.to == "12321"
    assert draft.text == f"13800138000*{SPAM}"
    assert len(draft.text) <= catalog.channel("cn_12321").sms_format_for(None).max_chars
    assert render_draft(catalog, make_input(facts), "cn_12321", "en").text == draft.text


def test_sms_uses_national_digits_for_fixed_lines(catalog):
    facts = {"issue_type": "spam_sms", "content": SPAM, "caller_numbers": [phone("010 1234 5678", "+861012345678", "fixed_line")]}
    assert render_draft(catalog, make_input(facts), "cn_12321", "zh").text.startswith("01012345678*")
    service = {"issue_type": "spam_sms", "content": SPAM, "caller_numbers": [phone("1069 0000 1234", "106900001234", "sms_sender", None)]}
    assert render_draft(catalog, make_input(service), "cn_12321", "zh").text == f"106900001234*{SPAM}"


def test_operator_sms_report_follows_the_persons_operator(catalog):
    facts = {**CN_CASE, "issue_type": "spam_sms", "content": SPAM}
    mobile = render_draft(catalog, make_input(facts), "cn_operator", "zh")
    assert (mobile.kind, mobile.to, mobile.text) == ("sms", "10086999", f"13800138000*{SPAM}")
    unicom = render_draft(catalog, make_input({**facts, "own_operator": "china_unicom"}), "cn_operator", "zh")
    assert unicom.to == "10010" and unicom.text == f"LJDXJB#13800138000#{SPAM}"
    assert catalog.texts.to_be_confirmed.zh in unicom.title
    unknown = render_draft(catalog, make_input({**facts, "own_operator": "unknown"}), "cn_operator", "zh")
    assert unknown.kind == "phone_script"


def test_too_long_sms_falls_back_to_the_written_form(catalog):
    facts = {**CN_CASE, "issue_type": "spam_sms", "content": "长" * 400}
    assert "sms" not in available_kinds(catalog, make_input(facts), "cn_12321")
    assert render_draft(catalog, make_input(facts), "cn_12321", "zh").kind == "written"
    with pytest.raises(DraftError):
        render_draft(catalog, make_input(facts), "cn_12321", "zh", kind="sms")


def test_sms_report_is_only_for_spam_texts(catalog):
    assert "sms" not in available_kinds(catalog, make_input(CN_CASE), "cn_12321")


def test_7726_forwards_the_text_then_sends_the_number(catalog):
    facts = {"issue_type": "spam_sms", "content": "You have won a prize", "caller_numbers": [phone("07700 900123", "+447700900123", region="GB")]}
    draft = render_draft(catalog, make_input(facts), "uk_7726", "en")
    assert (draft.kind, draft.to, draft.text, draft.followup) == ("sms", "7726", "You have won a prize", "07700900123")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phone_script_for_a_fraud_victim(catalog, lang):
    draft = render_draft(catalog, make_input(FRAUD_CASE), "cn_police", lang)
    assert draft.kind == "phone_script"
    assert "110" in draft.text and "96110" in draft.text
    assert ("5,000 元" if lang == "zh" else "¥5,000") in draft.text
    assert "138 0013 8000" in draft.text
    assert ("2个文件" if lang == "zh" else "2 files") in draft.text
    assert len(draft.text) < 2000


def test_phone_script_names_only_the_persons_operator(catalog):
    draft = render_draft(catalog, make_input({**CN_CASE, "issue_type": "rude_service", "company": None}), "cn_operator", "en", kind="phone_script")
    assert "10086" in draft.text and "10010" not in draft.text
    assert "within 15 days" in draft.text


MINIMAL = [
    {"issue_type": issue} for issue in ("robocall", "spam_sms", "data_leak", "fraud", "rude_service", "other")
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("facts", MINIMAL, ids=lambda f: f["issue_type"])
def test_minimal_facts_never_print_none_or_empty_labels(catalog, facts, lang):
    for channel in catalog.channels:
        draft_input = DraftInput(case_id=1, answers=facts, evidence=[], created_at=CREATED)
        for kind in available_kinds(catalog, draft_input, channel.id):
            draft = render_draft(catalog, draft_input, channel.id, lang, kind=kind)
            for text in (draft.title, draft.text):
                assert "None" not in text, (channel.id, kind)
                assert "[]" not in text and "{" not in text, (channel.id, kind)
            for line in draft.text.splitlines():
                if line.strip() != "您好：":  # the salutation, not a label
                    assert not line.rstrip().endswith((":", "：")), (channel.id, kind, line)
            assert catalog.texts.not_legal_advice.get(lang) in draft.text


def test_written_drafts_promise_no_outcome(catalog):
    for channel_id in ("cn_12321", "cn_12315", "us_ftc_dnc", "uk_ico"):
        text = render_draft(catalog, make_input(CN_CASE), channel_id, "en", kind="written").text.lower()
        for promise in ("guarantee", "will be stopped", "you will receive compensation"):
            assert promise not in text


def test_unknown_language_or_kind_is_refused(catalog):
    with pytest.raises(DraftError):
        render_draft(catalog, make_input(CN_CASE), "cn_12321", "fr")
    with pytest.raises(DraftError):
        render_draft(catalog, make_input(CN_CASE), "uk_7726", "en", kind="written")


@pytest.mark.parametrize(
    ("lang", "since", "opted"),
    [
        ("zh", "一天好几次，自2025年起", "我已于2026年10月明确要求对方停止联系。此后对方仍继续联系我。"),
        ("en", "several times a day, since 2025", "I asked them to stop in October 2026. They contacted me again after that."),
    ],
)
def test_a_month_or_a_year_reads_as_given_and_counts_only_when_certain(catalog, lang, since, opted):
    answers = {**CN_CASE, "since": "2025", "opted_out_at": "2026-10"}
    text = render_draft(catalog, make_input(answers), "cn_12321", lang, kind="written").text
    assert opted in text and since in text


def test_contact_in_the_same_month_as_the_opt_out_is_not_claimed_as_after_it(catalog):
    answers = {**CN_CASE, "opted_out_at": "2026-11", "last_contact_at": "2026-11-26T15:00:00+08:00"}
    text = render_draft(catalog, make_input(answers), "cn_12321", "en", kind="written").text
    assert "I asked them to stop in November 2026." in text
    assert "They contacted me again after that." not in text
