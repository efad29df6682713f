"""Facts from the text of a call-log or SMS screenshot (OCR lines with their boxes) or from a pasted text.

Pure: no I/O, no clock; relative dates ("昨天", "星期五", a bare "14:32") are read against the `now` given.
A screenshot is read as rows: a row that shows a phone number starts a call entry, and the rows below it
(location, tag, time, duration) belong to it until the next number. Rows above the first number are the
phone's status bar and title (their clock is *not* a call time). A row that is only a day ("昨天") is a
section header whose day applies to the bare clock times below it.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from engine.parsing.phones import PhoneNumber, parse_phone_numbers
from engine.reading.cues import cue_table, matching
from engine.reading.findings import (
    Call,
    CallerKind,
    Findings,
    Layout,
    Message,
    NumberSeen,
    Verdict,
    When,
)
from engine.reading.fraud import classify
from engine.reading.times import Stamp, resolve, scan


@dataclass(frozen=True)
class TextLine:
    """One line of recognised text and its box in image pixels (x grows right, y grows down)."""

    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return max(1.0, self.y1 - self.y0)

    def __reduce__(self) -> tuple[type[TextLine], tuple[str, float, float, float, float]]:
        """Pickled as a call of the class (the OCR worker sends lines over a pipe): compiled, a frozen
        class cannot be filled in field by field, as pickle otherwise does."""
        return (TextLine, (self.text, self.x0, self.y0, self.x1, self.y1))


# Operators' and phone apps' caller tags, longest first so "骚扰电话" wins over "骚扰".
_TAGS = sorted(
    ["营销推广", "广告推销", "推销", "骚扰电话", "骚扰", "诈骗电话", "疑似诈骗", "诈骗", "房产中介", "保险理财", "金融理财",
     "快递送餐", "快递外卖", "出租车", "招聘猎头", "响一声", "商业营销", "中介", "客服电话", "违法诈骗", "Spam Risk",
     "Scam Likely", "Telemarketer", "Potential Fraud", "Suspected Spam"],
    key=len, reverse=True,
)
_TAG = re.compile("|".join(re.escape(tag) for tag in _TAGS), re.IGNORECASE)
_MARKED = re.compile(r"(?:被)?\s*(\d{1,7})\s*(?:人|位用户|个用户|次)\s*标记|marked by\s*(\d{1,7})", re.IGNORECASE)
_MISSED = re.compile(r"未接|未接通|响铃\s*\d+\s*[声秒]|响\s*\d+\s*声|已?拒接|missed|declined", re.IGNORECASE)
_ANSWERED = re.compile(r"呼入|呼出|已接|拨出|通话|incoming|outgoing", re.IGNORECASE)
_DURATION = re.compile(
    r"(?<!响铃)(?<!响)(?:(\d{1,2})\s*(?:小时|时|h)\s*)?(?:(\d{1,3})\s*(?:分钟|分|m(?:in)?)\s*)?(\d{1,2})\s*(?:秒|s(?:ec)?)\b"
    r"|(?<!响铃)(?<!\d)(\d{1,3})\s*分钟",
    re.IGNORECASE,
)
_REPEATS = re.compile(r"[（(]\s*(\d{1,3})\s*[)）]")
_SIGNATURE = re.compile(r"[【\[]([^】\]\s]{1,24})[】\]]")
_LINK = re.compile(
    r"(?:https?://|www\.)[^\s，。、；）)】\u4e00-\u9fff]+"
    r"|\b(?:[a-z0-9-]+\.)+(?:cn|com|net|top|xyz|cc|vip|me|info|org|io|co|ly|club|site|shop|link|icu|work)"
    r"(?:/[^\s，。、；）)】\u4e00-\u9fff]*)?",
    re.IGNORECASE,
)
_PHONE_LIKE = re.compile(r"\+?\d{2,4}(?:[ -]\d{3,4}){1,3}(?!\d)|\d{5,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words of the phone's own interface, never part of what the caller or sender wrote.
_UI_WORDS = re.compile(
    r"^(通话记录|最近通话|电话|拨号|联系人|收藏|全部|未接来电|未接|编辑|短信|信息|iMessage|Messages|Recents|All|Missed|"
    r"现在|刚刚|发送|输入短信|短信/彩信|文本消息|Text Message|复制|回复|删除|更多|举报|标记|Today|Yesterday|"
    r"[<>‹›❮❯]|\d{1,3}%|[45]G|5G|4G|Wi-?Fi|中国移动|中国联通|中国电信)$",
    re.IGNORECASE,
)
# Who was on the line: the words a story uses for a recording and for a live person.
_CALLER_CUES = cue_table(
    ("robot", 1, r"机器人|机器声|机器音|录音|自动语音|语音播报|电脑音|(?<![a-z])ai(?:语音|客服|电话)?(?![a-z])|robo(?:t|call)|recorded|automated|"
                 r"pre-?recorded"),
    ("person", 1, r"真人|人工|活人|一个(男|女)的|男的|女的|小姐姐|小伙子|real person|live person|a (?:man|woman)"),
    ("not_robot", 1, r"不是机器人|不像机器|not a robot"),
)
# A pasted message's own header: an optional "发件人"/"From" label before the number, a colon or line break after.
_SENDER_LABEL = re.compile(r"\s*(?:(?:发件人|发信人|短信来自|来自|from|sender|text from|message from)\s*[:：]?\s*)?", re.IGNORECASE)
_SENDER_END = re.compile(r"[ \t]*(?:[:：]|\r?\n)")
# How far before a number the words that ask to call it are looked for.
_CUE_REACH = 40
# The words that ask the reader to contact a number, ending right before it ("请致电 ", "客服热线：", "回复TD至");
# not "来电号码：", which names the caller.
_CALLBACK_ZH = re.compile(
    r"(?:致电|拨打|回电|回拨|请来电|速来电|联系|咨询|添加|加)(?:我们|我司|本司|客服|专员|理赔专员|快递员|工作人员|人工|热线|电话|号码|"
    r"以下号码|下方号码|以下电话|下方电话|客服热线|客服电话|微信|qq)?[:：]?\s*$"
    r"|(?:客服|热线|咨询|联系|服务|理赔|回拨|办理)(?:电话|热线|专线|号码)?[:：]\s*$|(?:客服|热线|专线)\s*$"
    r"|(?:回复|回|发送|发|短信|编辑).{0,16}(?:到|至)\s*$"
    r"|(?:让|叫|要|请)我.{0,6}(?:打|拨|回电|回拨|联系|加)[^，。,.]{0,6}$"
)
_CALLBACK_EN = re.compile(
    r"(?:^|[.!?:;,\n]|\b(?:please|pls|kindly|urgently|immediately|now|asap|to|or|and|then|must|should|me to|you to))\s*"
    r"(?:call|ring|phone|dial|contact|text|txt|message|whatsapp)\b(?:\s+(?:us|me|back|now|immediately|urgently|today|asap|"
    r"this number|our [a-z ]{1,25}|the [a-z ]{1,25}|[a-z]+ (?:team|desk|line|department)))*\s*(?:on|at|to|:|-)?\s*$"
    r"|\b(?:call|ring|phone|contact|message)\s+(?:us|back|our [a-z ]{1,25}|the [a-z ]{1,25}|[a-z]+ (?:team|desk|line|department))"
    r"(?:\s+(?:now|immediately|urgently|today|asap))?\s*(?:on|at|to|:|-)?\s*$"
    r"|\b(?:reply|send|text|txt)\b[^.!?\n]{0,25}\bto\s*$"
    r"|\b(?:helpline|hotline|call back number|callback number|call-back number|tel|telephone)\b\s*(?:no\.?|number)?\s*(?:on|at|is|:|-)?\s*$"
)
_CN_COUNT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_COUNT = re.compile(r"第\s*([\d一二两三四五六七八九十]{1,3})\s*(?:次|回|通)|([\d一二两三四五六七八九十]{1,3})\s*(?:次|回|通电话)"
                    r"|(\d{1,3})(?:st|nd|rd|th)\s+time|(\d{1,3})\s+(?:times|calls)", re.IGNORECASE)
_OPTED_OUT = re.compile(
    r"(?:我|已经?|也)\s*(?:回复?|发送?|发)\s*(?:了|过)?\s*[\"“「]?(?:TD|T|N|0|退订|STOP|拒收)"
    r"|已经?退订|退订了|退订过|(?:I|I've|I have)\s+(?:replied|texted|sent)\s+[\"“]?STOP|opted out|unsubscribed",
    re.IGNORECASE,
)


def extract_from_lines(lines: Sequence[TextLine], now: datetime, region: str) -> Findings:
    """Facts from one screenshot's recognised lines; an unrelated picture gives empty findings."""
    clean = [replace(line, text=line.text.strip()) for line in lines if line.text.strip()]
    if not clean:
        return Findings(source="screenshot")
    rows = _rows(clean)
    entries = [i for i, row in enumerate(rows) if _row_number(row, region) is not None]
    body_rows = [row for row in rows if _is_body(" ".join(line.text for line in row))]
    layout: Layout
    if entries and (len(entries) >= 3 or not body_rows):
        layout = "call_log"
    elif body_rows:
        layout = "sms"
    else:
        layout = "unknown"
    if layout == "call_log":
        return _call_log(rows, entries, now, region)
    if layout == "sms":
        return _sms_screen(rows, now, region)
    return Findings(source="screenshot")


def extract_from_text(text: str, now: datetime, region: str, elsewhere: tuple[str, ...] = ()) -> Findings:
    """Facts from a pasted SMS or a sentence that tells what happened.

    A number the text asks the reader to call or text ("请致电 …", "call … now") is a callback, never the
    caller. A pasted SMS names its sender only in a header line before it ("1069…：【…】…", "From: …"); the
    numbers and dates inside its body are what it says, not who sent it or when, so they are not proposed
    as such. `elsewhere`: the other regions a national-format number may be read in (engine.parsing.phones).
    """
    folded = text.strip()
    if not folded:
        return Findings(source="text")
    stamps = scan(folded)
    found = _numbers_in(_blank(folded, stamps), region, elsewhere)
    signatures = _signatures(folded)
    links = _links(folded)
    looks_like_sms = bool(signatures or links or _addresses_reader(folded)) and not _first_person(folded)
    sender = _header_sender(folded, found)
    callbacks = [n for n in found if n is not sender and _asked_to_contact(folded, n)]
    if looks_like_sms:
        callers = [sender] if sender is not None else []
    else:
        callers = [n for n in found if n not in callbacks]
    messages: tuple[Message, ...] = ()
    layout: Layout = "story"
    times: tuple[When, ...] = ()
    if looks_like_sms:
        layout = "sms"
        messages = (Message(
            text=folded,
            sender=sender.number if sender else None,
            sender_display=sender.display if sender else None,
            sender_kind=sender.kind if sender else None,
            signature=signatures[0] if signatures else None,
            links=links,
        ),)
    else:
        times = tuple(when for when in (resolve(s.day, s.clock, now) for s in stamps) if when is not None)
    return Findings(
        source="text",
        layout=layout,
        numbers=tuple(_seen(n) for n in callers),
        callbacks=tuple(_seen(n) for n in callbacks),
        messages=messages,
        companies=signatures,
        links=links,
        times=times,
        # Robot or person is what a call sounded like; a text message has no voice.
        caller=None if looks_like_sms else _caller(folded),
        times_reported=_count(folded),
        opted_out=bool(_OPTED_OUT.search(folded)),
        verdict=classify(folded),
    )


def _seen(number: PhoneNumber) -> NumberSeen:
    return NumberSeen(number=number.number, display=number.display, kind=number.kind, region=number.region)


def _header_sender(text: str, numbers: list[PhoneNumber]) -> PhoneNumber | None:
    """The number a pasted message starts with as its sender ("10690123456：【…】…", "From: +44 …\n…")."""
    for number in numbers:
        start = text.find(number.raw)
        if start < 0:
            continue
        if _SENDER_LABEL.fullmatch(text[:start]) and _SENDER_END.match(text, start + len(number.raw)):
            return number
        return None
    return None


def _asked_to_contact(text: str, number: PhoneNumber) -> bool:
    """Whether the words just before the number ask the reader to call, text or add it."""
    start = text.find(number.raw)
    if start < 0:
        return False
    before = unicodedata.normalize("NFKC", text[max(0, start - _CUE_REACH):start]).lower()
    return bool(_CALLBACK_ZH.search(before) or _CALLBACK_EN.search(before))


def _rows(lines: list[TextLine]) -> list[list[TextLine]]:
    """Lines grouped into visual rows (same height on screen), top to bottom, each row left to right."""
    ordered = sorted(lines, key=lambda line: line.cy)
    tolerance = 0.5 * statistics.median(line.height for line in ordered)
    rows: list[list[TextLine]] = []
    for line in ordered:
        if rows and abs(line.cy - rows[-1][0].cy) <= tolerance:
            rows[-1].append(line)
        else:
            rows.append([line])
    return [sorted(row, key=lambda line: line.x0) for row in rows]


def _row_number(row: list[TextLine], region: str) -> PhoneNumber | None:
    """The phone number a row shows as its subject (a short line that is mostly the number), if any."""
    for line in row:
        text = _strip_meta(line.text)
        if _is_body(line.text) or not text:
            continue
        found = _numbers_in(text, region)
        if found and sum(ch.isdigit() for ch in text) >= 0.6 * len(re.sub(r"\s", "", text)):
            return found[0]
    return None


def _strip_meta(text: str) -> str:
    """The text without counts "(3)", tags, marks, durations and time stamps, so only a number is left."""
    text = _REPEATS.sub(" ", text)
    text = _MARKED.sub(" ", text)
    text = _TAG.sub(" ", text)
    text = _DURATION.sub(" ", text)
    text = _MISSED.sub(" ", text)
    return _blank(text, scan(text)).strip(" ·|-:：")


def _numbers_in(text: str, region: str, elsewhere: tuple[str, ...] = ()) -> list[PhoneNumber]:
    found, _ = parse_phone_numbers(text, region, elsewhere)
    return [n for n in found if sum(ch.isdigit() for ch in n.number) >= 5]


def _blank(text: str, stamps: Iterable[Stamp]) -> str:
    chars = list(text)
    for stamp in stamps:
        for i in range(stamp.start, stamp.end):
            chars[i] = " "
    return "".join(chars)


def _is_body(text: str) -> bool:
    """A line of message text rather than a list row: long, mostly words (times, tags, durations aside)."""
    if _SIGNATURE.search(text):
        return True
    text = _strip_meta(text)
    cjk = len(_CJK.findall(text))
    words = len(re.findall(r"[A-Za-z]{2,}", text))
    return cjk >= 10 or words >= 6 or (cjk >= 6 and bool(re.search(r"[，。！？,.!?]", text)))


def _is_day_header(row: list[TextLine]) -> Stamp | None:
    text = " ".join(line.text for line in row)
    stamps = scan(text)
    if len(stamps) == 1 and stamps[0].clock is None and stamps[0].day is not None:
        rest = _blank(text, stamps).strip()
        if not rest:
            return stamps[0]
    return None


def _call_log(rows: list[list[TextLine]], entries: list[int], now: datetime, region: str) -> Findings:
    calls: list[Call] = []
    section: Stamp | None = None
    bounds = entries + [len(rows)]
    first = entries[0]
    for row in rows[:first]:
        section = _is_day_header(row) or section
    for start, end in itertools.pairwise(bounds):
        number = _row_number(rows[start], region)
        assert number is not None
        own_rows = []
        next_section = None
        for row in rows[start:end]:
            header = _is_day_header(row) if row is not rows[start] else None
            if header is not None and row[0].x0 < rows[start][0].x0 + 0.5 * rows[start][0].height:
                next_section = header
                continue
            own_rows.append(row)
        calls.extend(_entry_calls(number, own_rows, section, now))
        section = next_section or section
    return _findings_from_calls(calls)


def _entry_calls(number: PhoneNumber, rows: list[list[TextLine]], section: Stamp | None, now: datetime) -> list[Call]:
    """The calls of one entry: usually one; on a number's detail page, one per row that names a time."""
    texts = [" ".join(line.text for line in row) for row in rows]
    texts[0] = texts[0].replace(number.raw, " ", 1)
    timed = [i for i, text in enumerate(texts) if i > 0 and any(s.clock for s in scan(_strip_numbers(text)))]
    if len(timed) < 2:
        return [_call(number, " ".join(texts), section, now)]
    header = " ".join(texts[: timed[0]])
    calls = [_call(number, texts[i], section, now) for i in timed]
    tag, marked = _TAG.search(header), _MARKED.search(header)
    return [
        replace(call, tag=call.tag or (tag.group(0) if tag else None),
                marked_by=call.marked_by or (int(marked.group(1) or marked.group(2)) if marked else None))
        for call in calls
    ]


def _call(number: PhoneNumber, text: str, section: Stamp | None, now: datetime) -> Call:
    stamps = [s for s in scan(_strip_numbers(text)) if s.day is not None or s.clock is not None]
    day = next((s.day for s in stamps if s.day is not None), None)
    clock = next((s.clock for s in stamps if s.clock is not None), None)
    if day is None and section is not None:
        day = section.day
    when = resolve(day, clock, now) if (day is not None or clock is not None) else None
    missed: bool | None = None
    if _MISSED.search(text):
        missed = True
    elif _ANSWERED.search(text) or _duration(text) is not None:
        missed = False
    tag = _TAG.search(text)
    marked = _MARKED.search(text)
    repeats = _REPEATS.search(text)
    return Call(
        number=number.number,
        display=number.display,
        kind=number.kind,
        region=number.region,
        when=when,
        missed=missed,
        duration_s=None if missed else _duration(text),
        repeats=int(repeats.group(1)) if repeats and 0 < int(repeats.group(1)) < 1000 else 1,
        tag=tag.group(0) if tag else None,
        marked_by=int(marked.group(1) or marked.group(2)) if marked else None,
    )


def _strip_numbers(text: str) -> str:
    """Digits of a phone number ("138 0013 8000") must not be read as a time; counts "(3)" neither."""
    text = _REPEATS.sub(" ", text)
    text = _MARKED.sub(" ", text)
    return _PHONE_LIKE.sub(lambda m: " " * len(m.group(0)), text)


def _duration(text: str) -> int | None:
    match = _DURATION.search(text)
    if not match:
        return None
    if match.group(4):
        return int(match.group(4)) * 60
    hours, minutes, seconds = (int(g) if g else 0 for g in match.group(1, 2, 3))
    return hours * 3600 + minutes * 60 + seconds


def _findings_from_calls(calls: list[Call]) -> Findings:
    seen: dict[str, NumberSeen] = {}
    for call in calls:
        prior = seen.get(call.number) or NumberSeen(call.number, call.display, call.kind, call.region)
        whens = [w for w in (prior.first, prior.last, call.when) if w is not None]
        seen[call.number] = replace(
            prior,
            calls=prior.calls + call.repeats,
            missed=prior.missed + (call.repeats if call.missed else 0),
            answered=prior.answered + (call.repeats if call.missed is False else 0),
            first=min(whens, key=lambda w: w.at) if whens else None,
            last=max(whens, key=lambda w: w.at) if whens else None,
            durations_s=prior.durations_s + ((call.duration_s,) if call.duration_s else ()),
            tags=prior.tags + ((call.tag,) if call.tag and call.tag not in prior.tags else ()),
            marked_by=max(filter(None, (prior.marked_by, call.marked_by)), default=None),
        )
    times = tuple(call.when for call in calls if call.when is not None)
    return Findings(
        source="screenshot",
        layout="call_log",
        numbers=tuple(seen.values()),
        calls=tuple(calls),
        times=times,
        verdict=_verdict_from_tags(calls),
    )


def _verdict_from_tags(calls: list[Call]) -> Verdict:
    tags = {call.tag for call in calls if call.tag}
    if any(re.search("诈骗|scam|fraud", tag, re.IGNORECASE) for tag in tags):
        return Verdict("fraud", ("tagged_fraud",))
    if tags:
        return Verdict("spam", ("tagged_spam",))
    return Verdict("unknown")


def _sms_screen(rows: list[list[TextLine]], now: datetime, region: str) -> Findings:
    """An SMS thread or notification: the sender at the top, then messages separated by time stamps.

    Above the sender only a time is taken (a notification's "信息 14:32"); the first row is the status
    bar, whose clock is the time of the screenshot, not of a message.
    """
    sender: PhoneNumber | None = None
    bodies: list[tuple[When | None, list[str]]] = []
    current: When | None = None
    for index, row in enumerate(rows):
        text = " ".join(line.text for line in row).strip()
        if sender is None and not _is_body(text):
            found = _row_number(row, region)
            if found is not None:
                sender = found
                continue
            stamp = _pure_stamp(_without_ui_words(text)) if index > 0 else None
            if stamp is not None:
                current = resolve(stamp.day, stamp.clock, now)
            continue
        stamp = None if _is_body(text) else _pure_stamp(text)
        if stamp is not None:
            current = resolve(stamp.day, stamp.clock, now)
            bodies.append((current, []))
            continue
        if _UI_WORDS.match(text) or len(text) < 2:
            continue
        if not bodies:
            bodies.append((current, []))
        bodies[-1][1].append(text)
    messages = []
    for when, parts in bodies:
        body = "".join(parts) if all(_CJK.search(p) for p in parts) else " ".join(parts)
        if not body:
            continue
        signatures = _signatures(body)
        messages.append(Message(
            text=body,
            sender=sender.number if sender else None,
            sender_display=sender.display if sender else None,
            sender_kind=sender.kind if sender else None,
            signature=signatures[0] if signatures else None,
            links=_links(body),
            when=when,
        ))
    all_text = "\n".join(m.text for m in messages)
    numbers = (NumberSeen(sender.number, sender.display, sender.kind, sender.region),) if sender else ()
    return Findings(
        source="screenshot",
        layout="sms",
        numbers=numbers,
        messages=tuple(messages),
        companies=_signatures(all_text),
        links=_links(all_text),
        times=tuple(m.when for m in messages if m.when is not None),
        verdict=classify(all_text) if all_text else Verdict("unknown"),
    )


def _pure_stamp(text: str) -> Stamp | None:
    """The first time stamp of a text that holds nothing else ("11月28日 14:32", "昨天 09:15")."""
    stamps = scan(text)
    if stamps and not _blank(text, stamps).strip(" ·|-:："):
        return stamps[0]
    return None


def _without_ui_words(text: str) -> str:
    return " ".join(word for word in text.split() if not _UI_WORDS.match(word))


def _signatures(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(match.group(1) for match in _SIGNATURE.finditer(text)))


def _links(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(match.group(0).rstrip(".,") for match in _LINK.finditer(text)))


def _first_person(text: str) -> bool:
    """A story is told in the first person ("我刚接到…"); a pasted SMS addresses the reader."""
    return bool(re.search(r"(^|[，。,. ])(我|我们|I|I've|I'm)\b|^我|又接到|接到|收到", text))


def _addresses_reader(text: str) -> bool:
    """A message written to the reader ("Your parcel…", "您的快递…") rather than told by them: the shape of a
    pasted text without a 【signature】 or a link, most English ones among them."""
    if _CJK.search(text):
        return "您" in text and not re.search(r"我|接到|收到|打来", text)
    return bool(re.search(r"\byour?\b", text, re.IGNORECASE)) and not re.search(
        r"\b(?:i|i'm|i've|i'd|me|my|mine|got a|received)\b", text, re.IGNORECASE
    )


def _caller(text: str) -> CallerKind | None:
    found = {cue.code for cue in matching(_CALLER_CUES, text)}
    if "robot" in found and "not_robot" not in found:
        return "robot"
    if found & {"person", "not_robot"}:
        return "person"
    return None


def _count(text: str) -> int | None:
    match = _COUNT.search(text)
    if not match:
        return None
    raw = next(group for group in match.groups() if group)
    if raw.isdigit():
        value = int(raw)
    elif raw.startswith("十"):
        value = 10 + _CN_COUNT.get(raw[1:], 0)
    elif "十" in raw:
        tens, _, units = raw.partition("十")
        value = _CN_COUNT.get(tens, 1) * 10 + _CN_COUNT.get(units, 0)
    else:
        value = _CN_COUNT.get(raw, 0)
    return value or None
