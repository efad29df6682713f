"""Fraud facts proposed from what a pasted message shows (issue 13): flows.yaml options name, in `read_from`,
the fraud cues or facts of the source that propose them; the checker knows those names; a step is
proposed only on its path, a single choice only when exactly one option is shown, and nothing is written
before the person confirms."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from engine.engine import Engine
from engine.events import FileInput, Proposal
from engine.loader import check_flow_text, load_flow
from engine.read_options import read_answers
from engine.reading import extract_from_text
from engine.reading.signals import signals_of
from tests.engine.helpers import FixedAdvisor, Talk, item, shipped_regions

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows.yaml")
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
FRAUD = {"issue_type": "fraud"}


def signals(text: str) -> tuple[str, ...]:
    return signals_of(extract_from_text(text, NOW, "CN"))


def test_a_courier_refund_sms_proposes_how_they_contacted_who_they_posed_as_and_what_they_asked() -> None:
    shown = signals("【顺丰速运】您的快递丢失，我司将为您办理理赔退款，请添加客服QQ并下载会议App，按提示操作领取 http://t.cn/aB3x")
    assert read_answers(FLOW, shown, FRAUD) == {"fraud_contact": "sms", "impersonation": "platform", "fraud_asked": ["app"]}


def test_a_fake_police_story_proposes_police_and_the_transfer_but_not_how_they_contacted() -> None:
    shown = signals("我刚接到自称公安局的电话，说我涉嫌洗钱，要我把钱转到安全账户配合调查")
    # No signature and no screenshot: the way they made contact is the person's to say.
    assert read_answers(FLOW, shown, FRAUD) == {"impersonation": "police", "fraud_asked": ["transfer"]}


def test_a_fraud_message_without_a_request_proposes_no_request() -> None:
    shown = signals("【中通快递】您好，我是快递客服，您的快递丢失了")
    read = read_answers(FLOW, shown, FRAUD)
    assert read.get("impersonation") == "platform"
    assert "fraud_asked" not in read


def test_a_marketing_message_proposes_nothing_of_the_fraud_questions() -> None:
    shown = signals("【某某商城】双十一全场5折，新品上市，进店有礼，回T退订")
    assert shown == ("sms_signature",)
    # Not on the fraud path: the fraud questions are not proposed even from what the message shows.
    assert read_answers(FLOW, shown, {"issue_type": "spam_sms"}) == {}


def test_two_options_of_a_single_choice_shown_propose_neither() -> None:
    # A police threat and a lost parcel in one message: who they posed as is asked, not guessed.
    assert "impersonation" not in read_answers(FLOW, ("crime_threat", "parcel_lost"), FRAUD)


def test_a_joined_name_needs_all_its_parts() -> None:
    assert "impersonation" not in read_answers(FLOW, ("refund_lure",), FRAUD)
    assert read_answers(FLOW, ("refund_lure", "impersonate_cs"), FRAUD)["impersonation"] == "platform"


def test_answers_already_given_are_not_proposed_again() -> None:
    assert "impersonation" not in read_answers(FLOW, ("crime_threat",), {**FRAUD, "impersonation": "bank"})


def test_the_checker_refuses_a_name_evidence_is_not_read_for() -> None:
    text = """flow: {id: t}
steps:
  - id: how
    type: choice
    label: {zh: 怎么, en: How}
    prompt: {zh: 怎么, en: How}
    options:
      - {value: sms, label: {zh: 短信, en: SMS}, read_from: [sms_signature, verify_code+remote_app]}
      - {value: call, label: {zh: 电话, en: Call}, read_from: [a_cue_nobody_has]}
  - id: done
    type: end
    prompt: {zh: 完, en: Done}
"""
    _, found = check_flow_text(text, "f.yaml")
    assert [(p.line, p.message) for p in found] == [
        (9, "'a_cue_nobody_has' is not something evidence is read for (engine/reading/signals.py)")
    ]


def test_the_proposal_lists_the_read_answers_above_its_question_and_writes_them_only_on_right() -> None:
    person = Talk(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), "zh")
    proposal = Proposal("⚠️ 这很像诈骗。\n我先按「诈骗」来整理这个投诉，对吗？", {"issue_type": "fraud"}, ("verify_code", "sms_signature"))
    out = person.send(FileInput(items=(item(),), proposal=proposal))
    lines = out.replies[-1].text.split("\n")
    assert "对方联系方式：发短信" in lines and "对方要求：提供验证码" in lines
    assert lines[-1] == "我先按「诈骗」来整理这个投诉，对吗？"
    assert "fraud_asked" not in person.state.answers and "fraud_contact" not in person.state.answers
    person.tap("_accept")
    assert person.state.answers["fraud_asked"] == ["code"] and person.state.answers["fraud_contact"] == "sms"
    assert person.state.step == "jurisdiction"
    person.text("中国")
    assert person.state.step == "impersonation", "how they contacted and what they asked are known: not asked again"


def test_an_english_parcel_text_proposes_the_courier_and_the_link_to_open() -> None:
    shown = signals("USPS: your package is on hold due to an incomplete address. Update your address at http://usps-hold.top/a within 24 hours.")
    assert read_answers(FLOW, shown, FRAUD) == {"impersonation": "platform", "fraud_asked": ["link"]}


def test_a_hi_mum_text_proposes_a_relative_and_the_money_it_asks_for() -> None:
    shown = signals("Hi mum, I lost my phone, this is my new number. Can you send £300 for my rent today? I'll pay you back.")
    assert read_answers(FLOW, shown, FRAUD) == {"impersonation": "relative", "fraud_asked": ["transfer"]}


def test_a_boss_asking_for_gift_cards_proposes_the_boss_and_a_payment_not_a_verification_code() -> None:
    shown = signals("It's Tom from the office, are you free? I need you to buy 3 Apple gift cards for a client and send me the codes.")
    assert read_answers(FLOW, shown, FRAUD) == {"impersonation": "boss", "fraud_asked": ["transfer"]}


def test_chinese_leaders_and_old_friends_are_proposed_as_boss_and_relative() -> None:
    leader = signals("我是你领导，明天来我办公室一趟。现在有个急事，需要你先帮我转 5 万到这个账号，不要告诉别人。")
    assert read_answers(FLOW, leader, FRAUD) == {"impersonation": "boss", "fraud_asked": ["transfer"]}
    friend = signals("我是你老同学啊，换了新号码，存一下。最近手头紧，能借我两万块钱周转一下吗？下个月就还。")
    assert read_answers(FLOW, friend, FRAUD)["impersonation"] == "relative"


def test_a_bank_a_tax_office_and_a_prize_link_are_proposed_from_what_they_say() -> None:
    bank = signals("Barclays: your account has been locked after suspicious activity. Call us now on 0800 555 0100.")
    assert read_answers(FLOW, bank, FRAUD) == {"impersonation": "bank"}, "a call back is not one of the listed requests"
    refund = signals("HMRC: you are due a tax refund of £212.40. Claim it at hmrc-refunds.uk.com")
    assert read_answers(FLOW, refund, FRAUD) == {"impersonation": "government", "fraud_asked": ["link"]}
    prize = signals("恭喜您被抽中为幸运用户，获得二等奖 58000 元，请点击 www.prize-cn.vip 领取。")
    assert read_answers(FLOW, prize, FRAUD) == {"fraud_asked": ["link"]}


def test_who_they_claimed_to_be_is_not_proposed_from_marketing_or_a_one_time_code() -> None:
    for text in ("20% off everything this weekend at Harper's! Reply STOP to opt out.",
                 "Your verification code is 123456. Do not share it with anyone.",
                 "Hi mum, just landed, see you at dinner x"):
        assert signals(text) == (), text
