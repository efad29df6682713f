"""Cues added from the bench's development misses, proved on those very messages (never on held-out or fresh ones).

Each example is a verbatim row of bench/data/sms_*.tsv in the development part; the first test checks that,
so a later edit of the data cannot quietly turn a held-out row into a test. The reasons are what the bot shows
the person, so each case names the cue that must be among them, not only the verdict.
"""

import pytest

from bench.fraud import held_out, load
from engine.reading import classify

FRAUD = {
    "police_call": "您好，我是市公安局的工作人员，我们发现王心桥的行程存在异常，可能涉及到个人信息安全问题，需要您协助我们调查取证。"
                   "您是王心桥的什么人？如果是他的朋友或家人，请尽快与他联系，并提醒他注意个人信息安全。同时，我们也会采取必要的措施保护他的合法权益。谢谢您的配合。",
    "institution_order": "我是思源学校的陈主任，现在需要订餐。很抱歉打扰到您的工作或生活时间！我代表学校向您致以最诚挚的问候和感谢。"
                         "作为一所致力于提供优质教育资源的学府，我们一直注重学生的营养与健康饮食搭配。因此我们需要为您的餐厅预订一些特色佳肴来满足学生们的口味需求并保障他们的健康成长。"
                         "我们的要求是菜品丰富多样、口感鲜美独特并且价格实惠合理哦~当然如果您还有其他方面的疑问或者建议都可以随时与我联系沟通解决哈",
    "personal_info": "我是潭州教育的工作人员，很抱歉打扰到您的生活。我打电话给您是因为您在我们的学校有课程没有完结，需要退费。"
                     "我们了解到有一些原因导致您无法继续学习该课程，因此我们愿意为您提供帮助和解决方案。为了尽快解决您的问题，我们需要您提供一些个人信息以便我们进行相关处理。"
                     "请您务必保持警惕并谨慎对待任何要求您提供个人信息的电话或邮件。如果您有任何疑问或担忧，建议您直接与我们的官方渠道联系以获取更多信息。",
    "chat_move": "“您好，这里是阳光金融客服。我们注意到您已经下载了我们的APP并完成了注册流程。为了方便您使用和后续服务跟进，"
                 "请在杨光金融APP里面添加一个叫的客户经理账号，以便我们能及时为您提供更全面的金融服务。”",
    "institution_voice": "我是马三家镇钢材市场物业经理，我们公司需要您提供一些服务。如果您想了解更多关于我们的业务需求和付款方式的信息请务必联系我或者直接进行转账操作",
    "fake_authority": "你好，我是安徽社保总局的工作人员，发现你的社保卡存在违规操作，请你尽快到我们这里来办理相关业务。如果你不及时处理，你的社保卡将被停用。",
    "relative_in_trouble": "我是你的老朋友刘哥，前两天我们还一起吃饭来着。你猜我现在在哪？哈哈，给你个提示：我正在热电厂工作呢！对啦，就是我那个小破厂子里的一个员工而已。"
                           "不过话说回来啊兄弟，我最近有点儿麻烦需要解决一下你能不能帮帮忙呀当然可以了那太好了现在有个好消息要告诉你我打算让你加入我的团队"
                           "我们一起干点大事怎么样听起来很刺激吧别急慢慢来先加我这个微信这是我平时用来工作的号等咱们再慢慢聊",
    "money_plea": "奶奶，我是XX，我在外面喝酒出了点事，需要花钱找关系解决，你可以转给我吗，很关键很急。",
    "named_account": "哥，我在亚马逊买东西现在手机付不了钱了，我给你个账号你转账进去，我就可以拿到我的东西了。",
    "proxy_purchase": "我是闫总啊，你帮我去买几条名贵的烟，我不好出面购买，我给你个微信号，你去跟他联系，钱也直接给他就行了，等会我再统一给你。",
    "trouble": "是XX的家长吗，你孩子现在在学校出点事，需要私了，你转个2000过来吧。",
    "kin_address": "哥，我最近不是在直播公司上班吗，我这有个任务就是给自己公司的主播刷2000块礼物，我昨天打牌把钱输光了，你转2000给我呗，"
                   "我等下把账号发给你，等我发工资了就还你，感谢感谢。",
    "investigation_claim": "我是中国区GTM部门主管，现在打电话给你就是想查一下你们公司的情况，现在有人举报你在公司有一些问题，还请你配合我们调查，"
                           "这是我们的沟通qq群，麻烦你加一下，在里面不要发言。",
    "abroad_ticket": "我是。我计划回国，但由于账户外汇问题，无法购买机票。我给您提供了一个中国东方航空的李经理的联系方式，希望您能够联系他，协助我购买机票。",
    "impersonate_cs": "“您好！我是抖音的客户服务代表。我注意到您在我们的平台上有一个会员账户需要取消。为了帮助您顺利关闭此项服务并避免任何额外的费用，"
                      "我们需要您的微信号码以便进一步沟通。”随后将给出一个是财务部门的同事要求的转账信息。“请尽快按照他的要求进行操作以确保及时处理完成以免影响后续使用或造成不必要的损失”",
}

# Rounds 10 and 11 (fake customer service and fake acquaintances); a cue may appear twice, so these are pairs.
ROUND10 = (
    ("collect_payout", "尊敬的用户，您好！这里是快手APP客服中心。我们注意到您的护肤品订单已经开通了代扣服务，但是您尚未领取回款。"
                       "为了方便快捷地处理您的问题，我们已经将此事转交给我们的微信团队进行处理。请您添加以下微信号领取回款：xxxxxxx。"),
    ("named_account", "我是xx，我们公司出纳。在上午的订单处理中，发现了一笔客户订餐买酒的款项，我需要您的协助将款项转账至指定的酒水供应商账户。"
                      "这是客户指定的酒水供应商，您的转账将帮助我们完成订餐买酒的交易。"),
    ("own_account_barred", "我是合隆镇政府书记。由于最近工作较忙，无法亲自与您联系，所以希望您能在合隆镇政府与我见面。"
                           "鉴于一些特殊原因，我目前无法使用自己的账户进行一些资金的转移。我已将您的微信账号添加至我的联系人中，"
                           "并请您在方便的时候前来合隆镇政府找我。"),
    # Round 11.
    ("relative_in_trouble", "当然，我理解你最近更换了电话号码。为了保持联系和帮助彼此度过难关，我希望你能在我的微信上重新添加我的新联系方式"
                            "并借给我一些资金以应对当前的困境。希望尽快处理这个请求以便我能得到及时的援助和支持！"),
    ("chat_move", "当然，我理解你最近更换了电话号码。为了保持联系和帮助彼此度过难关，我希望你能在我的微信上重新添加我的新联系方式"
                  "并借给我一些资金以应对当前的困境。希望尽快处理这个请求以便我能得到及时的援助和支持！"),
    ("account_inspection", "我是中国建设银行的李经理，这里是您公司的银行账户。根据我们的审计流程，我们发现您的帐户需要进行年度审查以确保其持续的安全性和有效性。"
                           "为了尽快完成这一过程并确保您的业务不受影响，请您在接下来的24小时内通过QQ将相关文件发送给我进行核实和后续处理。谢谢合作！"),
    ("money_plea", "好的，以下是换词或丰富后的文本：由于某种特殊原因我需要你协助完成一笔转账。如果你觉得不方便操作的话我可以通过微信指导你怎么做"
                   "以确保一切顺利进行。但请务必保密并不要向他人透露此事！"),
)

MARKETING = {
    "a hotline to dial is not a sum to send": "尊敬的联通用户，感谢您一直以来对联通的支持。为了回馈您的信任和支持，我们特别赠送给您一份特别的惊喜：DIGIT元免费炫铃！"
                                              "您可以尝试拨打10018（免打扰）进行试听和下载更多精美的铃声。如果您有任何疑问或需要帮助，"
                                              "请回复“9”进入人工客服服务通道咨询相关问题并办理业务申请手续等事宜。",
    "changing a SIM without changing the number": "尊敬的用户，您好！移动公司现推出换卡有礼活动。即日起至月DIGIT日期间凭身份证可到当地营业厅升级手机SIM卡"
                                                  "而不更换号码首次免费换卡当月及次月起即可获赠GB本地网络流量当场绑定NAME充值更加送DIGIT元话费"
                                                  "详询请拨打10086或前往NAMEPLACE营业厅办理感谢您的支持祝您使用愉快",
    "operator gift pack behind a link": "尊敬的用户，恭喜您获得由中国联通提供的价值XXXX元的炫铃大礼包！请点击以下URL领取您的专属礼品。错过今天再等一年哦~",
}


def test_every_example_is_a_development_row_with_its_label() -> None:
    for name, examples in (("fraud", FRAUD), ("marketing", MARKETING)):
        development = {text for _, text in load(name) if not held_out(text)}
        for text in examples.values():
            assert text in development, text[:30]
    development = {text for _, text in load("fraud") if not held_out(text)}
    for _, text in ROUND10:
        assert text in development, text[:30]


@pytest.mark.parametrize(("cue", "text"), FRAUD.items(), ids=FRAUD.keys())
def test_a_development_miss_is_now_flagged_for_the_named_reason(cue: str, text: str) -> None:
    verdict = classify(text)
    assert verdict.kind == "fraud", verdict
    assert cue in verdict.reasons, verdict


@pytest.mark.parametrize(("cue", "text"), ROUND10, ids=[cue for cue, _ in ROUND10])
def test_a_round10_development_miss_is_now_flagged_for_the_named_reason(cue: str, text: str) -> None:
    verdict = classify(text)
    assert verdict.kind == "fraud", verdict
    assert cue in verdict.reasons, verdict


def test_the_persons_own_account_is_not_an_account_someone_names() -> None:
    # "您指定的…账户" is where a lender pays out to the person; only an account the sender names is a cue.
    own = classify("我是贷款客服，请先转账，审核通过后即可提现到您指定的工行卡账户")
    assert own.kind == "fraud" and "named_account" not in own.reasons, own
    named = classify("我是贷款客服，请先转账到指定的工行卡账户")
    assert "named_account" in named.reasons, named


def test_keeping_the_number_is_not_changing_it() -> None:
    # "更换了电话号码" is the fake acquaintance's opener; "不换号码" / "不更换号码" is an operator's offer.
    assert classify("办理携号转网不换号码，加微信好友详询优惠").kind == "spam"


def test_a_cars_annual_inspection_is_not_an_account_review() -> None:
    assert classify("尊敬的用户，您的车辆年审即将到期，详询4S店优惠活动").kind == "spam"


def test_collecting_a_payout_or_a_barred_account_alone_is_not_fraud() -> None:
    # A story that merely mentions a payout or a barred account is not a script: it needs more cues.
    assert classify("我去营业厅领取退款了").kind != "fraud"
    assert classify("他说不方便用自己的卡").kind != "fraud"


@pytest.mark.parametrize("text", MARKETING.values(), ids=MARKETING.keys())
def test_operator_marketing_near_a_new_cue_stays_marketing(text: str) -> None:
    assert classify(text).kind == "spam"


def test_a_cash_prize_behind_a_link_is_still_a_prize_scam() -> None:
    verdict = classify("恭喜您被抽中为幸运用户，获得现金奖励 8000 元，请点击 www.lucky-cn.top 领取。")
    assert verdict.kind == "fraud" and "prize_link" in verdict.reasons


def test_a_loan_call_that_asks_to_add_wechat_is_a_complaint_about_marketing() -> None:
    # Loan agents' own adverts ask for WeChat; only a download, a link or a fee makes a loan call fraud.
    story = "又有推销贷款的打电话，还让我加他微信，烦死了"
    assert classify(story).kind != "fraud"
    assert classify("我们是贷款公司，下载我们的APP即可申请，放款前需先交保证金。").kind == "fraud"


def test_addressing_someone_as_a_relative_is_a_cue_only_when_the_speaker_then_presents_themselves() -> None:
    # A person telling the bot a story may well start "姐，…"; the scam opener goes on "我是…" / "我在…".
    assert classify("姐，刚才有个客服打电话推销贷款，烦死了").kind != "fraud"
    verdict = classify("奶奶，我是小明，我在外面出了点事，你先给我转3000")
    assert verdict.kind == "fraud" and "kin_address" in verdict.reasons
