"""United Kingdom: the ICO and the TPS by who called (a robot or a person); 7726 for spam texts; Report Fraud on fraud."""
from __future__ import annotations

from datetime import timedelta

from knowledge.catalog import Catalog
from knowledge.facts import Facts, answer, fraud_with_loss, is_fraud, parse_when, said_yes
from knowledge.planners import Plan, planner
from knowledge.planners.common import customer_not_yet_opted_out, leak_is_sensitive, leak_source_named


@planner("UK")
def plan_uk(catalog: Catalog, facts: Facts) -> Plan:
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
        if leak_source_named(facts):
            plan = [("uk_company", "data_leak_first"), ("uk_ico", "data_leak_after_company")]
        else:
            plan = [("uk_ico", "data_leak")]
        if leak_is_sensitive(facts):
            plan.append(("uk_report_fraud", "data_leak_sensitive"))
        return plan

    if issue == "spam_sms":
        plan = [("uk_7726", "spam_sms"), ("uk_ico", "spam_sms")]
        return [("uk_company", "customer_opt_out"), *plan] if customer_not_yet_opted_out(facts) else plan

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
    if customer_not_yet_opted_out(facts):
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
