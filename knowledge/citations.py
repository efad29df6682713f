"""Which sources a person may see, and how a rule is cited.

A letter goes to an authority under the person's name, so it shows a URL only when the source is
official and otherwise cites the law by name and article (the rule's own wording). `/rules` may also
list secondary sources, marked as such. Weak sources (SEO pages, spam mirrors, bare IP addresses) are
kept in channels.yaml as a research trail but are never shown to a person.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from knowledge.catalog import Catalog, Fact, Source


def letter_sources(catalog: Catalog, source_ids: Iterable[str]) -> list[Source]:
    """The sources whose URL may appear in a letter: official ones only, in the fact's order."""
    return [s for s in (catalog.source(i) for i in source_ids) if s.reliability == "official"]


def letter_url(catalog: Catalog, source_ids: Iterable[str]) -> str | None:
    """The first official URL for a fact, or None: the letter then cites the law by name and article."""
    official = letter_sources(catalog, source_ids)
    return official[0].url if official else None


def shown_sources(catalog: Catalog, source_ids: Iterable[str]) -> list[Source]:
    """The sources `/rules` may list: official and secondary (the caller marks secondary ones), never weak."""
    return [s for s in (catalog.source(i) for i in source_ids) if s.reliability != "weak"]


def only_weak(catalog: Catalog, fact: Fact) -> bool:
    """True when every source of the fact is weak: such a fact may only ship as unverified."""
    return bool(fact.sources) and all(catalog.source(i).reliability == "weak" for i in fact.sources)


@dataclass(frozen=True)
class Citation:
    """A rule as a letter may cite it: its title (law, article) and wording, and an official URL if any."""

    rule_id: str
    title: str
    text: str
    url: str | None
    unverified: bool


def rule_citation(catalog: Catalog, rule_id: str, lang: str) -> Citation:
    """A rule of any jurisdiction by id, in `lang`, ready for a letter (KeyError for an unknown id)."""
    for jurisdiction in catalog.jurisdictions:
        for rule in jurisdiction.rules:
            if rule.id == rule_id:
                return Citation(
                    rule.id, rule.title.get(lang), rule.text.get(lang), letter_url(catalog, rule.sources),
                    rule.unverified,
                )
    raise KeyError(f"unknown rule {rule_id!r}")
