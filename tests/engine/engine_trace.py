"""Everything the engine says and decides over a broad run of inputs, as JSON: what the compiled and the
interpreted engine must agree on (tests/engine/test_compiled.py runs this in both).

The run: every walk plan of tests/robustness/walk.py and the benchmark's typed scripts, event by event
(replies, effects, the state after); awkward inputs at every question of one complaint (garbage, a forged
button, an out-of-range number, /back, /skip, /help, a pasted SMS); and the reading of every labelled
message of bench/data (fraud verdict, the facts read and the answers proposed).
Run: `python -m tests.engine.engine_trace` prints the trace.
"""
from __future__ import annotations

import csv
import dataclasses
import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bench.engine import SCRIPTS, Script, build_engine, script_events, step_once
from engine.engine import Engine
from engine.events import ButtonPress, Command, Event, TextInput
from engine.reading.extract import extract_from_text
from engine.reading.fraud import classify
from engine.reading.proposal import proposed_answers
from engine.replies import Outcome
from engine.state import DONE, SessionState
from tests.robustness.walk import NOW, PLANS

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
AWKWARD: tuple[Event, ...] = (
    TextInput("asdf ;;; 😀"),
    TextInput("99"),
    TextInput(""),
    ButtonPress("forged-value"),
    ButtonPress("_skip_rest", seq=10_000),
    Command("help"),
    Command("skip"),
    Command("back"),
    TextInput("【某银行】您的账户存在异常，请点击 http://x.cn 验证，回复TD退订"),
)


def plain(value: Any) -> Any:
    """A value as JSON data, the same for a compiled object as for its interpreted twin."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {"_": type(value).__name__, **{f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return repr(value)


def outcome(out: Outcome) -> dict[str, Any]:
    return {
        "replies": [plain(r) for r in out.replies],
        "effects": [plain(e) for e in out.effects],
        "answered": out.answered,
        "stale": out.stale,
        "state": plain(out.state.to_dict()),
    }


def complaint(engine: Engine, script: Script) -> list[dict[str, Any]]:
    events = script_events(engine, script).events
    state, trace = SessionState(lang=PLANS[script.plan].get("lang", "zh")), []
    for event in events:
        out = step_once(engine, state, event)
        trace.append(outcome(out))
        state = out.state
    return trace


def awkward(engine: Engine) -> list[dict[str, Any]]:
    """Each awkward input at each question of the first scripted complaint, from the state before it."""
    events = script_events(engine, SCRIPTS[0]).events
    state, trace = SessionState(lang="zh"), []
    for event in events:
        if state.status != DONE:
            trace += [outcome(step_once(engine, state, odd)) for odd in AWKWARD]
        state = step_once(engine, state, event).state
    return trace


def readings() -> list[Any]:
    """The fraud verdict, the facts read and the proposed answers for every labelled message."""
    trace = []
    for path in sorted(DATA.glob("*.tsv")):
        region = "US" if "_en" in path.name else "CN"
        with path.open(encoding="utf-8", newline="") as f:
            for row in csv.reader(f, delimiter="\t"):
                text = row[-1]
                findings = extract_from_text(text, NOW, region)
                trace.append([plain(classify(text)), plain(findings), plain(proposed_answers(findings))])
    return trace


def trace() -> dict[str, Any]:
    engine = build_engine()
    plans = [SCRIPTS[0], *SCRIPTS[1:], *(Script(name) for name in PLANS)]
    return {
        "complaints": {f"{s.plan}/{i}": complaint(engine, s) for i, s in enumerate(plans)},
        "awkward": awkward(engine),
        "readings": readings(),
    }


if __name__ == "__main__":
    json.dump(trace(), sys.stdout, ensure_ascii=False, sort_keys=True)
