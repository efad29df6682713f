"""The one-message proposal of what was read ("从截图读到：… 对吗？"), in zh and en: the texts are
engine/reading/texts.yaml.

It only restates what `Findings` holds: a number, a time, a count the source showed. The person confirms
or corrects it; nothing here is written into the complaint without that tap.
"""

from __future__ import annotations


from engine.i18n import package_texts, render
from engine.reading.findings import Findings, Message, NumberSeen, When
from engine.reading.proposal import last_contact, proposed_answers, proposed_numbers

_QUOTE_CHARS = 60
# Messages quoted one by one; with more, the latest time proposed gets a line of its own.
_MAX_MESSAGES = 2

_TEXTS = package_texts("engine.reading")


def text(key: str, lang: str, **values: object) -> str:
    """One text of this module in `lang` ("zh" or "en"; anything else reads as en)."""
    return render(_TEXTS, key, lang, **values)


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
