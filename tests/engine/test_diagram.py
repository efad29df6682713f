"""`bot.py diagram`: the flow as a Mermaid flowchart with every step, its type and every condition."""
from __future__ import annotations

import re
import subprocess
import sys

from engine.diagram import condition_text, edges, mermaid
from engine.loader import check_flow_text, load_flow

from .test_flow_checker import ROOT

BRANCHING = """flow: {id: t}
steps:
  - id: kind
    type: choice
    label: {zh: 类, en: Kind}
    prompt: {zh: 哪种, en: Which}
    options:
      - {value: a, label: {zh: 甲, en: A}}
      - {value: b, label: {zh: 乙, en: B}}
    next:
      - {when: {answer: kind, equals: a}, goto: about_a}
      - {when: {any: [{answer: kind, in: [b]}, {not: {answer: kind, is_set: true}}]}, goto: check}
      - {goto: done}
  - id: about_a
    type: text
    label: {zh: 甲, en: A}
    prompt: {zh: 说说, en: Tell}
    next: check
  - id: check
    type: confirm
    label: {zh: 确认, en: Sure}
    prompt: {zh: 确认, en: "Sure?"}
    on_no: kind
  - id: done
    type: end
    prompt: {zh: 完, en: Done}
"""


def test_the_shipped_flow_is_drawn_with_every_step_and_every_way_on() -> None:
    flow = load_flow(ROOT / "flows.yaml")
    result = subprocess.run([sys.executable, "bot.py", "diagram"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    chart = result.stdout
    assert chart == mermaid(flow) and chart.startswith("flowchart TD\n")
    for step in flow.steps:
        assert re.search(rf'^    {step.id}\(?\["{step.id}<br/><i>{step.type}</i>"\]\)?$', chart, re.M), step.id
        if step.when is not None:
            assert f'-- "if {condition_text(step.when)}" --> {step.id}\n' in chart, step.id
    drawn = re.findall(r"^    (\w+) (?:-->|-- \"[^\"]*\" -->|-\. \"[^\"]*\" \.->) (\w+)$", chart, re.M)
    assert set(drawn) == {(a, b) for a, b, _, _ in edges(flow)}
    reached = {b for _, b in drawn} | {flow.start}
    assert reached == {s.id for s in flow.steps}, "a step the diagram never leads to"
    assert '-- "if jurisdiction = CN and channel in cn_operator, cn_12300" --> own_operator' in chart
    assert 'own_operator -. "else" .-> called_number' in chart
    assert '-- "if opted_out = yes and not opted_out_at before last_contact_at" --> contact_after_opt_out' in chart


def test_branch_conditions_label_their_edges(tmp_path) -> None:
    flow, problems = check_flow_text(BRANCHING, "f.yaml")
    assert flow is not None, problems
    chart = mermaid(flow)
    assert 'kind -- "kind = a" --> about_a' in chart
    assert 'kind -- "kind in b or not kind is set" --> check' in chart
    assert "kind --> done" in chart and "about_a --> check" in chart and 'check -- "no" --> kind' in chart
    assert "check --> done" in chart and 'done(["done<br/><i>end</i>"])' in chart
    path = tmp_path / "f.yaml"
    path.write_text(BRANCHING, encoding="utf-8")
    result = subprocess.run([sys.executable, "bot.py", "diagram", "--flows", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout == chart


def test_a_broken_flow_is_not_drawn_but_reported(tmp_path) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(BRANCHING.replace("type: text", "type: !essay"), encoding="utf-8")
    result = subprocess.run([sys.executable, "bot.py", "diagram", "--flows", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stdout == "" and f"{path}:15:11: unknown tag '!essay'" in result.stderr
