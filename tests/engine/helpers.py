"""Small helpers for engine tests: build a flow from YAML text and feed it events."""
from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache
from typing import Any

from engine.engine import ChannelOption, Engine
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.loader import check_flow_text
from engine.replies import Outcome
from engine.regions import Regions
from engine.state import SessionState
from app.settings import ROOT
from knowledge.catalog import load_catalog
from knowledge.regions import regions_from

NOW = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


class FixedAdvisor:
    """A tiny channel advisor with fixed options, standing in for the knowledge layer."""

    def options(self, answers: dict[str, Any], lang: str) -> list[ChannelOption]:
        first = "police" if answers.get("issue_type") == "fraud" else "operator"
        rest = [v for v in ("operator", "police", "regulator") if v != first]
        return [ChannelOption(v, v.title(), f"why {v}") for v in [first, *rest]]

    def label(self, value: str, lang: str) -> str:
        return value.title()


@lru_cache(maxsize=1)
def shipped_regions() -> Regions:
    """The countries of the shipped channels.yaml (CN, US, UK), as the application hands them to the engine."""
    return regions_from(load_catalog(ROOT / "channels.yaml"))


def engine_from(text: str, advisor: Any = None) -> Engine:
    flow, problems = check_flow_text(text, "test.yaml")
    assert not problems, [str(p) for p in problems]
    assert flow is not None
    return Engine(flow, advisor or FixedAdvisor(), regions=shipped_regions())


class Talk:
    """Drives one conversation and remembers the last outcome."""

    def __init__(self, engine: Engine, lang: str = "en") -> None:
        self.engine = engine
        self.state = SessionState(lang=lang)
        self.last: Outcome | None = None
        self.effects: list[Any] = []

    def send(self, event: Event) -> Outcome:
        self.last = self.engine.advance(self.state, event, NOW)
        self.state = self.last.state
        if self.state.case_id is None and any(type(e).__name__ == "StartCase" for e in self.last.effects):
            self.state.case_id = 1
        self.effects += self.last.effects
        return self.last

    def text(self, value: str) -> Outcome:
        return self.send(TextInput(value))

    def tap(self, value: str, seq: int | None = None) -> Outcome:
        return self.send(ButtonPress(value, seq))

    def cmd(self, name: str, arg: str = "") -> Outcome:
        return self.send(Command(name, arg))

    def files(self, *items: dict[str, Any]) -> Outcome:
        return self.send(FileInput(items=tuple(items)))

    @property
    def question(self) -> Any:
        assert self.last is not None
        questions = [r for r in self.last.replies if r.kind == "question"]
        return questions[-1] if questions else None



def item(sha: str = "a" * 64, kind: str = "image", size: int = 1000, **extra: Any) -> dict[str, Any]:
    return {"sha256": sha, "kind": kind, "mime": "image/png", "size": size, "filename": "x.png",
            "caption": None, "origin": None, "received_at": NOW.isoformat(), **extra}


def said(out: Outcome) -> str:
    """Everything the engine said in one outcome."""
    return "\n".join(r.text for r in out.replies)
