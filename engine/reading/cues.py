"""Named text cues: a table of (code, weight, pattern) read once, matched many times.

The fraud reader adds weights up to a verdict; the screenshot reader only asks which cues are present (a
robot's voice, a live person). Both keep their words as data in one table of `Cue`s instead of loose
regular expressions, so a new cue is one row and every decision can say which rows decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Cue:
    """One cue: its code (reported as a reason), its weight, whether it is itself a request, its pattern."""

    code: str
    weight: int
    pattern: re.Pattern[str]
    asks: bool = False


def cue_table(*rows: tuple[str, int, str] | tuple[str, int, str, bool]) -> tuple[Cue, ...]:
    """Compile rows of (code, weight, regex[, asks]); codes must be unique, patterns written in lower case.

    `matching` lowers the text once instead of compiling with IGNORECASE, which makes every search of
    Chinese text about a quarter slower.
    """
    for row in rows:
        if re.search(r"(?<!\\)[A-Z]", row[2]):
            raise ValueError(f"cue {row[0]!r}: write the pattern in lower case")
    table = tuple(Cue(row[0], row[1], re.compile(row[2]), *row[3:]) for row in rows)
    codes = [cue.code for cue in table]
    if len(set(codes)) != len(codes):
        raise ValueError(f"duplicate cue codes in {codes}")
    return table


def matching(table: tuple[Cue, ...], text: str) -> tuple[Cue, ...]:
    """The cues of `table` found in `text` (in any letter case), in table order."""
    lowered = text.lower()
    return tuple(cue for cue in table if cue.pattern.search(lowered))
