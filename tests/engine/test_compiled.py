"""The engine compiled by mypyc (engine/compiled.py, built by scripts/build_engine.py, which ./test.sh
runs): used when built from exactly these sources, never when a source changed, and saying and deciding
exactly what the interpreted engine does."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import engine
import engine.engine
from engine import compiled
from tests.engine.engine_trace import trace

ROOT = Path(__file__).resolve().parents[2]
BUILT = (compiled.build_dir() / "complete").is_file()
needs_build = pytest.mark.skipif(not BUILT, reason="no compiled build of these sources (./test.sh makes one)")


def _python(code: str, cwd: Path, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env={**os.environ, "PYTHONPATH": f"{cwd}{os.pathsep}{ROOT}", **env},
        capture_output=True, text=True, timeout=300, check=True,
    )
    return done.stdout


@needs_build
def test_the_engine_runs_compiled_from_the_build_of_its_sources() -> None:
    assert engine.COMPILED
    assert Path(engine.engine.__file__).parent == compiled.build_dir()
    assert Path(engine.engine.__file__).suffix == ".so"


@needs_build
def test_a_changed_source_or_engine_compiled_0_runs_the_sources(tmp_path: Path) -> None:
    copy = tmp_path / "engine"
    shutil.copytree(compiled.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    probe = "import engine, engine.engine as e; print(engine.COMPILED, e.__file__)"

    assert _python(probe, tmp_path).split()[0] == "True"
    assert _python(probe, tmp_path, ENGINE_COMPILED="0").split() == ["False", str(copy / "engine.py")]
    with (copy / "route.py").open("a") as f:
        f.write("\n# edited after the build\n")
    assert _python(probe, tmp_path).split() == ["False", str(copy / "engine.py")]


def _first_difference(a: Any, b: Any, where: str = "") -> str:
    if type(a) is not type(b) or not isinstance(a, dict | list):
        return f"{where}: {a!r:.300} != {b!r:.300}"
    keys = a.keys() | b.keys() if isinstance(a, dict) else range(max(len(a), len(b)))
    for key in sorted(keys, key=str) if isinstance(a, dict) else keys:
        left = a.get(key) if isinstance(a, dict) else (a[key] if key < len(a) else None)
        right = b.get(key) if isinstance(b, dict) else (b[key] if key < len(b) else None)
        if left != right:
            return _first_difference(left, right, f"{where}/{key}")
    return where


@needs_build
def test_the_compiled_engine_says_and_decides_what_the_interpreted_one_does() -> None:
    compiled_run = json.loads(json.dumps(trace(), ensure_ascii=False))
    interpreted_run = json.loads(_python("from tests.engine.engine_trace import *; json.dump(trace(), sys.stdout)", ROOT, ENGINE_COMPILED="0"))

    assert len(compiled_run["complaints"]) >= 12 and len(compiled_run["readings"]) > 1800
    assert compiled_run == interpreted_run, _first_difference(compiled_run, interpreted_run)
