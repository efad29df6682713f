"""Fact tests that several countries' planners share."""
from __future__ import annotations

from knowledge.facts import Facts, answer, said_yes

RELATED = frozenset({"customer", "consented"})


def has_company(facts: Facts) -> bool:
    return answer(facts, "company") is not None


def leak_source_named(facts: Facts) -> bool:
    """A data-leak case names a company: the caller's, or the one the person suspects leaked the data."""
    return has_company(facts) or answer(facts, "leak_company") is not None


def leak_is_sensitive(facts: Facts) -> bool:
    """ID or financial data in the wrong hands is a fraud risk, so the police are offered (issue 10)."""
    known = answer(facts, "leak_known") or []
    return "id_number" in known or "bank" in known


def customer_not_yet_opted_out(facts: Facts) -> bool:
    """They deal with the company and have not yet told it to stop: telling it is the step that counts first."""
    return has_company(facts) and answer(facts, "relationship") in RELATED and not said_yes(facts, "opted_out")
