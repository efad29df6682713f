"""Typed answers at choice questions of the shipped flows.yaml: synonyms, short forms, near spellings,
negations and button numbers (issue 13)."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.engine import Engine
from engine.loader import load_flow
from tests.engine.helpers import FixedAdvisor, Talk, shipped_regions

ROOT = Path(__file__).resolve().parents[2]
FLOW = load_flow(ROOT / "flows.yaml")


def at(step_id: str, lang: str = "zh", **answers: object) -> Talk:
    """A conversation standing at `step_id` with `answers` already given."""
    talk = Talk(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), lang)
    talk.cmd("new")
    talk.state.answers.update({"jurisdiction": "CN", "issue_type": "robocall", **answers})
    talk.state.step = step_id
    return talk


@pytest.mark.parametrize(
    ("step", "typed", "value"),
    [
        ("jurisdiction", "中国", "CN"),
        ("jurisdiction", "大陆", "CN"),
        ("jurisdiction", "ＣＨＩＮＡ。", "CN"),
        ("jurisdiction", "usa", "US"),
        ("jurisdiction", "Britain", "UK"),
        ("own_operator", "移动", "china_mobile"),
        ("own_operator", "移动公司", "china_mobile"),
        ("own_operator", "我是移动的", "china_mobile"),
        ("own_operator", "中国移懂", "china_mobile"),
        ("own_operator", "chna mobile", "china_mobile"),
        ("own_operator", "不知道", "unknown"),
        ("frequency", "几乎天天", "daily"),
        ("frequency", "每天都打", "daily"),
        ("frequency", "一天好几次", "several_per_day"),
        ("frequency", "每周一次", "weekly"),
        ("frequency", "Every day!", "daily"),
        ("relationship", "没有", "never"),
        ("relationship", "从来没有", "never"),
        ("relationship", "我不是他们的客户", "never"),
        ("relationship", "I'm not a customer", "never"),
        ("relationship", "I am a customer", "customer"),
        ("opted_out", "回复过TD", "yes"),
        ("opted_out", "没退订", "no"),
        ("voice_kind", "先机器人后真人", "both"),
        ("voice_kind", "没接", "unknown"),
        ("issue_type", "诈骗电话", "fraud"),
        ("issue_type", "推销电话", "robocall"),
    ],
)
def test_a_typed_synonym_answers_the_choice(step: str, typed: str, value: str) -> None:
    talk = at(step)
    talk.text(typed)
    assert talk.state.answers.get(step) == value, talk.last and [r.text for r in talk.last.replies]
    assert talk.state.step != step


@pytest.mark.parametrize(("step", "typed"), [("frequency", "不是每天"), ("relationship", "banana"), ("own_operator", "联动")])
def test_an_unclear_or_negated_answer_is_asked_again_not_guessed(step: str, typed: str) -> None:
    talk = at(step)
    out = talk.text(typed)
    assert step not in talk.state.answers and talk.state.step == step
    assert "请点选" in out.replies[0].text


def test_the_number_of_a_visible_button_works_at_a_choice_and_a_phone_question() -> None:
    talk = at("voice_kind")
    talk.text("２")  # full-width, as Chinese keyboards type it
    assert talk.state.answers["voice_kind"] == "live"
    assert talk.state.step == "content"
    buttons = [b.value for b in talk.question.buttons]
    talk.text(str(buttons.index("_skip") + 1))
    assert talk.state.answers["content"] is None and talk.state.step == "harm"
    talk.cmd("back")
    back = [b.value for b in talk.question.buttons].index("_back") + 1
    talk.text(str(back))
    assert talk.state.step == "voice_kind"


def test_a_number_is_the_answer_where_the_question_asks_for_one() -> None:
    talk = at("amount_lost", issue_type="fraud", money_lost="yes")
    talk.text("1")
    assert talk.state.answers["amount_lost"] == 1


def test_typed_words_for_multiple_choice_and_for_yes_or_no() -> None:
    talk = at("harm")
    talk.text("浪费时间和影响睡眠")
    assert talk.state.answers["harm"] == ["time", "sleep"]
    english = at("harm", lang="en")
    english.text("wasted time, stress")
    assert english.state.answers["harm"] == ["time", "stress"]
    confirm = at("summary")
    confirm.text("属实")
    assert confirm.state.answers["truth_confirmed"] == "yes" and confirm.state.status == "done"


# Merged questions answered in one message each: the time, the company and the details go with the answer.
TYPED = {
    "jurisdiction": "中国", "issue_type": "推销电话", "caller_numbers": "138 0013 8000, 95555，2026-11-20 14:30",
    "frequency": "一天好几次，从上个月开始", "relationship": "没有", "opted_out": "有，2026-11-01回复过TD",
    "voice_kind": "机器人",
    "content": "某某贷款公司：您好，这里是XX贷款，您有一笔额度待领取，回复1了解详情，这句话很长很长很长",
    "harm": "浪费时间和影响睡眠，半夜打来，影响第二天上班", "evidence": "完成", "channel": "1",
}


def full_cn_robocall(lang: str = "zh") -> Talk:
    """Every question of the CN robocall path answered by typing, as a person would (skip what has no
    typed answer here)."""
    talk = Talk(Engine(FLOW, FixedAdvisor(), regions=shipped_regions()), lang)
    talk.cmd("new")
    for _ in range(60):
        if talk.state.step == "summary":
            break
        typed = TYPED.get(talk.state.step or "")
        if typed is None:
            talk.cmd("skip")
        else:
            talk.text(typed)
    return talk


def test_the_summary_is_at_most_12_lines_with_one_edit_button_that_lists_the_answers_and_comes_back() -> None:
    talk = full_cn_robocall()
    assert talk.state.step == "summary", talk.state.step
    summary = talk.question
    assert len(summary.text.splitlines()) <= 12, summary.text
    assert "138 0013 8000" in summary.text and "录音或机器人" in summary.text
    # What a merged answer added is shown with it (the time it started, the harm in the person's words).
    assert "2026年10月" in summary.text and "半夜打来" in summary.text
    answers = talk.state.answers
    assert answers["since"] == "2026-10" and answers["opted_out_at"] == "2026-11-01"
    assert answers["harm"] == ["time", "sleep"] and answers["harm_detail"] == "半夜打来，影响第二天上班"
    assert answers["company"] == "某某贷款公司" and answers["last_contact_at"].startswith("2026-11-20T14:30")
    assert "contact_after_opt_out" not in answers, "they asked to stop before the latest call: not asked"
    assert [b.value for b in summary.buttons] == ["_ok", "_edit_list", "_back"]
    talk.text("修改")
    listing = talk.question
    assert talk.state.step == "summary" and "_edit:voice_kind" in [b.value for b in listing.buttons]
    talk.text(str([b.value for b in listing.buttons].index("_edit:voice_kind") + 1))
    assert talk.state.step == "voice_kind"
    talk.text("真人")
    assert talk.state.step == "summary" and "真人" in talk.question.text
    assert [b.value for b in talk.question.buttons][:2] == ["_ok", "_edit_list"]
    talk.text("修改")
    talk.tap("_summary")
    assert [b.value for b in talk.question.buttons][:2] == ["_ok", "_edit_list"]


def test_the_called_number_is_offered_as_the_contact_phone_and_same_takes_it() -> None:
    talk = at("channel", channel="cn_operator", called_number=[{"raw": "139 1234 5678", "number": "+8613912345678",
                                                                "kind": "mobile", "region": "CN", "display": "139 1234 5678"}])
    talk.state.step = "contact"
    shown = talk.engine.current_question(talk.state)[-1]
    assert ("同上：139 1234 5678", "_same") in [(b.label, b.value) for b in shown.buttons]
    talk.text("同上")
    assert talk.state.answers["contact_phone"] == "139 1234 5678"
    assert "contact_name" not in talk.state.answers and "contact_email" not in talk.state.answers
    nothing = at("channel", channel="cn_12321")
    nothing.state.step = "contact"
    assert "_same" not in [b.value for b in nothing.engine.current_question(nothing.state)[-1].buttons]


@pytest.mark.parametrize(
    ("step", "typed", "value"),
    [("fraud_actions", "110", ["police"]), ("fraud_actions", "报警和联系银行", ["bank", "police"]),
     ("fraud_contact", "加微信", "chat"), ("contact_after_opt_out", "还在打", "yes")],
)
def test_the_fraud_and_opt_out_questions_understand_typed_words(step: str, typed: str, value: object) -> None:
    talk = at(step, issue_type="fraud")
    talk.text(typed)
    assert talk.state.answers.get(step) == value, talk.last and [r.text for r in talk.last.replies]
