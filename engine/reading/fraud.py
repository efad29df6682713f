"""Is a pasted message fraud, marketing spam, or neither? Cues from the common Chinese fraud scripts and
the English scam texts US and UK warnings describe (parcel fees, locked accounts, "Hi Mum", tax refunds,
tolls, order call-backs, gift cards, crypto).

Fraud is flagged when the cues add up to a *request that only a fraudster makes*: move money to an
account someone else names, pay a fee to unfreeze a loan, install a remote-control or meeting app, give a
verification code or card details, act on a fake authority's threat, follow a prize or points link, cancel
a "wrongly opened" service, pay for goods or tickets on someone's behalf, or lend money to a "relative" or
"leader" who has a new number. Each row below is one such cue; `asks` marks the cues that are themselves a
request or threat. A verdict needs weights of at least `_FRAUD_AT` and one asking cue, so that a single
weak word (a link, "转账", "QQ") — which operators' own marketing also uses — is never enough.
Rows of weight 0 never count towards a verdict: they only name who the script claims to be, a link to
open, or what it asks in so many words, for the options flows.yaml proposes from them (`read_from`); they
are looked for only once a message is fraud, which spares their cost on every other message.
Measured on labelled messages in bench/fraud.py (sources in bench/data/SOURCES.md).
"""

from __future__ import annotations

import unicodedata

from engine.reading.cues import Cue, cue_table, matching
from engine.reading.findings import Verdict

_POLICE = r"(公安|警察|警官|民警|刑警|经侦|检察院|检察官|法院|公检法|派出所|刑侦|分局|police|court|prosecutor)"
_INSTITUTION = (r"我是.{0,12}(学校|中学|小学|大学|学院|教育|部队|武警|军区|局|医院|政府|物业|工地|项目部?|单位)的?.{0,6}"
                r"(主任|老师|校长|经理|领导|负责人|工作人员|客户|采购|书记|教官|连长|排长|首长)")
_LOAN = r"(贷款|借款|放款|下款|网贷|信用贷|借贷|贷款公司|小额贷|借钱)"
# English: a web address as scam texts write it (a bare domain or a link), and the kin a "Hi Mum" text opens with.
_URL = r"(https?://|www\.|\b[a-z0-9-]+\.(com|net|org|info|top|xyz|uk|co|help|us|vip|online|site|live|link|app)\b)"
_KIN_EN = r"(mum|mom|mommy|mummy|mam|dad|daddy|nan|nana|nanna|gran|granny|grandma|grandpa|grandad|granddad)"
# A request for money (asks_money): a requester's word before the payment, and the account it goes to, theirs.
_REQUESTER = (r"(?<!不)(?<!不会)(?<!无需)(?<!不用)(?<!没有)((?<![申邀聘宴])请您?|您先|你先|(?<![首优事原])先(?!生)|帮我|帮忙|赶紧|赶快|"
              r"马上|立即|立刻|尽快|直接|麻烦(你|您)?|(需要|要|让|希望|要求)(你|您)|让我|叫(你|我)|要我|要求我|(你|您)(能|可以)|能不能|能否|"
              r"可不可以|方便)(?!给(你|您))")
_THEIRS = r"(这个|以下|下面|下方|我的?|我们的?|指定的?|新的?|该|对方|他的?|她的?)"
_ACCOUNT = r"(卡|账户|账号|帐户|帐号|支付宝|微信)"

_FRAUD_CUES: tuple[Cue, ...] = cue_table(
    # Fake police, courts, government (冒充公检法).
    ("safe_account", 3, r"安全账户|对公安全|监管账户|资金(清查|审查|核查|核验)|资产(审查|清查)|验资|清查资金|核验.{0,4}资金|"
                        r"证明.{0,10}(清白|没有.{0,4}洗钱)|(验证|核实|证明).{0,10}(资金|还款能力|流水).{0,30}(转账|转入|存入|转到)|"
                        r"safe account|secure (holding )?account|new account in your name|hand it to (our|a) courier|"
                        r"(move|transfer) (your |all your )?(money|savings|funds|balance)\b.{0,40}(new|safe|secure|holding) account", True),
    ("fake_authority", 2, r"(" + _POLICE[1:-1] + r"|银监会|银保监|疾控|防疫|卫健|社保总?局|社保中心|医保)" + r".{0,40}"
                          r"(涉嫌|涉案|案件|洗钱|洗黑钱|通缉|逮捕|拘捕|调查|配合|冻结|犯罪|诈骗|隔离|密接|骗保|违法|违规|非法|入境|立案|"
                          r"warrant|arrest)", True),
    ("authority_handoff", 3, r"(疾控|卫健|防疫|防控中心|社保|医保).{0,150}" + _POLICE + r"|"
                             r"(转接|转交|转给|转到|转至|转过去|电话转).{0,12}" + _POLICE + r"|" + _POLICE + r".{0,6}(联系.{0,8}转交|转接)", True),
    ("police_call", 3, r"(我是|这里是|我们是).{0,15}" + _POLICE + r".{0,80}(调查|取证|核实|核查|配合|协助|笔录)", True),
    ("id_misuse", 1, r"(身份证?|身份信息|个人信息|护照|电话卡|手机号|卡信息).{0,10}(盗用|冒用|泄露|被注册|被人|非法|入境|异常)"),
    ("crime_threat", 2, r"(涉嫌|涉及).{0,12}(洗钱|洗黑钱|犯罪|诈骗|案件|违法)|(洗钱|洗黑钱|贩毒|走私).{0,6}案|"
                        r"通缉令|逮捕证|拘捕令|刑拘证|取保候审|刑事案件|"
                        r"warrant (out )?for your arrest|(will|could) be arrested|outstanding warrant|arrest warrant|lawsuit (has been )?filed|"
                        r"criminal case|avoid (legal action|arrest|prosecution|a court)|seizure of your|face (a fine|arrest|prosecution|legal action)|court (action|hearing)", True),
    # Remote control, meeting apps, codes and card details.
    ("remote_app", 3, r"屏幕共享|共享屏幕|共享手机屏幕|投屏|远程(操控|协助|操作|控制|指导)|腾讯会议|zoom|瞩目|云会议|会议(号|室|软件|app)|"
                      r"视频会议|加入.{0,6}会议|上课宝|云视讯|小鱼易连|亿联会议|开会宝|迈聆|全视通|软视通|红云会议|展讯通|飞书|"
                      r"易信app|aw畅聊|畅聊aw|畅聊app|链上会|screen ?shar|remote access|anydesk|teamviewer|remotely|connect to your (computer|pc|laptop|device)|"
                      r"(install|download)\b.{0,30}so (i|we) can|let (us|me) connect|connect to (it|your)", True),
    ("install_app", 1, r"(下载|安装|注册)(一个|一款|两个|指定的?|我们的?|最新的?)?.{0,10}(app|软件|应用|客户端)|download.{0,20}app"),
    ("verify_code", 3, r"(提供|告诉|发送|输入|报).{0,10}(验证码|密码|cvv)|验证码.{0,8}(告诉|发给|提供)|"
                       r"(?<!never )(?<!not )(?<!n't )(send|tell|give|read|forward|text)( it)?( back)?( to)?( me| us)?( back)?( the| your| that| this| a)? "
                       r"((\d-digit |one-time |verification |security |google voice |google |sms )(code|passcode)|passcode|otp\b)|"
                       r"(code|passcode|otp)\b.{0,60}(send it back|read it (back )?to us|tell me what it is|what (it|the code) (is|says))", True),
    ("personal_info", 2, r"(提供|填写|告诉|上传|发送|发给|确认|核实)(一下)?.{0,8}(个人信息|身份信息|身份证(号|照片)?|实名信息|支付方式)", True),
    ("card_details", 2, r"(提供|告诉|发).{0,8}(银行卡|卡号|账户信息|卡信息|余额|支付信息)|银行卡(号|信息|密码)|余额截图|"
                        r"((confirm|verify|provide|give|send|update|enter|reply with|tell us|read)( us| me)? (your|the)|(reply|respond)\b.{0,20}with (your|the))\b.{0,30}"
                        r"(bank details|card details|card number|account number|sort code|ssn|social security number|medicare (number|id)|"
                        r"national insurance|date of birth|\bpin\b|password|billing (information|details)|payment (details|information)|"
                        r"id (number|card)|passport( number)?|home address|"
                        r"(full |home )?address and (postcode|zip))", True),
    # Money to an account someone names.
    ("transfer", 1, r"转账|汇款|汇钱|打款|转.{0,3}钱|把钱转|转到.{0,10}(账户|账号|卡)|垫付|wire|gift card|transfer|zelle|bank transfer", True),
    ("named_account", 2, r"指定(的)?(收款|监管|银行)?(账户|账号|银行卡|卡)|(?<![您你])指定的?[^，。,；;！!？?\s]{1,6}(账户|账号|银行卡|卡号)|(以下|提供的)(银行)?(账户|账号|卡号?)|(这个|我的|新的?)(账户|账号|卡号)|"
                         r"账号(是|：|:)|(转|汇|打)(入|到|至|给).{0,10}(我|他|她|对方|指定|以下|我们)|给你(一)?个.{0,4}(账号|账户|卡号)|"
                         r"(the |an )?account (we|i) (will )?(provide|give)|to the account below|send \$\d+ to \$[a-z]|send (usdt|btc|bitcoin|crypto|eth)\b|wallet address", True),
    ("investigation_claim", 1, r"(配合|协助)(我们)?(的)?调查|被举报|有人举报"),
    ("secrecy", 1, r"不要告诉|千万别告诉|别告诉|保密|不能告诉|秘密调查|不要让.{0,6}知道|don't tell|do not tell|keep this (between us|quiet|to yourself)|"
                   r"\bdiscreet|keep it quiet|confidential"),
    # Relatives, friends, leaders, buyers (冒充熟人、领导、采购).
    ("self_intro", 1, r"^\W{0,2}(喂，?)?(你好|您好|老板你好)?[，,！!]?我是"),
    ("kin_address", 1, r"^\W{0,2}(爷爷|奶奶|外公|外婆|姥姥|姥爷|爸|妈|爸妈|爸爸|妈妈|叔叔?|婶婶?|婶子|姑姑?|舅舅?|姨|阿姨|伯伯?|"
                       r"哥|姐|弟弟?|妹妹?|姐姐|哥哥|姐妹|兄弟|哥们)[，,！!]\s*(是)?我|^\W{0,2}((hi|hey|hello|hiya)\W{1,2})?" + _KIN_EN + r"\b"),
    ("relative_in_trouble", 2, r"我是(你|您)?(的)?(在.{0,4}的)?(孙子|外孙|孙女|侄子|侄女|外甥|儿子|女儿|干儿子|表哥|表姐|哥哥?|姐姐?|朋友|好友|"
                               r"同学|老同学|领导|老板|老师|大姑|亲属|亲戚|外孙女婿|侄女婿|外甥女婿|外甥媳妇)|"
                               r"我是.{0,8}的(孙子|外孙|孙女|侄子|侄女|外甥|儿子|女儿|男朋友|女朋友|朋友|姐姐|哥哥|同学)|"
                               r"听(不)?出(来)?.{0,4}(我|声音)|猜猜?(看)?(我)?(是谁|现在在哪|在哪)|(?<!不)(?<!不更)换了?.{0,3}(号码|手机号|新号|微信号?)|我换(了)?号|"
                               r"(my|a|this is my|texting from a|temporary) new number|new number\b|my (old )?phone (broke|is broken|got (smashed|broken|stolen)|was stolen|died)|"
                               r"(lost|dropped|broke|smashed) my phone|(phone|mobile)( is| got| was)? (smashed|broken|stolen|dead)|temp(orary)? (number|phone)|(the |my )?number'?s changed|changed my number|got a new phone|using a friend'?s (phone|one)|it'?s your (grandson|granddaughter|nephew|niece|son|daughter)|"
                               r"\b" + _KIN_EN + r"\b,? it'?s me", True),
    ("own_account_barred", 2, r"(不方便|无法|不能|没法|没办法)(使用|用|通过)?(我)?(自己|我)的?(账户|账号|银行卡|卡|名义)", True),
    ("leader_voice", 2, r"我是.{1,8}(总|部长|书记|主任|局长|院长|处长|校长)(啊|呀)?(，|。|,|$)|我是(你|您)的?(好友|微信好友|老乡|亲戚)"),
    ("institution_voice", 1, _INSTITUTION),
    ("institution_order", 3, _INSTITUTION + r".{0,150}(订餐|聚餐|订购|预订|采购|订.{0,3}(酒|餐|饭|席|桌)|餐饮)", True),
    ("money_plea", 2, r"借(我|给我|点|一点|一些|些|笔)?钱|向(你|您)借|借给我|急需(用)?(钱|资金|一笔|用钱)|急用钱|资金周转|"
                      r"帮(我|忙)?.{0,4}(垫付|垫一下|凑|先付|代付|付款|转账|转一下|汇款)|先帮我(付|垫)|(转|打|汇)(些|点|一笔)?钱(给|过去|过来)|"
                      r"打钱|(协助|帮助)我?.{0,4}(完成|进行|办理)?(一笔)?(转账|汇款|转款)|赔偿金|医药费|医疗费|手术费|律师费|保释|罚款|借(我|给我)(点|一点|些|一些|\d+|[一二两三四五六七八九十几百千万]+块?)|"
                      r"(转|汇)(个|我)?\d{3,5}(?![\d号])|转(一部分|一笔|一点|点|些)(钱|款)|领导.{0,6}(需要|急需|要).{0,4}(资金|钱|用钱)|(?<!拨)(转|汇|打)(个|我)?\d+(块|元|万)|(转|汇)(给我|过来)|给我(转|汇)(?![发告达])|(领导|对方|人家).{0,8}(红包|送礼|不收)|给.{0,4}送(点)?礼|打点|找关系", True),
    ("trouble", 1, r"出(了)?(点)?事|私了|打伤|撞了人|撞人|撞伤|被抓|被拘|拘留|被扣|车祸|住院|脑出血|脑溢血|重病|滞留|回不来|在国外|人在国外|回国|"
                  r"car accident|\bcrash|arrested|in jail|\bbail\b|in hospital|at the hospital|police station|a (lawyer|solicitor)|i'?m (stuck|in trouble)"),
    ("abroad_ticket", 2, r"(机票|升舱|托运费|航班|回国).{0,80}(垫付|代付|代为|(帮|协助)(我|忙)?.{0,4}(付|支付|缴纳|购买|订购|买)|付款|转账|汇款|打钱|尾款)|"
                         r"(支付|垫付|代付).{0,20}(机票|托运费|升舱)|(航空公司?|东航|南航|国航|东方航空|南方航空).{0,12}(经理|客服经理|邮箱)", True),
    ("proxy_purchase", 2, r"代购|代买|代采购|代为(购买|采购|缴纳|支付)|帮(我|忙|我们)?(去|再)?(帮忙)?(代)?(买|购买|采购|订购)|给你(一)?个(微信|qq)|供应商的?(微信|联系方式)|"
                          r"(微信|联系方式)推给我|转账截图|付款截图|汇款截图", True),
    ("landlord_card", 3, r"(房东|房租|租金).{0,40}(换|新|变更|改).{0,6}(卡|账户|账号)|(换|新|变更|改).{0,6}(卡|账户|账号).{0,40}(房租|租金)|"
                         r"(交|缴)房租.{0,40}(转账|账号)", True),
    # Fake customer service: refunds, claims, services "opened by mistake", loans to cancel (冒充客服).
    ("refund_lure", 2, r"(退款|退费|退还|理赔|赔偿|赔付|补偿|三倍|双倍|假一赔|召回).{0,60}(qq|微信|链接|下载|转账|银行卡|验证码|扫码|二维码|"
                       r"备用金|借呗|贷款|视频|会议|支付宝|网址|转到|账户|个人信息|身份信息|群)", True),
    ("cancel_service", 3, r"(注销|关闭|取消|清空|清理|解除|撤销).{0,15}(金条|白条|借呗|花呗|微粒贷|网贷|校园贷|学生贷|备用金|代理|商户|百万保障)|"
                          r"(金条|白条|借呗|花呗|微粒贷|网贷|校园贷|学生贷|备用金).{0,60}(注销|关闭|取消|清空|利率|利息|征信|信用记录)|"
                          r"(利率|利息).{0,10}(过高|较高|太高|高于|不符合|违规|不合规|不合法)|(为您|帮您|给您)(降低|调低|下调)(利率|利息)", True),
    ("opened_by_mistake", 2, r"误(操作|开通|将|选|注册)|操作失误|(失误|错误).{0,20}(开通|注册|成为|填写成)|开通了.{0,10}(代理|商户|会员服务)", True),
    ("account_scare", 2, r"(代理(商|身份|合同)?|会员服务|商户|店铺|扣费|每月.{0,6}扣|征信).{0,50}(注销|关闭|取消|解除|清空|影响|撤销|扣)", True),
    ("card_cancel", 2, r"(银行卡|.行卡|储蓄卡|信用卡).{0,4}注销|注销.{0,6}(银行卡|.行卡)", True),
    ("parcel_lost", 2, r"(快递|包裹|货物|快件).{0,12}(丢失|遗失|丢了|损坏|破损)", True),
    # Fake courier texts (假快递): a parcel that cannot be delivered, is returned or held, then a link or a reply to
    # fill in an address, ID or card. The hitch alone is what genuine notices say too (退回站点, 滞留), so it never
    # asks; the request alone is what a sign-up advert says, so it weighs 1. A lost parcel is `parcel_lost`.
    ("courier_hitch", 2, r"(快递|包裹|快件|邮件|件|货物).{0,30}(地址(信息)?(不详|不全|不完整|有误|错误|模糊)|"
                         r"无法(派送|投递|配送|签收|送达)|(派送|投递|配送)(失败|异常)|(被|已|即将|将被?)退回|滞留|超区|清关)|"
                         r"(收件|收货|寄件)人?的?(信息|地址|电话)(不详|不全|不完整|有误|错误|模糊)"),
    ("detail_request", 1, r"(http|www|\.(cc|top|xyz|vip|cn|com)\b|点击|点开|点此|链接|登录|访问|打开|扫描?二维码|扫码)"
                          r".{0,30}(填写|更新|补充|核实|核对|确认|提交|登记|修改|上传|输入).{0,8}"
                          r"(地址|信息|资料|姓名|手机号|电话|身份证|银行卡|账户|账号|联系方式)|"
                          r"(回复|发送).{0,10}(姓名|详细地址|身份证)", True),
    ("account_inspection", 2, r"(账户|账号|帐户|公司).{0,10}(年检|年审|年度(审查|审核|核查))", True),
    ("account_frozen", 1, r"(账户|账号|帐户|银行卡|资金|社保卡|医保卡).{0,6}(冻结|异常|风险|被锁|涉案|停用)|"
                         r"(account|card|apple id|access|wallet|ssn|benefits|money|funds)\b.{0,40}(locked|suspended|restricted|blocked|frozen|flagged|"
                         r"disabled|deactivated|compromised|at risk|isn'?t safe|not safe)|suspicious (activity|transaction|sign-in|login)|"
                         r"unusual (sign-in|activity|withdrawal|login)|unrecogni[sz]ed (login|device)|from a new device|someone (tried|ordered)"),
    ("collect_payout", 1, r"领取.{0,3}(回款|退款|赔款|赔偿金?|补偿金?|返款|理赔款|赔付款)", True),
    ("refund_offer", 1, r"退款|退费|退还|理赔|赔付|补偿|\brefund|rebate|you are (due|owed|eligible|entitled)|you('re| are) owed|you qualify"),
    ("impersonate_cs", 1, r"客服|客户服务|服务代表|工作人员|售后|理赔(中心|部门)?|快递公司|物流公司"),
    ("chat_move", 1, r"(加|添加).{0,10}(qq|微信|好友|客户经理|专员|导师)|qq(号|群)|企业微信|(微信|qq)(上)?聊|通过qq|qq(上|里)?(联系|发送|沟通)|"
                     r"(加入|进).{0,6}群|群号|tim群|添加.{0,6}新的?(联系方式|号码|微信)|introduce you to|"
                     r"(text|message|contact|add|join|chat with)\b.{0,20}(on|via) (whatsapp|telegram|signal)|whatsapp (group|me)|telegram (group|channel)", True),
    # Loans: unfreezing fees, deposits, "verify your repayment ability" (贷款诈骗).
    ("loan_fee", 3, r"解冻|(走|刷)流水|认证资金|担保金|(交|缴|付|支付|存入|转|提供)[^免]{0,8}(保证金|手续费|押金|解冻金|解冻费|工本费|会员费|激活费|税费)|"
                    r"(先|需)(交|缴|付|支付).{0,8}(手续费|保证金|押金|税费|会员费)|(手续费|保证金).{0,8}(才能|方可)|"
                    r"(卡号|账号|银行卡|提款卡|提现卡).{0,8}(有误|错误|填错|输错|写错)", True),
    ("credit_repair", 3, r"征信修复|(修复|消除|洗白|铲除|撤销).{0,4}(征信|不良记录|逾期记录)", True),
    ("loan_via_app", 2, _LOAN + r".{0,200}(下载|安装|扫描二维码|扫码|链接|进群)", True),
    ("loan_offer", 1, _LOAN),
    # Prizes, points, rebates for tasks, investments (中奖、积分、刷单、投资理财).
    ("prize_link", 3, r"(中奖|抽中|幸运用户|[一二三特]等奖|获得.{0,6}(大奖|奖金|现金)|积分.{0,10}(清零|过期|到期|即将|兑换现金)|"
                      r"congratulations|you('ve| have) won|lucky winner|selected (to receive|for)|prize draw|your prize).{0,60}"
                      r"(http|www|点击|链接|网址|\.cn|\.com|\.top|\.xyz|\.vip)", True),
    ("official_phish", 3, r"(etc|社保卡?|医保卡?|个税|退税|补贴|银行卡|信用卡|u盾|网银|电子密码器).{0,30}"
                          r"(失效|过期|停用|冻结|异常|认证|升级|核实|注销).{0,40}(http|www|点击|链接|网址|\.cn|\.com|\.top|\.xyz|\.vip)", True),
    ("task_rebate", 3, r"刷单|刷信誉|做任务.{0,10}(返|佣金|提现)|垫付.{0,10}(返还|返现|返佣|本金)|返佣|佣金.{0,10}(提现|日结)|日赚|"
                       r"兼职.{0,10}(日结|日赚|佣金)|提现.{0,10}(失败|不了|无法|不成功)|"
                       r"(earn|make)( up to)? [£$]\d[\d,]*.{0,20}(a day|per day|daily)|daily pay|commission.{0,80}(tasks?|deposit|top up|unlock)|(top up|deposit)\b.{0,40}unlock|"
                       r"liking videos|rating (hotels|apps|products)|boosting app ratings|product reviews from home|paid (for )?(every|each|per) task|review products", True),
    ("invest_lure", 2, r"(投资|理财|炒股|股票|虚拟币|数字货币|usdt|期货|外汇|博彩).{0,30}(高回报|高收益|稳赚|保本|内幕|导师|带单|翻倍|稳赚不赔)|"
                       r"(高回报|高收益|稳赚|保本|翻倍).{0,20}(投资|理财|平台)|"
                       r"(crypto|bitcoin|btc|usdt|forex|trading|invest\w*|mining)\b.{0,60}(guaranteed|high returns?|\d+% (weekly|daily|monthly)|"
                       r"returns|profits?|double your money|insider|mentor|\d+x\b)|guaranteed (\d+% )?(daily |weekly )?(returns|profits)|double your money|"
                       r"(teach|show) you (how )?(to )?(invest|trade)|passive income|"
                       r"(earn|make|made|gain|earned)\b.{0,20}(\d+(%|x)|[£$]\d[\d,]*)\b.{0,60}(crypto|bitcoin|btc|usdt|forex|trading|invest)|"
                       r"(crypto|bitcoin|forex|trading|invest\w*)\b.{0,60}(coach|mentor|advisor|account manager)|"
                       r"(crypto|bitcoin|btc|usdt|forex|trading|trade|invest\w*)\b.{0,80}\b(teach you|show you how|want me to (teach|show) you)", True),
    # The opening of a "wrong number" or stranger's text that turns to investing (pig butchering, FTC): only with a pitch.
    ("stranger_opener", 1, r"sorry to (bother|disturb) you|wrong number|\bis this [a-z]+\?|we were supposed to (meet|have)|"
                           r"nice to meet you|\bmy name is [a-z]+\b.{0,30}\b(i work|i'?m with|i'?m from)"),
    # English scam texts (FTC, Action Fraud): a pretext (a parcel held, a toll or fee unpaid, an order or charge
    # "not made by you", a virus) weighs 1; what they ask (follow the link, call back now, buy gift cards,
    # send money) is the asking cue.
    ("parcel_held", 1, r"(parcel|package|shipment|item|delivery)\b.{0,80}(on hold|held|could not be delivered|couldn'?t be delivered|"
                       r"unable to deliver|undeliverable|incomplete address|address (label|information)|redelivery|customs|import duty|"
                       r"returned to sender|unpaid postage|shipping fee|postage)|we missed you|(unable to|could not|couldn'?t|failed to) deliver your|"
                       r"address (is|was) incomplete"),
    ("fee_due", 1, r"unpaid|overdue|final notice|additional fees|(balance|amount)\b.{0,20}(is )?(owed|due)\b|outstanding (balance|toll|charge|amount|invoice)|late fee|penalty|processing fee|delivery fee|shipping fee|"
                   r"redelivery (fee|charge)|customs (charge|fee|duty)|import duty|(fee|charge|duty|postage)\b.{0,20}(outstanding|required|must be paid)|"
                   r"payment (has )?(failed|declined|was declined)|couldn'?t process your (last )?payment|(payment|direct debit) failed"),
    ("link_action", 2, r"^(?=[\s\S]*" + _URL + r")[\s\S]*\b(update|confirm|verify|validate|pay|paid|payment|settle|claim|reschedule|"
                       r"rearrange|schedule|arrange|unlock|reactivate|restore|renew|apply|complete|submit|secure|protect|log ?in|sign in|"
                       r"correct|re-?enter|appeal|enrol|enroll|register|fill in|follow the link|tap|click|go to|remove|select|choose)\b", True),
    # A look-alike address (FTC): a hyphenated domain made of a service word, or a top-level domain brands do not text.
    ("lookalike_link", 1, r"\b(?=[a-z0-9-]*(verify|secure|update|pay|refund|claim|billing|login|signin|account|acct|support|track|"
                          r"redeliver|reroute|toll|tax|fee|reactivat|restore|unlock|appeal|confirm|hold|notice|invoice|release|rebate|"
                          r"winner|prize|reward|renew|portal|alert|customs|evasion)[a-z0-9-]*\.)[a-z0-9]+(-[a-z0-9]+)+\."
                          r"(com|net|org|info|top|xyz|uk|co|help|us|vip|online|site|live|link|app)\b|"
                          r"https?://[^\s/]+\.(top|xyz|live|help|vip|site|online|link|info)\b", True),
    # A broad alarm in English: something held, stopped, owed, suspected or won, the pretext of most scam texts.
    ("alarm", 1, r"\b(on hold|detained|stuck at|waiting at (our|the)|(could|can)( not|n'?t) be delivered|delivery (attempt )?failed|"
                 r"returned to (sender|our depot)|will be returned|(has|have) been (suspended|locked|blocked|frozen|restricted|limited|deactivated|"
                 r"disabled|cancell?ed|closed|compromised|hacked|reported|flagged)|will be (deleted|disabled|closed|suspended)|overdue|past due|"
                 r"unpaid|outstanding|is owed|late fee|penalty|payment (problem|issue)|problem with your|suspicious|unusual|unrecogni[sz]ed|"
                 r"unauthori[sz]ed|under investigation|you('ve| have) been (chosen|selected)|you('ve| have) won|small payment|overpayment|"
                 r"before we can deliver|(cannot|can'?t) deliver|is (locked|suspended|blocked|frozen|disabled|pending))\b"),
    ("order_callback", 2, r"^(?![\s\S]*(back of your card|number on your card))[\s\S]*(if (this|it) (was|is)n'?t you|if (this|it) was not you|not you\?|not your order|if you did(n'?t| not) (make|authori[sz]e|request|recogni[sz]e|"
                          r"place)|didn'?t (request|make|authori[sz]e|order) this|to cancel( and get a refund)?,? (call|press|ring)|to dispute|to stop the payment|for a refund,? call|to reverse|if you (want|wish) to cancel)", True),
    ("urgent_call", 2, r"(call|ring|phone|contact)( us| our [a-z ]{1,20}| your [a-z ]{1,20}| back| support| the number)?(( on)? [+\d][\d ()-]{6,}[\d])?"
                       r" (now|immediately|urgently|right away|today|within)|press 1|call back (now|immediately)|"
                       r"(will|we'?ll) call you\b.{0,20}to (secure|verify|protect|move)", True),
    ("charge_claim", 1, r"(order|purchase|charge|charged|payment|renewal|renewed|subscription|membership|sent)\b.{0,60}[£$€]\d|auto-renew|"
                        r"has been (charged|renewed|processed|approved|confirmed)"),
    ("deposit_ask", 1, r"deposit [£$€]\d|minimum (deposit|investment|of )?[£$€]?\d|top up your account", True),
    ("advance_fee", 2, r"(pay|send)\b.{0,30}\b(fee|charge|tax)\b.{0,20}to (claim|receive|release|get)|"
                       r"to (claim|receive|release|get)( it| them| your \w+)?,? (you )?(must |need to |just )?pay\b", True),
    ("tech_scare", 2, r"(computer|pc|device|router|ip address|laptop|network)\b.{0,40}(virus|infected|hacked|hackers|trojan|malware|blocked|"
                      r"illegal activity|security problem)|\b(virus|trojan|malware|hackers)\b|(internet|broadband)\b.{0,40}(disconnected|cut off)"),
    ("callback", 1, r"(call|ring|phone|contact)\b.{0,30}[+\d][\d ()-]{6,}\d", True),
    # "请致电 0755…" asks the reader to call a full number (an official short line such as 95338 is not one).
    # Weight 0: genuine courier notices say it too; it only makes a script that is fraud by its other cues
    # a request (地址不详 + 理赔 + 请致电 …), as `callback` does in English.
    ("call_number", 0, r"(致电|拨打|回电|回拨|联系|咨询|添加|加)(我们|我司|客服|专员|理赔专员|工作人员|人工|热线|电话|号码|微信|qq)?"
                       r"[:：]?\s*\+?\d[\d -]{6,}\d", True),
    ("prize_claim", 1, r"congratulations|you('ve| have) (won|been (selected|chosen))|lucky (winner|draw)|selected (to receive|for)|"
                       r"free .{0,20}(voucher|gift card|iphone|samsung)|\bprize\b"),
    ("boss_favour", 2, r"(in a meeting|can'?t (talk|take calls)|tied up|about to board)\b.{0,80}(favou?r|need you to|are you (free|available|around))|"
                       r"are you (free|available|around|at your desk|busy)\b.{0,80}(favou?r|need you|in a meeting)", True),
    ("gift_cards", 3, r"(buy|purchase|pick up|get|pay (the fine )?with|in|by)\b.{0,30}(gift ?cards?|itunes cards?|prepaid (debit )?cards?|steam cards?)|"
                      r"(gift ?cards?|card numbers?)\b.{0,60}(codes?|pictures|photos|scratch)", True),
    ("money_request", 2, r"(can|could|would) you (please )?(send|transfer|lend|wire|pay|help me (with|pay))|(venmo|zelle|cash ?app|paypal|wire) me\b|(lend|send|give) me [£$€]?\d|send (me )?(it|the money|money|[£$€]\d)|"
                         r"need [£$€]\d|need (some )?money|pay (you|it) back|reimburse|pay (an|this|the|my) (invoice|bill) for me|"
                         r"help me with a payment|send it (through|via|by) (zelle|venmo|cash app|paypal|bank|wire)|withdraw (the )?cash", True),
    # Who the script claims to be (weight 0: they never decide a verdict, they only name the option proposed at
    # "who did they claim to be", through flows.yaml's read_from).
    ("claims_kin", 0, r"我是(你|您)?的?(孙子|外孙|孙女|侄子|侄女|外甥|儿子|女儿|干儿子|表哥|表姐|表弟|表妹|哥哥?|姐姐?|弟弟|妹妹|朋友|好友|同学|老同学|"
                      r"老乡|亲戚|亲属|大姑|舅舅|叔叔|姑姑|阿姨|姐夫|外孙女婿|侄女婿|外甥女婿|外甥媳妇)|我是.{0,8}的(孙子|外孙|孙女|侄子|侄女|外甥|儿子|女儿|"
                      r"朋友|姐姐|哥哥|同学)|^\W{0,2}(爷爷|奶奶|外公|外婆|姥姥|姥爷|爸|妈|爸爸|妈妈|叔叔?|舅舅?|姑姑?|姨|阿姨|哥|姐|哥哥|姐姐)[，,！!]\s*(是)?我|"
                      r"^\W{0,2}((hi|hey|hello|hiya)\W{1,2})?" + _KIN_EN + r"\b|it'?s your (grandson|granddaughter|nephew|niece|son|daughter)"),
    ("claims_boss", 0, r"我是(你|您)?的?(领导|老板|上司|主管|老总|董事长|总经理)|我是.{1,8}(总|部长|书记|局长|处长|科长|董事长)(啊|呀)?(，|。|,|！|$)|"
                       r"\b(ceo|your boss|your manager|it'?s your manager|the director|from the office)\b"),
    ("claims_bank", 0, r"\b(chase|hsbc|barclays|natwest|lloyds|santander|monzo|citi|wells fargo|bank of america|capital one|halifax|nationwide|"
                       r"your bank|bank'?s fraud)\b"),
    ("claims_government", 0, r"\b(irs|hmrc|social security|medicare|dvla|tv licen[cs]ing|ofgem|e-?zpass|sunpass|fastrak|dart charge|txtag|"
                             r"the toll roads|dmv)\b"),
    ("open_link", 0, r"(点击|点开|打开|访问|登录|进入|点此)(以下|下方|该|此)?\s*(链接|网址|网站|http|www|[a-z0-9-]+\.(cc|top|xyz|vip|cn|com|net)\b)|"
                     r"click (the |this |on the )?link"),
    # What the script asks the person to do, said in so many words (weight 0: only for "what they asked for"). A
    # request has a requester's word before it (请, 先, 帮我, 给我…) with no 勿/不/别 between, or sends money *to*
    # them ("转到这个卡号"), never to the person ("转入您的账户"), so a refund they promise or a warning not to
    # transfer proposes nothing.
    ("asks_money", 0, _REQUESTER + r"[^，。！？；,.!?;\n勿别不莫您收]{0,10}(转账|转款|汇款|汇钱|打钱|转钱|(转|汇)(一笔|一部分|点|些|个)?(钱|款)|"
                      r"垫付|垫一下)(?!给(你|您)|到(你|您)|提现)|帮(我|忙)[^，。！？]{0,6}(支付(?!宝)|付款|付钱|付了)|把钱(付|转|汇|打)|"
                      r"(需要|要|得|急需|需|请|帮我|你|您|让|先)[^，。！？]{0,8}(?<![免无勿不别])(交|缴纳?|支付)(一下|一笔|点)?[^，。！？；,.!?;免]{0,6}"
                      r"(押金|保证金|解冻费|认证费|激活费|税费|工本费|订金|定金|尾款|医药费|医疗费|手术费|律师费|保释金|罚款|补课费|学费)|"
                      r"(?<![您你如若果是否])(急需|需要)(用|一些|一笔|点|些)?(钱|资金)(?![^，。！]{0,6}[？?吗])|"
                      r"(转|汇)(个|一笔|点)?\s?[\d一二两三四五六七八九十百千万几]+\s?(块|元|万|千)?钱?\s?(到|给|过来|至)|"
                      r"(转|汇|打|存)(到|入|至|进)" + _THEIRS + r"[^，。！？]{0,8}" + _ACCOUNT + r"|"
                      r"(往|向)(我们?|他|她|对方|指定|以下|这个|一个|下面)的?[^，。！？]{0,6}" + _ACCOUNT + r"[^，。！？]{0,3}(转|汇|打|存)|"
                      r"(给我|给他|给她|给对方)(转|汇)(?![发告达])|给(?![您你])[^，。！？您你]{1,4}(转账|汇款|打钱|转钱)|"
                      r"(转账|汇款|打钱|转钱|转|汇)(给我|过来)|借(我|给我)(?!的)|向(你|您)借|借.{0,2}钱给我|借(一点|一些|点|些|一笔)钱"),
    ("asks_code", 0, r"(回复|回传|发来|发我|发过来|念|读)[^，。！？]{0,10}(验证码|动态码|校验码)|(验证码|动态码|校验码)[^，。！？]{0,8}"
                     r"(回复|发过来|发我|发来|念给)|(reply|respond|text (us|me) back)\b.{0,20}with (the|your|this)( \d-digit| verification| security|"
                     r" one-time)? (code|passcode|pin)\b"),
    ("asks_details", 0, r"(?<![勿不别莫])(?<!不要)(回复|提供|告诉|发送|发来|发给|发我|填写|上传|报给|留下|登记|补充)(我们|我)?(一下)?(您|你)?的?"
                        r"[^，。！？；]{0,10}(身份证|证件号|银行卡号?|卡号|详细地址|收货地址|家庭住址|住址|(?<![下页接站该此])地址|真实姓名|"
                        r"出生日期|个人信息|身份信息|实名信息|账户信息)|"
                        r"(reply|respond|text (us|me) back|send (us|me)|provide)\b.{0,20}\b(your|the)\b.{0,30}(id number|id card|passport|"
                        r"driv(er'?s|ing) licen[cs]e|bank card|card number|home address|full address|postal address|date of birth|"
                        r"social security|national insurance|personal details|account details|bank details)"),
)
_FRAUD_AT = 3
# A weightless cue that asks (call_number) still makes a script fraud by its other cues a request.
_WEIGHED = tuple(cue for cue in _FRAUD_CUES if cue.weight or cue.asks)
_NAMING = tuple(cue for cue in _FRAUD_CUES if not (cue.weight or cue.asks))

# Marketing: an offer, a shop, an unsubscribe line. Only decides "spam" when no fraud was found. 送 (a gift)
# is not the 送 of 派送/配送/送达, which every courier notice says.
_SPAM_CUES: tuple[Cue, ...] = cue_table(
    ("marketing", 1,
     r"推销|营销|广告|退订|回复?\s*(td|t|n|0)\b|优惠|活动|促销|特惠|特价|折扣|[0-9一二三四五六七八九]折|(?<![派配运递转])送(?!达)|礼|会员|新品|开业|报名|招生|套餐|"
     r"流量|话费|红包|限时|先到先得|热线|预约|欢迎|光临|惠顾|抢购|秒杀|团购|贷款|理财|招聘|品牌|进店|详询|咨询|"
     r"营业厅|满\d+|立减|买.送|unsubscribe|reply stop|(text|txt) stop|opt out|offer|sale|discount|% off|coupon|promo|\bdeal"),
)


def classify(text: str) -> Verdict:
    """Fraud, spam or unknown for one pasted message or story, with the cue codes that decided it."""
    folded = unicodedata.normalize("NFKC", text)
    hits = matching(_WEIGHED, folded)
    if sum(cue.weight for cue in hits) >= _FRAUD_AT and any(cue.asks for cue in hits):
        return Verdict("fraud", tuple(cue.code for cue in hits + matching(_NAMING, folded)))
    if matching(_SPAM_CUES, folded):
        return Verdict("spam", ("marketing",))
    return Verdict("unknown")


def cue_codes() -> tuple[str, ...]:
    """The codes a fraud verdict can give as reasons (flows.yaml's `read_from` may name them)."""
    return tuple(cue.code for cue in _FRAUD_CUES)
