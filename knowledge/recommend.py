"""Channel recommendation: which complaint channels fit a case, in what order, and why (zh and en).

The order is each country's planner's (knowledge/planners/); what a channel is and why it fits is data.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.catalog import Catalog, Channel
from knowledge.facts import Facts, answer
from knowledge.planners import Plan, planner_for


@dataclass(frozen=True)
class Recommendation:
    channel_id: str
    why: dict[str, str]
    first: bool


def recommend(catalog: Catalog, facts: Facts, jurisdiction: str) -> list[Recommendation]:
    """Channels for this case, best first; fraud signs always put the police first."""
    planner = planner_for(jurisdiction)
    if planner is None:
        catalog.jurisdiction(jurisdiction)  # raises KeyError for a code the catalogue does not know
        return []
    return _materialise(catalog, jurisdiction, planner(catalog, facts))


def escalation_next(catalog: Catalog, channel_id: str, facts: Facts) -> list[Recommendation]:
    """The next rungs of the ladder after `channel_id` that still fit the case's issue type."""
    channel = catalog.channel(channel_id)
    issue = answer(facts, "issue_type")
    plan: Plan = []
    for target_id in channel.next:
        target = catalog.channel(target_id)
        if issue is None or issue in target.handles:
            plan.append((target_id, "escalation"))
    return _materialise(catalog, channel.jurisdiction, plan)


def _materialise(catalog: Catalog, jurisdiction: str, plan: Plan) -> list[Recommendation]:
    result: list[Recommendation] = []
    seen: set[str] = set()
    for channel_id, reason in plan:
        if channel_id in seen or not catalog.has_channel(channel_id):
            continue
        channel: Channel = catalog.channel(channel_id)
        if channel.jurisdiction != jurisdiction:
            continue
        seen.add(channel_id)
        why = channel.reason(reason).as_dict()
        if channel.unverified:
            marker = catalog.texts.to_be_confirmed
            why = {"zh": f"{why['zh']}（{marker.zh}）", "en": f"{why['en']} ({marker.en})"}
        result.append(Recommendation(channel_id, why, first=not result))
    return result
