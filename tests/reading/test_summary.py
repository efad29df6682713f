"""The proposal message restates only what was read, in zh and en."""

from datetime import datetime
from zoneinfo import ZoneInfo

from engine.reading import Findings, extract_from_text, findings_summary
from engine.reading.findings import NumberSeen, When

NOW = datetime(2026, 12, 1, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_call_summary_matches_the_issue_example() -> None:
    first = When(datetime(2026, 11, 28, 14, 32, tzinfo=NOW.tzinfo), "minute")
    seen = NumberSeen("+864008201234", "400 820 1234", "shared_cost", calls=3, missed=1, first=first)
    findings = Findings(source="screenshot", layout="call_log", numbers=(seen,), calls=(object(),))  # type: ignore[arg-type]
    assert findings_summary(findings, "zh") == "从截图读到：\n400 820 1234，11月28日 14:32 起共 3 次来电（1 次未接）\n对吗？"
    assert "400 820 1234: 3 call(s) since 28 Nov 14:32 (1 missed)" in findings_summary(findings, "en")


def test_fraud_text_leads_with_110_and_96110() -> None:
    findings = extract_from_text("您好，我是公安局的，您涉嫌洗钱，请把钱转入安全账户。", NOW, "CN")
    zh = findings_summary(findings, "zh")
    assert zh.startswith("⚠️") and "110" in zh and "96110" in zh
    assert "96110" in findings_summary(findings, "en")


def test_nothing_found_and_unreadable_say_so_without_a_question() -> None:
    assert "没有从中读到" in findings_summary(Findings(source="screenshot"), "zh")
    unreadable = findings_summary(Findings(source="screenshot", problem="unreadable"), "en")
    assert "could not open" in unreadable and "?" not in unreadable


def test_proposed_answers_hold_only_what_was_read() -> None:
    from engine.reading import proposed_answers

    story = extract_from_text("刚才又接到 400-820-1234 的机器人推销电话，这周第三次了，我回复了TD", NOW, "CN")
    proposal = proposed_answers(story)
    assert proposal["caller_numbers"] == [
        {"raw": "400 820 1234", "number": "+864008201234", "kind": "shared_cost", "region": "CN", "display": "400 820 1234"}
    ]
    assert proposal["last_contact_at"] == "2026-12-01T15:00:00+08:00"
    assert proposal["voice_kind"] == "robot"
    assert proposal["opted_out"] == "yes"
    assert set(proposal) == {"caller_numbers", "last_contact_at", "voice_kind", "opted_out"}
    sms = proposed_answers(extract_from_text("【某某商城】双11全场5折，点击 t.cn/abc，回复TD退订", NOW, "CN"))
    assert sms == {"content": "【某某商城】双11全场5折，点击 t.cn/abc，回复TD退订", "company": "某某商城"}
