"""One typed answer to a merged question, split into the facts the draft needs (issue 13, item 5).

A merged question asks two things at once so a person answers in one message: "几乎每天，从9月开始"
(how often + since when), "有，10月15日回复过TD" (opted out + when), "1, 3 半夜打来" (the harm + in
their words), "某某贷款：说有一笔额度待领取" (who + what they said), "张三 139 1234 5678 a@b.cn" (the
contact details). Each part is written only when the text holds it: a time is never made up, a company
only when the person named one. Pure: "now" is passed in.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from engine.choice_match import normalise, pick_in, terms_table
from engine.model import ChoicesStep, ChoiceStep, Option, TextStep
from engine.parsing import ParsedTime, parse_when
from engine.steps.options import parse_choices_text
from engine.validators import VALIDATORS

# Where a typed answer falls into parts: "几乎每天，从9月开始" -> 几乎每天 | 从9月开始.
_PARTS = re.compile(r"[,，。;；!！?？\n]+|\s+-\s+")
# Words around a time that carry nothing of their own ("从9月开始" -> 9月, "since March" -> March).
_TIME_WORDS = re.compile(
    r"^(?:大概|大约|差不多|从|自从?|在|是|于)+|(?:开始|以来|起|左右|前后|的时候|那会儿?)+$"
    r"|^(?:since|from|on|in|around|about|back in|starting)\s+",
    re.IGNORECASE,
)
_COMPANY_END = re.compile(
    r"(?:公司|集团|银行|保险|证券|基金|贷款|金融|科技|信息|网络|商城|平台|中心|医院|学校|教育|培训|地产|置业|装饰|装修|旅游|商贸|贸易"
    r"|移动|联通|电信|广电|Ltd\.?|Limited|Inc\.?|LLC|PLC|Corp\.?|Company|Bank|Insurance)$",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"【([^】]{2,20})】|\[([^\]]{2,20})\]")
_EMAIL = re.compile(r"[^@\s,，;；]+@[^@\s,，;；]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+?[0-9][0-9 ()\-]{3,38}[0-9]")
_NAME_SEPARATORS = re.compile(r"[,，;；:：/|]+|(?:姓名|名字|电话|手机|邮箱|name|phone|email|e-mail)\s*[:：]?", re.IGNORECASE)


_MONTHS = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_CN_NUM = r"[0-9一二三四五六七八九十两]+"
# Phrases that may name a time inside a longer answer ("10月15日回复过TD", "replied STOP last month").
_TIME_PHRASES = re.compile(
    "|".join(
        (
            r"\d{4}\s*[-/.年]\s*\d{1,2}(?:\s*[-/.月]\s*\d{1,2}\s*[日号]?(?:\s*\d{1,2}[:：]\d{2})?|\s*月)?",
            r"\d{4}\s*年",
            r"\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?(?:\s*(?:[上下]午|晚上|早上|中午)?\s*\d{1,2}(?:[:：]\d{2}|点(?:半|\d{1,2}分?)?))?",
            r"(?:上上|上个?|这个?|本|今|去|前)(?:月|周|星期|礼拜|年)[一二三四五六日天]?",
            r"(?:大前天|前天|昨天|今天)(?:[上下]午|晚上|早上|中午)?(?:" + _CN_NUM + r"点(?:半|" + _CN_NUM + r"分?)?)?",
            _CN_NUM + r"\s*(?:天|周|个星期|个?月|年)(?:以)?前",
            r"\b\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTHS + r"(?:\s+\d{4})?",
            r"\b" + _MONTHS + r"(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?\b",
            r"\blast\s+(?:week|month|year|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
            # With its clock time when one follows ("yesterday 3pm", "today at 15:30"), or the hour is lost.
            r"\b(?:yesterday|today)(?:\s+(?:at\s+)?\d{1,2}(?::\d{2}\s*(?:[ap]\.?m\.?)?|\s*[ap]\.?m\.?))?\b",
            r"\b\d+\s+(?:days?|weeks?|months?|years?)\s+ago\b",
            r"\b(?:19|20)\d{2}\b",
        )
    ),
    re.IGNORECASE,
)


def parse_time_in(
    text: str, now: datetime, tz: str, lang: str, order: str, coarsest: str
) -> tuple[str, str] | None:
    """A time named in `text` (ISO as stored) and the text without it; None when it names none, or only
    one vaguer than `coarsest` allows."""

    def usable(phrase: str) -> str | None:
        parsed = parse_when(phrase, now, tz, lang, date_order=order)
        if isinstance(parsed, ParsedTime) and not parsed.coarser_than(coarsest):  # type: ignore[arg-type]
            return parsed.to_iso()
        return None

    matches = list(_TIME_PHRASES.finditer(text))
    if not matches:
        # Nothing shaped like a time: the parsers are not even asked ("几乎每天" is a frequency). Only
        # the phrase is parsed, never the whole text: "138 0013 8000，昨天" must not read the number as a date.
        return None
    # The longest few only: a pasted wall of "昨天昨天…" must not cost a parse per repeat.
    for match in sorted(matches, key=lambda m: -len(m.group(0)))[:4]:
        found = usable(match.group(0).strip())
        if found is not None:
            return found, (text[: match.start()] + " " + text[match.end():]).strip()
    return None


def strip_time_words(text: str) -> str:
    return _TIME_WORDS.sub("", text).strip(" ,，;；")


def parts_of(text: str) -> list[str]:
    return [p.strip() for p in _PARTS.split(text) if p.strip()]


_AMOUNT = re.compile(r"^(?:约|大概|一共|共|总共|about|around)?\s*[¥$£€]?\s*(\d[\d,]*(?:\.\d+)?)\s*(万)?\s*(?:元|块钱?|rmb|yuan|dollars?|pounds?|usd|gbp)?$", re.IGNORECASE)


def amount_in(part: str) -> float | int | None:
    """A sum of money written alone in a part ("5000元", "$500", "2万")."""
    match = _AMOUNT.match(part.strip())
    if match is None:
        return None
    number = float(match.group(1).replace(",", "")) * (10000 if match.group(2) else 1)
    return int(number) if number.is_integer() else number


def choice_with_fills(
    step: ChoiceStep, text: str, now: datetime, tz: str, lang: str, order: str, table: list[tuple[str, str, str]] | None = None
) -> tuple[Option, dict[str, Any]] | None:
    """The option a typed answer names and what else it gives, by fill id: a time, a sum, the rest in the
    person's words ("有，10月15日回复过TD", "有，5000元", "有，装了XX会议App").

    Every part must name the same option, hold a fill, or be the words a detail fill keeps; a part
    naming another option, or words with nowhere to go, make the answer unreadable (None). `table`: the
    options' `terms_table`, when the caller keeps it."""
    table = terms_table([(o.value, o.terms) for o in step.options]) if table is None else table
    kinds = {f.kind: f for f in step.fills}
    chosen: set[str] = set()
    found: dict[str, Any] = {}
    words: list[str] = []
    for part in parts_of(text):
        time = kinds.get("time")
        if time is not None and time.id not in found:
            read = parse_time_in(_TIME_WORDS.sub("", part), now, tz, lang, order, time.coarsest)
            if read is not None:
                found[time.id], part = read[0], _TIME_WORDS.sub("", read[1]).strip()
                if not part:
                    continue
        amount = kinds.get("amount")
        if amount is not None and amount.id not in found and amount_in(part) is not None:
            found[amount.id] = amount_in(part)
            continue
        value = pick_in(table, part)
        if value is not None and not chosen:
            chosen.add(value)
        elif "detail" in kinds:
            # Once the option is named, the rest is the person's words even where it names the option
            # again ("银行转账，工商银行 6222…" keeps the account; "有，装了XX会议" keeps the app).
            words.append(part)
        elif value is None or chosen - {value}:
            return None
    if len(chosen) != 1:
        return None
    if words:
        found[kinds["detail"].id] = "，".join(words) if lang == "zh" else ", ".join(words)
    value = chosen.pop()
    return next(o for o in step.options if o.value == value), found


def choices_with_detail(
    step: ChoicesStep, text: str, selected: list[str], lang: str, terms: dict[str, str] | None = None
) -> tuple[list[str], str] | None:
    """Options named at the start of a typed answer and the rest in the person's words:
    "1, 3 半夜打来" or "浪费时间和影响睡眠，半夜打来" -> ([time, sleep], "半夜打来").

    Leading parts count as options only when they name them exactly (a label, a synonym, a number), so
    the person's own sentence is never eaten by a loose match ("半夜打来" is words, not "sleep"). When
    nothing leads with an option, a loose match of the first part, or what was tapped, or "other" is
    the choice and the whole text is kept as the words. None when no choice can be made. `terms`: the
    step's `exact_terms`, when the caller keeps them."""
    words = text.strip()
    terms = exact_terms(step) if terms is None else terms
    picked: list[str] = []
    while words:
        head = re.match(r"\s*([1-9１-９])(?:\s*[,，、.．\s]\s*|(?=\D)|$)", words)
        number = int(unicodedata.normalize("NFKC", head.group(1))) if head else 0
        if head is None or number > len(step.options):
            break
        picked.append(step.options[number - 1].value)
        words = words[head.end():]
    for part in parts_of(words):
        named = _exactly_named(terms, part)
        if named is None:
            break
        picked += named
        words = words.replace(part, "", 1)
    detail = re.sub(r"^[\s,，、;；:：]+|[\s,，、;；]+$", "", words)
    if picked:
        return list(dict.fromkeys(picked)), detail
    if not any(ch.isalpha() for ch in text):
        # A stray number or mark names no option and says nothing: asked again rather than kept.
        return None
    first = parts_of(text)[:1]
    loose = parse_choices_text(step, first[0]) if first else None
    chosen = loose or list(selected) or (["other"] if any(o.value == "other" for o in step.options) else [])
    return (chosen, text.strip()) if chosen else None


def exact_terms(step: ChoicesStep) -> dict[str, str]:
    """Every word that names an option of `step` (normalised) and the option it names."""
    return {normalise(term): o.value for o in step.options for term in o.terms if normalise(term)}


def _exactly_named(terms: dict[str, str], part: str) -> list[str] | None:
    """The options a part names word for word ("浪费时间和影响睡眠", "wasted time, stress"), else None."""
    pieces = [normalise(p) for p in re.split(r"[,，、;；/]+|和|以及|还有|\band\b", part) if normalise(p)]
    if not pieces or any(p not in terms for p in pieces):
        return None
    return [terms[p] for p in pieces]


def company_in(text: str) -> str | None:
    """The company a person named at the start of their answer: a 【signature】, or a first part that
    reads as a company's name (ends in 公司, 银行, Ltd…). None rather than a guess."""
    signature = _SIGNATURE.search(text)
    if signature:
        return (signature.group(1) or signature.group(2)).strip()
    head = re.split(r"[,，。;；:：!！?？\n]", text.strip(), maxsplit=1)[0].strip()
    head = re.sub(r"^(?:是|叫|自称|说是|这里是|我是|from|it was|they were)\s*", "", head, flags=re.IGNORECASE).strip()
    if 2 <= len(head) <= 30 and _COMPANY_END.search(head):
        return head
    return None


def contact_parts(text: str) -> dict[str, str]:
    """Name, phone and email from one line ("张三 139 1234 5678 jane@x.cn", in any order)."""
    found: dict[str, str] = {}
    rest = text
    email = _EMAIL.search(rest)
    if email:
        found["email"] = email.group(0)
        rest = rest.replace(email.group(0), " ")
    phone = _PHONE.search(rest)
    if phone and sum(ch.isdigit() for ch in phone.group(0)) >= 5:
        found["phone"] = phone.group(0).strip()
        rest = rest.replace(phone.group(0), " ")
    name = " ".join(_NAME_SEPARATORS.sub(" ", rest).split())
    if name and VALIDATORS["person_name"](name) is None:
        found["name"] = name
    return found


def text_fills(step: TextStep, text: str) -> dict[str, Any]:
    """The fills of a merged text question, as answer key -> value; only what the text holds."""
    out: dict[str, Any] = {}
    contact = contact_parts(text) if any(f.kind in ("name", "phone", "email") for f in step.fills) else {}
    for fill in step.fills:
        if fill.kind == "company":
            company = company_in(text)
            if company:
                out[fill.id] = company
        elif fill.kind in contact:
            out[fill.id] = contact[fill.kind]
    return out
