"""Channel recommendation: which complaint channels fit a case, in what order, and why (zh and en)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from knowledge.catalog import Catalog, Channel
from knowledge.facts import Facts, answer, fraud_with_loss, is_fraud, operator_at_fault, parse_when, said_yes

# A plan is an ordered list of (channel id, reason key); the reason texts live with the channel in channels.yaml.
Plan = list[tuple[str, str]]

MARKETING_ISSUES = frozenset({"robocall", "spam_sms", "other"})
RELATED = frozenset({"customer", "consented"})


@dataclass(frozen=True)
class Recommendation:
    channel_id: str
    why: dict[str, str]
    first: bool


def recommend(catalog: Catalog, facts: Facts, jurisdiction: str) -> list[Recommendation]:
    """Channels for this case, best first; fraud signs always put the police first."""
    planners = {"CN": _plan_cn, "US": _plan_us, "UK": _plan_uk}
    planner = planners.get(jurisdiction)
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


def _has_company(facts: Facts) -> bool:
    return answer(facts, "company") is not None


def _leak_source_named(facts: Facts) -> bool:
    """A data-leak case names a company: the caller's, or the one the person suspects leaked the data."""
    return _has_company(facts) or answer(facts, "leak_company") is not None


def _leak_is_sensitive(facts: Facts) -> bool:
    """ID or financial data in the wrong hands is a fraud risk, so the police are offered (issue 10)."""
    known = answer(facts, "leak_known") or []
    return "id_number" in known or "bank" in known


def _customer_not_yet_opted_out(facts: Facts) -> bool:
    """They deal with the company and have not yet told it to stop: telling it is the step that counts first."""
    return _has_company(facts) and answer(facts, "relationship") in RELATED and not said_yes(facts, "opted_out")


def _plan_cn(catalog: Catalog, facts: Facts) -> Plan:
    issue = answer(facts, "issue_type") or "other"
    operator = operator_at_fault(catalog, {**facts, "jurisdiction": "CN"})

    if is_fraud(facts):
        plan: Plan = [("cn_police", "fraud_money" if fraud_with_loss(facts) else "fraud"), ("cn_12321", "fraud")]
        if issue == "spam_sms":
            plan.append(("cn_operator", "spam_sms"))
        return plan

    if operator is not None:
        plan = [("cn_operator", "operator_at_fault"), ("cn_12300", "operator_at_fault")]
        if issue in ("robocall", "spam_sms", "data_leak"):
            plan.append(("cn_12321", issue))
        return plan

    if issue == "rude_service":
        return [("cn_company", "rude"), ("cn_12315", "company_dispute"), ("cn_consumer_assoc", "default")]

    if issue == "data_leak":
        plan = [("cn_12321", "data_leak")]
        if _leak_is_sensitive(facts):
            plan.append(("cn_police", "data_leak_sensitive"))
        if _leak_source_named(facts):
            plan += [("cn_company", "data_source"), ("cn_12315", "company_marketing")]
        return plan

    reason = issue if issue in ("robocall", "spam_sms") else "default"
    if _customer_not_yet_opted_out(facts):
        plan = [("cn_company", "customer_opt_out"), ("cn_12315", "company_marketing"), ("cn_12321", reason)]
    elif _has_company(facts):
        plan = [("cn_12321", reason), ("cn_12315", "company_marketing"), ("cn_operator", reason)]
        plan.append(("cn_company", "data_source" if answer(facts, "relationship") == "never" else "customer_opt_out"))
    else:
        plan = [("cn_12321", reason), ("cn_operator", reason)]
    return plan


def _plan_us(catalog: Catalog, facts: Facts) -> Plan:
    issue = answer(facts, "issue_type") or "other"

    if is_fraud(facts):
        plan: Plan = [("us_police", "fraud_money" if fraud_with_loss(facts) else "default"), ("us_ftc_reportfraud", "fraud")]
        if issue == "spam_sms":
            plan.append(("us_carrier_7726", "spam_sms"))
        return plan

    if issue == "rude_service":
        return [("us_company", "rude")]

    if issue == "data_leak":
        plan = [("us_company", "data_source")] if _leak_source_named(facts) else []
        if _leak_is_sensitive(facts):
            plan.append(("us_police", "data_leak_sensitive"))
        return plan + [("us_ftc_dnc", _dnc_reason(facts)), ("us_fcc", "default")]

    if issue == "spam_sms":
        plan = [("us_carrier_7726", "spam_sms"), ("us_fcc", "spam_sms"), ("us_ftc_dnc", _dnc_reason(facts))]
        if _has_company(facts):
            plan.append(("us_company", "company_dnc"))
        return plan

    plan = [("us_ftc_dnc", _dnc_reason(facts)), ("us_fcc", "robocall"), ("us_state_ag", "default")]
    if _customer_not_yet_opted_out(facts):
        return [("us_company", "company_dnc"), *plan]
    if _has_company(facts):
        plan.append(("us_company", "company_dnc"))
    return plan


def _dnc_reason(facts: Facts) -> str:
    if answer(facts, "voice_kind") in ("robot", "both"):
        return "robot"
    if said_yes(facts, "dnc_registered"):
        return "registered"
    if answer(facts, "dnc_registered") in ("no", "unsure"):
        return "not_registered"
    return "default"


def _plan_uk(catalog: Catalog, facts: Facts) -> Plan:
    issue = answer(facts, "issue_type") or "other"

    if is_fraud(facts):
        plan: Plan = [("uk_report_fraud", "fraud_money" if fraud_with_loss(facts) else "default")]
        if answer(facts, "impersonation") == "bank" or said_yes(facts, "money_lost"):
            plan.append(("uk_159", "default"))
        if issue == "spam_sms":
            plan.append(("uk_7726", "spam_sms"))
        return plan

    if issue == "rude_service":
        return [("uk_company", "rude"), ("uk_ombudsman", "default")]

    if issue == "data_leak":
        # The ICO expects the organisation to be asked first, then takes the complaint within 3 months of its answer.
        if _leak_source_named(facts):
            plan = [("uk_company", "data_leak_first"), ("uk_ico", "data_leak_after_company")]
        else:
            plan = [("uk_ico", "data_leak")]
        if _leak_is_sensitive(facts):
            plan.append(("uk_report_fraud", "data_leak_sensitive"))
        return plan

    if issue == "spam_sms":
        plan = [("uk_7726", "spam_sms"), ("uk_ico", "spam_sms")]
        return [("uk_company", "customer_opt_out"), *plan] if _customer_not_yet_opted_out(facts) else plan

    voice = answer(facts, "voice_kind")
    if voice == "robot":
        plan = [("uk_ico", "robot")]
    elif voice == "both":
        plan = [("uk_ico", "robot"), ("uk_tps", _tps_reason(facts))]
    elif _tps_counts(catalog, facts):
        plan = [("uk_tps", "registered"), ("uk_ico", "live_after_tps")]
    else:
        plan = [("uk_ico", "default"), ("uk_tps", _tps_reason(facts))]
    if voice in (None, "unknown"):
        plan.append(("uk_ofcom", "default"))
    if _customer_not_yet_opted_out(facts):
        return [("uk_company", "customer_opt_out"), *plan]
    return plan


def _tps_reason(facts: Facts) -> str:
    return "registered" if said_yes(facts, "tps_registered") else "not_registered"


def _tps_counts(catalog: Catalog, facts: Facts) -> bool:
    """Registered with the TPS, and (when dates are known) for long enough before the latest call."""
    if not said_yes(facts, "tps_registered") or not catalog.has_channel("uk_tps"):
        return False
    days = next((p.days for p in catalog.channel("uk_tps").prerequisites if p.after == "registration"), 0)
    tz = catalog.jurisdiction("UK").tz
    registered = parse_when(answer(facts, "tps_registered_at"), tz, latest=True)
    contact = parse_when(answer(facts, "last_contact_at"), tz)
    if registered is None or contact is None:
        return True
    return contact - registered >= timedelta(days=days)
