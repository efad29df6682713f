"""Fixing one fact of a proposal (engine/fact_fix.py): after [改一下] the facts read are buttons; the wrong
one is re-answered alone, the rest is kept only when the person says it is right, and a fact marked wrong
and not re-answered is never written."""
from __future__ import annotations

from pathlib import Path

from engine.engine import Engine
from engine.events import FileInput, Proposal
from engine.loader import load_flow
from engine.replies import SaveAnswer
from tests.engine.helpers import FixedAdvisor, Talk, item, said, shipped_regions

FLOW = load_flow(Path(__file__).resolve().parents[2] / "flows.yaml")
NUMBER = {"raw": "400 820 1234", "number": "+864008201234", "kind": "shared_cost", "region": "CN", "display": "400 820 1234"}
READ = Proposal(
    "从截图读到：400 820 1234，11月28日 14:32 起共 3 次来电。对吗？",
    {"jurisdiction": "CN", "caller_numbers": [NUMBER], "last_contact_at": "2026-11-28T14:32:00+08:00", "issue_type": "robocall"},
)


def talk(lang: str = "zh") -> Talk:
    return Talk(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), lang)


def listed(person: Talk) -> list[str]:
    return [b.value for b in person.question.buttons]


def at_list(lang: str = "zh") -> Talk:
    person = talk(lang)
    person.send(FileInput(items=(item(),), proposal=READ))
    person.tap("_reject")
    return person


def test_change_it_lists_each_fact_as_a_button_with_its_value_and_writes_nothing() -> None:
    person = at_list()
    assert listed(person) == ["_fix:jurisdiction", "_fix:caller_numbers", "_fix:last_contact_at", "_fix:issue_type",
                              "_fix_all", "_fix_rest"]
    labels = [b.label for b in person.question.buttons]
    assert labels[1].startswith("✏️ 号码 400 820 1234") and labels[0] == "✏️ 地区 中国大陆"
    assert labels[-2:] == ["🔄 全部重新回答", "✅ 其余都对"]
    assert all(len(label) <= 48 for label in labels)
    assert not [e for e in person.effects if isinstance(e, SaveAnswer) and e.step_id != "evidence"]


def test_one_wrong_number_costs_one_tap_and_one_answer_and_the_rest_is_kept_on_right() -> None:
    person = at_list()
    out = person.tap("_fix:caller_numbers")
    assert "哪个号码" in said(out) and person.state.step == "caller_numbers"
    assert "_back" in listed(person), "back leads to the list"
    out = person.text("139 1234 5678")
    assert "已改：来电/短信号码：139 1234 5678" in said(out)
    assert listed(person) == ["_fix:jurisdiction", "_fix:last_contact_at", "_fix:issue_type", "_fix_all", "_fix_rest"]
    assert "last_contact_at" not in person.state.answers, "the rest is not written before it is confirmed"
    person.tap("_fix_rest")
    answers = person.state.answers
    assert answers["caller_numbers"][0]["number"] == "+8613912345678"
    assert answers["jurisdiction"] == "CN" and answers["issue_type"] == "robocall"
    assert answers["last_contact_at"] == "2026-11-28T14:32:00+08:00"
    assert person.state.step == "frequency", "nothing already answered is asked again"
    assert person.state.proposal is None


def test_a_fact_marked_wrong_and_not_answered_is_not_kept_and_is_asked_later() -> None:
    person = at_list()
    person.tap("_fix:last_contact_at")
    out = person.tap("_back")
    assert "不保存、稍后再问：最近一次时间" in said(out)
    assert "_fix:last_contact_at" not in listed(person)
    person.tap("_fix_rest")
    assert "last_contact_at" not in person.state.answers
    assert person.state.answers["caller_numbers"] == [NUMBER]
    # Frequency, then the next questions: the latest time comes when the flow reaches it.
    for _ in range(12):
        if person.state.step == "last_contact_at":
            break
        person.tap("_skip") if FLOW.step(person.state.step).optional else person.text("1")
    assert person.state.step == "last_contact_at"


def test_a_typed_named_correction_at_the_proposal_fixes_that_fact_without_any_tap() -> None:
    person = talk()
    person.send(FileInput(items=(item(),), proposal=READ))
    out = person.text("号码是 139 1234 5678")
    assert "已改" in said(out) and "_fix_rest" in listed(person)
    person.text("其余都对")
    assert person.state.answers["caller_numbers"][0]["number"] == "+8613912345678"
    assert person.state.answers["issue_type"] == "robocall"


def test_a_bare_time_on_the_list_is_the_time_fact_and_a_bare_word_asks_which() -> None:
    person = at_list()
    out = person.text("昨天下午3点")
    assert "已改：最近一次时间" in said(out)
    assert person.state.answers["last_contact_at"].startswith("2026-11-26T15:00")
    out = person.text("顺丰")
    assert "要改哪一项" in said(out), "free text fits no number or time: which fact?"
    out = person.tap("_fix:issue_type")
    assert "发生了什么" in said(out), "the typed word does not name an option: the question is asked"
    person.text("诈骗")
    assert person.state.answers["issue_type"] == "fraud"


def test_a_typed_correction_waiting_for_which_is_read_by_the_fact_tapped() -> None:
    person = at_list()
    person.text("美国")
    person.tap("_fix:jurisdiction")
    assert person.state.answers["jurisdiction"] == "US"
    assert "_fix:jurisdiction" not in listed(person)


def test_forged_and_stale_fact_buttons_are_refused() -> None:
    person = at_list()
    seq = person.state.seq
    out = person.tap("_fix:harm", seq)
    assert out.replies[0].kind == "error" and "harm" not in person.state.answers
    out = person.tap("_fix:company", seq)
    assert out.replies[0].kind == "error", "a fact that was not proposed is not on the list"
    person.tap("_fix:caller_numbers", person.state.seq)
    out = person.tap("_fix:issue_type", seq)
    assert out.stale and person.state.step == "caller_numbers"


def test_fixing_the_last_fact_left_goes_on_to_the_next_question() -> None:
    person = talk()
    two = Proposal("读到：400 820 1234。对吗？", {"caller_numbers": [NUMBER], "issue_type": "robocall"})
    person.send(FileInput(items=(item(),), proposal=two))
    person.tap("_reject")
    person.tap("_fix:issue_type")
    person.text("垃圾短信")
    person.tap("_fix:caller_numbers")
    out = person.text("139 1234 5678")
    assert person.state.proposal is None and person.state.step == "jurisdiction"
    assert "你在哪里" in said(out)
    person.text("中国")
    assert person.state.step == "last_contact_at", "the numbers and the kind are known: not asked again"


def test_one_fact_proposed_change_it_asks_as_before() -> None:
    person = talk()
    person.send(FileInput(items=(item(),), proposal=Proposal("读到 400 820 1234。对吗？", {"caller_numbers": [NUMBER]})))
    out = person.tap("_reject")
    assert "你在哪里" in said(out) and person.state.proposal is None


def test_in_english() -> None:
    person = at_list("en")
    assert [b.label for b in person.question.buttons][-2:] == ["🔄 Answer all again", "✅ The rest is right"]
    assert "Which one was read wrong" in person.question.text
    out = person.text("number is +86 139 1234 5678")
    assert "Changed: Calling number(s): +86 139 1234 5678" in said(out)
    person.text("the rest is right")
    assert person.state.answers["issue_type"] == "robocall" and person.state.proposal is None


def test_the_fact_question_says_what_was_read_and_change_it_again_shows_the_list() -> None:
    person = at_list()
    out = person.text("改一下")
    assert "哪一项读错了" in said(out) and "要改哪一项" not in said(out)
    out = person.tap("_fix:caller_numbers")
    assert said(out).startswith("读到的来电/短信号码：400 820 1234。请重新回答：")


def test_a_bare_number_after_its_fact_was_marked_wrong_is_still_that_fact() -> None:
    person = at_list()
    person.tap("_fix:caller_numbers")
    person.tap("_back")
    out = person.text("139 1234 5678")
    assert "已改：来电/短信号码" in said(out)
    assert person.state.answers["caller_numbers"][0]["number"] == "+8613912345678"


def test_saying_a_fact_is_wrong_asks_its_question_and_right_still_confirms_all() -> None:
    person = talk()
    person.send(FileInput(items=(item(),), proposal=READ))
    out = person.text("号码不对")
    assert said(out).startswith("读到的来电/短信号码：400 820 1234。请重新回答：") and person.state.step == "caller_numbers"
    assert not [r for r in out.replies if r.kind == "error"]
    person = talk("en")
    person.send(FileInput(items=(item(),), proposal=READ))
    person.text("right")
    assert person.state.answers["caller_numbers"] == [NUMBER] and person.state.proposal is None
    person = talk("en")
    person.send(FileInput(items=(item(),), proposal=READ))
    person.text("numbers are right")
    assert person.state.answers["caller_numbers"] == [NUMBER] and person.state.proposal is None
