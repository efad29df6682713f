"""A new step type is one module: importing tests/engine/stars_step.py, and nothing else, lets a flow
use `type: stars`, checked by the flow checker and asked, read and summarised by Engine.advance."""
from __future__ import annotations

import importlib
import sys
from typing import Iterator

import pytest

from engine.diagram import mermaid
from engine.loader import check_flow_text
from engine.model import STEP_MODELS, Flow
from engine.steps import KINDS
from tests.engine.helpers import Talk, engine_from, said

FLOW = """
flow: {id: rating, version: 1}
steps:
  - id: service
    type: stars
    prompt: {zh: 这次服务怎么样？, en: "How was the service?"}
    label: {zh: 评分, en: Rating}
    help: {zh: 点星星, en: Tap the stars}
  - id: why
    type: text
    optional: true
    prompt: {zh: 为什么？, en: "Why?"}
    label: {zh: 原因, en: Reason}
  - id: review
    type: summary
    prompt: {zh: 请核对, en: Please check}
  - id: bye
    type: end
    prompt: {zh: 谢谢, en: Thanks}
"""


@pytest.fixture
def stars() -> Iterator[None]:
    """Import the module (registering the type) and leave the tables as they were afterwards."""
    kinds, models = dict(KINDS), dict(STEP_MODELS)
    sys.modules.pop("tests.engine.stars_step", None)
    importlib.import_module("tests.engine.stars_step")
    yield
    sys.modules.pop("tests.engine.stars_step", None)
    KINDS.clear()
    KINDS.update(kinds)
    STEP_MODELS.clear()
    STEP_MODELS.update(models)
    Flow.model_rebuild(force=True)


def test_an_unknown_type_is_refused_until_its_module_is_imported() -> None:
    flow, problems = check_flow_text(FLOW, "rating.yaml")
    assert flow is None
    assert any("unknown type 'stars'" in str(p) and str(p).startswith("rating.yaml:5:") for p in problems)


def test_a_registered_type_is_asked_read_and_summarised_by_the_engine(stars: None) -> None:
    talk = Talk(engine_from(FLOW))
    talk.cmd("new")
    assert talk.state.step == "service"
    assert talk.question.text == "How was the service?"
    assert [b.value for b in talk.question.buttons] == ["1", "2", "3", "4", "5"]
    assert talk.question.expects == "choice"

    out = talk.text("9")
    assert talk.state.step == "service" and "5" in said(out)  # out of range: asked again with the reason

    talk.text("★★★★")
    assert talk.state.answers["service"] == 4
    assert talk.last is not None and talk.last.answered == "★★★★☆"
    talk.cmd("back")
    assert talk.state.step == "service"
    assert "★★★★☆" in talk.question.text  # the current answer, with a button to keep it
    talk.tap("3")
    assert talk.state.answers["service"] == 3
    talk.tap("_skip")
    assert talk.state.step == "review"
    assert "Rating: ★★★☆☆" in talk.question.text
    talk.tap("_ok")
    assert talk.state.status == "done"
    assert 'service["service<br/><i>stars</i>"]' in mermaid(talk.engine.flow)  # bot.py diagram draws it too


def test_its_help_and_its_own_definition_checks_come_from_the_same_module(stars: None) -> None:
    talk = Talk(engine_from(FLOW.replace("    help: {zh: 点星星, en: Tap the stars}\n", "")))
    talk.cmd("new")
    assert "type a number from 1 to 5" in said(talk.cmd("help"))

    flow, problems = check_flow_text(FLOW.replace("type: stars\n", "type: stars\n    lowest: 5\n"), "rating.yaml")
    assert flow is None
    assert [str(p) for p in problems] == ["rating.yaml:6:13: lowest 5 must be below highest 5"]


def test_every_step_type_flows_may_use_has_its_behaviour() -> None:
    """A model registered without a kind would pass the checker and then fail at its first question."""
    assert list(KINDS) == list(STEP_MODELS)
    assert all(KINDS[name].model is model for name, model in STEP_MODELS.items())
