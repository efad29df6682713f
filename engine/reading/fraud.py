"""Is a pasted message fraud, marketing spam, or neither? Cues from the kinds of fraud issue 13 names.

Fraud is flagged when the cues add up to a *request that only a fraudster makes*: move money to an
account someone else names, install a remote-control or meeting app, give a verification code, act on a
fake authority's threat, follow a prize or points link, or pay a relative or landlord who "changed the
card". A single weak cue (a link, a transfer, "QQ") is not enough: operators' own marketing has those too.
Measured on real labelled messages in bench/fraud.py (sources in bench/data/SOURCES.md).
"""

from __future__ import annotations

import re
import unicodedata

from engine.reading.findings import Verdict

# (reason code, weight, pattern). A message is fraud when its weights reach _FRAUD_AT.
_CUES: tuple[tuple[str, int, str], ...] = (
    ("safe_account", 3, r"安全账户|对公安全|资金清查|资产(审查|清查)|验资|清查资金|核验.{0,4}资金|证明.{0,10}(清白|没有.{0,4}洗钱)"),
    ("fake_authority", 2, (
        r"(公安|警察|警官|民警|刑警|经侦|检察院|法院|公检法|派出所|刑侦|银监会|银保监|疾控|防疫|卫健|社保局|医保|"
        r"police|court|prosecutor).{0,40}"
        r"(涉嫌|涉案|案件|洗钱|洗黑钱|通缉|逮捕|拘捕|调查|配合|冻结|犯罪|诈骗|隔离|密接|骗保|违法|warrant|arrest)"
    )),
    ("id_misuse", 1, r"(身份证?|身份信息|护照|电话卡|手机号).{0,10}(盗用|冒用|泄露|被注册|被人|非法|入境|异常)"),
    ("call_transfer", 1, r"转接|转过去|转到.{0,6}(公安|警方|派出所|刑警)"),
    ("crime_threat", 2, (
        r"(涉嫌|涉及).{0,12}(洗钱|洗黑钱|犯罪|诈骗|案件|违法)|(洗钱|洗黑钱|贩毒|走私).{0,6}案|"
        r"通缉令|逮捕证|拘捕令|刑拘证|取保候审"
    )),
    ("remote_app", 3, (
        r"屏幕共享|共享屏幕|投屏|远程(操控|协助|操作|控制)|腾讯会议|zoom|瞩目|云会议|会议(号|室|软件|app)|"
        r"视频会议|上课宝|云视讯|小鱼易连|亿联会议|开会宝|迈聆|全视通|易信app|screen ?shar|remote access|anydesk|teamviewer"
    )),
    ("install_app", 1, r"(下载|安装|注册)(一个|一款|两个|指定的?|我们的?)?.{0,10}(app|软件|应用|客户端)|download.{0,20}app"),
    ("verify_code", 3, r"(提供|告诉|发送|输入|报).{0,10}(验证码|密码|cvv)|验证码.{0,8}(告诉|发给|提供)|(verification|security) code"),
    ("card_details", 2, r"(提供|告诉|发).{0,8}(银行卡|卡号|账户信息|卡信息|余额)|银行卡(号|信息|密码)"),
    ("transfer", 1, r"转账|汇款|汇钱|打款|转.{0,3}钱|把钱转|转到.{0,10}(账户|账号|卡)|垫付|wire|gift card|transfer"),
    ("named_account", 2, (
        r"指定(的)?(账户|账号|银行卡|卡|收款)|提供的(账户|账号|卡)|(这个|以下|我的|新的?)(账户|账号|卡号)|"
        r"账号(是|：|:)|(转|汇|打)到.{0,6}(我|他|她|对方)"
    )),
    ("secrecy", 1, r"不要告诉|千万别告诉|别告诉|保密|不能告诉|秘密调查|don't tell"),
    ("relative_in_trouble", 2, (
        r"我是(你|您)(的)?(孙子|外孙|孙女|侄子|侄女|外甥|儿子|女儿|干儿子|表哥|哥哥?|姐姐?|朋友|同学|老同学|领导|老板|老师|大姑|"
        r"外孙女婿|侄女婿|外甥女婿|外甥媳妇)|听(不)?出(来)?.{0,4}(我|声音)|猜猜(看)?(我)?是谁|换了?.{0,3}(号码|手机号|新号|微信号?)"
    )),
    ("leader_voice", 2, r"我是.{1,3}(总|部长|书记|主任|局长|院长|处长|校长)|我是(你|您)的?(好友|微信好友|老乡|亲戚)"),
    ("money_need", 1, r"借.{0,4}钱|急(需|用)(用)?钱|手头(有点)?紧|赔(偿|钱)|医药费|手术费|保证金|保释|罚款|急需|周转|借我"),
    ("landlord_card", 3, (
        r"(房东|房租|租金).{0,40}(换|新|变更|改).{0,6}(卡|账户|账号)|(换|新|变更|改).{0,6}(卡|账户|账号).{0,40}(房租|租金)|"
        r"(交|缴)房租.{0,40}(转账|账号)"
    )),
    ("refund_lure", 2, (
        r"(退款|退费|理赔|赔偿|赔付|补偿|三倍|双倍).{0,60}(qq|微信|链接|下载|转账|银行卡|验证码|扫码|二维码|备用金|借呗|"
        r"贷款|视频|会议|支付宝|网址|转到|账户)"
    )),
    ("account_scare", 2, (
        r"(金条|白条|备用金|微粒贷|借呗|花呗|征信|代理(商|身份|合同)?|会员服务|商户|店铺|扣费|每月.{0,6}扣|误(操作|开通|将))"
        r".{0,50}(注销|关闭|取消|解除|清空|影响|撤销|扣)"
    )),
    ("prize_link", 3, (
        r"(中奖|恭喜.{0,10}(获得|抽中)|获得.{0,6}(大奖|奖金)|积分.{0,10}(清零|过期|到期|即将|兑换现金)).{0,60}"
        r"(http|www|点击|链接|网址|\.cn|\.com|\.top|\.xyz|\.vip)"
    )),
    ("fee_first", 2, r"(先|需)(交|缴|付|支付).{0,8}(手续费|保证金|押金|税费|解冻费|会员费|定金)|(手续费|保证金|解冻费).{0,8}(才能|方可)"),
    ("card_cancel", 2, r"(银行卡|.行卡|储蓄卡|信用卡).{0,4}注销|注销.{0,6}(银行卡|.行卡)"),
    ("parcel_lost", 2, r"(快递|包裹|货物|快件).{0,8}(丢失|遗失|丢了|损坏|破损)"),
    ("account_inspection", 2, r"(账户|账号|帐户|公司).{0,10}年检"),
    ("account_frozen", 1, r"(账户|账号|帐户|银行卡|资金).{0,6}(冻结|异常|风险|被锁|涉案)"),
    ("impersonate_cs", 1, r"(客服|工作人员|售后|理赔(中心|部门)?|快递公司|物流公司)"),
    ("chat_move", 1, r"(加|添加).{0,10}(qq|微信|好友)|qq(号|群)|企业微信|(微信|qq)(上)?聊"),
)
_FRAUD_CUES = tuple((code, weight, re.compile(pattern, re.IGNORECASE)) for code, weight, pattern in _CUES)
_FRAUD_AT = 3

# Marketing: an offer, a shop, an unsubscribe line. Only decides "spam" when no fraud was found.
_SPAM_CUES = re.compile(
    r"推销|营销|广告|退订|回复?\s*(td|t|n|0)\b|优惠|活动|促销|特惠|特价|折扣|[0-9一二三四五六七八九]折|送|礼|会员|新品|开业|报名|招生|套餐|"
    r"流量|话费|红包|限时|先到先得|热线|预约|欢迎|光临|惠顾|抢购|秒杀|团购|贷款|理财|招聘|品牌|进店|详询|咨询|"
    r"营业厅|满\d+|立减|买.送|unsubscribe|reply stop|offer|sale|discount|% off",
    re.IGNORECASE,
)


def classify(text: str) -> Verdict:
    """Fraud, spam or unknown for one pasted message or story, with the cue codes that decided it."""
    folded = unicodedata.normalize("NFKC", text)
    hits = [(code, weight) for code, weight, pattern in _FRAUD_CUES if pattern.search(folded)]
    score = sum(weight for _, weight in hits)
    if score >= _FRAUD_AT and _asks_for_something(hits):
        return Verdict("fraud", tuple(code for code, _ in hits))
    if _SPAM_CUES.search(folded):
        return Verdict("spam", ("marketing",))
    return Verdict("unknown")


# Codes that are themselves a request or a threat; a fraud verdict needs at least one of them, so that
# "客服 + 冻结" in an operator's notice does not add up to fraud on its own.
_REQUESTS = frozenset({
    "safe_account", "fake_authority", "crime_threat", "remote_app", "verify_code", "card_details", "named_account",
    "relative_in_trouble", "leader_voice", "landlord_card", "card_cancel", "parcel_lost", "account_inspection", "refund_lure", "account_scare", "prize_link", "fee_first", "transfer",
})


def _asks_for_something(hits: list[tuple[str, int]]) -> bool:
    return any(code in _REQUESTS for code, _ in hits)
