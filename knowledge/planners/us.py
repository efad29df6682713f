"""United States: the FTC's Do Not Call registry and the FCC; 7726 for spam texts; police and ReportFraud on fraud."""
from __future__ import annotations

from knowledge.catalog import Catalog
from knowledge.facts import Facts, answer, fraud_with_loss, is_fraud, said_yes
from knowledge.planners import Plan, planner
from knowledge.planners.common import customer_not_yet_opted_out, has_company, leak_is_sensitive, leak_source_named


@planner("US")
def plan_us(catalog: Catalog, facts: Facts) -> Plan:
    issue = answer(facts, "issue_type") or "other"

    if is_fraud(facts):
        plan: Plan = [("us_police", "fraud_money" if fraud_with_loss(facts) else "default"), ("us_ftc_reportfraud", "fraud")]
        if issue == "spam_sms":
            plan.append(("us_carrier_7726", "spam_sms"))
        return plan

    if issue == "rude_service":
        return [("us_company", "rude")]

    if issue == "data_leak":
        plan = [("us_company", "data_source")] if leak_source_named(facts) else []
        if leak_is_sensitive(facts):
            plan.append(("us_police", "data_leak_sensitive"))
        return plan + [("us_ftc_dnc", _dnc_reason(facts)), ("us_fcc", "default")]

    if issue == "spam_sms":
        plan = [("us_carrier_7726", "spam_sms"), ("us_fcc", "spam_sms"), ("us_ftc_dnc", _dnc_reason(facts))]
        if has_company(facts):
            plan.append(("us_company", "company_dnc"))
        return plan

    plan = [("us_ftc_dnc", _dnc_reason(facts)), ("us_fcc", "robocall"), ("us_state_ag", "default")]
    if customer_not_yet_opted_out(facts):
        return [("us_company", "company_dnc"), *plan]
    if has_company(facts):
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
