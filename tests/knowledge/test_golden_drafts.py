"""Golden drafts, checked by meaning: every path (robocall, spam SMS, fraud, data leak, rude service) in every
jurisdiction where it applies, from a Chinese and an English chat, for every channel the bot recommends.

What a careful advocate would check before signing (issue 10): a day without a time is not turned into 00:00;
no rule is named on a fact the person did not give; the letter is in the channel's language (with a gist in the
person's when the two differ); no emoji; the person's free text appears only quoted, in its marked place.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from knowledge.catalog import Catalog
from knowledge.recommend import recommend
from services.complaint_drafter import CatalogDrafter

from .conftest import phone

CREATED = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
EMOJI = "😡🙄"
CALLERS = {
    "CN": [phone("138 0013 8000", "+8613800138000")],
    "US": [phone("(202) 555-0143", "+12025550143", region="US")],
    "UK": [phone("020 7946 0000", "+442079460000", region="GB")],
}
CALLED = {
    "CN": [phone("139 1234 5678", "+8613912345678")],
    "US": [phone("(415) 555-0199", "+14155550199", region="US")],
    "UK": [phone("07700 900123", "+447700900123", region="GB")],
}
# Free text as people type it: colloquial, guessing, with emoji and stray whitespace.
COMPANY = "好像是什么贷款公司 " + EMOJI
CONTENT = "自称是XX装修公司的  说可以打八折"
HARM_DETAIL = "半夜还打来\t" + EMOJI
FRAUD_STORY = "对方说我涉嫌洗钱，要转到安全账户 " + EMOJI
TRANSFER_TO = "工商银行 6222 0000 1111 张某"
# The spam text itself: an SMS report to 12321 or 7726 must carry it unedited, emoji and all.
SPAM_SMS = "【某某】贷款额度已到账 回TD退订 " + EMOJI
LEAK_GIVEN = "在某购物平台下过单"
LEAK_COMPANY = "某某快递"

# A day without a time ("上周五", "last Tuesday"), a consent the person is unsure of and an opt-out without a date
# or a word that contact went on: none of them may carry a rule.
COMMON = {
    "last_contact_at": "2026-11-20",
    "truth_confirmed": "yes",
    "contact_name": "张三",
}
PATHS = {
    "robocall": {
        "issue_type": "robocall", "company": COMPANY, "content": CONTENT, "frequency": "daily",
        "relationship": "unsure", "opted_out": "yes", "voice_kind": "robot", "harm": ["time", "sleep"],
        "harm_detail": HARM_DETAIL, "dnc_registered": "yes", "tps_registered": "yes",
    },
    "spam_sms": {
        "issue_type": "spam_sms", "company": COMPANY, "content": SPAM_SMS,
        "frequency": "several_per_week", "relationship": "unsure", "opted_out": "no", "harm": ["time"],
    },
    "fraud": {
        "issue_type": "fraud", "fraud_contact": "call", "impersonation": "police", "fraud_asked": ["transfer", "app"],
        "money_lost": "yes", "amount_lost": 5000, "transfer_at": "2026-11-20T15:10:00",
        "transfer_method": "bank", "transfer_to": TRANSFER_TO, "codes_shared": "yes", "codes_given": "ToDesk",
        "fraud_actions": ["bank"], "fraud_story": FRAUD_STORY,
    },
    "data_leak": {
        "issue_type": "data_leak", "leak_known": ["name", "address", "id_number"], "leak_given_to": LEAK_GIVEN,
        "leak_company": LEAK_COMPANY, "company": COMPANY, "frequency": "once", "relationship": "never",
        "opted_out": "no", "harm": ["privacy"],
    },
    "rude_service": {
        "issue_type": "rude_service", "company": COMPANY, "content": CONTENT, "frequency": "once",
        "relationship": "customer", "opted_out": "no", "harm": ["stress"], "harm_detail": HARM_DETAIL,
    },
}
FREE_TEXT = {
    "company": COMPANY, "content": CONTENT, "harm_detail": HARM_DETAIL, "fraud_story": FRAUD_STORY,
    "transfer_to": TRANSFER_TO, "leak_given_to": LEAK_GIVEN, "leak_company": LEAK_COMPANY,
}
# Rule ids whose fact is unknown in every case above: calling hours (no time of day), consent (not sure),
# opt-out (no date, no word that contact went on), registry waits (no registration date).
UNKNOWN_FACT_RULES = (
    "us_calling_hours", "cn_life_insurance_hours", "us_prerecorded_consent", "uk_automated_calls_consent",
    "cn_consumer_consent", "cn_sms_rules_order31", "us_company_do_not_call", "uk_told_to_stop", "us_do_not_call",
    "uk_tps_live_calls", "uk_marketing_texts", "us_autodialed_texts",
)
CJK = re.compile(r"[\u3400-\u9fff]")
QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’")

CASES = [
    (path, jurisdiction, chat)
    for path in PATHS
    for jurisdiction in ("CN", "US", "UK")
    for chat in ("zh", "en")
]


def answers_for(path: str, jurisdiction: str, channel: str | None = None) -> dict:
    facts = {
        "jurisdiction": jurisdiction, **COMMON, **PATHS[path],
        "caller_numbers": CALLERS[jurisdiction], "called_number": CALLED[jurisdiction],
    }
    if jurisdiction == "CN":
        facts["own_operator"] = "china_mobile"
    if channel:
        facts["channel"] = channel
    return facts


def channels_for(catalog: Catalog, path: str, jurisdiction: str) -> list[str]:
    return [r.channel_id for r in recommend(catalog, answers_for(path, jurisdiction), jurisdiction)]


def letter_part(text: str, chat: str, jurisdiction: str) -> str:
    """The text to send: everything after the gist, which comes first when the languages differ, and before
    the route (how to send it, for the person, in their language)."""
    text = text.split("\n==========\n")[0]
    letter_lang = "zh" if jurisdiction == "CN" else "en"
    if chat == letter_lang:
        return text
    heading = "\n\n【" if letter_lang == "zh" else "\n\n— "
    assert heading in text, text[:400]
    return text[text.index(heading):]


def breach_texts(catalog: Catalog, rule_id: str) -> list[str]:
    for jurisdiction in catalog.jurisdictions:
        for rule in jurisdiction.rules:
            if rule.id == rule_id and rule.breach is not None:
                return [rule.breach.zh, rule.breach.en]
    return []


@pytest.mark.parametrize(("path", "jurisdiction", "chat"), CASES)
def test_every_recommended_draft_is_true_to_the_answers(catalog: Catalog, path: str, jurisdiction: str, chat: str) -> None:
    channels = channels_for(catalog, path, jurisdiction)
    assert channels, (path, jurisdiction)
    drafter = CatalogDrafter(catalog)
    for channel in channels:
        draft = drafter.draft(7, answers_for(path, jurisdiction, channel), [], CREATED, chat).text
        letter = letter_part(draft, chat, jurisdiction)
        where = f"{path}/{jurisdiction}/{chat}/{channel}"

        # No emoji anywhere but in the spam text forwarded as it came, and no made-up midnight for a day
        # without a time.
        assert not any(ch in draft.replace(SPAM_SMS, "") for ch in EMOJI), where
        assert not re.search(r"(?<![+-])00:00", draft), where  # a clock of 00:00, not the UTC+00:00 offset
        day = "2026年11月20日（周五）" if jurisdiction == "CN" else "Friday 20 November 2026"
        untimed = "，时间不详" if jurisdiction == "CN" else ", time not given"
        for match in re.finditer(re.escape(day), letter):
            said = letter[match.end(): match.end() + len(untimed)]
            assert said == untimed or said.startswith(("15:10", " 15:10", ", 15:10")), (where, said)

        # No rule named on an unknown fact.
        for rule_id in UNKNOWN_FACT_RULES:
            for text in breach_texts(catalog, rule_id):
                assert text not in draft, (where, rule_id)

        # The letter in the channel's language: outside quotes, a US or UK letter has no Chinese, and a
        # Chinese letter opens in Chinese.
        # (The person's name is a field of its own and stays as they wrote it.)
        unquoted = QUOTED.sub("", letter.replace(SPAM_SMS, "")).replace(COMMON["contact_name"], "")
        if jurisdiction == "CN":
            assert "Dear Sir" not in letter and CJK.search(unquoted), where
        else:
            assert not CJK.search(unquoted), (where, CJK.findall(unquoted)[:10])
        if chat != ("zh" if jurisdiction == "CN" else "en"):
            gist = draft[: len(draft) - len(letter)]
            assert ("不要发送" in gist) if chat == "zh" else ("do not send" in gist), where

        # Free text only quoted, after its marked heading, never in the opening lines.
        facts = answers_for(path, jurisdiction, channel)
        opening = "\n".join(letter.splitlines()[:8])
        for key, raw in FREE_TEXT.items():
            if key not in facts:
                continue
            cleaned = " ".join(raw.replace(EMOJI, "").split())
            assert cleaned not in opening, (where, key)
            for match in re.finditer(re.escape(cleaned), letter):
                before = letter[max(0, match.start() - 60): match.start()]
                assert before.endswith(("“", '"', "‘", "'")), (where, key, before)
            if cleaned in letter:
                marked = "原话" if jurisdiction == "CN" else "in my words"
                assert marked in letter[: letter.index(cleaned)].lower(), (where, key)

        # Frequencies as answered.
        if facts.get("frequency") == "daily":
            assert ("几乎每天" in letter) if jurisdiction == "CN" else ("about daily" in letter), where


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK"])
def test_a_fraud_is_a_police_report_with_a_timeline_and_no_marketing_questions(catalog: Catalog, jurisdiction: str) -> None:
    police = channels_for(catalog, "fraud", jurisdiction)[0]
    assert catalog.channel(police).kind == "police"
    text = CatalogDrafter(catalog).draft(7, answers_for("fraud", jurisdiction, police), [], CREATED, "zh").text
    letter = letter_part(text, "zh", jurisdiction)
    for marketing in ("从未成为对方的客户", "通话内容或推销的产品", "频率", "never been their customer", "How often"):
        assert marketing not in letter
    if jurisdiction == "CN":
        assert "报案材料" in letter and "反电信网络诈骗法" in letter and "96110" in letter and "冻结" in letter
        contact, payment = letter.index("对方通过电话与我联系"), letter.index("按对方要求付款")
    else:
        assert "Crime report" in letter and "freeze" in letter
        contact, payment = letter.index("they contacted me by phone call"), letter.index("at their request I paid")
    assert contact < payment, "the timeline runs in order"


def test_a_data_leak_cites_the_pipl_and_offers_the_police_for_an_id_number(catalog: Catalog) -> None:
    channels = channels_for(catalog, "data_leak", "CN")
    assert channels[:2] == ["cn_12321", "cn_police"] and "cn_company" in channels
    letter = CatalogDrafter(catalog).draft(7, answers_for("data_leak", "CN", "cn_12321"), [], CREATED, "zh").text
    for article in ("第十条", "第六十六条", "第六十九条"):
        assert f"《个人信息保护法》{article}" in letter
    assert "我的身份证号码" in letter and f"“{LEAK_GIVEN}”" in letter and f"“{LEAK_COMPANY}”" in letter
    without_id = {**answers_for("data_leak", "CN"), "leak_known": ["name"]}
    assert "cn_police" not in [r.channel_id for r in recommend(catalog, without_id, "CN")]


def test_a_uk_data_leak_goes_to_the_organisation_first_then_the_ico(catalog: Catalog) -> None:
    recommended = recommend(catalog, answers_for("data_leak", "UK"), "UK")
    assert [r.channel_id for r in recommended][:2] == ["uk_company", "uk_ico"]
    assert "3 months" in recommended[1].why["en"]


def test_a_day_with_a_time_keeps_it_and_names_the_zone(catalog: Catalog) -> None:
    facts = {**answers_for("robocall", "US", "us_ftc_dnc"), "last_contact_at": "2026-11-25T20:45:00-08:00"}
    letter = CatalogDrafter(catalog).draft(7, facts, [], CREATED, "en").text
    assert "Wednesday 25 November 2026, 20:45 (local time, UTC-08:00)" in letter


@pytest.mark.parametrize("jurisdiction", ["CN", "US"])
def test_a_fraud_report_quotes_the_message_they_sent_apart_from_the_persons_words(catalog: Catalog, jurisdiction: str) -> None:
    police = channels_for(catalog, "fraud", jurisdiction)[0]
    message = "【顺丰速运】您的快递丢失，请添加客服QQ并下载会议App"
    facts = {**answers_for("fraud", jurisdiction, police), "content": message}
    letter = CatalogDrafter(catalog).draft(7, facts, [], CREATED, "zh").text
    heading = "对方发来的信息（照原文抄录）" if jurisdiction == "CN" else "The message they sent (copied as received)"
    assert heading in letter and message in letter[letter.index(heading):]
    without = CatalogDrafter(catalog).draft(7, answers_for("fraud", jurisdiction, police), [], CREATED, "zh").text
    assert heading not in without
