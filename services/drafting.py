"""Complaint drafting: turn a case's answers into a written complaint, an SMS report or a phone script."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Mapping, Sequence

import phonenumbers
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from engine.evidence import EvidenceItem
from knowledge.catalog import Catalog, Channel, DraftKind, Jurisdiction, SmsFormat
from engine.when_text import day_text, describe_when
from knowledge.facts import answer, clock_known, is_fraud, operator_at_fault, parse_when, period_of, said_yes
from knowledge.citations import rule_citation
from knowledge.rules import possible_breaches

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
LANGS = ("zh", "en")
MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


@dataclass(frozen=True)
class PreviousComplaint:
    """The complaint an escalation follows up: where, when, and the reference the channel gave."""

    channel_id: str
    filed_at: datetime
    reference: str | None = None


@dataclass(frozen=True)
class DraftInput:
    case_id: int
    answers: Mapping[str, Any]
    evidence: Sequence[EvidenceItem]
    created_at: datetime
    previous: PreviousComplaint | None = None


@dataclass(frozen=True)
class Draft:
    kind: Literal["written", "sms", "phone_script"]
    title: str
    text: str
    to: str | None = None
    followup: str | None = None


class DraftError(ValueError):
    """The requested draft cannot be made from these facts (e.g. an SMS report without the SMS text)."""


@dataclass
class _Sms:
    fmt: SmsFormat
    body: str
    followup: str | None = field(default=None)


# The one environment of templates/: the drafts here and the send route (send_route.py) render through it.
TEMPLATES = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=False,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=False,
)


def letter_lang(catalog: Catalog, channel_id: str) -> str:
    """The language a channel reads, whatever language the person chats in (issue 10): its country's own
    (the language that country is the default for in channels.yaml, Chinese for mainland China), else English."""
    jurisdiction = catalog.jurisdiction(catalog.channel(channel_id).jurisdiction)
    return next((lang for lang in jurisdiction.default_for if lang in LANGS), "en")


def available_kinds(catalog: Catalog, draft_input: DraftInput, channel_id: str) -> list[DraftKind]:
    """Draft kinds this channel takes that the facts allow, in the channel's order of preference."""
    channel = catalog.channel(channel_id)
    return [k for k in channel.draft_kinds if k != "sms" or _sms(catalog, channel, draft_input.answers) is not None]


def render_draft(
    catalog: Catalog,
    draft_input: DraftInput,
    channel_id: str,
    lang: str,
    kind: DraftKind | None = None,
) -> Draft:
    """Render one draft for the channel; without `kind`, the channel's first kind the facts allow."""
    if lang not in LANGS:
        raise DraftError(f"unsupported language {lang!r}")
    channel = catalog.channel(channel_id)
    kinds = available_kinds(catalog, draft_input, channel_id)
    if kind is None:
        if not kinds:
            raise DraftError(f"no draft for {channel_id!r} fits these facts")
        kind = kinds[0]
    elif kind not in kinds:
        raise DraftError(f"{channel_id!r} has no {kind!r} draft for these facts")

    context = _context(catalog, draft_input, channel, lang, kind)
    if kind == "sms":
        sms = _sms(catalog, channel, draft_input.answers)
        assert sms is not None  # available_kinds checked it
        context["sms"] = {"to": sms.fmt.to, "unverified": sms.fmt.unverified}
        title = _render(f"{lang}/title.j2", context).strip()
        return Draft("sms", title, sms.body, to=sms.fmt.to, followup=sms.followup)
    title = _render(f"{lang}/title.j2", context).strip()
    # Fraud is a crime report with a timeline, not a complaint about marketing (issue 10).
    template = "police_report" if kind == "written" and context["fraud"] else kind
    return Draft(kind, title, _render(f"{lang}/{template}.j2", context))


def render_gist(catalog: Catalog, draft_input: DraftInput, channel_id: str, lang: str) -> str | None:
    """A short account in the person's language of what the letter in the channel's language says; None when
    the two languages are the same and the letter speaks for itself."""
    if lang not in LANGS:
        raise DraftError(f"unsupported language {lang!r}")
    channel = catalog.channel(channel_id)
    letter = letter_lang(catalog, channel_id)
    if letter == lang:
        return None
    context = _context(catalog, draft_input, channel, lang, "gist")
    context["letter_lang"] = letter
    return _render(f"{lang}/gist.j2", context)


def _render(name: str, context: dict[str, Any]) -> str:
    text = TEMPLATES.get_template(name).render(**context)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


# ---- SMS reports: the exact text the channel's format asks for ----

def _sms(catalog: Catalog, channel: Channel, answers: Mapping[str, Any]) -> _Sms | None:
    fmt = channel.sms_format_for(answer(answers, "own_operator"))
    if fmt is None or answer(answers, "issue_type") not in fmt.issues:
        return None
    callers = answer(answers, "caller_numbers") or []
    values = {
        "number": _sms_number(callers[0], catalog.jurisdiction(channel.jurisdiction).region) if callers else None,
        "text": (answer(answers, "content") or "").strip() or None,
    }
    needed = set(re.findall(r"\{(\w+)\}", fmt.pattern + (fmt.followup_pattern or "")))
    if any(values[name] is None for name in needed):
        return None
    body = fmt.pattern.format(**values)
    # The report must carry the SMS unedited, so an over-long one goes to the web form instead of being cut.
    if len(body) > fmt.max_chars:
        return None
    followup = fmt.followup_pattern.format(**values) if fmt.followup_pattern else None
    return _Sms(fmt, body, followup)


def _sms_number(phone: Mapping[str, Any], region: str) -> str:
    """The sender as dialled at home: national digits for domestic numbers, E.164 for foreign ones."""
    number = str(phone.get("number") or phone.get("raw") or "").strip()
    if number.startswith("+"):
        try:
            parsed = phonenumbers.parse(number)
        except phonenumbers.NumberParseException:
            return number
        if phonenumbers.region_code_for_country_code(parsed.country_code or 0) == region:
            national = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
            return re.sub(r"\D", "", national)
        return number
    return re.sub(r"[^\d+]", "", number) or number


# ---- context for the templates: values only, every language's wording stays in the templates ----

def _context(catalog: Catalog, draft_input: DraftInput, channel: Channel, lang: str, kind: str) -> dict[str, Any]:
    facts = draft_input.answers
    jur = catalog.jurisdiction(channel.jurisdiction)
    issue = answer(facts, "issue_type") or "other"
    fraud = is_fraud(facts)
    last_contact = parse_when(answer(facts, "last_contact_at"), jur.tz)
    opted_out_at = parse_when(answer(facts, "opted_out_at"), jur.tz, latest=True)
    own_operator = answer(facts, "own_operator")
    operator_key = operator_at_fault(catalog, {**facts, "jurisdiction": jur.code})
    evidence = draft_input.evidence
    called = answer(facts, "called_number") or answer(facts, "called_number_for_channel") or []
    amount = answer(facts, "amount_lost") if said_yes(facts, "money_lost") else None
    impersonation = answer(facts, "impersonation")

    return {
        "lang": lang,
        "kind": kind,
        "case_id": draft_input.case_id,
        "channel": {
            "id": channel.id,
            "name": _channel_name(channel, own_operator, lang),
            "kind": channel.kind,
            "tracks": channel.tracks_complaints,
            "unverified": channel.unverified,
        },
        "jurisdiction": {"code": jur.code, "name": jur.name.get(lang)},
        "issue": issue,
        "fraud": fraud,
        # A fraud that came by text, chat or a link was no call: "the latest message", its text, not "what they said".
        "is_call": issue != "spam_sms" and answer(facts, "fraud_contact") not in ("sms", "chat", "web"),
        "operator_at_fault": operator_key is not None,
        "complainant": {
            "name": _formal(answer(facts, "contact_name")),
            "phone": answer(facts, "contact_phone"),
            "email": answer(facts, "contact_email"),
        },
        "callers": [_display(p) for p in answer(facts, "caller_numbers") or []],
        "called": _display(called[0]) if called else None,
        "company": _formal(answer(facts, "company")),
        "last_contact": _moment_or_day(answer(facts, "last_contact_at"), last_contact, jur, lang),
        "since": _day_or_period(answer(facts, "since"), jur, lang),
        "frequency": answer(facts, "frequency"),
        "relationship": answer(facts, "relationship"),
        "opted_out": said_yes(facts, "opted_out"),
        "opted_out_at": _day_or_period(answer(facts, "opted_out_at"), jur, lang),
        "opted_out_in_period": period_of(answer(facts, "opted_out_at")) is not None,
        "contact_after_opt_out": answer(facts, "contact_after_opt_out") == "yes"
        or (
            answer(facts, "contact_after_opt_out") is None
            and bool(opted_out_at and last_contact and last_contact > opted_out_at)
        ),
        "call_minutes": _minutes(answer(facts, "call_minutes"), lang),
        "voice_kind": answer(facts, "voice_kind") if answer(facts, "voice_kind") != "unknown" else None,
        "content": _formal(answer(facts, "content")),
        "money_lost": said_yes(facts, "money_lost"),
        "amount": _money(amount, jur, lang) if amount is not None else None,
        "codes_shared": said_yes(facts, "codes_shared"),
        "impersonation": impersonation if impersonation not in (None, "none") else None,
        "harm": list(answer(facts, "harm") or []),
        "harm_detail": _formal(answer(facts, "harm_detail")),
        "leak": _leak(facts) if issue == "data_leak" else None,
        "laws": _laws(catalog, jur.code, "fraud" if fraud else issue, lang),
        "fraud_contact": answer(facts, "fraud_contact"),
        "fraud_asked": list(answer(facts, "fraud_asked") or []),
        "fraud_actions": list(answer(facts, "fraud_actions") or []),
        "fraud_story": _formal(answer(facts, "fraud_story")),
        "codes_given": _formal(answer(facts, "codes_given")),
        "transfer": {
            "method": answer(facts, "transfer_method"),
            "to": _formal(answer(facts, "transfer_to")),
            "more": _formal(answer(facts, "transfers_more")),
        },
        "timeline": _timeline(facts, jur, lang) if fraud else [],
        "breaches": [
            {"text": b.text[lang], "source": b.source}
            for b in possible_breaches(catalog, facts, jur.code)
        ],
        "evidence": [_evidence_item(item, jur, lang) for item in evidence],
        "previous": _previous(catalog, draft_input, jur, lang),
        "reply_within": _reply_within(channel),
        "created": _date(draft_input.created_at, jur, lang),
        "truth_confirmed": said_yes(facts, "truth_confirmed"),
        "reach": _reach(channel, own_operator, lang),
        "needs": [n.get(lang) for n in channel.needs],
        "follow_up": channel.follow_up.get(lang) if channel.follow_up else None,
        "disclaimer": catalog.texts.not_legal_advice.get(lang),
        "to_be_confirmed": catalog.texts.to_be_confirmed.get(lang),
        "sms": None,
    }


# Emoji, pictographs, their joiners and variation selectors, and control or format characters: none belongs in
# a formal letter (issue 10). Letters, digits, punctuation and CJK text stay as written.
_NOT_FORMAL = frozenset({"So", "Sk", "Cc", "Cf", "Co", "Cs", "Cn"})


def _formal(value: Any) -> str | None:
    """A person's free text fit to quote in a letter: emoji and control characters removed, whitespace
    collapsed; None when nothing is left."""
    if value is None:
        return None
    kept = "".join(
        " " if ch.isspace() else ch for ch in str(value) if ch.isspace() or unicodedata.category(ch) not in _NOT_FORMAL
    )
    text = " ".join(kept.split())
    return text or None


# Laws a letter of this kind cites by name and article, whatever the answers: the catalogue's wording and
# official URL (issue 10: fraud cites the Anti-Telecom Fraud Law, a data leak the PIPL).
CITED_LAWS: dict[tuple[str, str], tuple[str, ...]] = {
    ("CN", "fraud"): ("cn_antifraud_law_30",),
    ("CN", "data_leak"): ("cn_pipl_no_unlawful_handling", "cn_pipl_penalties", "cn_pipl_damages"),
}


def _laws(catalog: Catalog, jurisdiction: str, case_kind: str, lang: str) -> list[dict[str, Any]]:
    laws = []
    for rule_id in CITED_LAWS.get((jurisdiction, case_kind), ()):
        try:
            citation = rule_citation(catalog, rule_id, lang)
        except KeyError:
            continue
        laws.append({"text": citation.text, "url": citation.url, "unverified": citation.unverified})
    return laws


def _timeline(facts: Mapping[str, Any], jur: Jurisdiction, lang: str) -> list[dict[str, Any]]:
    """The fraud's events in the order they happened: the contact, then each known payment; an event
    without a time keeps its place in the story (contact before payment)."""
    events = [("contact", "last_contact_at")]
    if said_yes(facts, "money_lost"):
        events.append(("transfer", "transfer_at"))
    dated = []
    for order, (kind, key) in enumerate(events):
        value = answer(facts, key)
        moment = parse_when(value, jur.tz)
        dated.append((moment, order, {"kind": kind, "when": _moment_or_day(value, moment, jur, lang)}))
    if all(moment is not None for moment, _, _ in dated):
        dated.sort(key=lambda item: (item[0], item[1]))
    return [event for _, _, event in dated]


def _minutes(value: Any, lang: str) -> str | None:
    """A call length as answered: "约 2 分钟" / "about 2 minutes"; a zero is a call not picked up."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if value == 0:
        return "未接通" if lang == "zh" else "not answered"
    shown = f"{value:g}"
    return f"约 {shown} 分钟" if lang == "zh" else f"about {shown} minute{'' if value == 1 else 's'}"


def _leak(facts: Mapping[str, Any]) -> dict[str, Any]:
    """What a data-leak case says: what they knew (structured), and where it was given and who may have
    leaked it (the person's words, quoted in the letter)."""
    known = list(answer(facts, "leak_known") or [])
    return {
        "known": known,
        "given_to": _formal(answer(facts, "leak_given_to")),
        "suspect": _formal(answer(facts, "leak_company")),
        "sensitive": any(k in ("id_number", "bank") for k in known),
    }


def _display(phone: Any) -> str:
    if isinstance(phone, Mapping):
        return str(phone.get("display") or phone.get("number") or phone.get("raw") or "").strip()
    return str(phone).strip()


def _local(moment: datetime, jur: Jurisdiction) -> datetime:
    """The jurisdiction's clock; where it spans several zones, the offset the person gave is their local time."""
    if jur.multi_timezone and moment.utcoffset() is not None:
        return moment
    return moment.astimezone(jur.tz)


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset() or timedelta(0)
    minutes = int(delta.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _day_or_period(value: Any, jur: Jurisdiction, lang: str) -> str | None:
    """A date answer as the person gave it: a day, or only a month ("2026年10月", "October 2026") or a year."""
    period = period_of(value)
    if period is None:
        return _date(parse_when(value, jur.tz), jur, lang)
    year, month = period
    if lang == "zh":
        return f"{year}年{month}月" if month else f"{year}年"
    return f"{MONTHS_EN[month - 1]} {year}" if month else str(year)


def _moment_or_day(value: Any, moment: datetime | None, jur: Jurisdiction, lang: str) -> str | None:
    """A moment with its clock and zone; a day as a day, "time not given" (never a made-up 00:00)."""
    if moment is None:
        return None
    if not clock_known(value):
        return describe_when(value, lang)
    return _when(moment, jur, lang)


def _date(moment: datetime | None, jur: Jurisdiction, lang: str) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=jur.tz)
    local = _local(moment, jur)
    if lang == "zh":
        return f"{local.year}年{local.month}月{local.day}日"
    return f"{local.day} {MONTHS_EN[local.month - 1]} {local.year}"


def _when(moment: datetime, jur: Jurisdiction, lang: str) -> str:
    local = _local(moment, jur)
    clock = f"{local.hour:02d}:{local.minute:02d}"
    label = jur.time_label.get(lang)
    if lang == "zh":
        return f"{day_text(local, lang)}{clock}（{label}，{_offset(local)}）"
    return f"{day_text(local, lang)}, {clock} ({label}, {_offset(local)})"


def _money(amount: Any, jur: Jurisdiction, lang: str) -> str:
    try:
        value = float(amount)
    except (TypeError, ValueError):
        return str(amount)
    number = f"{value:,.0f}" if value == int(value) else f"{value:,.2f}"
    return f"{number} {jur.currency.name.zh}" if lang == "zh" else f"{jur.currency.symbol}{number}"


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def _evidence_item(item: EvidenceItem, jur: Jurisdiction, lang: str) -> dict[str, Any]:
    received = parse_when(item.received_at, jur.tz)
    return {
        "kind": item.kind or "document",
        "size": _size(item.size),
        "bytes": f"{item.size:,}",
        "sha256": item.sha256,
        "filename": _formal(item.filename),
        "caption": _formal(item.caption),
        "received": _when(received, jur, lang) if received else None,
    }


def _previous(catalog: Catalog, draft_input: DraftInput, jur: Jurisdiction, lang: str) -> dict[str, Any] | None:
    previous = draft_input.previous
    if previous is None:
        return None
    channel = catalog.channel(previous.channel_id) if catalog.has_channel(previous.channel_id) else None
    filed = previous.filed_at if previous.filed_at.tzinfo else previous.filed_at.replace(tzinfo=jur.tz)
    created = draft_input.created_at if draft_input.created_at.tzinfo else draft_input.created_at.replace(tzinfo=jur.tz)
    days_since = max((created - filed).days, 0)
    period = None
    if channel is not None:
        period = next(
            (d.days for d in channel.deadlines if d.kind == "answer" and not d.working_days and d.starts == "filed"),
            None,
        )
    return {
        "channel_name": _channel_name(channel, answer(draft_input.answers, "own_operator"), lang)
        if channel
        else previous.channel_id,
        "filed": _date(filed, jur, lang),
        "reference": previous.reference or None,
        "days_since": days_since,
        "period": period,
        "period_passed": period is not None and days_since >= period,
    }


def _channel_name(channel: Channel, own_operator: Any, lang: str) -> str:
    """The person's own operator by name and hotline, rather than the list of all four."""
    operator = next((o for key, o in channel.operators.items() if key == own_operator), None)
    if operator is None:
        return channel.name.get(lang)
    hotline = next((h.value for h in channel.how if h.operator == own_operator and h.type == "phone"), None)
    if hotline is None:
        return operator.name.get(lang)
    return f"{operator.name.get(lang)}（{hotline}）" if lang == "zh" else f"{operator.name.get(lang)} ({hotline})"


def _reply_within(channel: Channel) -> dict[str, Any] | None:
    """The channel's own answer period, quoted in the request for a reply (never as a promise)."""
    for deadline in channel.deadlines:
        if deadline.kind == "answer" and deadline.starts == "filed" and not deadline.unverified:
            return {"days": deadline.days, "working_days": deadline.working_days}
    return None


def _reach(channel: Channel, own_operator: Any, lang: str) -> list[dict[str, Any]]:
    """Phone numbers and other ways to reach the channel, narrowed to the person's operator if known."""
    ways = []
    for how in channel.how_for(own_operator if isinstance(own_operator, str) else None):
        operator = channel.operators.get(how.operator) if how.operator else None
        ways.append({
            "type": how.type,
            "value": how.value,
            "note": how.note.get(lang) if how.note else None,
            "operator": operator.name.get(lang) if operator else None,
            "unverified": how.unverified,
        })
    return ways
