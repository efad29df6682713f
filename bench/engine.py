"""Benchmark: Engine.advance calls per second over whole complaints, in process, with no I/O.

Run: `.venv/bin/python -m bench.engine [--complaints N]` (or `python bench/engine.py`).
The complaints are the plans of tests/robustness/walk.py (the ones the tests and `bench.inputs` walk),
answered through the shipped flows.yaml with the real channel advisor. On top of each plan, a script says
how a person types some answers: dates in ISO and in Chinese ("昨天下午3点", "11月20日 14:32"), and some
choices typed by their label or number instead of tapped. The events are found by walking the flow as it
is now, so a change to flows.yaml changes the script instead of breaking it; a complaint that does not
reach the end, gets an error reply, or never meets a step its script names stops the benchmark.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import COMPILED  # noqa: E402
from engine.engine import Engine  # noqa: E402
from engine.events import ButtonPress, Command, Event, TextInput  # noqa: E402
from engine.loader import load_flow  # noqa: E402
from engine.model import ChoiceStep  # noqa: E402
from engine.replies import Outcome, StartCase  # noqa: E402
from engine.state import DONE, SessionState  # noqa: E402
from knowledge.catalog import load_catalog  # noqa: E402
from knowledge.regions import regions_from  # noqa: E402
from services.channel_advice import CatalogAdvisor  # noqa: E402
from tests.robustness.walk import NOW, PLANS, answer, fake_item, last_question  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Script:
    """How one benchmarked complaint is answered: a walk plan, plus answers typed the way people type them."""

    plan: str
    # step id -> the text typed as its answer (the dates, mostly).
    typed: dict[str, str] = field(default_factory=dict)
    # Choice steps answered by typing the chosen option's label, or its number, instead of tapping it.
    by_label: frozenset[str] = frozenset()
    by_number: frozenset[str] = frozenset()


SCRIPTS: tuple[Script, ...] = (
    Script(
        "cn_robocall",
        typed={"opted_out": "有，昨天下午3点回复过TD"},
        by_label=frozenset({"own_operator"}),
        by_number=frozenset({"voice_kind"}),
    ),
    Script("cn_data_leak", by_number=frozenset({"jurisdiction"})),
    Script("us_fraud", typed={"transfer_at": "2026-11-20 14:30"}, by_label=frozenset({"money_lost"})),
    Script("uk_sms", typed={"last_contact_at": "2026/11/25 18:05", "tps_registered_at": "2025-03-14"}),
)


@dataclass
class Complaint:
    """One scripted complaint as the events a person sends, found by walking the current flow."""

    name: str
    lang: str
    events: list[Event]


def build_engine() -> Engine:
    catalog = load_catalog(ROOT / "channels.yaml")
    return Engine(load_flow(ROOT / "flows.yaml"), CatalogAdvisor(catalog), regions=regions_from(catalog))


def _typed_choice(event: Event, question: object, by_number: bool) -> Event:
    """The tap `event` as typed text: the label of the button it presses, or that button's number."""
    assert isinstance(event, ButtonPress)
    buttons = getattr(question, "buttons", ())
    for index, button in enumerate(buttons, 1):
        if button.value == event.value:
            return TextInput(str(index) if by_number else button.label)
    raise SystemExit(f"no button {event.value!r} to type in {question}")


def script_events(engine: Engine, script: Script) -> Complaint:
    """Walk the flow with the script's answers; stops the benchmark if the complaint goes wrong."""
    plan = PLANS[script.plan]
    lang = plan.get("lang", "zh")
    state = SessionState(lang=lang)
    events: list[Event] = [Command("new")]
    out = step_once(engine, state, events[0])
    met: set[str] = set()
    errors: list[str] = []
    for _ in range(200):
        state = out.state
        if state.status == DONE:
            break
        assert state.step is not None, state
        step = engine.flow.step(state.step)
        met.add(step.id)
        question = last_question(out.replies)
        chosen = answer(step, question, plan, fake_item)
        if step.id in script.typed:
            chosen = [TextInput(script.typed[step.id])]
        elif step.id in script.by_label | script.by_number:
            if not isinstance(step, ChoiceStep):
                raise SystemExit(f"{script.plan}: {step.id!r} is no longer a choice step")
            chosen = [_typed_choice(chosen[0], question, step.id in script.by_number)]
        for event in chosen:
            events.append(event)
            out = step_once(engine, state, event)
            errors += [f"{step.id} {event}: {r.text}" for r in out.replies if r.kind == "error"]
            state = out.state
    unmet = (set(script.typed) | script.by_label | script.by_number) - met
    if state.status != DONE or errors or unmet:
        raise SystemExit(
            f"the scripted complaint {script.plan!r} went wrong: stopped at {state.step!r}, errors {errors[:3]}, "
            f"steps of its script never asked {sorted(unmet)}"
        )
    return Complaint(script.plan, lang, events)


def step_once(engine: Engine, state: SessionState, event: Event) -> Outcome:
    """One advance, with the case id the service would write after a StartCase."""
    out = engine.advance(state, event, NOW)
    if out.state.case_id is None and any(isinstance(e, StartCase) for e in out.effects):
        out.state.case_id = 1
    return out


def complaints(engine: Engine) -> list[Complaint]:
    return [script_events(engine, script) for script in SCRIPTS]


def run_complaint(engine: Engine, complaint: Complaint, timings: list[int] | None = None) -> SessionState:
    """One whole complaint; collects advance() durations in ns when asked."""
    state = SessionState(lang=complaint.lang)
    for event in complaint.events:
        start = time.perf_counter_ns()
        out = engine.advance(state, event, NOW)
        if timings is not None:
            timings.append(time.perf_counter_ns() - start)
        state = out.state
        if state.case_id is None and any(isinstance(e, StartCase) for e in out.effects):
            state.case_id = 1
    return state


def state_at(engine: Engine, step_id: str) -> SessionState:
    """The state of the first scripted complaint when it reaches `step_id` (for other benchmarks)."""
    complaint = script_events(engine, SCRIPTS[0])
    state = SessionState(lang=complaint.lang)
    for event in complaint.events:
        if state.step == step_id:
            return state
        state = step_once(engine, state, event).state
    raise ValueError(f"the scripted complaint never reaches {step_id!r}")


def percentile(sorted_values: list[int], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--complaints", type=int, default=400, help="whole complaints to time (default 400)")
    args = parser.parse_args(argv)

    engine = build_engine()
    scripted = complaints(engine)
    for complaint in scripted * 3:
        if run_complaint(engine, complaint).status != DONE:
            raise SystemExit(f"the replay of {complaint.name!r} did not finish")

    timings: dict[str, list[int]] = {c.name: [] for c in scripted}
    runs = [scripted[i % len(scripted)] for i in range(args.complaints)]
    started, cpu_started = time.perf_counter(), time.process_time()
    for complaint in runs:
        run_complaint(engine, complaint, timings[complaint.name])
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    every = sorted(t for ts in timings.values() for t in ts)
    calls = len(every)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    built = "compiled by mypyc" if COMPILED else "interpreted (ENGINE_COMPILED=0, or no build: scripts/build_engine.py)"
    print(f"engine.advance over whole complaints — {built}, Python {platform.python_version()}, load average {load}")
    mix = ", ".join(f"{c.name} ({len(c.events)} events)" for c in scripted)
    print(f"  complaints:        {args.complaints} of {mix} = {calls} calls in {elapsed:.2f} s")
    print(f"  throughput:        {calls / elapsed:,.0f} calls/s  ({args.complaints / elapsed:,.1f} complaints/s)")
    print(f"  CPU per call:      {cpu / calls * 1e6:,.1f} µs  (= {calls / cpu:,.0f} calls per CPU second)")
    print(f"  per call:          mean {statistics.fmean(every) / 1000:,.0f} µs, p50 {percentile(every, 0.5) / 1000:,.0f} µs, "
          f"p95 {percentile(every, 0.95) / 1000:,.0f} µs, p99 {percentile(every, 0.99) / 1000:,.0f} µs, "
          f"max {every[-1] / 1000:,.0f} µs")
    per_event = [
        (statistics.median(timings[c.name][i :: len(c.events)]) / 1000, c.name, i, c.events[i])
        for c in scripted
        for i in range(len(c.events))
    ]
    print("  slowest events (median µs):")
    for median, name, i, event in sorted(per_event, key=lambda row: row[0], reverse=True)[:8]:
        print(f"    {median:8,.0f}  {name} #{i + 1} {str(event)[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
