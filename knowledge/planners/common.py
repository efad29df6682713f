"""Fact tests that several countries' planners share."""
from __future__ import annotations

from knowledge.facts import Facts, answer, said_yes

RELATED = frozenset({"customer", "consented"})


def has_company(facts: Facts) -> bool:
    return answer(facts, "company") is not None


def customer_not_yet_opted_out(facts: Facts) -> bool:
    """They deal with the company and have not yet told it to stop: telling it is the step that counts first."""
    return has_company(facts) and answer(facts, "relationship") in RELATED and not said_yes(facts, "opted_out")
