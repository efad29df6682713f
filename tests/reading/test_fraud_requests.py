"""What a fraud message asks for, proposed at flows.yaml's "对方要求 / What they asked for" from its own words.

A Chinese money plea (a "child" with a new number, a "leader", an old friend) proposes "转账或付款" as the
English "Hi Mum" text does; "请回复您的身份证号/银行卡号/地址" proposes the personal-details option and
"回复验证码" the code option. Nothing is proposed that the message does not ask: a refund they promise to
pay *to* the person, a warning not to transfer, or a marketing text with 转发, 优惠 or 充值送 propose no
request. Texts are written for these tests, not rows of the bench set. Read through the real reader and the
shipped flows.yaml.
"""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from engine.loader import load_flow
from engine.read_options import read_answers
from engine.reading import extract_from_text
from engine.reading.signals import signals_of

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows.yaml")
NOW = datetime(2026, 12, 2, 4, 0, tzinfo=timezone.utc)


def asked(text: str, region: str = "CN") -> list[str]:
    """The options proposed at fraud_asked for one pasted message (none when it is not read as fraud)."""
    found = extract_from_text(text, NOW, region)
    assert found.verdict.kind == "fraud", found.verdict
    return read_answers(FLOW, signals_of(found), {"issue_type": "fraud"}).get("fraud_asked", [])


MONEY_PLEAS = {
    "child with a drowned phone, a deposit": "妈，我手机掉水里了，这是我新号，急需5000块交押金，转到这个卡号…",
    "leader, a sum for a partner": "我是你领导，明天来我办公室，先帮我转一笔钱给合作方，回头我再跟你说。",
    "old friend borrowing": "我是你老同学啊，换了新号码，存一下。最近手头紧，能借我两万块钱周转一下吗？下个月就还。",
    "father asked to wire to a classmate's card": "爸，我换号了，你先给我汇款3000到我同学的卡上，别跟我妈说。",
    "son wants money sent over": "妈，是我，我换新号了，出了点事，你赶紧给我打钱，转过来再说。",
    "grandson, a bail deposit": "奶奶，我是您的孙子，我开车撞了人被扣在派出所，要交保证金才能出来，千万别告诉爸妈。",
    "cousin borrowing a little": "我是你表哥，我手机坏了刚换的号。家里出了点急事，想先借一点钱应急一下，等事情解决后就还你。",
    "nephew, straight to someone's account": "叔，我是你侄子，我在外面出事了，你直接向他的账户转两万，别告诉我爸。",
    "boss, paying a client for him": "我是你们老板，我在开会不方便接电话，你先帮我给客户转账五万，账号我发你微信。",
}


@pytest.mark.parametrize("text", MONEY_PLEAS.values(), ids=MONEY_PLEAS.keys())
def test_a_chinese_money_plea_proposes_sending_money(text: str) -> None:
    assert "transfer" in asked(text)


PERSONAL_DETAILS = {
    "courier wants name, ID and address": "【顺丰速运】您的快递因地址不详无法派送，请回复您的姓名、身份证号和详细地址以便重新派送。",
    "fake bank wants the card number": "【中国银行】您的账户存在异常已被冻结，请回复您的银行卡号进行核实，否则将影响使用。",
    "refund wants the ID number": "【平台客服】您的订单退款失败，请发送您的身份证号码，客服为您重新办理退款。",
    "english courier wants the ID number and address": "Royal Mail: your parcel could not be delivered. Reply with your ID number and home address to rebook.",
    "english bank wants the card": "Your bank account has been suspended. Reply with your bank card number to restore access.",
}


@pytest.mark.parametrize("text", PERSONAL_DETAILS.values(), ids=PERSONAL_DETAILS.keys())
def test_asking_to_reply_with_an_id_a_card_or_an_address_proposes_personal_details(text: str) -> None:
    assert "details" in asked(text, "UK" if text.isascii() else "CN")


def test_asking_to_reply_with_the_code_proposes_the_code() -> None:
    got = asked("【中国银行】您的账户存在异常已被冻结，请回复您的银行卡号和收到的验证码进行核实。")
    assert {"details", "code"} <= set(got)
    english = "Barclays: your account has been locked after suspicious activity. Call us now on 0800 555 0100 or reply with the 6-digit code we sent you."
    assert "code" in asked(english, "UK")


NOT_A_REQUEST_FOR_MONEY = {
    # They promise to pay the person: the refund lure asks for an app, not for money.
    "refund paid to the person": "【顺丰速运】您的快递丢失，我司将为您办理理赔，款项将转入您的账户，请添加客服QQ并下载会议App领取。",
    # A fake court's message that warns against transferring is not a request to transfer.
    "a warning inside the text": "【最高人民法院】您涉嫌洗钱案件已被立案，请立即下载会议App配合调查，切勿向他人转账。",
    "they say they will not ask": "我是市公安局民警，您的身份证涉嫌洗钱，请下载会议App配合调查，我们不会要求您进行任何转账。",
    "the speaker pays the person": "我是你领导，明天来我办公室一趟，有个红包你帮我送给王总，我这边先通过银行转账给你。",
    "a transfer they applied for": "【快手客服】您的订单因质检不合格，我们已经申请了转账退款，请下载会议App配合操作领取。",
}


@pytest.mark.parametrize("text", NOT_A_REQUEST_FOR_MONEY.values(), ids=NOT_A_REQUEST_FOR_MONEY.keys())
def test_money_that_is_promised_or_warned_about_is_not_proposed_as_a_transfer(text: str) -> None:
    assert "transfer" not in asked(text)


def test_an_address_that_is_a_web_address_is_not_personal_details() -> None:
    assert "details" not in asked("恭喜您被抽中为幸运用户，获得二等奖 58000 元，请将本短信发送至以下地址 www.prize-cn.vip 领取。")


MARKETING = {
    "forward to friends": "【某某奶茶】转发给好友即可领取第二杯半价优惠券，活动限时三天，回T退订。",
    "top-up bonus": "【中国移动】充值100元送20元话费，转账充值均可参加，详询10086，回复TD退订。",
    "bank transfer offer": "【某某银行】即日起手机银行转账免手续费，汇款更优惠，欢迎办理，拒收请回复R。",
    "reply with the address for a gift": "【某某商城】会员周年礼，回复您的姓名和收货地址即可免费领取礼品，退订回T。",
}


@pytest.mark.parametrize("text", MARKETING.values(), ids=MARKETING.keys())
def test_marketing_with_money_or_detail_words_is_not_fraud_and_proposes_no_request(text: str) -> None:
    found = extract_from_text(text, NOW, "CN")
    assert found.verdict.kind == "spam"
    assert read_answers(FLOW, signals_of(found), {"issue_type": "fraud"}).get("fraud_asked") is None


def test_a_fake_courier_link_to_fill_in_details_proposes_the_link_and_personal_details() -> None:
    # The link is written with a space after 点击 or as a bare domain, as these texts do.
    assert set(asked("【圆通】您的快件因收货地址有误已被退回，请点击 http://yt-fh.xyz 重新填写收件信息。")) == {"link", "details"}
    assert set(asked("【京东物流】您的包裹派送失败，请在24小时内登录 jd-wl.top 补充收货地址，否则将退回仓库。")) == {"link", "details"}


def test_a_fee_to_claim_a_prize_or_grant_proposes_paying_money() -> None:
    assert "transfer" in asked("You have been selected for a $6,000 government grant. To claim it, pay a one-time processing fee of $200 today.", "US")


STRANGER_INVESTING = {
    "wrong number, then crypto": "Sorry to bother you, is this Anna? We were meant to have lunch. Anyway, I trade bitcoin on the side, want me to show you how?",
    "a stranger's name, then passive income": "Hi, my name is Grace, I work for a trading company. We help people earn passive income with crypto, can I show you how?",
}


@pytest.mark.parametrize("text", STRANGER_INVESTING.values(), ids=STRANGER_INVESTING.keys())
def test_a_strangers_text_that_turns_to_teaching_crypto_is_fraud(text: str) -> None:
    assert extract_from_text(text, NOW, "US").verdict.kind == "fraud"


def test_a_shop_that_introduces_itself_is_still_marketing() -> None:
    text = "Hi, my name is Kate from Harper & Co, nice to meet you! Show this text for 20% off your first order. Reply STOP to opt out."
    assert extract_from_text(text, NOW, "US").verdict.kind == "spam"
