"""`phone`: one or more phone numbers, read in the region of the complaint's country."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine import merged
from engine.answers import Accepted, Rejected, clean_text, looks_garbled
from engine.i18n import t
from engine.model import PhoneStep
from engine.parsing import parse_phone_numbers
from engine.regions import NO_REGION, Regions
from engine.steps.kind import TypedKind

if TYPE_CHECKING:
    from engine.engine import Turn


def phone_answer(step: PhoneStep, raw: str, answers: dict[str, Any], lang: str, regions: Regions) -> Accepted | Rejected:
    if looks_garbled(raw):
        return Rejected("error.not_text")
    region = regions.for_answers(answers, step.region_from, lang) or NO_REGION
    numbers, problems = parse_phone_numbers(raw, region.phone_region)
    if problems:
        first = problems[0]
        return Rejected("error.phone_problem", {"raw": first.raw[:40], "reason": t(f"phone.{first.reason}", lang)})
    if not numbers:
        return Rejected("error.phone_none")
    if not step.multiple and len(numbers) > 1:
        return Rejected("error.phone_too_many")
    if len(numbers) > step.max_numbers:
        return Rejected("error.phone_max", {"max": step.max_numbers})
    values = [n.to_dict() for n in numbers]
    return Accepted(values, phones_label(values))


def phones_label(values: list[dict[str, Any]]) -> str:
    return ", ".join(str(v.get("display") or v.get("number")) for v in values)


class PhoneKind(TypedKind[PhoneStep]):
    model = PhoneStep
    expects = "phone"

    def read_text(self, turn: Turn, step: PhoneStep, raw: str) -> None:
        if not self.with_time(turn, step, raw):
            turn.accept(step, phone_answer(step, raw, turn.s.answers, turn.lang, turn.engine.regions))

    def with_time(self, turn: Turn, step: PhoneStep, raw: str) -> bool:
        """Numbers with the time of the latest call ("138 0013 8000，昨天下午3点"): both kept."""
        fill = next((f for f in step.fills if f.kind == "time"), None)
        if fill is None:
            return False
        zone, order = turn.clock_of(step)
        read = merged.parse_time_in(clean_text(raw)[:300], turn.now, zone, turn.lang, order, fill.coarsest)
        if read is None or not read[1].strip():
            return False
        when, rest = read
        result = phone_answer(step, merged.strip_time_words(rest), turn.s.answers, turn.lang, turn.engine.regions)
        if isinstance(result, Rejected):
            return False
        turn.save_with_fills(step, result.value, result.label, {fill.id: when})
        return True

    def display(self, turn: Turn, step: PhoneStep, value: Any) -> str:
        return phones_label(value)
