"""A compact flow that uses every step type, for engine tests."""

SAMPLE = """
flow: {id: sample}
steps:
  - id: jurisdiction
    type: choice
    label: {zh: 地区, en: Country}
    prompt: {zh: 在哪里？, en: "Where are you?"}
    default_by_lang: {zh: CN, en: US}
    options:
      - {value: CN, label: {zh: 中国, en: China}}
      - {value: US, label: {zh: 美国, en: USA}}
  - id: issue_type
    type: choice
    label: {zh: 类型, en: Type}
    prompt: {zh: 什么事？, en: "What happened?"}
    options:
      - {value: robocall, label: {zh: 骚扰电话, en: Robocall}}
      - {value: fraud, label: {zh: 诈骗, en: Fraud}}
    next:
      - when: {answer: issue_type, equals: fraud}
        goto: money_lost
      - goto: numbers
  - id: money_lost
    type: choice
    label: {zh: 损失, en: Money lost}
    prompt: {zh: 损失钱了吗？, en: "Lost money?"}
    options:
      - {value: "yes", label: {zh: 是, en: "Yes"}}
      - {value: "no", label: {zh: 否, en: "No"}}
  - id: numbers
    type: phone
    region_from: jurisdiction
    label: {zh: 号码, en: Numbers}
    prompt: {zh: 号码？, en: "Which number?"}
  - id: company
    type: text
    optional: true
    max_length: 50
    label: {zh: 公司, en: Company}
    prompt: {zh: 公司？, en: "Company?"}
  - id: when_at
    type: datetime
    region_from: jurisdiction
    label: {zh: 时间, en: When}
    prompt: {zh: 什么时候？, en: "When?"}
  - id: times
    type: number
    integer: true
    min: 1
    max: 1000
    label: {zh: 次数, en: Times}
    prompt: {zh: 几次？, en: "How many times?"}
  - id: harm
    type: choices
    min_selected: 1
    label: {zh: 影响, en: Harm}
    prompt: {zh: 影响？, en: "Harm?"}
    options:
      - {value: time, label: {zh: 时间, en: Time}}
      - {value: sleep, label: {zh: 睡眠, en: Sleep}}
      - {value: money, label: {zh: 钱, en: Money}}
  - id: evidence
    type: evidence
    max_items: 3
    max_size_mb: 1
    label: {zh: 证据, en: Evidence}
    prompt: {zh: 发证据, en: Send evidence}
  - id: channel
    type: channel
    label: {zh: 渠道, en: Channel}
    prompt: {zh: 选渠道, en: Pick a channel}
  - id: summary
    type: summary
    prompt: {zh: 核对, en: Check}
  - id: truth
    type: confirm
    on_no: summary
    label: {zh: 属实, en: Truthful}
    prompt: {zh: 属实吗？, en: "Is it true?"}
  - id: done
    type: end
    prompt: {zh: 完成, en: Finished}
alerts:
  - id: urgent
    when:
      any:
        - {answer: money_lost, equals: "yes"}
        - {answer: company, matches_any: [verification code]}
    text: {zh: 紧急！拨打110, en: URGENT call 110}
"""
