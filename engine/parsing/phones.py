"""Phone-number reading: turn a free-text answer into normalised numbers, or say why a part could not be read.

Spam comes from numbers libphonenumber calls invalid (service numbers such as 10086 or 95555, SMS sender ids
such as 1069xxxxxxxx, spoofed caller ids), so those are accepted deliberately; see `_read_exact`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Literal, cast, get_args

import phonenumbers
from phonenumbers import (
    CountryCodeSource,
    NumberParseException,
    PhoneNumberFormat,
    PhoneNumberType,
    ValidationResult,
    shortnumberinfo,
)

PhoneKind = Literal[
    "mobile",
    "fixed_line",
    "fixed_line_or_mobile",
    "toll_free",
    "premium_rate",
    "voip",
    "shared_cost",
    "service",
    "sms_sender",
    "unknown",
]
ProblemReason = Literal["too_short", "too_long", "invalid", "not_a_number"]

PHONE_KINDS: tuple[str, ...] = get_args(PhoneKind)

_KIND_BY_TYPE: dict[int, PhoneKind] = {
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.SHARED_COST: "shared_cost",
}


# A digit group, optionally led by "+"; and what may stand between the groups of one written number.
_DIGIT_GROUP = re.compile(r"\+?\d+")
_JOINER = re.compile(r"[\s\-.()\u2010-\u2015]*")
# Chinese SMS sender ids (1065x, 1069x, ...): 8 to 20 digits, never dialable, never "valid" to libphonenumber.
_SMS_SENDER = re.compile(r"106\d{5,17}")
# No number we accept is longer than this (E.164 allows 15; SMS sender ids go to 20).
_MAX_DIGITS = 20
# Fewer digits than this cannot be a number at all, so such groups are not worth a parse.
_MIN_DIGITS = 3
# Runs this short are usually counts or times in a sentence ("called 3 times"): reported only when nothing else is.
_TINY_DIGITS = 2
_MAX_RAW_CHARS = 200


@dataclass(frozen=True)
class PhoneNumber:
    """One number as the person wrote it and in normal form (the phone dict of FACTS.md)."""

    raw: str
    number: str
    kind: PhoneKind
    region: str | None
    display: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready phone dict stored in answers."""
        return {
            "raw": self.raw,
            "number": self.number,
            "kind": self.kind,
            "region": self.region,
            "display": self.display,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PhoneNumber:
        """Rebuild from a stored phone dict; rejects a kind outside the contract."""
        kind = data["kind"]
        if kind not in PHONE_KINDS:
            raise ValueError(f"unknown phone kind: {kind!r}")
        region = data.get("region")
        return cls(
            raw=str(data["raw"]),
            number=str(data["number"]),
            kind=cast(PhoneKind, kind),
            region=None if region is None else str(region),
            display=str(data["display"]),
        )


@dataclass(frozen=True)
class PhoneProblem:
    """A part of the answer that looked like a number attempt but is not one, and why."""

    raw: str
    reason: ProblemReason


@dataclass(frozen=True)
class _Group:
    """One digit group of the normalised text, e.g. "138" in "138 0013 8000"."""

    start: int
    end: int
    digits: str
    plus: bool


# What one run yields: a span of the normalised text and either a number or the reason it is none.
_Item = tuple[int, int, "PhoneNumber | ProblemReason"]


# Answers up to this long are read once and remembered (a bounded cache of a pure function: the same text
# always gives the same reading, whoever sends it); a page of text read from evidence is not kept.
_CACHED_CHARS = 300


def parse_phone_numbers(
    text: str, default_region: str, elsewhere: tuple[str, ...] = ()
) -> tuple[list[PhoneNumber], list[PhoneProblem]]:
    """Read every phone number in `text`; numbers written without a country code belong to `default_region`.

    A number written in national form that `default_region` cannot read is read whole in one of the
    `elsewhere` regions when it is a valid number there and in no other of them (a UK "07911 123456" typed
    before any country was chosen), instead of being cut into a short number and a leftover.
    """
    region = default_region.upper()
    others = tuple(code.upper() for code in elsewhere if code.upper() != region)
    if len(text) > _CACHED_CHARS:
        return _parse_phone_numbers(text, region, others)
    numbers, problems = _parse_remembered(text, region, others)
    return list(numbers), list(problems)


@lru_cache(maxsize=1024)
def _parse_remembered(
    text: str, region: str, elsewhere: tuple[str, ...]
) -> tuple[tuple[PhoneNumber, ...], tuple[PhoneProblem, ...]]:
    """An answer's reading, cached: a phone answer is read at its question and again with the time that
    came with it, and libphonenumber costs 50-100 µs an answer (issue 15). Tuples of frozen values, so
    no caller can change what the next one gets."""
    numbers, problems = _parse_phone_numbers(text, region, elsewhere)
    return tuple(numbers), tuple(problems)


def _parse_phone_numbers(text: str, region: str, elsewhere: tuple[str, ...]) -> tuple[list[PhoneNumber], list[PhoneProblem]]:
    normal, origin = _normalise(text)
    numbers: list[PhoneNumber] = []
    problems: list[PhoneProblem] = []
    tiny: list[PhoneProblem] = []
    for run in _runs(normal):
        for start, end, found in _whole_or_segments(run, region, elsewhere):
            start, end = _with_brackets(normal, start, end)
            raw = text[origin[start] : origin[end - 1] + 1]
            if isinstance(found, PhoneNumber):
                numbers.append(replace(found, raw=raw))
            elif sum(ch.isdigit() for ch in normal[start:end]) <= _TINY_DIGITS:
                tiny.append(PhoneProblem(raw, found))
            else:
                problems.append(PhoneProblem(raw, found))
    if not numbers and not problems:
        problems = tiny or [PhoneProblem(text.strip()[:_MAX_RAW_CHARS], "not_a_number")]
    return _first_of_each_number(numbers), list(dict.fromkeys(problems))


def _first_of_each_number(numbers: list[PhoneNumber]) -> list[PhoneNumber]:
    """Drop repeats of the same number (however written), keeping the first spelling."""
    seen: dict[str, PhoneNumber] = {}
    for phone in numbers:
        seen.setdefault(phone.number, phone)
    return list(seen.values())


def mask_number(number: str) -> str:
    """Hide most digits of a number for logs: keep a leading "+", a short prefix and the last 2 digits."""
    normal = unicodedata.normalize("NFKC", number)
    plus = "+" if normal.lstrip().startswith("+") else ""
    digits = "".join(ch for ch in normal if ch.isdigit())
    count = len(digits)
    head = min(4, max(0, count - 6))
    tail = 2 if count >= 5 else 0
    return plus + digits[:head] + "*" * (count - head - tail) + digits[count - tail :]


def _normalise(text: str) -> tuple[str, list[int]]:
    """NFKC per character (full-width digits and punctuation become ASCII), remembering each char's origin."""
    if text.isascii():
        # NFKC leaves ASCII as it is.
        return text, list(range(len(text)))
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        mapped = unicodedata.normalize("NFKC", char)
        parts.append(mapped)
        origin.extend([index] * len(mapped))
    return "".join(parts), origin


def _with_brackets(normal: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span to take in the bracket that opens or closes inside it, as in "(202) 555-0143"."""
    if start > 0 and normal[start - 1] == "(" and normal.count(")", start, end) > normal.count("(", start, end):
        start -= 1
    if end < len(normal) and normal[end] == ")" and normal.count("(", start, end) > normal.count(")", start, end):
        end += 1
    return start, end


def _runs(normal: str) -> list[list[_Group]]:
    """Digit groups gathered into runs whose groups are separated only by spaces, dashes, dots or brackets.

    Anything else (a comma, "和", "and", a word) ends a run, so separators need no list of their own.
    """
    runs: list[list[_Group]] = []
    previous_end = 0
    for match in _DIGIT_GROUP.finditer(normal):
        written = match.group()
        digits = "".join(str(unicodedata.decimal(ch)) for ch in written.lstrip("+"))
        group = _Group(match.start(), match.end(), digits, written.startswith("+"))
        continues = (
            bool(runs)
            and not group.plus
            and _JOINER.fullmatch(normal, previous_end, group.start) is not None
        )
        if continues:
            runs[-1].append(group)
        else:
            runs.append([group])
        previous_end = group.end
    return runs


def _whole_or_segments(run: list[_Group], region: str, elsewhere: tuple[str, ...]) -> list[_Item]:
    """The numbers of one run; a run the region reads only in part is read whole elsewhere, or not at all.

    "07700 900123" or "020 7946 0018" read with US rules leave a short code ("900123", "7946") and
    unusable groups: that short code is a piece of one number written in another country's form, never a
    number of its own, so the whole run is reported instead (or read in the one region where it is valid).
    """
    items = _segment(run, region)
    leftover = any(
        not isinstance(found, PhoneNumber) and _digit_count(run, start, end) > _TINY_DIGITS for start, end, found in items
    )
    # "400 368 4635" read with US rules is two short codes; read with China's it is one number.
    short_pieces = len(items) > 1 and any(isinstance(found, PhoneNumber) and found.kind == "service" for _, _, found in items)
    if not (leftover or short_pieces):
        return items
    if not run[0].plus and elsewhere:
        phone = _read_elsewhere(_compact(run, 0, len(run)), region, elsewhere)
        if phone is not None:
            return [(run[0].start, run[-1].end, phone)]
    if leftover and short_pieces:
        return [_problem(run, region)]
    return items


def _read_elsewhere(written: str, region: str, elsewhere: tuple[str, ...]) -> PhoneNumber | None:
    """The number `written` is in the national form of exactly one of the `elsewhere` regions, valid there.

    Only a region whose national form has as many digits as were written counts ("7911 123456" with China's
    trunk prefix is not how "07911 123456" would be written there). Where the written form is also a
    possible (if unassigned) number of another of them, written with its trunk prefix, it is ambiguous: None, and the person is asked.
    "07700 900123" is a valid Guangxi landline and a possible UK mobile, so it is asked. The default
    region is not asked again: it could read the run only in pieces ("400 368 4635" with US rules).
    """
    digits = written.lstrip("+")
    valid: list[PhoneNumber] = []
    possible = 0
    for other in elsewhere:
        parsed = _parse(written, other)
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            continue
        national = phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL)
        if sum(ch.isdigit() for ch in national) != len(digits):
            continue
        phone = _read_exact(written, other)
        if phone is not None and phone.kind not in ("service", "sms_sender"):
            valid.append(phone)
        elif digits.startswith(phonenumbers.ndd_prefix_for_region(other, True) or ""):
            # Unassigned but written as that country writes its numbers (its trunk prefix first, as the "0"
            # of a UK "07700 …"); without it libphonenumber's national form is just the digits back.
            possible += 1
    return valid[0] if len(valid) == 1 and not possible else None


def _digit_count(run: list[_Group], start: int, end: int) -> int:
    return sum(len(group.digits) for group in run if start <= group.start and group.end <= end)


def _segment(run: list[_Group], region: str) -> list[_Item]:
    """Split one run into numbers, longest first, and report the groups no number could use."""
    items: list[_Item] = []
    unused: list[_Group] = []
    index = 0
    while index < len(run):
        found = _longest_number(run, index, region)
        if found is None:
            unused.append(run[index])
            index += 1
            continue
        if unused:
            items.append(_problem(unused, region))
            unused = []
        end, phone = found
        items.append((run[index].start, run[end - 1].end, phone))
        index = end
    if unused:
        items.append(_problem(unused, region))
    return items


def _longest_number(run: list[_Group], start: int, region: str) -> tuple[int, PhoneNumber] | None:
    """The longest number starting at group `start`, as (index after its last group, number)."""
    ends = _candidate_ends(run, start)

    def read(end: int, first: int = start) -> PhoneNumber | None:
        return _read_exact(_compact(run, first, end), region)

    for end in ends:
        phone = read(end)
        if phone is None:
            continue
        # "10086 95555" also reads as one Beijing landline; two complete numbers side by side win over that.
        if end > start + 1:
            alone = read(start + 1)
            if alone is not None and any(read(later, start + 1) for later in range(start + 2, end + 1)):
                return start + 1, alone
        return end, phone
    if run[start].plus or run[start].digits.startswith("0"):
        for end in ends:
            phone = _read_spoofable(_compact(run, start, end), region)
            if phone is not None:
                return end, phone
    return None


def _compact(run: list[_Group], start: int, end: int) -> str:
    """The digits of groups start..end-1 with the leading "+", which is all libphonenumber needs to see."""
    return ("+" if run[start].plus else "") + "".join(group.digits for group in run[start:end])


def _candidate_ends(run: list[_Group], start: int) -> list[int]:
    """End indices worth trying from `start`, longest first, bounded by the digit count a number can have."""
    ends: list[int] = []
    count = 0
    for end in range(start + 1, len(run) + 1):
        count += len(run[end - 1].digits)
        if count > _MAX_DIGITS:
            break
        if count >= _MIN_DIGITS:
            ends.append(end)
    return ends[::-1]


@lru_cache(maxsize=4096)
def _read_exact(written: str, region: str) -> PhoneNumber | None:
    """A number libphonenumber calls valid, a short/service number of the region, or an SMS sender id.

    Cached because a run is read from every group onwards, so the same candidates come round repeatedly.
    """
    digits = written.lstrip("+")
    if not written.startswith("+") and _SMS_SENDER.fullmatch(digits):
        return PhoneNumber(written, digits, "sms_sender", "CN", digits)
    parsed = _parse(written, region)
    if parsed is None:
        return None
    if phonenumbers.is_valid_number(parsed):
        same_country = parsed.country_code == phonenumbers.country_code_for_region(region)
        style = PhoneNumberFormat.NATIONAL if same_country else PhoneNumberFormat.INTERNATIONAL
        return PhoneNumber(
            written,
            phonenumbers.format_number(parsed, PhoneNumberFormat.E164),
            _KIND_BY_TYPE.get(phonenumbers.number_type(parsed), "unknown"),
            _region_or_none(phonenumbers.region_code_for_number(parsed)),
            phonenumbers.format_number(parsed, style),
        )
    if not _has_country_code(parsed) and shortnumberinfo.is_valid_short_number_for_region(parsed, region):
        return PhoneNumber(written, digits, "service", region, digits)
    return None


def _read_spoofable(written: str, region: str) -> PhoneNumber | None:
    """A number written with its country code that has a possible length but no assigned range.

    Caller ids are spoofed with exactly such numbers (e.g. the UK drama range +44 7700 900xxx), so they are
    kept as kind "unknown"; national-format numbers of this sort are likelier typos and are reported "invalid".
    """
    parsed = _parse(written, region)
    if parsed is None or not _has_country_code(parsed):
        return None
    if phonenumbers.is_possible_number_with_reason(parsed) != ValidationResult.IS_POSSIBLE:
        return None
    return PhoneNumber(
        written,
        phonenumbers.format_number(parsed, PhoneNumberFormat.E164),
        "unknown",
        _region_or_none(phonenumbers.region_code_for_country_code(parsed.country_code or 0)),
        phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL),
    )


def _problem(groups: list[_Group], region: str) -> _Item:
    """Why these adjacent groups are not a number."""
    start, end = groups[0].start, groups[-1].end
    if sum(len(group.digits) for group in groups) > _MAX_DIGITS:
        return start, end, "too_long"
    try:
        parsed = phonenumbers.parse(_compact(groups, 0, len(groups)), region)
    except NumberParseException as error:
        return start, end, _PARSE_ERROR_REASONS.get(error.error_type, "invalid")
    verdict = phonenumbers.is_possible_number_with_reason(parsed)
    if verdict == ValidationResult.TOO_SHORT:
        return start, end, "too_short"
    if verdict == ValidationResult.TOO_LONG:
        return start, end, "too_long"
    return start, end, "invalid"


_PARSE_ERROR_REASONS: dict[int, ProblemReason] = {
    NumberParseException.INVALID_COUNTRY_CODE: "invalid",
    NumberParseException.NOT_A_NUMBER: "not_a_number",
    NumberParseException.TOO_SHORT_AFTER_IDD: "too_short",
    NumberParseException.TOO_SHORT_NSN: "too_short",
    NumberParseException.TOO_LONG: "too_long",
}


def _parse(written: str, region: str) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(written, region, keep_raw_input=True)
    except NumberParseException:
        return None


def _region_or_none(code: str | None) -> str | None:
    """libphonenumber's region, or None for "ZZ" (unknown) and "001" (non-geographic, e.g. +800)."""
    return code if code and code.isalpha() and code != "ZZ" else None


def _has_country_code(parsed: phonenumbers.PhoneNumber) -> bool:
    """Whether the person wrote a country code ("+44 ..." or "0044 ...")."""
    return parsed.country_code_source in (
        CountryCodeSource.FROM_NUMBER_WITH_PLUS_SIGN,
        CountryCodeSource.FROM_NUMBER_WITH_IDD,
    )
