"""Fraud cues from issue 13; the measured rates on real messages are in bench/fraud.py."""

import pytest

from engine.reading import classify


@pytest.mark.parametrize(
    "text",
    [
        "【最高人民法院】您涉嫌一起洗钱案件，已被立案，请立即配合调查，将资金转入安全账户。",
        "您好，我是市公安局民警，您的身份证涉嫌洗钱，请下载瞩目APP加入会议并开启屏幕共享配合调查。",
        "【积分兑换】您的话费积分即将清零，点击 http://10086-jf.top 兑换现金礼包。",
        "恭喜您被抽中为幸运用户，获得二等奖 58000 元，请点击 www.prize-cn.vip 领取。",
        "亲，您购买的商品因质检不合格订单失败，我们将为您办理三倍退款，请添加客服QQ并提供银行卡号和验证码。",
        "我是房东，我之前的卡被冻结了，这个月房租请转到新的账户：6222 0000 1111 2222，张某。",
        "我是你领导，明天来我办公室一趟。现在有个急事，需要你先帮我转 5 万到这个账号，不要告诉别人。",
        "您的快递丢失了，我们将赔偿您 300 元，请下载 XX 理赔 APP 填写银行卡信息。",
    ],
)
def test_fraud_is_flagged(text: str) -> None:
    verdict = classify(text)
    assert verdict.kind == "fraud", verdict
    assert verdict.reasons


@pytest.mark.parametrize(
    "text",
    [
        "【中国联通】尊敬的用户，月底了，请关注话费余额。现赠送您直充50元享9折优惠特权，点击 u.10010.cn/qABNr，回复TD退订。",
        "【某某家居】双十一全场5折，进店即送精美礼品，咨询热线 400-820-1234，回复T退订。",
        "【中国移动】尊敬的客户，您有 2000 积分可兑换话费，登录中国移动App积分商城兑换，回复0000退订。",
        "老板你好，我是恒昌公司的客户经理，专业做无抵押信用贷款，有需要请联系我！",
    ],
)
def test_marketing_is_spam_not_fraud(text: str) -> None:
    assert classify(text).kind == "spam"


def test_plain_message_is_neither() -> None:
    assert classify("晚上一起吃饭吗？").kind == "unknown"
