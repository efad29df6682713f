"""Mainland China: police first on fraud signs; the operator and 12300 when the operator is at fault; 12321 for spam."""
from __future__ import annotations

from knowledge.catalog import Catalog
from knowledge.facts import Facts, answer, fraud_with_loss, is_fraud, operator_at_fault
from knowledge.planners import Plan, planner
from knowledge.planners.common import customer_not_yet_opted_out, has_company, leak_is_sensitive, leak_source_named


@planner("CN")
def plan_cn(catalog: Catalog, facts: Facts) -> Plan:
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
        if leak_is_sensitive(facts):
            plan.append(("cn_police", "data_leak_sensitive"))
        if leak_source_named(facts):
            plan += [("cn_company", "data_source"), ("cn_12315", "company_marketing")]
        return plan

    reason = issue if issue in ("robocall", "spam_sms") else "default"
    if customer_not_yet_opted_out(facts):
        plan = [("cn_company", "customer_opt_out"), ("cn_12315", "company_marketing"), ("cn_12321", reason)]
    elif has_company(facts):
        plan = [("cn_12321", reason), ("cn_12315", "company_marketing"), ("cn_operator", reason)]
        plan.append(("cn_company", "data_source" if answer(facts, "relationship") == "never" else "customer_opt_out"))
    else:
        plan = [("cn_12321", reason), ("cn_operator", reason)]
    return plan
