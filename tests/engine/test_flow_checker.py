"""The flow checker: each kind of broken flows.yaml is reported with its file, line and column."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.loader import check_flow_file, check_flow_text

ROOT = Path(__file__).resolve().parents[2]

BASE = """flow: {id: t}
steps:
  - id: first
    type: text
    label: {zh: 一, en: One}
    prompt: {zh: 问题一, en: Question one}
  - id: done
    type: end
    prompt: {zh: 完, en: Done}
"""


def problems(text: str) -> list[str]:
    flow, found = check_flow_text(text, "f.yaml")
    return [str(p) for p in found]


def test_the_base_flow_is_valid() -> None:
    assert problems(BASE) == []


def test_shipped_flows_yaml_is_valid() -> None:
    flow, found = check_flow_file(ROOT / "flows.yaml")
    assert found == [] and flow is not None


def test_yaml_syntax_error_has_its_line() -> None:
    broken = BASE.replace("    type: text\n", "    type: [text\n")
    found = problems(broken)
    assert len(found) == 1 and found[0].startswith("f.yaml:5:") and "YAML syntax error" in found[0]


def test_unknown_next_target_is_reported_at_the_next_line() -> None:
    broken = BASE.replace("    prompt: {zh: 问题一, en: Question one}\n", "    prompt: {zh: 问题一, en: Question one}\n    next: nowhere\n")
    assert "f.yaml:7:11: step 'first' goes to unknown step 'nowhere'" in problems(broken)


def test_unreachable_step_is_reported() -> None:
    broken = BASE.replace(
        "  - id: done\n",
        "    next: done\n  - id: orphan\n    type: text\n    label: {zh: 孤, en: Orphan}\n    prompt: {zh: 孤, en: Orphan}\n  - id: done\n",
    )
    assert "f.yaml:8:9: step 'orphan' can never be reached" in problems(broken)


def test_duplicate_step_ids_are_reported_at_the_second() -> None:
    broken = BASE.replace("  - id: done\n", "  - id: first\n    type: text\n    label: {zh: 一, en: One}\n    prompt: {zh: 一, en: One}\n  - id: done\n")
    assert "f.yaml:7:9: duplicate step id 'first'" in problems(broken)


def test_missing_translation_is_reported_at_the_text() -> None:
    broken = BASE.replace("{zh: 问题一, en: Question one}", "{en: Question one}")
    assert problems(broken) == ["f.yaml:6:13: missing translation 'zh'"]


def test_unknown_step_type_is_reported() -> None:
    broken = BASE.replace("type: text", "type: essay")
    found = problems(broken)
    assert len(found) == 1 and found[0].startswith("f.yaml:4:11: unknown type 'essay'")


def test_unknown_validator_is_reported() -> None:
    broken = BASE.replace("    type: text\n", "    type: text\n    validator: shoe_size\n")
    assert problems(broken) == ["f.yaml:5:16: unknown validator 'shoe_size' (known: email, person_name, reference)"]


def test_min_greater_than_max_is_reported() -> None:
    broken = BASE.replace("    type: text\n", "    type: text\n    min_length: 50\n    max_length: 10\n")
    assert problems(broken) == ["f.yaml:5:17: min_length 50 is greater than max_length 10"]


def test_condition_on_an_unknown_step_is_reported() -> None:
    broken = BASE.replace("    type: text\n", "    type: text\n    when: {answer: ghost, equals: x}\n")
    assert any(p.startswith("f.yaml:5:11:") and "unknown step 'ghost'" in p for p in problems(broken))


def test_unknown_field_and_duplicate_key_are_reported() -> None:
    broken = BASE.replace("    type: text\n", "    type: text\n    colour: red\n    type: text\n")
    found = problems(broken)
    assert "f.yaml:6:5: duplicate key 'type'" in found
    assert "f.yaml:5:5: unknown field 'colour'" in found


def test_several_problems_are_reported_together() -> None:
    broken = BASE.replace("{zh: 问题一, en: Question one}", "{en: Question one}").replace("type: end", "type: finale")
    assert len(problems(broken)) >= 2


def test_a_flow_without_an_end_is_refused() -> None:
    broken = BASE.replace("    type: end\n", "    type: text\n    label: {zh: 完, en: Done}\n")
    assert any("must be of type 'end'" in p for p in problems(broken))


@pytest.mark.parametrize("valid", [True, False])
def test_bot_check_command_exit_status_and_output(tmp_path: Path, valid: bool) -> None:
    path = tmp_path / "flows.yaml"
    path.write_text(BASE if valid else BASE.replace("next", "x").replace("type: text", "type: essay"), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "bot.py", "check", "--flows", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if valid:
        assert result.returncode == 0 and "OK" in result.stdout and "2 steps" in result.stdout
    else:
        assert result.returncode == 1 and f"{path}:4:11:" in result.stderr


def test_the_bot_refuses_to_start_with_a_broken_flow_and_says_where(tmp_path: Path) -> None:
    path = tmp_path / "flows.yaml"
    path.write_text(BASE.replace("type: end", "type: finale"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "FLOWS_PATH": str(path), "DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "bot.py", "console", "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env, input=""
    )
    assert result.returncode == 1
    assert f"{path}:8:11: unknown type 'finale'" in result.stderr
    assert "Traceback" not in result.stderr


CHOICE = """flow: {id: t}
steps:
  - id: operator
    type: choice
    label: {zh: 运营商, en: Operator}
    prompt: {zh: 哪家, en: Which one}
    options:
      - {value: mobile, label: {zh: 中国移动, en: China Mobile}, synonyms: {zh: [移动], en: [mobile]}}
      - {value: unicom, label: {zh: 中国联通, en: China Unicom}, synonyms: {zh: [联通], en: [unicom]}}
  - id: done
    type: end
    prompt: {zh: 完, en: Done}
"""


def test_synonyms_are_valid_when_each_names_one_option() -> None:
    assert problems(CHOICE) == []


def test_a_synonym_shared_by_two_options_is_reported_where_it_is_written() -> None:
    broken = CHOICE.replace("zh: [联通]", "zh: [联通, ＭＯＢＩＬＥ]")
    found = problems(broken)
    assert len(found) == 1, found
    assert found[0].startswith("f.yaml:9:") and "synonym 'ＭＯＢＩＬＥ' of option 'unicom' also names option 'mobile'" in found[0]


def test_a_synonym_equal_to_another_options_label_or_a_bare_number_is_reported() -> None:
    found = problems(CHOICE.replace("zh: [联通]", "zh: [联通, 中国移动, ２]"))
    assert any("synonym '中国移动' of option 'unicom' also names option 'mobile'" in p for p in found), found
    assert any("synonym '２' is a number" in p for p in found), found


def test_suggest_from_must_name_an_earlier_step() -> None:
    found = problems(BASE.replace("    type: text\n", "    type: text\n    suggest_from: done\n"))
    assert any("suggest_from 'done' is asked after step 'first'" in p for p in found), found
    found = problems(BASE.replace("    type: text\n", "    type: text\n    suggest_from: nowhere\n"))
    assert any("suggest_from must name another step, not 'nowhere'" in p for p in found), found


COMBO_FLOW = """flow: {id: t}
steps:
  - id: stop
    type: choice
    label: {zh: 停, en: Stop}
    prompt: {zh: 要求停止？, en: Asked them to stop}
    combos:
      - {value: "yes", also: {after: "yes"}, label: {zh: 有，还在打, en: "Yes, they kept on"}}
    options:
      - {value: "yes", label: {zh: 有, en: "Yes"}}
      - {value: "no", label: {zh: 没有, en: "No"}}
  - id: after
    type: choice
    label: {zh: 之后, en: After}
    prompt: {zh: 之后还打？, en: Again after that}
    options:
      - {value: "yes", label: {zh: 有, en: "Yes"}}
      - {value: "no", label: {zh: 没有, en: "No"}}
  - id: harm
    type: choices
    one_tap: true
    label: {zh: 影响, en: Harm}
    prompt: {zh: 影响？, en: The harm}
    options:
      - {value: time, label: {zh: 时间, en: Time}}
  - id: done
    type: end
    prompt: {zh: 完, en: Done}
"""


def test_a_combined_answer_and_a_one_tap_multiple_choice_are_valid() -> None:
    assert problems(COMBO_FLOW) == []


def test_a_combined_answer_must_set_a_later_choice_to_one_of_its_options_and_be_one_itself() -> None:
    assert "f.yaml:8:38: 'maybe' is not an option of step 'after'" in problems(COMBO_FLOW.replace('also: {after: "yes"}', 'also: {after: "maybe"}'))
    assert any(
        "a combo must set a choice step asked after 'stop', not 'nowhere'" in p
        for p in problems(COMBO_FLOW.replace('also: {after: "yes"}', 'also: {nowhere: "yes"}'))
    )
    assert any(
        "a combo can only set a choice step, not the 'choices' step 'harm'" in p
        for p in problems(COMBO_FLOW.replace('also: {after: "yes"}', 'also: {harm: "time"}'))
    )
    assert any("combo value 'maybe' is not one of the options" in p for p in problems(COMBO_FLOW.replace('{value: "yes", also', '{value: "maybe", also')))
    assert any(
        "a combo's label must differ from every option's label" in p
        for p in problems(COMBO_FLOW.replace('label: {zh: 有，还在打, en: "Yes, they kept on"}', 'label: {zh: 有, en: "Yes!"}'))
    )
    assert any("one_tap" in p for p in problems(COMBO_FLOW.replace("    one_tap: true\n", "    one_tap: maybe\n")))
