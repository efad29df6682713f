"""Which option a typed answer names: by label, value or synonym, in either language.

People type 移动, 几乎天天 or "china" instead of tapping a button (issue 13). Text and terms are
normalised the same way (width, case, punctuation, spaces); then, in order: an exact term, the
longest term inside the text (not when the text negates it: 不是客户 is not "customer"), the text
inside exactly one term, and a fuzzy match (rapidfuzz) as the last resort. An answer that could
mean two options is never guessed.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

_DROP = re.compile(r"[\s\W_]+", re.UNICODE)
# Words that turn "customer" into "not a customer": a term found next to one of these is not taken.
_ZH_NEGATIONS = "不没未"
_EN_NEGATIONS = {"not", "no", "never", "dont", "didnt", "doesnt", "isnt", "wasnt", "havent", "hasnt", "nobody"}
# How far before a term a negation still applies: 不是客户, 没有同意过, "not really a customer".
_ZH_REACH = 5
_EN_REACH = 3
FUZZY_CUTOFF = 75
# Small enough that 每天 (daily) is exact only, long enough that short stray words do not trigger.
MIN_CONTAINED = 2


@lru_cache(maxsize=4096)
def normalise(text: str) -> str:
    """Width (NFKC), case and punctuation folded away, so ＣＨＩＮＡ。 and china match. Cached: every typed
    answer is compared with the labels and words of the buttons shown, the same few hundred terms."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def _words(text: str) -> list[str]:
    """Lower-cased words, apostrophes dropped (don't -> dont), for English negations."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("\u2019", "")
    return [w for w in re.split(r"[\W_]+", folded) if w]


def _negated(raw: str) -> bool:
    """The text says no somewhere (不 / 没 / not ...)."""
    return any(ch in raw for ch in _ZH_NEGATIONS) or any(w in _EN_NEGATIONS for w in _words(raw))


def _negated_before(raw: str, text: str, folded: str, term: str) -> bool:
    """A negation just before the term in the text: 不是「客户」, "not a「customer」"."""
    at = text.find(folded)
    if any(ch in text[max(0, at - _ZH_REACH):at] for ch in _ZH_NEGATIONS):
        return True
    words, term_words = _words(raw), _words(term)
    if not term_words:
        return False
    for i in range(len(words) - len(term_words) + 1):
        if words[i:i + len(term_words)] == term_words:
            return any(w in _EN_NEGATIONS for w in words[max(0, i - _EN_REACH):i])
    return False


def pick(candidates: Sequence[tuple[str, Iterable[str]]], raw: str) -> str | None:
    """The value whose terms the text names, or None when none or more than one fit.

    `candidates` are (value, terms) pairs; terms are labels, values and synonyms as written.
    """
    return pick_in(terms_table(candidates), raw)


def terms_table(candidates: Sequence[tuple[str, Iterable[str]]]) -> list[tuple[str, str, str]]:
    """The (normalised term, value, term as written) rows `pick_in` reads, for candidates asked about often."""
    table: list[tuple[str, str, str]] = []
    for value, terms in candidates:
        for term in terms:
            folded = normalise(term)
            if folded:
                table.append((folded, value, term))
    return table


def pick_in(table: Sequence[tuple[str, str, str]], raw: str) -> str | None:
    """`pick` with the candidates' `terms_table` made already."""
    text = normalise(raw)
    if not text:
        return None
    exact = {value for folded, value, _ in table if folded == text}
    if exact:
        return exact.pop() if len(exact) == 1 else None
    found = _contained(table, raw, text)
    if found is not None:
        return found
    inside = {value for folded, value, _ in table if len(text) >= MIN_CONTAINED and text in folded}
    if len(inside) == 1 and not _negated(raw):
        return inside.pop()
    return _fuzzy(table, text, _negated(raw))


def _contained(table: Sequence[tuple[str, str, str]], raw: str, text: str) -> str | None:
    """The option of the longest term inside the text, unless the rest of the text negates it."""
    hits: list[tuple[int, str]] = []
    for folded, value, term in table:
        if len(folded) < MIN_CONTAINED or folded not in text:
            continue
        if not _negated(term) and _negated_before(raw, text, folded, term):
            continue
        hits.append((len(folded), value))
    if not hits:
        return None
    longest = max(length for length, _ in hits)
    values = {value for length, value in hits if length == longest}
    return values.pop() if len(values) == 1 else None


def _fuzzy(table: Sequence[tuple[str, str, str]], text: str, negated: bool) -> str | None:
    """A near spelling (chna mobile, 中国移懂) of one option's term; a negated text only near a negated term."""
    if len(text) < 3:
        return None
    table = [row for row in table if _negated(row[2]) == negated]
    terms = [folded for folded, _, _ in table]
    found = process.extract(text, terms, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=len(terms))
    if not found:
        return None
    best = found[0][1]
    values = {table[index][1] for _, score, index in found if score == best}
    return values.pop() if len(values) == 1 else None
