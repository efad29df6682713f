"""Drafts for a fraud by someone posing as a relative, a friend or a boss, or asking to open a link: every
draft kind of every channel recommended for fraud, in CN, the US and the UK, says exactly what the person
chose — that they *claimed* to be a relative or the boss, that they asked to open a link — and nothing the
person did not say (no other impersonation, no request that was not chosen, no name or relation invented)."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest

from knowledge.catalog import Catalog
from knowledge.recommend import recommend
from services.drafting import DraftInput, available_kinds, render_draft

from .conftest import phone

CREATED = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
CALLERS = {
    "CN": [phone("138 0013 8000", "+8613800138000")],
    "US": [phone("(202) 555-0143", "+12025550143", region="US")],
    "UK": [phone("07700 900123", "+447700900123", region="GB")],
}
LETTER_LANG = {"CN": "zh", "US": "en", "UK": "en"}
# What each option must be written as, per letter language (the whole phrase, so "claimed" is never dropped).
CLAIMED = {
    "relative": {"zh": "自称是我的亲友或熟人", "en": "a relative or friend of mine"},
    "boss": {"zh": "自称是我的领导或老板", "en": "my boss or someone senior at my work"},
}
LINK = {"zh": "对方要求我点开链接", "en": "They asked me to open a link"}
NOT_ASKED = {
    "zh": ("转账或付款", "提供验证码", "下载App", "银行卡、身份证"),
    "en": ("send or pay money", "verification code", "install an app", "card, ID, address"),
}
# Relations a draft could invent from "relative or friend": none of them was given.
INVENTED = {"zh": ("儿子", "女儿", "孙子", "母亲", "父亲"), "en": ("son", "daughter", "grandson", "mother", "father")}


def facts(jurisdiction: str, impersonation: str, asked: list[str] | None) -> dict:
    answers = {
        "jurisdiction": jurisdiction, "issue_type": "fraud", "fraud_contact": "sms", "impersonation": impersonation,
        "caller_numbers": CALLERS[jurisdiction], "last_contact_at": "2026-11-20", "money_lost": "no",
        "codes_shared": "no", "truth_confirmed": "yes", "contact_name": "张三",
    }
    if asked is not None:
        answers["fraud_asked"] = asked
    return answers


def drafts(catalog: Catalog, answers: dict) -> list[tuple[str, str, str]]:
    """(channel, kind, text) of every draft the bot would offer for these facts, in the letter's language."""
    lang = LETTER_LANG[answers["jurisdiction"]]
    found = []
    for recommended in recommend(catalog, answers, answers["jurisdiction"]):
        draft_input = DraftInput(case_id=7, answers={**answers, "channel": recommended.channel_id}, evidence=[], created_at=CREATED)
        for kind in available_kinds(catalog, draft_input, recommended.channel_id):
            found.append((recommended.channel_id, kind, render_draft(catalog, draft_input, recommended.channel_id, lang, kind=kind).text))
    return found


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK"])
@pytest.mark.parametrize("impersonation", ["relative", "boss"])
def test_who_they_claimed_to_be_is_written_as_a_claim_and_nothing_else_is_said_of_them(
    catalog: Catalog, jurisdiction: str, impersonation: str
) -> None:
    lang = LETTER_LANG[jurisdiction]
    written = drafts(catalog, facts(jurisdiction, impersonation, ["link"]))
    assert any(kind == "written" for _, kind, _ in written), "a fraud gets a report to send"
    for channel, kind, text in written:
        where = (channel, kind)
        if kind == "sms":
            continue
        assert CLAIMED[impersonation][lang] in text, where
        if lang == "en":
            assert re.search(rf"claim(ed|ing) to be {CLAIMED[impersonation]['en']}", text), where
        # Every claim the draft reports is the one chosen: no second impersonation is written.
        claims = re.findall(r"(?:自称是|claim(?:ed|ing) to be )([^，。,.\n]*)", text)
        assert claims and all(claim.startswith(CLAIMED[impersonation][lang].removeprefix("自称是")) for claim in claims), (where, claims)
        for relation in INVENTED[lang]:
            assert not re.search(rf"(?<![a-z]){relation}(?![a-z])", text.lower()), (where, relation)


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK"])
def test_a_link_to_open_is_the_only_request_written_when_it_is_the_only_one_chosen(catalog: Catalog, jurisdiction: str) -> None:
    lang = LETTER_LANG[jurisdiction]
    reports = [(c, text) for c, kind, text in drafts(catalog, facts(jurisdiction, "relative", ["link"])) if kind == "written"]
    assert reports, "a written report (the police report template, for fraud) is among the drafts"
    for channel, text in reports:
        assert LINK[lang] in text, channel
        for request in NOT_ASKED[lang]:
            assert request not in text, (channel, request)


@pytest.mark.parametrize("jurisdiction", ["CN", "US", "UK"])
def test_no_request_is_written_when_none_was_given(catalog: Catalog, jurisdiction: str) -> None:
    lang = LETTER_LANG[jurisdiction]
    for channel, kind, text in drafts(catalog, facts(jurisdiction, "boss", None)):
        assert LINK[lang] not in text and "open a link" not in text and "点开链接" not in text, (channel, kind)


def test_a_link_and_a_payment_are_listed_together_in_the_order_chosen(catalog: Catalog) -> None:
    reports = [text for _, kind, text in drafts(catalog, facts("UK", "boss", ["link", "transfer"])) if kind == "written"]
    assert reports and all("They asked me to open a link and send or pay money." in text for text in reports)
