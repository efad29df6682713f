"""Broken definition files are reported, never crashed on: mutated copies of the shipped YAML.

Lines are deleted, duplicated and re-indented, characters flipped and the file cut short; the flow
checker and the channel catalogue checker must either accept the result or list problems, each as
`file:line:col: message` pointing inside the file.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.settings import ROOT
from engine.loader import check_flow_text
from knowledge.catalog import check_catalog_file

FLOW_TEXT = (ROOT / "flows.yaml").read_text(encoding="utf-8")
CATALOG_TEXT = (ROOT / "channels.yaml").read_text(encoding="utf-8")

# Characters that matter to YAML, plus ordinary ones. Control characters are kept apart: see the
# known-bug test at the bottom for what they do to the catalogue checker.
YAML_CHARS = list(":-{}[]\"'#&*!|>%@`,?\\ \t\nx0Y~.") + ["中", "é", "\u00a0", "\u3000", "\x85", "\u2028", "\r"]
CONTROL_CHARS = ["\x00", "\x07", "\x1b", "\x7f", "\ufffe"]


@st.composite
def mutated(draw: st.DrawFn, text: str, alphabet: list[str]) -> str:
    """`text` after one to four random edits."""
    for _ in range(draw(st.integers(1, 4))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(["delete", "duplicate", "flip", "truncate", "indent", "swap"]))
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif kind == "indent":
            line = lines[i]
            change = draw(st.sampled_from(["more", "less", "tab"]))
            if change == "more":
                lines[i] = " " * draw(st.integers(1, 4)) + line
            elif change == "less":
                lines[i] = line[min(len(line) - len(line.lstrip(" ")), draw(st.integers(1, 4))):]
            else:
                lines[i] = "\t" + line.lstrip(" ")
        if kind in ("flip", "truncate"):
            if not text:
                break
            at = draw(st.integers(0, len(text) - 1))
            text = text[:at] if kind == "truncate" else text[:at] + draw(st.sampled_from(alphabet)) + text[at + 1 :]
        else:
            text = "\n".join(lines)
    return text


PROBLEM = re.compile(r"(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<message>\S.*)", re.DOTALL)


def assert_located(problems: list[str], name: str, text: str) -> None:
    # YAML counts NEL and the Unicode line and paragraph separators as line breaks too.
    last_line = len(re.split("\r\n|[\r\n\x85\u2028\u2029]", text))
    for problem in problems:
        match = PROBLEM.fullmatch(problem)
        assert match, f"not file:line:col: message — {problem!r}"
        assert match["file"] == name, problem
        assert 1 <= int(match["line"]) <= last_line, f"line outside the file ({last_line} lines): {problem}"
        assert int(match["col"]) >= 1, problem


MUTATIONS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@settings(MUTATIONS, max_examples=120)
@given(text=mutated(FLOW_TEXT, YAML_CHARS + CONTROL_CHARS))
def test_a_mutated_flow_is_either_valid_or_reported_line_by_line(text: str) -> None:
    flow, problems = check_flow_text(text, "flows.yaml")
    if flow is None:
        assert problems, "refused without saying why"
    else:
        assert problems == []
        assert flow.steps
    assert_located([str(p) for p in problems], "flows.yaml", text)


@settings(MUTATIONS, max_examples=40)
@given(text=mutated(CATALOG_TEXT, YAML_CHARS))
def test_a_mutated_catalogue_is_either_valid_or_reported_line_by_line(tmp_path: Path, text: str) -> None:
    path = tmp_path / "channels.yaml"
    path.write_text(text, encoding="utf-8")
    problems = check_catalog_file(path)
    assert isinstance(problems, list)
    assert_located(problems, str(path), text)


def test_the_mutations_do_find_problems() -> None:
    """The property tests above are only worth something if the edits really break the files."""
    broken_flow = FLOW_TEXT.replace("  - id: issue_type\n", "  - id: issue_type\n  id: again\n", 1)
    flow, problems = check_flow_text(broken_flow, "flows.yaml")
    assert flow is None and problems
    assert_located([str(p) for p in problems], "flows.yaml", broken_flow)


def test_shipped_files_are_valid(tmp_path: Path) -> None:
    flow, problems = check_flow_text(FLOW_TEXT, "flows.yaml")
    assert flow is not None and problems == []
    assert check_catalog_file(ROOT / "channels.yaml") == []


@pytest.mark.parametrize("char", CONTROL_CHARS)
def test_a_control_character_in_the_catalogue_is_reported_not_raised(tmp_path: Path, char: str) -> None:
    path = tmp_path / "channels.yaml"
    at = CATALOG_TEXT.index("\n", len(CATALOG_TEXT) // 2)
    path.write_text(CATALOG_TEXT[:at] + char + CATALOG_TEXT[at:], encoding="utf-8")
    problems = check_catalog_file(path)
    assert problems
    assert_located(problems, str(path), path.read_text(encoding="utf-8"))


def test_a_control_character_in_the_flow_is_reported_at_its_line_on_one_line() -> None:
    lines = FLOW_TEXT.split("\n")
    lines[100] = lines[100] + "\x07"
    (problem,) = check_flow_text("\n".join(lines), "flows.yaml")[1]
    assert (problem.line, "\n" in problem.message) == (101, False), str(problem)
