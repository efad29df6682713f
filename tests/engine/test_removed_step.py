"""A session saved at a step that a newer flows.yaml no longer has (issue 13 merged several) resumes
at the first open question instead of failing on every message."""
from __future__ import annotations

from pathlib import Path

from engine.engine import Engine
from engine.loader import load_flow
from engine.state import ACTIVE, PAUSED, SessionState
from tests.engine.helpers import FixedAdvisor, Talk, shipped_regions

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows.yaml")
ANSWERS = {"jurisdiction": "CN", "issue_type": "robocall"}


def saved_at(step: str, status: str = ACTIVE) -> Talk:
    talk = Talk(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), "zh")
    # "company" was a step of its own before it was merged into "what did they say".
    talk.state = SessionState(
        lang="zh", status=status, case_id=7, step=step, answers=dict(ANSWERS),
        history=["jurisdiction", "issue_type", "company"], seq=12,
    )
    return talk


def test_an_answer_to_a_removed_question_is_not_read_against_another_one() -> None:
    assert not FLOW.has("company")
    talk = saved_at("company")
    out = talk.text("某某贷款公司")
    assert "问题的顺序更新过了" in out.replies[0].text
    assert talk.state.step is not None and FLOW.has(talk.state.step) and talk.state.step not in ANSWERS
    assert talk.state.answers == ANSWERS, "kept, and the typed words were not stored anywhere"
    assert talk.state.history == ["jurisdiction", "issue_type"]
    assert talk.question is not None and talk.question.seq == talk.state.seq > 12
    # The next message answers the question now shown; /back goes to an answered step, not a removed one.
    talk.cmd("back")
    assert talk.state.step == "issue_type"


def test_a_paused_case_at_a_removed_step_resumes_and_commands_still_work() -> None:
    talk = saved_at("company", status=PAUSED)
    out = talk.tap("_continue")
    assert talk.state.status == ACTIVE and FLOW.has(talk.state.step or "")
    assert out.replies and talk.question is not None
    assert talk.engine.current_question(talk.state)[-1].text == talk.question.text


def test_the_current_question_after_a_restart_is_an_existing_one() -> None:
    talk = saved_at("company")
    replies = talk.engine.current_question(talk.state)
    assert replies and replies[-1].kind == "question" and replies[-1].expects
