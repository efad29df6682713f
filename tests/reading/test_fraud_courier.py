"""Fake courier texts (假快递): a parcel "held", "returned" or "lost" and a link or reply to fill in details.

The bot once proposed "this looks like marketing" for the first script below (派送 holds 送, a marketing word).
The genuine notices further down share the parcel words (取件码, 已签收, 退回站点, 滞留) but ask for nothing,
and must stay non-fraud. All texts are written for these tests, not rows of the bench set.
"""

from datetime import datetime

import pytest

from bench.fraud import load
from engine.reading import classify, extract_from_text, findings_summary
from engine.reading.signals import known_signals, signals_of

FAKE_COURIER = {
    "address unclear, returned, click to fill in": "【顺丰】您的快递因地址不详被退回，请点击 http://sf-kd.cc/x 填写信息重新派送，客服 0755-12345678",
    "undeliverable, update the address": "【中通】快件无法派送，收件地址不完整，请打开 www.zt-addr.top 更新收货地址。",
    "held at the depot, confirm your details": "【韵达】您的包裹滞留在分拨中心，请点此链接 yd-hold.xyz 确认您的姓名和手机号。",
    "reply with name and ID": "【EMS】您的邮件投递失败，请回复您的姓名、详细地址和身份证号码，我们将重新投递。",
    "customs, fill in the ID number": "【菜鸟】您的海外包裹清关受阻，请登录 cn-customs.vip 填写身份证号码并补缴税费。",
    "lost parcel, claim through a link": "【京东物流】您的包裹在运输中丢失，请点击 jd-claim.cc 填写银行卡账号领取理赔款。",
}

GENUINE_NOTICES = {
    "pick-up code": "【菜鸟驿站】您的包裹已到东门驿站，取件码 6-2-4410，请于今日20:00前取件。",
    "signed for": "【顺丰速运】您的快件SF1122334455已签收，签收人：本人，感谢使用顺丰。",
    "out for delivery": "【圆通速递】您的快件正在派送中，快递员电话13900001111，请保持电话畅通。",
    "returned to the station, redelivered tomorrow": "【京东物流】您的快件因收件人不在已退回站点，明日再次派送，如需改约请联系快递员。",
    "held in a locker": "【丰巢】您的快递已在柜中滞留24小时，取件码 907712，请尽快取件。",
    "returned to the shop, refund in the app": "【菜鸟】您的包裹已退回商家，退款进度可在淘宝“我的订单”中查看。",
}


@pytest.mark.parametrize("text", FAKE_COURIER.values(), ids=FAKE_COURIER.keys())
def test_a_fake_courier_text_is_fraud_not_marketing(text: str) -> None:
    assert classify(text).kind == "fraud"


def test_the_reported_text_names_the_hitch_and_the_request() -> None:
    verdict = classify(FAKE_COURIER["address unclear, returned, click to fill in"])
    assert {"courier_hitch", "detail_request"} <= set(verdict.reasons)
    assert {"courier_hitch", "detail_request"} <= known_signals()


@pytest.mark.parametrize("text", GENUINE_NOTICES.values(), ids=GENUINE_NOTICES.keys())
def test_a_genuine_courier_notice_is_not_fraud(text: str) -> None:
    assert classify(text).kind != "fraud"


def test_the_hitch_alone_or_the_request_alone_is_not_fraud() -> None:
    # A notice that a parcel was returned asks for nothing; a sign-up advert asks for details with no hitch.
    assert classify("您的包裹地址不详，已被退回寄件人。").kind != "fraud"
    assert classify("【美容院】周年庆报名中，点击链接填写姓名和手机号即可预约体验，退订回T。").kind == "spam"


def test_the_bench_parts_for_fake_couriers_stay_flagged_and_genuine_notices_stay_clear() -> None:
    # Guards the measured figures (bench.fraud, parts cn-development and cn-fresh) against a later rule change.
    for name in ("fraud_cn", "fraud_cn_fresh"):
        rows = load(name)
        assert sum(classify(text).kind == "fraud" for _, text in rows) >= len(rows) - 1, name
    for name in ("marketing_cn", "marketing_cn_fresh"):
        assert not [text for _, text in load(name) if classify(text).kind == "fraud"], name


@pytest.mark.parametrize(("lang", "says", "not_says"), [("zh", "这很像诈骗", "营销"), ("en", "looks like fraud", "marketing")])
def test_the_reported_text_is_summed_up_as_fraud_in_both_languages(lang: str, says: str, not_says: str) -> None:
    found = extract_from_text(FAKE_COURIER["address unclear, returned, click to fill in"], datetime(2026, 12, 2, 10, 0), "CN")
    assert found.verdict.kind == "fraud"
    assert {"sms_signature", "courier_hitch", "detail_request"} <= set(signals_of(found))
    summary = findings_summary(found, lang)
    assert says in summary and not_says not in summary


def test_delivery_words_are_not_marketing_but_a_gift_still_is() -> None:
    # 派送, 配送 and 送达 hold 送, which marketing uses for a gift (买一送一, 送流量).
    assert classify(GENUINE_NOTICES["out for delivery"]).kind == "unknown"
    assert classify("【京东】您的订单已出库，预计明天送达，配送员会提前联系您。").kind == "unknown"
    assert classify("【某某超市】周末酸奶买一送一，欢迎光临。").kind == "spam"
    assert classify("充值100元送20元话费").kind == "spam"
