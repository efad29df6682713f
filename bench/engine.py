"""Benchmark: Engine.advance calls per second over whole complaints, in process, with no I/O.

Run: `.venv/bin/python -m bench.engine [--complaints N]` (or `python bench/engine.py`).
Each complaint is the same scripted path through the shipped flows.yaml with the real channel advisor
(choices, phone numbers, dates, evidence, channel, summary, confirmation), as a person would answer it.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine.engine import Engine  # noqa: E402
from engine.events import ButtonPress, Command, Event, FileInput, TextInput  # noqa: E402
from engine.loader import load_flow  # noqa: E402
from engine.replies import Outcome, StartCase  # noqa: E402
from engine.state import DONE, SessionState  # noqa: E402
from knowledge.catalog import load_catalog  # noqa: E402
from services.channel_advice import CatalogAdvisor  # noqa: E402
from knowledge.regions import regions_from  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
FIRST_CHANNEL = "<first channel offered>"


def evidence(n: int) -> dict[str, Any]:
    return {
        "sha256": f"{n:064x}", "kind": "image", "mime": "image/png", "size": 150_000 + n, "filename": f"shot-{n}.png",
        "caption": None, "origin": None, "received_at": NOW.isoformat(),
    }


# A mainland-China robocall complaint, answered the way people do: taps, typed numbers and dates.
COMPLAINT: list[Event | str] = [
    Command("new"),
    ButtonPress("CN"),
    ButtonPress("robocall"),
    TextInput("138 0013 8000, 95555"),
    TextInput("139 1234 5678"),
    ButtonPress("china_mobile"),
    TextInput("某某贷款公司"),
    TextInput("昨天下午3点"),
    ButtonPress("several_per_day"),
    TextInput("2026-09-01"),
    ButtonPress("never"),
    ButtonPress("yes"),
    TextInput("2026-11-01 09:00"),
    ButtonPress("robot"),
    TextInput("您好，这里是XX贷款，您有一笔额度待领取"),
    ButtonPress("time"),
    ButtonPress("sleep"),
    ButtonPress("_done"),
    Command("skip"),
    FileInput(items=(evidence(1),)),
    FileInput(items=(evidence(2), evidence(3))),
    ButtonPress("_done"),
    FIRST_CHANNEL,
    TextInput("张三"),
    Command("skip"),
    Command("skip"),
    ButtonPress("_ok"),
    ButtonPress("yes"),
]


def build_engine() -> Engine:
    catalog = load_catalog(ROOT / "channels.yaml")
    return Engine(load_flow(ROOT / "flows.yaml"), CatalogAdvisor(catalog), regions=regions_from(catalog))


def resolve(item: Event | str, last: Outcome | None) -> Event:
    if item != FIRST_CHANNEL:
        assert not isinstance(item, str)
        return item
    assert last is not None
    values = [b.value for r in last.replies for b in r.buttons if not b.value.startswith("_")]
    return ButtonPress(values[0])


def run_complaint(
    engine: Engine, lang: str = "zh", timings: list[int] | None = None, errors: list[str] | None = None
) -> SessionState:
    """One whole complaint; collects advance() durations in ns and any error replies when asked."""
    state = SessionState(lang=lang)
    out: Outcome | None = None
    for item in COMPLAINT:
        event = resolve(item, out)
        start = time.perf_counter_ns()
        out = engine.advance(state, event, NOW)
        if timings is not None:
            timings.append(time.perf_counter_ns() - start)
        if errors is not None:
            errors += [f"{event}: {r.text}" for r in out.replies if r.kind == "error"]
        state = out.state
        if state.case_id is None and any(isinstance(e, StartCase) for e in out.effects):
            state.case_id = 1
    return state


def state_at(engine: Engine, step_id: str, lang: str = "zh") -> SessionState:
    """The state of the scripted complaint when it reaches `step_id` (for other benchmarks)."""
    state = SessionState(lang=lang)
    out: Outcome | None = None
    for item in COMPLAINT:
        if state.step == step_id:
            return state
        out = engine.advance(state, resolve(item, out), NOW)
        state = out.state
        if state.case_id is None and any(isinstance(e, StartCase) for e in out.effects):
            state.case_id = 1
    raise ValueError(f"the scripted complaint never reaches {step_id!r}")


def percentile(sorted_values: list[int], fraction: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--complaints", type=int, default=300, help="whole complaints to time (default 300)")
    args = parser.parse_args(argv)

    engine = build_engine()
    errors: list[str] = []
    final = run_complaint(engine, errors=errors)
    if final.status != DONE or errors:
        raise SystemExit(f"the scripted complaint went wrong (stopped at {final.step!r}): {errors}")
    for _ in range(5):
        run_complaint(engine)

    timings: list[int] = []
    started = time.perf_counter()
    for _ in range(args.complaints):
        run_complaint(engine, timings=timings)
    elapsed = time.perf_counter() - started
    ordered = sorted(timings)
    calls = len(timings)
    print(f"engine.advance over whole complaints — Python {platform.python_version()}")
    print(f"  complaints:        {args.complaints} x {len(COMPLAINT)} events = {calls} calls in {elapsed:.2f} s")
    print(f"  throughput:        {calls / elapsed:,.0f} calls/s  ({args.complaints / elapsed:,.1f} complaints/s)")
    print(f"  per call:          mean {statistics.fmean(timings) / 1000:,.0f} µs, p50 {percentile(ordered, 0.5) / 1000:,.0f} µs, "
          f"p95 {percentile(ordered, 0.95) / 1000:,.0f} µs, p99 {percentile(ordered, 0.99) / 1000:,.0f} µs, "
          f"max {ordered[-1] / 1000:,.0f} µs")
    per_event = [statistics.median(timings[i :: len(COMPLAINT)]) / 1000 for i in range(len(COMPLAINT))]
    slowest = sorted(range(len(COMPLAINT)), key=lambda i: per_event[i], reverse=True)[:5]
    print("  slowest events (median µs):")
    for i in slowest:
        print(f"    {per_event[i]:8,.0f}  #{i + 1} {str(COMPLAINT[i])[:70]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
