"""One reader for both definition files: odd tags, deep nesting, alias bombs and huge files are reported
as `file:line:col: message` by `bot.py check` and at start-up, never as a traceback or an exhausted memory."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from engine.loader import check_flow_text
from engine.yamlmarks import Limits, load_marked, read_source
from knowledge.catalog import check_catalog_file

from .test_flow_checker import BASE, ROOT

# Nine levels of ten aliases each: a billion values once expanded (the "billion laughs").
BILLION_LAUGHS = 'a0: &a0 "lol"\n' + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10)
)


def check(kind: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "bot.py", "check", f"--{kind}", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def test_an_unknown_tag_in_a_flow_is_reported_at_its_line_by_bot_check(tmp_path: Path) -> None:
    path = tmp_path / "flows.yaml"
    path.write_text(BASE.replace("type: text", "type: !hoice"), encoding="utf-8")
    result = check("flows", path)
    assert result.returncode == 1
    assert f"{path}:4:11: unknown tag '!hoice'" in result.stderr
    assert "Traceback" not in result.stderr and "ConstructorError" not in result.stderr


def test_a_python_tag_and_an_impossible_date_are_problems_not_exceptions() -> None:
    flow, found = check_flow_text(BASE.replace("flow: {id: t}", "flow: {id: !!python/name:os.system x, when: 2026-13-45}"), "f.yaml")
    assert flow is None
    messages = [str(p) for p in found]
    assert any(m.startswith("f.yaml:1:") and "cannot read the value" in m for m in messages), messages


@pytest.mark.parametrize("kind", ["flows", "channels"])
def test_a_file_nested_twenty_thousand_deep_is_reported_by_bot_check(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.yaml"
    path.write_text("steps: " + "[" * 20_000 + "]" * 20_000 + "\n", encoding="utf-8")
    result = check(kind, path)
    assert result.returncode == 1
    assert f"{path}:1:" in result.stderr and "nested more than 64 levels deep" in result.stderr
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr


@pytest.mark.parametrize("kind", ["flows", "channels"])
def test_a_billion_laughs_is_refused_before_it_is_expanded(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"{kind}.yaml"
    path.write_text(BILLION_LAUGHS, encoding="utf-8")
    result = check(kind, path)
    assert result.returncode == 1
    assert f"{path}:1:1: the file is too complex: more than 200,000 values once aliases are expanded" in result.stderr
    assert "Traceback" not in result.stderr


def test_too_many_aliases_are_reported_at_the_first_one_past_the_limit() -> None:
    text = "a: &x 1\nb: [" + ", ".join(["*x"] * 5) + "]\n"
    doc, found = load_marked(text, "f.yaml", limits=Limits(max_aliases=3))
    assert doc is None and [str(p) for p in found] == ["f.yaml:2:17: the file is too complex: more than 3 aliases (*name)"]


def test_an_alias_inside_its_own_value_is_reported() -> None:
    doc, found = load_marked("a: &x [1, *x]\n", "f.yaml")
    assert doc is None and [str(p) for p in found] == ["f.yaml:1:4: an alias refers to the value that contains it"]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "flows.yaml"
    with path.open("wb") as f:
        f.truncate(8 * 1024 * 1024)  # sparse: costs no disk and, read, would cost 8 MB
    text, found = read_source(path)
    assert text is None and [str(p) for p in found] == [f"{path}:1:1: the file is too big (8,388,608 bytes; at most 4,194,304)"]
    assert check_catalog_file(path) == [str(found[0])]


def test_the_catalogue_reports_an_unknown_tag_like_the_flow_does(tmp_path: Path) -> None:
    text = (ROOT / "channels.yaml").read_text(encoding="utf-8").replace("version:", "version: !v", 1)
    path = tmp_path / "channels.yaml"
    path.write_text(text, encoding="utf-8")
    line = text[: text.index("version: !v")].count("\n") + 1
    assert any(p.startswith(f"{path}:{line}:10: unknown tag '!v'") for p in check_catalog_file(path))
