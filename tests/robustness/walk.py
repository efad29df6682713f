"""Answering the shipped flow automatically, so tests can stand a conversation at any of its steps.

A plan names the answer for some steps; every other step gets a sensible default for its type. The
same answerer drives the pure engine (`walk_engine`) and the real conversation service (`walk_service`).
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable

from engine.engine import Engine
from engine.evidence import EvidenceItem
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.model import (
    ChannelStep,
    ChoicesStep,
    ChoiceStep,
    ConfirmStep,
    DateTimeStep,
    EvidenceStep,
    NumberStep,
    PhoneStep,
    SummaryStep,
    TextStep,
)
from engine.replies import Reply, StartCase
from engine.state import ACTIVE, DONE, SessionState

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)

PHONES = {"CN": "138 0013 8000", "US": "(202) 555-0143", "UK": "020 7946 0958"}
OWN_PHONES = {"CN": "139 1234 5678", "US": "(415) 555-0199", "UK": "07911 123456"}

# Complaints that between them visit every answer-taking step of the shipped flow. A merged question is
# answered in one message with what it also takes (a time, a sum, the person's words), unless the plan
# says "no_fills": then the later questions those would have answered are asked and answered one by one.
PLANS: dict[str, dict[str, Any]] = {
    "cn_robocall": {
        "lang": "zh", "jurisdiction": "CN", "issue_type": "robocall", "frequency": "several_per_day", "opted_out": "yes",
        # The operator: asks which one (its hotline) and the number that was called.
        "channel": "cn_operator",
    },
    "us_fraud": {
        "lang": "en", "jurisdiction": "US", "issue_type": "fraud", "money_lost": "yes", "dnc_registered": "yes", "no_fills": True
    },
    "uk_sms": {
        "lang": "en", "jurisdiction": "UK", "issue_type": "spam_sms", "tps_registered": "yes", "frequency": "daily", "no_fills": True
    },
    "us_robocall": {"lang": "en", "jurisdiction": "US", "issue_type": "robocall", "dnc_registered": "yes"},
    # The called number skipped, so the channel (12321) asks for it after it is chosen.
    "cn_data_leak": {"lang": "zh", "jurisdiction": "CN", "issue_type": "data_leak", "frequency": "once", "called_number": None},
    # Each follow-up asked on its own (the latest time, the registry date, whether they went on).
    "us_robocall_step_by_step": {
        "lang": "en", "jurisdiction": "US", "issue_type": "robocall", "dnc_registered": "yes", "opted_out": "yes", "no_fills": True
    },
    # Rude service at the person's own operator: which one is asked before the channels (it decides them).
    "cn_rude_service": {"lang": "zh", "jurisdiction": "CN", "issue_type": "rude_service"},
}

# Answers by answer key; a merged question's fills (company, harm_detail, contact_*, the times) are
# typed with its own answer in one message, as a person answering everything would.
TEXT_ANSWERS = {
    "company": "某某贷款公司",
    "content": "您好，这里是XX贷款，您有一笔额度待领取",
    "harm_detail": "半夜打来",
    "contact_name": "Jane Doe",
    "contact_phone": "+86 136 0000 1234",
    "contact_email": "jane@example.com",
}
FILL_TIME = "2026-09-01"

EvidenceMaker = Callable[[int], EvidenceItem]


def fake_item(n: int) -> EvidenceItem:
    """An evidence item as the service would hand it to the engine (the bytes are not needed there)."""
    return EvidenceItem(f"{n:064x}", "image", "image/png", 1000 + n, NOW.isoformat(), filename=f"shot-{n}.png")


def first_option(reply: Reply | None) -> str:
    values = [b.value for b in (reply.buttons if reply else ()) if not b.value.startswith("_")]
    assert values, f"no option to pick in {reply}"
    return values[0]


def shown_values(reply: Reply | None) -> set[str]:
    return {b.value for b in (reply.buttons if reply else ())}


def tapped_combo(step: ChoiceStep, question: Reply | None, plan: dict[str, Any]) -> str | None:
    """The shown one-tap button that answers this question and a later one exactly as the plan names
    both, for a person who only taps."""
    wanted = plan.get(step.id) or first_option(question)
    for k, combo in enumerate(step.combos):
        later = {key: plan.get(key) for key in combo.also}
        if combo.value == wanted and later == combo.also and f"_combo{k}" in shown_values(question):
            return f"_combo{k}"
    return None


def answer(step: Any, question: Reply | None, plan: dict[str, Any], evidence: EvidenceMaker) -> list[Event]:
    """The events that answer `step` according to `plan` (defaults by step type)."""
    where = plan.get("jurisdiction", "CN")
    if step.id in plan and plan[step.id] is None:
        return [Command("skip")]
    if plan.get("skip_optional") and step.optional and step.id not in plan:
        # A person who only taps: several optional questions in a row go with one tap when it is offered.
        return [ButtonPress("_skip_rest") if "_skip_rest" in shown_values(question) else Command("skip")]
    if plan.get("skip_optional") and isinstance(step, ChoiceStep):
        combo = tapped_combo(step, question, plan)
        if combo is not None:
            return [ButtonPress(combo)]
    if isinstance(step, ChoiceStep) and step.fills and not all(f.kind == "same" for f in step.fills):
        return [choice_with_fills(step, question, plan)]
    if step.id in plan:
        wanted = plan[step.id]
        return [ButtonPress(wanted) if isinstance(step, (ChoiceStep, ConfirmStep)) else TextInput(str(wanted))]
    if isinstance(step, ChoiceStep) or isinstance(step, ChannelStep):
        return [ButtonPress(first_option(question))]
    if isinstance(step, ChoicesStep) and plan.get("skip_optional"):
        # One option: one tap where the question takes it that way, else a tick and Done.
        ticks = [] if "_multi" in shown_values(question) else [ButtonPress("_done")]
        return [ButtonPress(first_option(question)), *ticks]
    if isinstance(step, ChoicesStep):
        detail = next((f.id for f in step.fills if f.kind == "detail"), None)
        words = plan.get(detail, TEXT_ANSWERS.get(detail or "")) if detail else None
        return [TextInput(f"1, 2 {words}" if words else "1, 2")]
    if isinstance(step, ConfirmStep):
        return [ButtonPress("yes")]
    if isinstance(step, SummaryStep):
        return [ButtonPress("_ok")]
    if isinstance(step, EvidenceStep):
        pasted = [TextInput(plan["evidence_text"])] if "evidence_text" in plan else []
        return [FileInput(items=(evidence(1),)), FileInput(items=(evidence(2),)), *pasted, ButtonPress("_done")]
    if isinstance(step, PhoneStep):
        number = OWN_PHONES[where] if step.id == "called_number" else PHONES[where]
        times = [fill_answer(f, plan) for f in step.fills if f.kind == "time"]
        return [TextInput(", ".join([number, *[str(x) for x in times if x]]))]
    if isinstance(step, DateTimeStep):
        return [TextInput(LATEST if step.id == "last_contact_at" else FILL_TIME)]
    if isinstance(step, NumberStep):
        return [TextInput("500")]
    if isinstance(step, TextStep) and step.fills:
        return [TextInput(merged_text(step, plan))]
    if isinstance(step, TextStep):
        return [TextInput(TEXT_ANSWERS.get(step.id, "something happened"))]
    raise AssertionError(f"no default answer for step type {step.type}")


def planned(plan: dict[str, Any], key: str) -> Any:
    return plan[key] if key in plan else TEXT_ANSWERS.get(key)


# What a merged question's fill is typed as, by kind, unless the plan names it (None: left out).
FILL_DEFAULTS = {"time": FILL_TIME, "amount": "500", "detail": "something happened"}
LATEST = "2026-11-20 14:30"


def fill_answer(fill: Any, plan: dict[str, Any]) -> Any:
    if plan.get("no_fills"):
        return None
    if fill.id in plan:
        return plan[fill.id]
    return LATEST if fill.id == "last_contact_at" else FILL_DEFAULTS.get(fill.kind)


def choice_with_fills(step: ChoiceStep, question: Reply | None, plan: dict[str, Any]) -> Event:
    """The planned option (else the first shown) typed with what its fills take ("有，2026-09-01",
    "Yes, 500"), as a person answering everything would; the button when the plan leaves them out."""
    value = plan.get(step.id) or first_option(question)
    extras = [str(x) for x in (fill_answer(f, plan) for f in step.fills if f.kind != "same") if x is not None]
    if not extras or value in ("no", "never", "once"):
        return ButtonPress(value)
    option = next(o for o in step.options if o.value == value)
    lang = plan.get("lang", "zh")
    return TextInput(("，" if lang == "zh" else ", ").join([option.label.get(lang), *extras]))


def merged_text(step: TextStep, plan: dict[str, Any]) -> str:
    """A merged text question answered in one line: "某某贷款公司：<what they said>", "Jane 136… a@b.c"."""
    own = planned(plan, step.id)
    parts = [str(planned(plan, f.id)) for f in step.fills if f.kind in ("name", "phone", "email") and planned(plan, f.id)]
    if parts:
        return " ".join(parts)
    company = next((planned(plan, f.id) for f in step.fills if f.kind == "company"), None)
    return f"{company}：{own}" if company and own else str(own or company or "something happened")


def last_question(replies: list[Reply]) -> Reply | None:
    asking = [r for r in replies if r.buttons or r.expects]
    return asking[-1] if asking else None


def walk_engine(engine: Engine, plan: dict[str, Any]) -> list[SessionState]:
    """Complete one complaint; returns a copy of the state as it stood at each question (and the end)."""
    state = SessionState(lang=plan.get("lang", "zh"))
    out = engine.advance(state, Command("new"), NOW)
    seen: list[SessionState] = []
    for _ in range(200):
        state = out.state
        if any(isinstance(e, StartCase) for e in out.effects):
            state.case_id = 1
        seen.append(copy.deepcopy(state))
        if state.status == DONE:
            return seen
        assert state.status == ACTIVE and state.step, state
        step = engine.flow.step(state.step)
        for event in answer(step, last_question(out.replies), plan, fake_item):
            out = engine.advance(state, event, NOW)
            state = out.state
    raise AssertionError(f"plan {plan} did not finish")


async def walk_service(
    handle: Callable[[Event], Awaitable[list[Reply]]],
    current_step: Callable[[], Awaitable[str | None]],
    engine: Engine,
    plan: dict[str, Any],
    evidence: EvidenceMaker,
    stop_at: str | None = None,
) -> list[Reply]:
    """Drive the real service through one complaint (up to `stop_at`); returns every reply seen."""
    replies = await handle(Command("new"))
    seen = list(replies)
    for _ in range(200):
        step_id = await current_step()
        if step_id is None or step_id == stop_at:
            return seen
        step = engine.flow.step(step_id)
        for event in answer(step, last_question(replies), plan, evidence):
            replies = await handle(event)
            seen += replies
    raise AssertionError(f"plan {plan} did not finish")
