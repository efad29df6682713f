"""Engine behaviour step by step: every step type, branching, navigation and validation."""
from __future__ import annotations

from engine.replies import AddEvidence, CompleteCase, SaveAnswer, StartCase
from engine.state import ACTIVE, DONE, PAUSED
from tests.engine.helpers import Talk, engine_from, item, said
from tests.engine.sample_flow import SAMPLE


def started(lang: str = "en") -> Talk:
    talk = Talk(engine_from(SAMPLE), lang)
    talk.cmd("new")
    return talk


def to_numbers(talk: Talk) -> None:
    talk.tap("US")
    talk.tap("robocall")


def to_harm(talk: Talk) -> None:
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    talk.cmd("skip")
    talk.text("2026-11-20 14:30")
    talk.text("3")


def test_new_starts_a_case_and_asks_the_first_question_with_the_language_default_first() -> None:
    talk = Talk(engine_from(SAMPLE), "en")
    out = talk.cmd("new")
    assert isinstance(out.effects[0], StartCase)
    assert out.state.status == ACTIVE and out.state.step == "jurisdiction"
    assert talk.question.expects == "choice"
    assert [b.value for b in talk.question.buttons][:2] == ["US", "CN"]
    zh = Talk(engine_from(SAMPLE), "zh")
    zh.cmd("new")
    assert zh.question.buttons[0].value == "CN" and "在哪里" in zh.question.text


def test_choice_by_button_by_number_and_by_label() -> None:
    talk = started()
    talk.tap("US")
    assert talk.state.answers["jurisdiction"] == "US"
    talk.text("1")
    assert talk.state.answers["issue_type"] == "robocall"
    other = started()
    other.text("china")
    assert other.state.answers["jurisdiction"] == "CN"


def test_wrong_choice_is_asked_again_with_the_reason() -> None:
    talk = started()
    out = talk.text("banana")
    assert talk.state.step == "jurisdiction"
    assert "tap one of the options" in out.replies[0].text
    assert talk.question.buttons


def test_stale_button_from_an_earlier_question_changes_nothing() -> None:
    talk = started()
    old_seq = talk.question.seq
    talk.tap("US", seq=old_seq)
    before = talk.state.to_dict()
    out = talk.tap("CN", seq=old_seq)
    assert out.stale and "closed" in out.replies[0].text
    assert talk.state.to_dict() == before
    assert out.effects == []


def test_branch_on_an_earlier_answer_and_back_returns_to_the_step_actually_visited() -> None:
    talk = started()
    talk.tap("US")
    talk.tap("fraud")
    assert talk.state.step == "money_lost"
    talk.tap("no")
    assert talk.state.step == "numbers"
    talk.cmd("back")
    assert talk.state.step == "money_lost"
    talk.cmd("back")
    assert talk.state.step == "issue_type"
    assert "Current answer: Fraud" in talk.question.text


def test_alert_is_shown_once_before_the_next_question() -> None:
    talk = started()
    talk.tap("US")
    talk.tap("fraud")
    out = talk.tap("yes")
    kinds = [r.kind for r in out.replies]
    assert kinds.index("alert") < kinds.index("question")
    talk.cmd("back")
    out = talk.tap("yes")
    assert "alert" not in [r.kind for r in out.replies]


def test_phone_step_accepts_several_numbers_and_rejects_garbage() -> None:
    talk = started()
    to_numbers(talk)
    out = talk.text("hello there")
    assert talk.state.step == "numbers" and out.replies[0].kind == "error"
    talk.text("+1 202 555 0143, (415) 555-0100")
    numbers = talk.state.answers["numbers"]
    assert [n["number"] for n in numbers] == ["+12025550143", "+14155550100"]


def test_optional_step_can_be_skipped_and_required_step_cannot() -> None:
    talk = started()
    out = talk.cmd("skip")
    assert talk.state.step == "jurisdiction" and "can't be skipped" in out.replies[0].text
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    assert talk.state.step == "company"
    assert any(b.value == "_skip" for b in talk.question.buttons)
    talk.tap("_skip")
    assert talk.state.answers["company"] is None and talk.state.step == "when_at"


def test_text_limits_empty_long_and_binary_junk() -> None:
    talk = started()
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    assert "empty" in talk.text("   ").replies[0].text
    assert "too long" in talk.text("x" * 10_000).replies[0].text
    assert "readable text" in talk.text("\x00\x01\x02\x03\x04\x05\ufffd\ufffd").replies[0].text
    assert talk.state.step == "company"
    talk.text("ACME Ltd")
    assert talk.state.answers["company"] == "ACME Ltd"


def test_datetime_step_reads_exact_and_relative_times_and_refuses_impossible_dates() -> None:
    talk = started()
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    talk.cmd("skip")
    out = talk.text("2026-02-30 10:00")
    assert "doesn't exist" in out.replies[0].text and talk.state.step == "when_at"
    out = talk.text("2027-01-01 10:00")
    assert "future" in out.replies[0].text
    talk.text("2026-11-20 14:30")
    assert talk.state.answers["when_at"].startswith("2026-11-20T14:30")


def test_a_day_question_asks_for_the_day_and_a_month_question_keeps_just_the_month() -> None:
    talk = started()
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    talk.cmd("skip")
    out = talk.text("last month")
    assert "Please give the day" in out.replies[0].text and talk.state.step == "when_at"

    month_flow = SAMPLE.replace(
        "    region_from: jurisdiction\n    label: {zh: 时间, en: When}",
        "    region_from: jurisdiction\n    coarsest: month\n    label: {zh: 时间, en: When}",
    )
    assert month_flow != SAMPLE
    talk = Talk(engine_from(month_flow), "zh")
    talk.cmd("new")
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    talk.cmd("skip")
    out = talk.text("去年")
    assert "至少写到月份" in out.replies[0].text and talk.state.step == "when_at"
    talk.text("上个月")
    assert talk.state.answers["when_at"] == "2026-10"


def test_number_step_validates_integer_and_range() -> None:
    talk = started()
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    talk.cmd("skip")
    talk.text("yesterday 3pm")
    assert talk.state.step == "times"
    assert "whole number" in talk.text("2.5").replies[0].text
    assert "below 1" in talk.text("0").replies[0].text
    assert "number" in talk.text("lots").replies[0].text
    talk.text("12 times")
    assert talk.state.answers["times"] == 12


def test_multiple_choice_toggles_then_done_and_enforces_minimum() -> None:
    talk = started()
    to_harm(talk)
    assert talk.state.step == "harm"
    out = talk.tap("_done")
    assert "at least 1" in out.replies[0].text
    talk.tap("sleep")
    assert talk.question.buttons[1].label.startswith("✓")
    talk.tap("money")
    talk.tap("sleep")
    talk.tap("_done")
    assert talk.state.answers["harm"] == ["money"]
    talk.cmd("back")
    talk.text("1,2")
    assert talk.state.answers["harm"] == ["time", "sleep"]


def test_evidence_collects_items_until_done_and_refuses_bad_ones() -> None:
    talk = started()
    to_harm(talk)
    talk.text("1")
    assert talk.state.step == "evidence" and talk.question.expects == "evidence"
    out = talk.files(item("a" * 64), item("b" * 64))
    assert "Saved 2" in out.replies[-1].text
    assert sum(isinstance(e, AddEvidence) for e in out.effects) == 2
    assert "already have" in said(talk.files(item("a" * 64)))
    assert "can't be used" in said(talk.files(item("c" * 64, kind="unknown")))
    assert "too large" in said(talk.files(item("d" * 64, size=5 * 1024 * 1024)))
    assert "empty" in said(talk.files(item("e" * 64, size=0)))
    talk.text("Your loan is approved, reply 1 to claim")
    assert "maximum of 3" in said(talk.files(item("f" * 64)))
    talk.tap("_done")
    evidence = talk.state.answers["evidence"]
    assert [e["kind"] for e in evidence] == ["image", "image", "text"]
    assert "text" not in evidence[2]
    assert talk.state.step == "channel"


def test_file_sent_before_the_evidence_step_is_kept_as_evidence() -> None:
    talk = started()
    to_numbers(talk)
    out = talk.files(item("a" * 64))
    assert "Saved it as evidence" in said(out)
    assert talk.state.step == "numbers"
    assert len(talk.state.answers["evidence"]) == 1


def complete_to_summary(talk: Talk) -> None:
    to_harm(talk)
    talk.text("1")
    talk.tap("_done")
    talk.tap("operator")


def test_summary_lists_answers_and_edit_returns_to_the_summary() -> None:
    talk = started()
    complete_to_summary(talk)
    assert talk.state.step == "summary"
    assert "Numbers: (202) 555-0143" in talk.question.text
    assert [b.value for b in talk.question.buttons] == ["_ok", "_edit_list", "_back"]
    talk.tap("_edit_list")
    assert talk.state.step == "summary" and "_edit:times" in [b.value for b in talk.question.buttons]
    talk.tap("_edit:times")
    assert talk.state.step == "times"
    talk.text("7")
    assert talk.state.step == "summary" and talk.state.answers["times"] == 7
    assert "Times: 7" in talk.question.text


def test_editing_into_a_new_branch_asks_the_newly_needed_question_then_returns() -> None:
    talk = started()
    complete_to_summary(talk)
    talk.tap("_edit:issue_type")
    talk.tap("fraud")
    assert talk.state.step == "money_lost"
    talk.tap("no")
    assert talk.state.step == "summary"


def test_forged_edit_of_a_step_not_on_the_path_is_refused() -> None:
    talk = started()
    complete_to_summary(talk)
    out = talk.tap("_edit:money_lost")
    assert talk.state.step == "summary" and out.replies[0].kind == "error"


def test_confirm_no_goes_back_to_summary_and_yes_completes_the_case() -> None:
    talk = started()
    complete_to_summary(talk)
    talk.tap("_ok")
    assert talk.state.step == "truth"
    talk.tap("no")
    assert talk.state.step == "summary"
    talk.tap("_ok")
    out = talk.tap("yes")
    assert any(isinstance(e, CompleteCase) for e in out.effects)
    assert talk.state.status == DONE and out.replies[-1].kind == "end"


def test_cancel_pauses_and_start_offers_to_continue_at_the_same_step() -> None:
    talk = started()
    to_numbers(talk)
    talk.cmd("cancel")
    assert talk.state.status == PAUSED and talk.state.answers["issue_type"] == "robocall"
    out = talk.cmd("start")
    assert [b.value for b in out.replies[0].buttons] == ["_continue", "_new_confirm"]
    talk.tap("_continue")
    assert talk.state.status == ACTIVE and talk.state.step == "numbers"


def test_restart_keeps_answers_and_offers_keep() -> None:
    talk = started()
    to_numbers(talk)
    talk.cmd("restart")
    assert talk.state.step == "jurisdiction" and talk.state.answers["issue_type"] == "robocall"
    talk.tap("_keep")
    assert talk.state.step == "issue_type"
    talk.tap("_keep")
    assert talk.state.step == "numbers"


def test_repeated_failures_offer_help_and_skip_instead_of_a_loop() -> None:
    talk = started()
    to_numbers(talk)
    talk.text("+1 202 555 0143")
    for _ in range(2):
        talk.text("")
    out = talk.text("")
    assert "Tap Help" in out.replies[0].text and "skip this question" in out.replies[0].text
    values = [b.value for b in talk.question.buttons]
    assert "_help" in values and "_skip" in values


def test_help_explains_the_step_and_keeps_the_question() -> None:
    talk = started()
    to_numbers(talk)
    out = talk.cmd("help")
    assert "About this question" in out.replies[0].text and "/new" in out.replies[0].text
    assert talk.state.step == "numbers" and talk.question.expects == "phone"


def test_lang_switches_language_and_reasks() -> None:
    talk = started("en")
    out = talk.cmd("lang")
    assert talk.state.lang == "zh" and "在哪里" in talk.question.text
    assert out.replies[0].text == "已切换为中文。"
    talk.cmd("lang", "en")
    assert "Where are you" in talk.question.text


def test_unknown_command_lists_commands_and_keeps_the_question() -> None:
    talk = started()
    out = talk.cmd("frobnicate")
    assert "/frobnicate" in out.replies[0].text and "/new" in out.replies[0].text
    assert talk.question is not None


def test_answers_are_emitted_as_save_effects_as_they_are_given() -> None:
    talk = started()
    out = talk.tap("US")
    assert SaveAnswer("jurisdiction", "US") in out.effects


def test_new_during_a_case_asks_before_starting_another() -> None:
    talk = started()
    to_numbers(talk)
    out = talk.cmd("new")
    assert [b.value for b in out.replies[0].buttons] == ["_new_confirm", "_continue"]
    talk.tap("_new_confirm")
    assert talk.state.answers == {} and talk.state.step == "jurisdiction"


def test_a_keyboard_from_an_earlier_case_is_stale_in_the_next_case() -> None:
    talk = started()
    old_seq = talk.question.seq
    talk.cmd("new")
    out = talk.tap("CN", seq=old_seq)
    assert out.stale and talk.state.step == "jurisdiction"
