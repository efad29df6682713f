"""The one-message proposal of what was read ("从截图读到：… 对吗？"), in zh and en.

It only restates what `Findings` holds: a number, a time, a count the source showed. The person confirms
or corrects it; nothing here is written into the complaint without that tap.
"""

from __future__ import annotations

from engine.reading.findings import Findings, Message, NumberSeen, When
from engine.reading.proposal import last_contact, proposed_answers, proposed_numbers
_QUOTE_CHARS = 60
# Messages quoted one by one; with more, the latest time proposed gets a line of its own.
_MAX_MESSAGES = 2

_TEXTS: dict[str, dict[str, str]] = {
    "lead.screenshot": {"zh": "从截图读到：", "en": "From the screenshot I read:"},
    "lead.text": {"zh": "从你发来的文字读到：", "en": "From your message I read:"},
    "calls": {"zh": "{number}，{since}共 {count} 次来电{missed}", "en": "{number}: {count} call(s){since}{missed}"},
    "since": {"zh": "{when} 起", "en": " since {when}"},
    "missed": {"zh": "（{count} 次未接）", "en": " ({count} missed)"},
    "tags": {"zh": "，标记为“{tags}”", "en": ", tagged “{tags}”"},
    "marked": {"zh": "（被 {count} 人标记）", "en": " (marked by {count} people)"},
    "durations": {"zh": "，接通 {count} 次，最长 {longest}", "en": ", answered {count}, longest {longest}"},
    "sms": {"zh": "短信来自 {sender}{signature}：“{quote}”", "en": "SMS from {sender}{signature}: “{quote}”"},
    "sms.unknown_sender": {"zh": "未显示的号码", "en": "a number not shown"},
    "signature": {"zh": "，签名【{name}】", "en": ", signed 【{name}】"},
    "signature.posed": {"zh": "，冒用【{name}】的名义", "en": ", posing as 【{name}】"},
    "callbacks": {
        "zh": "让你拨打或联系的号码：{numbers}（只留在原文里，不当作对方的来电或发信号码）",
        "en": "Number(s) it asks you to call or text: {numbers} (kept in the text only, not as the number that contacted you)",
    },
    "latest": {"zh": "最近一次：{when}", "en": "Latest: {when}"},
    "links": {"zh": "含链接：{links}", "en": "Links: {links}"},
    "numbers": {"zh": "号码：{numbers}", "en": "Number(s): {numbers}"},
    "times": {"zh": "时间：{times}", "en": "Time(s): {times}"},
    "companies": {"zh": "公司：{names}", "en": "Company: {names}"},
    "caller.robot": {"zh": "机器人/录音电话", "en": "a robot / recorded call"},
    "caller.person": {"zh": "真人来电", "en": "a live person"},
    "count": {"zh": "这是第 {count} 次", "en": "{count} time(s) so far"},
    "opted_out": {"zh": "你已回复退订", "en": "you already replied STOP"},
    "question": {"zh": "对吗？", "en": "Is that right?"},
    "nothing": {
        "zh": "没有从中读到号码或时间。我已保存它，接下来直接问你。",
        "en": "I could not find a number or a time in it. I kept it and will just ask you.",
    },
    "problem.unreadable": {
        "zh": "这个文件打不开（不是图片、是空文件或已损坏）。我已保存它，接下来直接问你。",
        "en": "I could not open that file (not an image, empty or damaged). I kept it and will just ask you.",
    },
    "problem.too_large": {
        "zh": "这张图片太大，无法读取。我已保存它，接下来直接问你。",
        "en": "That image is too large to read. I kept it and will just ask you.",
    },
    "problem.timeout": {
        "zh": "读取这张截图超时了。我已保存它，接下来直接问你。",
        "en": "Reading that screenshot took too long. I kept it and will just ask you.",
    },
    "problem.failed": {
        "zh": "读取这张截图时出错了。我已保存它，接下来直接问你。",
        "en": "Something went wrong while reading that screenshot. I kept it and will just ask you.",
    },
    "fraud": {
        "zh": "⚠️ 这很像诈骗。不要转账、不要提供验证码、不要下载对方让你装的App。"
              "如果已经转账或泄露了验证码，请立即拨打 110 报警；也可拨打 96110 反诈专线咨询。",
        "en": "⚠️ This looks like fraud. Do not transfer money, share a verification code or install the app they ask for. "
              "If you have already paid or shared a code, call your bank now, then the police: 110 in China (the 96110 "
              "anti-fraud line also advises), Report Fraud on 0300 123 2040 in the UK (999 in an emergency), "
              "ReportFraud.ftc.gov in the US (911 in an emergency).",
    },
    "spam": {"zh": "看起来是营销/推销。", "en": "This looks like marketing."},
}


def text(key: str, lang: str, **values: object) -> str:
    """One text of this module in `lang` ("zh" or "en"; anything else reads as en)."""
    entry = _TEXTS[key]
    return entry.get(lang, entry["en"]).format(**values)


def findings_summary(findings: Findings, lang: str) -> str:
    """What was read, as one short message ending in a yes/no question (or why nothing was read)."""
    if findings.problem is not None:
        return text(f"problem.{findings.problem}", lang)
    lines = []
    if findings.verdict.kind == "fraud":
        lines.append(text("fraud", lang))
    if findings.empty:
        lines.append(text("nothing", lang))
        return "\n".join(lines)
    lines.append(text(f"lead.{findings.source}", lang))
    sep = "、" if lang == "zh" else ", "
    answers = proposed_answers(findings)
    if findings.calls:
        shown = proposed_numbers(findings)
        lines.extend(_number_line(seen, lang) for seen in shown)
        latest = last_contact(findings)
        if latest is not None and latest not in {seen.first for seen in shown}:
            lines.append(text("latest", lang, when=format_when(latest, lang)))
    elif findings.messages:
        lines.extend(_message_line(message, findings, lang) for message in findings.messages[:_MAX_MESSAGES])
        latest = last_contact(findings)
        if latest is not None and len(findings.messages) > _MAX_MESSAGES:
            lines.append(text("latest", lang, when=format_when(latest, lang)))
    else:
        lines.extend(_story_lines(findings, lang))
    if "company" in answers:
        lines.append(text("companies", lang, names=answers["company"]))
    if findings.callbacks:
        lines.append(text("callbacks", lang, numbers=sep.join(seen.display for seen in findings.callbacks)))
    if findings.links and not findings.calls:
        lines.append(text("links", lang, links=sep.join(findings.links[:3])))
    if findings.verdict.kind == "spam":
        lines.append(text("spam", lang))
    lines.append(text("question", lang))
    return "\n".join(lines)


def format_when(when: When, lang: str) -> str:
    """11月28日 14:32 / 28 Nov 14:32; a bare day without the clock."""
    at = when.at
    if lang == "zh":
        day = f"{at.month}月{at.day}日"
    else:
        day = f"{at.day} {at.strftime('%b')}"
    return day if when.precision == "day" else f"{day} {at:%H:%M}"


def _number_line(seen: NumberSeen, lang: str) -> str:
    since = text("since", lang, when=format_when(seen.first, lang)) if seen.first else ""
    missed = text("missed", lang, count=seen.missed) if seen.missed else ""
    line = text("calls", lang, number=seen.display, since=since, count=seen.calls, missed=missed)
    if seen.durations_s:
        line += text("durations", lang, count=seen.answered or len(seen.durations_s), longest=_duration(max(seen.durations_s), lang))
    if seen.tags:
        line += text("tags", lang, tags="、".join(seen.tags) if lang == "zh" else ", ".join(seen.tags))
    if seen.marked_by:
        line += text("marked", lang, count=seen.marked_by)
    return line


def _message_line(message: Message, findings: Findings, lang: str) -> str:
    sender = message.sender_display or text("sms.unknown_sender", lang)
    posed = findings.verdict.kind == "fraud"
    signature = text("signature.posed" if posed else "signature", lang, name=message.signature) if message.signature else ""
    quote = message.text if len(message.text) <= _QUOTE_CHARS else message.text[:_QUOTE_CHARS] + "…"
    line = text("sms", lang, sender=sender, signature=signature, quote=quote)
    if message.when:
        line = f"{format_when(message.when, lang)} {line}"
    return line


def _story_lines(findings: Findings, lang: str) -> list[str]:
    sep = "、" if lang == "zh" else ", "
    lines = []
    if findings.numbers:
        lines.append(text("numbers", lang, numbers=sep.join(seen.display for seen in proposed_numbers(findings))))
    if findings.times:
        lines.append(text("times", lang, times=sep.join(format_when(when, lang) for when in findings.times)))
    extras = []
    if findings.caller:
        extras.append(text(f"caller.{findings.caller}", lang))
    if findings.times_reported:
        extras.append(text("count", lang, count=findings.times_reported))
    if findings.opted_out:
        extras.append(text("opted_out", lang))
    if extras:
        lines.append(sep.join(extras))
    return lines


def _duration(seconds: int, lang: str) -> str:
    minutes, secs = divmod(seconds, 60)
    if lang == "zh":
        return f"{minutes}分{secs:02d}秒" if minutes else f"{secs}秒"
    return f"{minutes}m {secs:02d}s" if minutes else f"{secs}s"
