"""Evidence first (issue 13): a file or a story sent with no complaint open starts one and keeps it; what was
read from it is proposed for one tap, never filled in silently, and what is confirmed is not asked again."""
from __future__ import annotations

from pathlib import Path

from engine.engine import Engine
from engine.events import ButtonPress, FileInput, Proposal, TextInput
from engine.loader import load_flow
from engine.replies import AddEvidence, SaveAnswer, StartCase
from engine.state import ACTIVE
from tests.engine.helpers import NOW, FixedAdvisor, Talk, item, said, shipped_regions

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows.yaml")
NUMBER = {"raw": "400 820 1234", "number": "+864008201234", "kind": "shared_cost", "region": "CN", "display": "400 820 1234"}
READ = Proposal(
    "从截图读到：400 820 1234，11月28日 14:32 起共 3 次来电。对吗？",
    {"caller_numbers": [NUMBER], "last_contact_at": "2026-11-28T14:32:00+08:00", "issue_type": "robocall"},
)


def talk() -> Talk:
    return Talk(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), "zh")


def test_a_screenshot_with_no_complaint_open_starts_one_keeps_it_and_asks_the_first_question_in_one_message() -> None:
    person = talk()
    out = person.files(item())
    assert isinstance(out.effects[0], StartCase)
    assert any(isinstance(e, AddEvidence) for e in out.effects)
    assert person.state.status == ACTIVE and person.state.step == "jurisdiction"
    assert len(out.replies) == 1
    assert "收到 1 份证据" in out.replies[0].text and "你在哪里" in out.replies[0].text
    assert len(person.state.answers["evidence"]) == 1


def test_what_was_read_is_proposed_and_written_only_after_right() -> None:
    person = talk()
    out = person.send(FileInput(items=(item(),), proposal=READ))
    assert len(out.replies) == 1 and "从截图读到" in out.replies[0].text
    assert [b.value for b in out.replies[0].buttons] == ["_accept", "_reject"]
    assert "caller_numbers" not in person.state.answers
    assert not [e for e in out.effects if isinstance(e, SaveAnswer) and e.step_id == "caller_numbers"]
    person.tap("_accept")
    assert person.state.answers["caller_numbers"] == [NUMBER] and person.state.answers["issue_type"] == "robocall"
    assert person.state.step == "jurisdiction"
    person.text("中国")
    assert person.state.step == "frequency", "issue type, numbers and the latest time are known: not asked again"


def test_change_it_then_answer_all_again_asks_as_usual_and_keeps_nothing_that_was_read() -> None:
    person = talk()
    person.send(FileInput(items=(item(),), proposal=READ))
    out = person.text("改一下")
    assert [b.value for b in out.replies[-1].buttons][-2:] == ["_fix_all", "_fix_rest"], "several facts: pick the wrong one"
    out = person.text("全部重新回答")
    assert "caller_numbers" not in person.state.answers and person.state.step == "jurisdiction"
    assert "你在哪里" in said(out)
    person.text("中国")
    assert person.state.step == "issue_type"


def test_answering_the_question_instead_sets_the_proposal_aside() -> None:
    person = talk()
    person.send(FileInput(items=(item(),), proposal=READ))
    person.text("中国")
    assert person.state.answers["jurisdiction"] == "CN" and person.state.proposal is None
    assert "caller_numbers" not in person.state.answers


def test_typed_right_confirms_and_a_proposal_mid_flow_offers_only_open_answers() -> None:
    person = talk()
    person.cmd("new")
    person.text("中国")
    person.text("骚扰电话")
    out = person.send(FileInput(items=(item(),), proposal=READ))
    # The receipt says what was kept and the proposal asks: no "send more or tap Done" before it.
    assert "已保存 1 份证据" in said(out) and "完成" not in said(out) and person.state.proposal is not None
    assert set(person.state.proposal["answers"]) == {"caller_numbers", "last_contact_at"}
    person.text("对")
    assert person.state.answers["caller_numbers"] == [NUMBER] and person.state.step == "frequency"


def test_a_refused_answer_says_so_and_leaves_the_given_state_as_it_was() -> None:
    """The conversation reads a refused typed line again as a pasted message against the same state."""
    person = talk()
    person.cmd("new")
    person.tap("CN")
    before = person.state.to_dict()
    out = person.engine.advance(person.state, TextInput("不知道"), NOW)
    assert out.refused and out.state.failures == 1
    assert person.state.to_dict() == before
    assert not person.engine.advance(person.state, ButtonPress("fraud"), NOW).refused
