"""The send-it section: every channel's route comes from channels.yaml, in the draft's language, and
unconfirmed ways say so."""

from __future__ import annotations

import pytest

from knowledge.route import send_route
from services.send_route import route_section

ISSUES = ("robocall", "spam_sms", "data_leak", "fraud", "rude_service", "other")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("issue", ISSUES)
def test_every_channel_route_lists_its_ways_attachments_and_next_steps(catalog, issue, lang):
    marker = catalog.texts.to_be_confirmed.get(lang)
    for channel in catalog.channels:
        text = route_section(catalog, channel.id, {"issue_type": issue}, 12, lang)
        assert text.splitlines()[1].startswith("如何发送" if lang == "zh" else "How to send it"), text
        for how in channel.how:
            shown = how.value or how.note.get(lang)
            line = next(line for line in text.splitlines() if line.startswith("- ") and shown in line)
            assert (marker in line) is (how.unverified or channel.unverified), (channel.id, line)
        for deadline in channel.deadlines:
            line = next(line for line in text.splitlines() if line.startswith("- ") and deadline.what.get(lang) in line)
            assert (marker in line) is deadline.unverified, (channel.id, line)
        assert "/export 12" in text
        assert ("/filed 12" in text) is channel.tracks_complaints
        assert "None" not in text and "{" not in text, (channel.id, text)
        for line in text.splitlines():
            assert not line.rstrip().endswith((":", "：")), (channel.id, line)


def test_the_sms_format_is_shown_only_where_it_applies(catalog):
    spam = route_section(catalog, "cn_12321", {"issue_type": "spam_sms"}, 3, "zh")
    assert "发送到 12321，内容为“对方号码*短信全文（不要修改）”" in spam
    assert "短信举报格式" not in route_section(catalog, "cn_12321", {"issue_type": "robocall"}, 3, "zh")
    uk = route_section(catalog, "uk_7726", {"issue_type": "spam_sms"}, 3, "en")
    assert "text 7726 with \"the full text of the message (unedited)\"; when it replies, send \"the sender's number\"" in uk


def test_the_persons_operator_narrows_the_route(catalog):
    route = send_route(catalog, "cn_operator", {"issue_type": "spam_sms", "own_operator": "china_unicom"}, "en")
    assert route.channel_name == "China Unicom"
    assert {w.value for w in route.ways if w.type == "phone"} == {"10010"}
    assert route.sms is not None and route.sms.to == "10010" and route.sms.unverified
    everyone = send_route(catalog, "cn_operator", {"issue_type": "spam_sms"}, "en")
    assert {"10086", "10010", "10000", "10099"} <= {w.value for w in everyone.ways}
    assert any(w.operator == "China Telecom" for w in everyone.ways)


def test_a_channel_without_uploads_says_what_to_do_with_the_evidence(catalog):
    ftc = route_section(catalog, "us_ftc_reportfraud", {"issue_type": "fraud"}, 4, "en")
    assert catalog.channel("us_ftc_reportfraud").attach.text.en in ftc
    texting = route_section(catalog, "uk_7726", {"issue_type": "spam_sms"}, 4, "en")
    assert "takes no attachments" in texting
    web = route_section(catalog, "uk_ico", {"issue_type": "robocall"}, 4, "en")
    assert "Attach them to the web form" in web


def test_report_fraud_gives_the_phone_hours(catalog):
    text = route_section(catalog, "uk_report_fraud", {"issue_type": "fraud"}, 1, "en")
    assert "0300 123 2040 — Monday to Friday, 8am–8pm" in text
    assert "101 — Scotland: Police Scotland" in text and "101 — Scotland: Police Scotland (" not in text
