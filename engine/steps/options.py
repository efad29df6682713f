"""What the two option types (`choice`, `choices`) share: reading an option from typed words, and the
checks on a list of options (unique values, synonyms that name one option only)."""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from engine.answers import clean_text, small_number
from engine.choice_match import normalise, pick
from engine.model import LANGS, ChoicesStep, ChoiceStep, Option
from engine.reading.signals import known_signals
from engine.steps.kind import DefinitionProblem

# Typed numbers up to this pick a shown button; a larger one (110, 96110) may be a synonym.
MAX_BUTTON_NUMBER = 20
# Coarse first ("wasted time, stress" keeps its words together), then at every space too ("1 3").
_CHOICES_SPLITS = (
    re.compile(r"[,，、;；/]+|和|以及|还有|\band\b|\bor\b"),
    re.compile(r"[,，、;；/\s]+|和|以及|还有|\band\b|\bor\b"),
)


def match_option(options: list[Option], raw: str) -> Option | None:
    """An option named by its number, label or synonym (either language) or value."""
    number = small_number(clean_text(raw))
    if number is not None and 1 <= number <= len(options):
        return options[number - 1]
    value = pick([(o.value, o.terms) for o in options], raw)
    return next((o for o in options if o.value == value), None)


def parse_choices_text(step: ChoicesStep, raw: str) -> list[str] | None:
    """'1,3' or 'Stress, Sleep' typed instead of tapping: the values, or None if any part is unknown."""
    for splitter in _CHOICES_SPLITS:
        parts = [p.strip() for p in splitter.split(clean_text(raw)) if p.strip()]
        options = [match_option(step.options, part) for part in parts]
        if parts and all(o is not None for o in options):
            return list(dict.fromkeys(o.value for o in options if o is not None))
    return None


def option_problems(step: ChoiceStep | ChoicesStep) -> Iterator[DefinitionProblem]:
    counts = Counter(o.value for o in step.options)
    for o, option in enumerate(step.options):
        if counts[option.value] > 1:
            yield ("options", o, "value"), f"duplicate option value '{option.value}'"
            counts[option.value] = 1
        if option.value.startswith("_"):
            yield ("options", o, "value"), "option values may not start with '_' (reserved for navigation)"
        for k, name in enumerate(option.read_from):
            if not set(name.split("+")) <= known_signals():
                yield ("options", o, "read_from", k), f"'{name}' is not something evidence is read for (engine/reading/signals.py)"
    yield from _synonym_problems(step)


def _synonym_problems(step: ChoiceStep | ChoicesStep) -> Iterator[DefinitionProblem]:
    """A typed word must name one option only, and never be a small number (those pick buttons)."""
    owner: dict[str, str] = {}
    for option in step.options:
        for term in (option.value, option.label.zh, option.label.en):
            owner.setdefault(normalise(term), option.value)
    for o, option in enumerate(step.options):
        if option.synonyms is None:
            continue
        for lang in LANGS:
            for k, word in enumerate(getattr(option.synonyms, lang)):
                path = ("options", o, "synonyms", lang, k)
                folded = normalise(word)
                if not folded:
                    yield path, f"synonym '{word}' is only spaces or punctuation"
                elif folded.isascii() and folded.isdigit() and int(folded) <= MAX_BUTTON_NUMBER:
                    yield path, f"synonym '{word}' is a number; typed numbers pick the button with that number"
                elif owner.setdefault(folded, option.value) != option.value:
                    yield path, f"synonym '{word}' of option '{option.value}' also names option '{owner[folded]}'"
