"""Benchmark: inputs a person sends per complaint, per path, with and without a screenshot (issue 13).

Run: `.venv/bin/python -m bench.inputs` (or `python bench/inputs.py`).
The complaints are the scripted plans of tests/robustness/walk.py (CN robocall, US fraud, UK spam SMS,
US robocall, CN data leak), answered through the pure engine with the shipped flows.yaml and the first
recommended channel. Two ways of answering are counted:
- strict: every optional question answered, and every merged question answered in one message with all
  it takes ("有，10月15日回复过TD", "138 0013 8000，昨天下午3点", "1, 3 半夜打来"): the most a person is
  asked, and the column the targets apply to;
- tapping: a person who only taps the buttons shown: each optional question skipped with one tap (or
  several in a row with the "skip these" button when it is shown), a one-tap multiple choice with one tap,
  the button that carries a follow-up when it says what they would answer, and the follow-ups a merged
  answer would have carried (the latest time, a registry date, a sum) asked on their own. "With a screenshot" starts by sending one rendered
screenshot (bench/screenshots.py) read by the real OCR and extraction (services/reading), or for fraud
the pasted message, confirms what was read with one tap, and answers the rest the same way. An input is
one message or tap; the figures also give the most bot messages sent for one input.
"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.engine import build_engine  # noqa: E402
from bench.screenshots import NOW as SCREEN_NOW  # noqa: E402
from bench.screenshots import render_call_log, render_sms  # noqa: E402
from engine.engine import Engine  # noqa: E402
from engine.events import ButtonPress, Command, Event, FileInput, TextInput  # noqa: E402
from engine.model import EvidenceStep  # noqa: E402
from engine.replies import StartCase  # noqa: E402
from engine.state import DONE, SessionState  # noqa: E402
from services.evidence_reading import read_images, read_typed  # noqa: E402
from services.reading import ImageReader  # noqa: E402
from tests.robustness.walk import PLANS, answer, fake_item, last_question  # noqa: E402

NOW = SCREEN_NOW.astimezone(timezone.utc)
FRAUD_SMS = "【顺丰速运】您的快递丢失，我司将为您办理理赔退款，请添加客服QQ并下载会议App，按提示操作领取 http://t.cn/aB3x"
TARGETS = {"with": 12, "without": 18}


# The paths measured (walk.py has more plans, to visit every step in tests).
BENCH_PATHS = ("cn_robocall", "us_fraud", "uk_sms", "us_robocall", "cn_data_leak")


@dataclass
class Count:
    path: str
    screenshot: bool
    inputs: int
    tapping: int
    most_replies: int
    finished: bool


def bench_plan(name: str, tapping: bool) -> dict[str, Any]:
    """The walk plan with the first recommended channel, answered strictly or by tapping only. A person
    who asked them to stop says they went on after it (the walk's default answer to that question, which
    strict typing gives with the date); tapping, they take the button that says both."""
    plan = {k: v for k, v in PLANS[name].items() if k not in ("channel", "no_fills")}
    return {**plan, "no_fills": True, "skip_optional": True, "contact_after_opt_out": "yes"} if tapping else plan


class Run:
    """One complaint through the engine, counting the person's inputs and the bot's messages."""

    def __init__(self, engine: Engine, lang: str) -> None:
        self.engine = engine
        self.state = SessionState(lang=lang)
        self.inputs = 0
        self.most = 0
        self.replies: list[Any] = []

    def send(self, event: Event) -> None:
        out = self.engine.advance(self.state, event, NOW)
        self.state = out.state
        if any(isinstance(e, StartCase) for e in out.effects):
            self.state.case_id = 1
        self.inputs += 1
        self.most = max(self.most, len(out.replies))
        self.replies = out.replies

    def finish(self, plan: dict[str, Any]) -> bool:
        """Answer until the draft; with a screenshot already sent the evidence question, if asked, is "Done"."""
        for _ in range(100):
            if self.state.status == DONE:
                return True
            assert self.state.step is not None, self.state
            step = self.engine.flow.step(self.state.step)
            if isinstance(step, EvidenceStep):
                # Already sent (the screenshot), or none to send: "Done" either way.
                events: list[Event] = [ButtonPress("_done")]
            else:
                events = answer(step, last_question(self.replies), plan, fake_item)
            for event in events:
                self.send(event)
        return False


async def first_input(name: str, state: SessionState, engine: Engine, reader: ImageReader, folder: Path) -> Event:
    """What a person with evidence sends first: a screenshot (read by OCR), or the pasted fraud message."""
    if name == "us_fraud":
        return read_typed(TextInput(FRAUD_SMS), state, engine.evidence_step, engine.regions, NOW)
    screen = render_sms("thread", 2) if name == "uk_sms" else render_call_log("android_list", 0)
    shot = folder / f"{name}.png"
    shot.write_bytes(screen.encoded())
    item = replace(fake_item(99), source=str(shot))
    event = FileInput(items=(item,))
    return await read_images(event, state, engine.regions, reader, name, NOW)


async def run_one(engine: Engine, reader: ImageReader, folder: Path, name: str, screenshot: bool, tapping: bool) -> Run:
    plan = bench_plan(name, tapping)
    run = Run(engine, plan.get("lang", "zh"))
    if screenshot:
        run.send(await first_input(name, run.state, engine, reader, folder))
        if run.state.proposal is not None:
            run.send(ButtonPress("_accept"))
    else:
        run.send(Command("new"))
    run.finish(plan)
    return run


async def measure() -> list[Count]:
    engine = build_engine()
    reader = ImageReader()
    counts = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for name in BENCH_PATHS:
                for screenshot in (False, True):
                    strict = await run_one(engine, reader, Path(folder), name, screenshot, tapping=False)
                    tapping = await run_one(engine, reader, Path(folder), name, screenshot, tapping=True)
                    counts.append(
                        Count(
                            name,
                            screenshot,
                            strict.inputs,
                            tapping.inputs,
                            max(strict.most, tapping.most),
                            strict.state.status == DONE and tapping.state.status == DONE,
                        )
                    )
    finally:
        reader.close()
    return counts


def report(counts: list[Count]) -> str:
    lines = [
        "| path | first input | inputs to the draft, strict | target | tapping only | most bot messages per input |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for c in counts:
        first = ("pasted message" if c.path == "us_fraud" else "one screenshot") if c.screenshot else "/new"
        target = TARGETS["with" if c.screenshot else "without"]
        done = "" if c.finished else " (did not finish)"
        lines.append(f"| {c.path} | {first} | {c.inputs}{done} | ≤ {target} | {c.tapping} | {c.most_replies} |")
    return "\n".join(lines)


def main() -> int:
    started = datetime.now(timezone.utc)
    counts = asyncio.run(measure())
    print(f"Inputs per complaint (bench/inputs.py, {started:%Y-%m-%d}):")
    print(report(counts))
    return 0 if all(c.finished for c in counts) else 1


if __name__ == "__main__":
    sys.exit(main())
