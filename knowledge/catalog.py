"""Complaint-channel catalogue: typed models of channels.yaml, its loader and its line-accurate checker.

The file is read by engine/yamlmarks.py, the reader flows.yaml uses too, so every value keeps its mark;
pydantic error locations and the semantic checks are then mapped back to `file:line:col`.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Iterable, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from engine.yamlmarks import MarkedDocument, SourceProblem, load_marked, read_source

IssueType = Literal["robocall", "spam_sms", "data_leak", "fraud", "rude_service", "other"]
ChannelKind = Literal["operator", "regulator", "consumer", "police", "company", "reporting"]
HowType = Literal["phone", "sms", "web", "app", "email", "post"]
DraftKind = Literal["written", "sms", "phone_script"]
Reliability = Literal["official", "secondary", "weak"]
OperatorId = Literal["china_mobile", "china_unicom", "china_telecom", "china_broadnet"]
Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

# Fact patterns that rules.py knows how to test; a rule lists the ones that suggest it may have been broken.
Trigger = Literal[
    "contact_after_opt_out",
    "call_after_opt_out",
    "sms_after_opt_out",
    "no_consent_call",
    "no_consent_sms",
    "outside_calling_hours",
    "quiet_hours_keyword",
    "dnc_registered_long_enough",
    "dnc_texts_registered_long_enough",
    "tps_registered_long_enough",
    "robot_without_consent",
]
TRIGGER_PARAMS: dict[str, frozenset[str]] = {
    "outside_calling_hours": frozenset({"start_hour", "end_hour"}),
    "quiet_hours_keyword": frozenset({"start_hour", "end_hour"}),
    "dnc_registered_long_enough": frozenset({"days"}),
    # in_force: the day the rule began, as YYYYMMDD (params are whole numbers)
    "dnc_texts_registered_long_enough": frozenset({"days", "in_force"}),
    "tps_registered_long_enough": frozenset({"days"}),
}
SMS_PLACEHOLDERS = frozenset({"number", "text"})

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Url = Annotated[str, StringConstraints(pattern=r"^https?://\S+$")]
PositiveInt = Annotated[int, Field(gt=0)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Model):
    """A text in both languages the bot speaks; neither may be left empty."""

    zh: NonEmpty
    en: NonEmpty

    def get(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    def as_dict(self) -> dict[str, str]:
        return {"zh": self.zh, "en": self.en}


class Source(_Model):
    id: Id
    url: Url
    checked: date
    reliability: Reliability
    title: str | None = None
    note: str | None = None


class Fact(_Model):
    """Anything the bot states as true: it must name its sources and may be flagged as unverified."""

    sources: list[Id] = []
    unverified: bool = False


class How(Fact):
    type: HowType
    value: NonEmpty | None = None
    operator: OperatorId | None = None
    note: Text | None = None


class SmsFormat(Fact):
    to: NonEmpty
    pattern: NonEmpty
    followup_pattern: NonEmpty | None = None
    operator: OperatorId | None = None
    max_chars: PositiveInt
    issues: list[IssueType] = ["spam_sms"]
    note: Text | None = None


class Prerequisite(Fact):
    id: Id
    what: Text
    days: PositiveInt
    working_days: bool
    after: Literal["registration", "complaint"]
    channel: Id | None = None


class Deadline(Fact):
    """A period after which a check-in reminder makes sense (`answer`) or before which one must file."""

    id: Id
    kind: Literal["answer", "file_within"] = "answer"
    what: Text
    days: PositiveInt
    working_days: bool
    starts: Literal["filed", "accepted", "contact"] = "filed"
    escalate_to: list[Id] = []


class Attach(Fact):
    """What the channel takes as evidence when it differs from "attach the evidence pack" (e.g. no uploads)."""

    text: Text


class Need(Text):
    """Something the channel asks for. `fact` names the flows.yaml answer that supplies it, so the
    conversation can ask for it before the draft when it is still unanswered, and only for this channel;
    `issues` narrows it to the kinds of case it concerns (e.g. a call's length only for calls)."""

    fact: Id | None = None
    issues: list[IssueType] = []

    def applies_to(self, issue: str | None) -> bool:
        return not self.issues or issue in self.issues


class Operator(_Model):
    name: Text
    aliases: list[NonEmpty] = Field(min_length=1)


class Channel(Fact):
    id: Id
    jurisdiction: NonEmpty
    kind: ChannelKind
    name: Text
    summary: Text
    handles: list[IssueType] = Field(min_length=1)
    operators: dict[OperatorId, Operator] = {}
    how: list[How] = Field(min_length=1)
    sms_formats: list[SmsFormat] = []
    needs: list[Need] = []
    prerequisites: list[Prerequisite] = []
    deadlines: list[Deadline] = []
    draft_kinds: list[DraftKind] = Field(min_length=1)
    tracks_complaints: bool
    follow_up: Text | None = None
    attach: Attach | None = None
    reasons: dict[Id, Text]
    next: list[Id] = []

    def how_for(self, operator: str | None = None) -> list[How]:
        """Ways to reach the channel, narrowed to the person's operator when one is known."""
        if operator in self.operators:
            return [h for h in self.how if h.operator in (None, operator)]
        return list(self.how)

    def sms_format_for(self, operator: str | None = None) -> SmsFormat | None:
        """The SMS report format that applies: the person's operator's, else the channel's generic one."""
        generic = [f for f in self.sms_formats if f.operator is None]
        if operator in self.operators:
            own = [f for f in self.sms_formats if f.operator == operator]
            return next(iter(own or generic), None)
        return next(iter(generic), None)

    def needed_facts(self, issue: str | None) -> list[str]:
        """The answers this channel needs for this kind of case, in the catalogue's order."""
        return [n.fact for n in self.needs if n.fact is not None and n.applies_to(issue)]

    def reason(self, key: str) -> Text:
        return self.reasons.get(key) or self.reasons["default"]


class Rule(Fact):
    id: Id
    title: Text
    text: Text
    breach: Text | None = None
    triggers: list[Trigger] = []
    params: dict[str, int] = {}
    keywords: list[NonEmpty] = []


class Currency(_Model):
    code: NonEmpty
    symbol: NonEmpty
    name: Text


class Jurisdiction(_Model):
    """A country as data: adding one is a YAML entry here plus one planner in knowledge/planners/."""

    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
    name: Text
    flag: str = ""
    # The ISO region of its phone numbers and of its public holidays, where the code is not one (UK -> GB);
    # `holidays: null` counts Monday to Friday.
    phone_region: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    holidays: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")] | None = None
    # Other ways people write the code or the name (`/rules GB`, `/rules 英国`).
    aliases: list[NonEmpty] = []
    # The languages whose speakers are assumed to be here until they say otherwise.
    default_for: list[Lang] = []
    # How a date written with numbers only is read: 01/11/2026 is 11 January in the US (MDY).
    date_order: Literal["DMY", "MDY", "YMD"] = "DMY"
    timezone: NonEmpty
    multi_timezone: bool = False
    time_label: Text
    currency: Currency
    rules: list[Rule] = []

    @property
    def region(self) -> str:
        """The phone-number region (libphonenumber's code)."""
        return self.phone_region or self.code

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Texts(_Model):
    to_be_confirmed: Text
    not_legal_advice: Text
    rules_heading: Text
    source: Text
    secondary_source: Text
    checked: Text


class Catalog(_Model):
    version: Literal[1]
    texts: Texts
    sources: list[Source]
    jurisdictions: list[Jurisdiction] = Field(min_length=1)
    channels: list[Channel] = Field(min_length=1)

    def model_post_init(self, context: Any) -> None:
        # The lookups by id are plain instance attributes, as engine.model.Flow keeps its steps: pydantic reads a
        # PrivateAttr through __getattr__ (about 5 µs), and the channel advice looks a dozen channels up for
        # every question it shapes (issue 15).
        object.__setattr__(self, "_channels", {c.id: c for c in self.channels})
        object.__setattr__(self, "_jurisdictions", {j.code: j for j in self.jurisdictions})
        object.__setattr__(self, "_sources", {s.id: s for s in self.sources})

    def channel(self, channel_id: str) -> Channel:
        try:
            return self._channels[channel_id]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"unknown channel {channel_id!r}") from None

    def has_channel(self, channel_id: str) -> bool:
        return channel_id in self._channels  # type: ignore[attr-defined]

    def channels_for(self, code: str) -> list[Channel]:
        return [c for c in self.channels if c.jurisdiction == code]

    def jurisdiction(self, code: str) -> Jurisdiction:
        try:
            return self._jurisdictions[code]  # type: ignore[attr-defined]
        except KeyError:
            raise KeyError(f"unknown jurisdiction {code!r}") from None

    def rules_for(self, code: str) -> list[Rule]:
        return list(self.jurisdiction(code).rules)

    def source(self, source_id: str) -> Source:
        return self._sources[source_id]  # type: ignore[attr-defined]

    def source_urls(self, source_ids: Iterable[str]) -> list[str]:
        return [self._sources[s].url for s in source_ids]  # type: ignore[attr-defined]

    def find_deadline(self, deadline_id: str) -> tuple[Channel, Deadline]:
        """The deadline with this id and the channel it belongs to (the reminder service keys on the id)."""
        for channel in self.channels:
            for deadline in channel.deadlines:
                if deadline.id == deadline_id:
                    return channel, deadline
        raise KeyError(f"unknown deadline {deadline_id!r}")


class CatalogError(Exception):
    """The catalogue file has problems; `problems` lists each as `file:line:col: message`."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_catalog(path: str | Path) -> Catalog:
    """Load and check channels.yaml; raise CatalogError listing every problem found."""
    problems, catalog = _check(Path(path))
    if problems or catalog is None:
        raise CatalogError(problems)
    return catalog


def check_catalog_file(path: str | Path) -> list[str]:
    """Every problem in the catalogue file as `file:line:col: message`, in file order; empty when valid."""
    return _check(Path(path))[0]


Loc = tuple[str | int, ...]


def _check(path: Path) -> tuple[list[str], Catalog | None]:
    name = str(path)
    text, read_problems = read_source(path)
    if text is None:
        return [str(p) for p in read_problems], None
    doc, problems = load_marked(text, name, timestamps=False)
    if doc is None:
        return _format(problems), None
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem_at((), "the catalogue must be a mapping with version, texts, sources, jurisdictions, channels"))
        return _format(problems), None

    try:
        catalog = Catalog.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            problems.append(_schema_problem(doc, error))
        return _format(problems), None

    for loc, message in [*_semantic_problems(catalog), *_jurisdiction_problems(catalog)]:
        problems.append(doc.problem_at(loc, f"{_path_text(data, loc)}: {message}"))
    return _format(problems), (None if problems else catalog)


def _format(problems: list[SourceProblem]) -> list[str]:
    return [str(p) for p in sorted(problems, key=SourceProblem.sort_key)]


def _schema_problem(doc: MarkedDocument, error: Any) -> SourceProblem:
    loc: Loc = tuple(p for p in error["loc"] if isinstance(p, (str, int)))
    where = _path_text(doc.data, loc)
    if error["type"] == "missing":
        return doc.problem_at(loc[:-1], f"{_path_text(doc.data, loc[:-1])}: missing required field {loc[-1]!r}")
    if error["type"] == "extra_forbidden":
        return doc.problem_at(loc, f"{where}: unknown field {loc[-1]!r}", key=True)
    return doc.problem_at(loc, f"{where}: {error['msg']}")


def _path_text(data: Any, loc: Loc) -> str:
    """A readable path such as `channels[3] (cn_12321).deadlines[0].days`."""
    text, current = "", data
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
            current = current[part] if isinstance(current, list) and 0 <= part < len(current) else None
            if isinstance(current, dict) and isinstance(current.get("id") or current.get("code"), str):
                text += f" ({current.get('id') or current.get('code')})"
        else:
            text += f".{part}" if text else part
            current = current.get(part) if isinstance(current, dict) else None
    return text or "catalogue"


def _semantic_problems(catalog: Catalog) -> Iterable[tuple[Loc, str]]:
    """Cross-reference checks the schema cannot express."""
    yield from _duplicates(
        (("jurisdictions", j, "code"), jur.code) for j, jur in enumerate(catalog.jurisdictions)
    )
    yield from _duplicates((("sources", s, "id"), src.id) for s, src in enumerate(catalog.sources))
    yield from _duplicates((("channels", c, "id"), ch.id) for c, ch in enumerate(catalog.channels))
    yield from _duplicates(
        (("jurisdictions", j, "rules", r, "id"), rule.id)
        for j, jur in enumerate(catalog.jurisdictions)
        for r, rule in enumerate(jur.rules)
    )
    yield from _duplicates(
        [
            (("channels", c, "deadlines", d, "id"), item.id)
            for c, ch in enumerate(catalog.channels)
            for d, item in enumerate(ch.deadlines)
        ]
        + [
            (("channels", c, "prerequisites", p, "id"), item.id)
            for c, ch in enumerate(catalog.channels)
            for p, item in enumerate(ch.prerequisites)
        ]
    )

    codes = {j.code for j in catalog.jurisdictions}
    channels = {c.id: c for c in catalog.channels}
    source_ids = {s.id for s in catalog.sources}
    used_sources: set[str] = set()

    sources = {s.id: s for s in catalog.sources}

    def sourced(loc: Loc, what: str, fact: Fact, flagged: bool = False) -> Iterable[tuple[Loc, str]]:
        if not fact.sources:
            yield loc, f"{what} has no source"
        for k, source_id in enumerate(fact.sources):
            used_sources.add(source_id)
            if source_id not in source_ids:
                yield (*loc, "sources", k), f"unknown source {source_id!r}"
        known = [sources[s] for s in fact.sources if s in sources]
        if known and all(s.reliability == "weak" for s in known) and not (fact.unverified or flagged):
            yield (*loc, "sources"), (
                f"{what} rests only on weak sources: add an official or secondary source, or mark it `unverified: true`"
            )

    def channel_ref(loc: Loc, target: str, home: Channel) -> Iterable[tuple[Loc, str]]:
        if target not in channels:
            yield loc, f"unknown channel {target!r}"
        elif target == home.id:
            yield loc, f"channel {target!r} points to itself"
        elif channels[target].jurisdiction != home.jurisdiction:
            yield loc, f"channel {target!r} belongs to another jurisdiction"

    official_hosts = {_host(s.url) for s in catalog.sources if s.reliability == "official"}
    for j, jur in enumerate(catalog.jurisdictions):
        for r, rule in enumerate(jur.rules):
            loc: Loc = ("jurisdictions", j, "rules", r)
            yield from sourced(loc, f"rule {rule.id!r}", rule)
            for field, wording in (("breach", rule.breach), ("title", rule.title)):
                for url in _URL.findall(" ".join(wording.as_dict().values()) if wording else ""):
                    if _host(url) not in official_hosts:
                        yield (*loc, field), f"a letter would show {url!r}, which is not the address of an official source"
            if rule.triggers and rule.breach is None:
                yield loc, f"rule {rule.id!r} has triggers but no breach text"
            for trigger in rule.triggers:
                missing = TRIGGER_PARAMS.get(trigger, frozenset()) - rule.params.keys()
                if missing:
                    yield (*loc, "params"), f"trigger {trigger!r} needs params {sorted(missing)}"
                if trigger == "quiet_hours_keyword" and not rule.keywords:
                    yield loc, f"trigger {trigger!r} needs keywords"

    for c, ch in enumerate(catalog.channels):
        loc = ("channels", c)
        if ch.jurisdiction not in codes:
            yield (*loc, "jurisdiction"), f"unknown jurisdiction {ch.jurisdiction!r}"
        yield from sourced(loc, f"channel {ch.id!r}", ch)
        for where, shown in _letter_texts(ch):
            for url in _URL.findall(shown):
                if _host(url) not in official_hosts:
                    yield (*loc, *where), f"a letter would show {url!r}, which is not the address of an official source"
        if "default" not in ch.reasons:
            yield (*loc, "reasons"), "reasons need a 'default' entry"
        for k, target in enumerate(ch.next):
            yield from channel_ref((*loc, "next", k), target, ch)
        for h, how in enumerate(ch.how):
            yield from sourced((*loc, "how", h), f"how[{h}]", how, ch.unverified)
            if how.value is None and how.note is None:
                yield (*loc, "how", h), "a way to reach the channel needs a value or a note"
            if (
                how.value is not None and _URL.match(how.value) and not (how.unverified or ch.unverified)
                and not any(sources[s].reliability == "official" for s in how.sources if s in sources)
            ):
                yield (*loc, "how", h), (
                    f"the web address {how.value!r} is shown in every draft: give it an official source "
                    "or mark it `unverified: true`"
                )
            if how.operator is not None and how.operator not in ch.operators:
                yield (*loc, "how", h, "operator"), f"operator {how.operator!r} is not listed under operators"
        for f, fmt in enumerate(ch.sms_formats):
            yield from sourced((*loc, "sms_formats", f), f"sms_formats[{f}]", fmt, ch.unverified)
            for key in ("pattern", "followup_pattern"):
                pattern = getattr(fmt, key)
                if pattern is None:
                    continue
                fields = set(re.findall(r"\{([^{}]*)\}", pattern))
                if not fields or fields - SMS_PLACEHOLDERS:
                    yield (*loc, "sms_formats", f, key), (
                        f"pattern must use only {{number}} and {{text}}, found {sorted(fields) or 'none'}"
                    )
            if fmt.operator is not None and fmt.operator not in ch.operators:
                yield (*loc, "sms_formats", f, "operator"), f"operator {fmt.operator!r} is not listed under operators"
        if "sms" in ch.draft_kinds and not ch.sms_formats:
            yield (*loc, "draft_kinds"), "an sms draft needs sms_formats"
        if ch.attach is not None:
            yield from sourced((*loc, "attach"), "attach", ch.attach, ch.unverified)
        for p, pre in enumerate(ch.prerequisites):
            yield from sourced((*loc, "prerequisites", p), f"prerequisite {pre.id!r}", pre, ch.unverified)
            if pre.channel is not None:
                yield from channel_ref((*loc, "prerequisites", p, "channel"), pre.channel, ch)
            if pre.after == "complaint" and pre.channel is None:
                yield (*loc, "prerequisites", p), "a prerequisite after a complaint must name the channel"
        for d, deadline in enumerate(ch.deadlines):
            yield from sourced((*loc, "deadlines", d), f"deadline {deadline.id!r}", deadline, ch.unverified)
            for k, target in enumerate(deadline.escalate_to):
                yield from channel_ref((*loc, "deadlines", d, "escalate_to", k), target, ch)

    for s, src in enumerate(catalog.sources):
        if src.id not in used_sources:
            yield ("sources", s), f"source {src.id!r} is never used"


_URL = re.compile(r"https?://[^\s\"'）)，。、]+")


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


def _letter_texts(channel: Channel) -> Iterable[tuple[Loc, str]]:
    """Every text of a channel that drafts and their send-it section may show, with where it sits."""
    for h, how in enumerate(channel.how):
        if how.note is not None:
            yield ("how", h, "note"), " ".join(how.note.as_dict().values())
    for f, fmt in enumerate(channel.sms_formats):
        if fmt.note is not None:
            yield ("sms_formats", f, "note"), " ".join(fmt.note.as_dict().values())
    for n, need in enumerate(channel.needs):
        yield ("needs", n), " ".join(need.as_dict().values())
    for d, deadline in enumerate(channel.deadlines):
        yield ("deadlines", d, "what"), " ".join(deadline.what.as_dict().values())
    if channel.follow_up is not None:
        yield ("follow_up",), " ".join(channel.follow_up.as_dict().values())
    if channel.attach is not None:
        yield ("attach", "text"), " ".join(channel.attach.text.as_dict().values())


def _jurisdiction_problems(catalog: Catalog) -> Iterable[tuple[Loc, str]]:
    """A code or alias must name one jurisdiction, and a language may suggest only one."""
    named: dict[str, str] = {}
    suggested: dict[str, str] = {}
    for j, jur in enumerate(catalog.jurisdictions):
        for a, alias in enumerate(jur.aliases):
            other = named.get(alias.upper()) or next((o.code for o in catalog.jurisdictions if o.code == alias.upper() and o is not jur), None)
            if other is not None and other != jur.code:
                yield ("jurisdictions", j, "aliases", a), f"alias {alias!r} already names {other}"
            named.setdefault(alias.upper(), jur.code)
        for k, lang in enumerate(jur.default_for):
            if lang in suggested:
                yield ("jurisdictions", j, "default_for", k), f"{lang!r} already defaults to {suggested[lang]}"
            suggested.setdefault(lang, jur.code)


def _duplicates(items: Iterable[tuple[Loc, str]]) -> Iterable[tuple[Loc, str]]:
    items = list(items)
    counts = Counter(value for _, value in items)
    seen: set[str] = set()
    for loc, value in items:
        if counts[value] > 1:
            if value in seen:
                yield loc, f"duplicate id {value!r}"
            seen.add(value)
