"""What the proposal writes is what its message shows, and nothing the source did not say (the rule "nothing
invented"): a callback number is not the caller, a fraud script's brand is not the company, a date inside a
message is not when it came, a day is not its midnight, and "owed" or "Royal Mail" are not a Wednesday or a
robot."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from engine.reading import extract_from_text, findings_summary, proposed_answers
from engine.reading.summary import format_when, text

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ELSEWHERE = {"CN": ("GB", "US"), "US": ("CN", "GB"), "GB": ("CN", "US")}

# (pasted text, phone region): realistic messages and stories, zh and en.
CASES = [
    ("【顺丰速运】您的快递因地址不详无法派送，请致电 0755 1234 5678 办理理赔", "CN"),
    ("10690000123456：【顺丰速运】您的快件地址不详无法派送，请致电0755-12345678联系理赔专员办理退款", "CN"),
    ("您的快递因地址不详无法派送，请于今天18点前致电0755-12345678", "CN"),
    ("【某某商城】双11全场5折，点击 t.cn/abc，回复TD退订", "CN"),
    ("【圆通速递】您的快件正在派送中，快递员李师傅，电话13900002222，请保持电话畅通。", "CN"),
    ("刚才又接到 400-820-1234 的机器人推销电话，这周第三次了，我回复了TD", "CN"),
    ("昨天下午3点 138 0013 8000 又打来了，对方让我加微信 13900139000 办理退款", "CN"),
    ("Royal Mail: your parcel could not be delivered. Call 0161 496 0000 now to rearrange delivery.", "US"),
    ("HMRC: you are owed a tax refund of £450. Call our refunds team on 0161 496 0000 today.", "GB"),
    ("From: +44 7700 900123\nYour parcel is held. Reply YES or call 0161 496 0000", "US"),
    ("Your Amazon order of $499 was placed. If this wasn't you, call support at (415) 555-0100 immediately.", "US"),
    ("Got a robocall from (415) 555-0100 yesterday at 2 pm, 3rd time this week. I replied STOP.", "US"),
    ("I got a call from 0161 496 0000 on Monday, a real person, then a text asking me to call 020 7946 0018", "GB"),
]


def _shown(answers: dict[str, object], lang: str) -> list[str]:
    """How each proposed answer must appear in the proposal's message."""
    shown = [number["display"] for number in answers.get("caller_numbers", [])]  # type: ignore[attr-defined]
    if "company" in answers:
        shown.append(text("companies", lang, names=answers["company"]))
    if "voice_kind" in answers:
        shown.append(text("caller.robot" if answers["voice_kind"] == "robot" else "caller.person", lang))
    if "opted_out" in answers:
        shown.append(text("opted_out", lang))
    return shown


@pytest.mark.parametrize(("pasted", "region"), CASES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_fact_the_proposal_writes_is_in_its_message(pasted: str, region: str, lang: str) -> None:
    findings = extract_from_text(pasted, NOW, region, ELSEWHERE[region])
    answers = proposed_answers(findings)
    message = findings_summary(findings, lang)
    for shown in _shown(answers, lang):
        assert shown in message, (shown, message)
    if "last_contact_at" in answers:
        latest = max((w for w in findings.times), key=lambda w: w.at)
        assert format_when(latest, lang) in message


@pytest.mark.parametrize(("pasted", "region"), CASES)
def test_a_number_the_text_asks_you_to_call_is_never_the_caller(pasted: str, region: str) -> None:
    findings = extract_from_text(pasted, NOW, region, ELSEWHERE[region])
    callers = {n["number"] for n in proposed_answers(findings).get("caller_numbers", [])}
    assert not callers & {seen.number for seen in findings.callbacks}
    # Every number in these texts after "call", "致电", "加微信"… is a callback; none may be proposed.
    assert not callers & {"+8675512345678", "+8613900139000", "+442079460018", "+8613900002222"}
    if "from 0161" not in pasted:
        assert "+441614960000" not in callers


def test_the_callback_and_the_sender_id_are_told_apart() -> None:
    findings = extract_from_text(CASES[1][0], NOW, "CN")
    assert [n.number for n in findings.numbers] == ["10690000123456"]
    assert [n.display for n in findings.callbacks] == ["0755 1234 5678"]
    assert findings.messages[0].sender == "10690000123456"


def test_a_story_keeps_its_caller_and_sets_aside_the_number_it_was_asked_to_add() -> None:
    findings = extract_from_text(CASES[6][0], NOW, "CN")
    assert [n.display for n in findings.numbers] == ["138 0013 8000"]
    assert [n.display for n in findings.callbacks] == ["139 0013 9000"]


def test_a_fraud_scripts_signature_is_the_brand_it_poses_as_not_the_company() -> None:
    fake = proposed_answers(extract_from_text(CASES[0][0], NOW, "CN"))
    assert "company" not in fake and fake["content"] == CASES[0][0]
    assert proposed_answers(extract_from_text(CASES[3][0], NOW, "CN"))["company"] == "某某商城"
    assert "冒用【顺丰速运】的名义" in findings_summary(extract_from_text(CASES[0][0], NOW, "CN"), "zh")


def test_a_date_inside_a_message_is_not_when_it_came() -> None:
    findings = extract_from_text(CASES[2][0], NOW, "CN")
    assert findings.layout == "sms" and "last_contact_at" not in proposed_answers(findings)


def test_a_text_message_has_no_voice_and_royal_mail_is_no_robot() -> None:
    assert extract_from_text(CASES[7][0], NOW, "US").caller is None
    assert extract_from_text("Royal Mail keeps ringing me again and again, a woman every time", NOW, "GB").caller == "person"
    assert extract_from_text("又接到AI语音电话", NOW, "CN").caller == "robot"


def test_owed_and_friend_are_not_weekdays() -> None:
    assert extract_from_text("My friend says I was owed money, he called from 0161 496 0000", NOW, "GB").times == ()
    assert [w.at.weekday() for w in extract_from_text("I got a call on Wednesday from 0161 496 0000", NOW, "GB").times] == [2]


def test_a_day_is_proposed_as_a_day_and_a_moment_as_a_moment() -> None:
    day = proposed_answers(extract_from_text("I got a call from 0161 496 0000 today", NOW, "GB"))
    assert day["last_contact_at"] == "2026-12-02"
    moment = proposed_answers(extract_from_text("昨天下午3点 138 0013 8000 又打来了", NOW, "CN"))
    assert moment["last_contact_at"] == "2026-12-01T15:00:00+08:00"


@pytest.mark.parametrize(("story", "region", "caller", "callback"), [
    ("来电号码：138 0013 8000，昨天打了三次", "CN", "138 0013 8000", None),
    ("他让我打 0755-12345678 办理退款", "CN", None, "0755 1234 5678"),
    ("请来电 400-820-1234 咨询", "CN", None, "400 820 1234"),
    ("missed call from 0161 496 0000, then a text: reply YES to 0161 496 0001", "GB", "0161 496 0000", "0161 496 0001"),
    ("They told me to ring 020 7946 0018 about my account", "GB", None, "020 7946 0018"),
])
def test_the_words_before_a_number_say_whether_it_called_or_is_to_be_called(
    story: str, region: str, caller: str | None, callback: str | None
) -> None:
    findings = extract_from_text(story, NOW, region)
    assert [n.display for n in findings.numbers] == ([caller] if caller else [])
    assert [n.display for n in findings.callbacks] == ([callback] if callback else [])
