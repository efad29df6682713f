"""Fraud cues from issue 13; the measured rates on real messages are in bench/fraud.py.

The scripts below are written for these tests after the common Chinese fraud kinds (they are not rows of
the bench set, so the bench's held-out part stays unseen by the tests too).
"""

import pytest

from engine.reading import classify
from engine.reading.cues import cue_table, matching
from engine.reading.fraud import _FRAUD_CUES

FRAUD_SCRIPTS = {
    "fake court, safe account": "【最高人民法院】您涉嫌一起洗钱案件，已被立案，请立即配合调查，将资金转入安全账户。",
    "fake police, meeting app": "您好，我是市公安局民警，您的身份证涉嫌洗钱，请下载瞩目APP加入会议并开启屏幕共享配合调查。",
    "health office hands over to police": "您好，我是疾控中心的，您的行程卡有异常，现在把电话转接到市公安局，请配合他们核实。",
    "points exchange link": "【积分兑换】您的话费积分即将清零，点击 http://10086-jf.top 兑换现金礼包。",
    "prize link": "恭喜您被抽中为幸运用户，获得二等奖 58000 元，请点击 www.prize-cn.vip 领取。",
    "refund for a failed order": "亲，您购买的商品因质检不合格订单失败，我们将为您办理三倍退款，请添加客服QQ并提供银行卡号和验证码。",
    "parcel claim": "您的快递丢失了，我们将赔偿您 300 元，请下载 XX 理赔 APP 填写银行卡信息。",
    "landlord changed the card": "我是房东，我之前的卡被冻结了，这个月房租请转到新的账户：6222 0000 1111 2222，张某。",
    "leader wants a transfer": "我是你领导，明天来我办公室一趟。现在有个急事，需要你先帮我转 5 万到这个账号，不要告诉别人。",
    "old friend with a new number": "我是你老同学啊，换了新号码，存一下。最近手头紧，能借我两万块钱周转一下吗？下个月就还。",
    "grandson in trouble": "奶奶，我是您的孙子，我开车撞了人被扣在派出所，要交医药费才能出来，千万别告诉爸妈。",
    "ticket home from abroad": "我人在国外回不来，航空公司说机票还差尾款，你先帮我垫付一下，回国就还你。",
    "teacher orders food, asks for a proxy purchase": "我是实验中学的王老师，学校要在你店里订餐，麻烦你先帮我们代购二十箱佛跳墙，供应商的微信推给你。",
    "verification code": "我是平台客服，刚才系统给您发了一条验证码，请把验证码告诉我，以便为您办理退款。",
    "loan unfreezing fee": "您在我司申请的贷款因银行卡号填写错误，资金已被冻结，需缴纳解冻费3000元才能放款。",
    "credit repair fee": "您的征信有逾期记录，我们可以帮您修复征信，需先支付手续费 800 元到指定账户。",
    "cancel a campus loan": "您好，我是京东金融客服，您大学期间开通的校园贷一直未注销，会影响征信，请按我的指引注销。",
    "service opened by mistake": "您好，我是抖音客服，因工作人员操作失误为您开通了商户会员，每月扣费 800 元，需要您配合取消。",
    "task rebates": "兼职刷单，日赚三百，先垫付后返还本金和佣金，有意加QQ群 123456。",
    "investment with a mentor": "加入我们的股票交流群，导师带单，稳赚不赔，下载APP充值即可获得高收益。",
    "game gear trade": "您好，您在游戏交易平台出售的装备已被买家付款，因您的账户被冻结，需先交 500 元保证金解冻后才能提现。",
    "ETC card phishing": "【ETC服务】您的ETC卡已失效，请点击 http://etc-renz.top 重新认证，以免影响通行。",
    "credit repair": "专业征信修复，可消除逾期记录，包过，详询客服微信。",
    "company account inspection": "我是建设银行客户经理，您公司的对公账户需要年检，请添加我的QQ提交资料。",
}


@pytest.mark.parametrize("text", FRAUD_SCRIPTS.values(), ids=FRAUD_SCRIPTS.keys())
def test_fraud_is_flagged(text: str) -> None:
    verdict = classify(text)
    assert verdict.kind == "fraud", verdict
    assert verdict.reasons


MARKETING = {
    "operator top-up offer": "【中国联通】尊敬的用户，月底了，请关注话费余额。现赠送您直充50元享9折优惠特权，点击 u.10010.cn/qABNr，回复TD退订。",
    "shop sale": "【某某家居】双十一全场5折，进店即送精美礼品，咨询热线 400-820-1234，回复T退订。",
    "points in the official app": "【中国移动】尊敬的客户，您有 2000 积分可兑换话费，登录中国移动App积分商城兑换，回复0000退订。",
    "loan advertisement": "老板你好，我是恒昌公司的客户经理，专业做无抵押信用贷款，有需要请联系我！",
    "bank loan offer": "【某某银行】尊敬的客户，您可申请最高30万元信用贷款，年化利率低至3.6%，详询95555，拒收请回复R。",
    "membership": "【某某外卖】您的会员红包已到账，满30减8，今晚下单立减，退订回T。",
    "gift card about to expire": "【某某商城】您有一张500元购物卡即将过期，请及时查看！http://t.example.cn/abc 回复TD退订",
    "app download for a coupon": "【某某商城】新人专享：下载App注册即送50元优惠券，限时三天，退订回T。",
}


@pytest.mark.parametrize("text", MARKETING.values(), ids=MARKETING.keys())
def test_marketing_is_spam_not_fraud(text: str) -> None:
    assert classify(text).kind == "spam"


def test_plain_message_is_neither() -> None:
    assert classify("晚上一起吃饭吗？").kind == "unknown"


def test_a_bank_notice_with_one_weak_cue_is_not_fraud() -> None:
    # "转账" alone is in every bank's own notices; one weak word never makes fraud.
    assert classify("【某某银行】您尾号1234的账户于12月1日转账支出500.00元，余额2,000.00元。").kind != "fraud"


def test_a_story_around_a_fraud_message_is_fraud() -> None:
    story = "刚才有人打电话说我涉嫌洗钱，要我把钱转到安全账户配合调查，这是不是诈骗？"
    assert classify(story).kind == "fraud"


def test_a_marketing_wrapper_does_not_hide_a_phishing_link() -> None:
    text = "【中国移动】尊敬的客户，您的积分即将清零，点击 http://jf-10086.top 兑换现金礼包，回复TD退订。"
    assert classify(text).kind == "fraud"


def test_full_width_text_is_read_like_half_width() -> None:
    assert classify("请下载ＺＯＯＭ并开启屏幕共享，配合调查洗钱案件。").kind == "fraud"


def test_reasons_name_the_cues_that_decided() -> None:
    verdict = classify(FRAUD_SCRIPTS["loan unfreezing fee"])
    assert "loan_fee" in verdict.reasons
    assert set(verdict.reasons) <= {cue.code for cue in _FRAUD_CUES}


def test_a_cue_table_refuses_duplicate_codes_and_reports_hits_in_order() -> None:
    with pytest.raises(ValueError):
        cue_table(("a", 1, "x"), ("a", 2, "y"))
    table = cue_table(("first", 1, "甲"), ("second", 2, "乙", True))
    assert [cue.code for cue in matching(table, "乙甲")] == ["first", "second"]
    assert matching(table, "丙") == ()
    assert table[1].asks and not table[0].asks


def test_cue_patterns_are_lower_case_and_match_any_case() -> None:
    with pytest.raises(ValueError):
        cue_table(("app", 1, "ZOOM"))
    assert [cue.code for cue in matching(cue_table(("app", 1, r"zoom\W")), "下载ZOOM。")] == ["app"]
