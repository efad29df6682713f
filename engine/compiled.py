"""The engine's modules compiled to C by mypyc, used when they were built from exactly these sources.

`scripts/build_engine.py` (run by ./run.sh and ./test.sh) compiles the modules below into
`.venv/engine-native/<digest>/`, the digest covering their sources and the Python they are built for.
At `import engine`, this module looks for the folder of the current digest and, when it is there, has
Python load those modules from it (1.5–2.2× the interpreted speed of `Engine.advance`, issue 15).
A source edited since the build, a missing compiler or `ENGINE_COMPILED=0` leaves the engine
interpreted: the Python sources are always the truth, and the behaviour is the same either way
(tests/engine/test_compiled.py compares them). This is the one module of engine/ that reads files: it
runs once, at import, before any engine code.
"""
from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

PACKAGE_DIR = Path(__file__).resolve().parent
# Kept interpreted: the flow's pydantic models and their YAML loading (run once at start-up, and pydantic
# classes cannot be compiled), the state and reply records (tuned for the interpreter: tests/engine
# checks their copying and construction field by field), and this loader itself.
INTERPRETED = frozenset({"__init__", "compiled", "diagram", "loader", "model", "replies", "state", "yamlmarks"})
# The name of the shared library that holds every compiled module (mypyc's "group").
GROUP = "engine_compiled"


def sources() -> list[Path]:
    """The engine's modules that are compiled, in a fixed order."""
    return sorted(p for p in PACKAGE_DIR.rglob("*.py") if p.stem not in INTERPRETED)


def module_name(path: Path) -> str:
    return ".".join(("engine", *path.relative_to(PACKAGE_DIR).with_suffix("").parts))


def digest(paths: Sequence[Path]) -> str:
    """What a build is valid for: the compiled sources and this Python's ABI. (The mypy that compiled
    it is written in the build's `complete` file; scripts/build_engine.py rebuilds for another one.)"""
    h = hashlib.sha256(f"{sys.implementation.cache_tag} {importlib.machinery.EXTENSION_SUFFIXES[0]}".encode())
    for path in paths:
        h.update(b"\0" + path.relative_to(PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:20]


def builds_dir() -> Path:
    """Where builds live: inside the virtualenv, whose Python they are built for."""
    return Path(sys.prefix) / "engine-native"


def build_dir(paths: Sequence[Path] | None = None) -> Path:
    """The build folder for `paths` (the compiled sources, found now when not given)."""
    return builds_dir() / digest(sources() if paths is None else paths)


class _CompiledFinder:
    """Finds the compiled engine modules (and their shared library) in one build folder, before the
    sources are looked at; every other module is left to Python's usual finders."""

    def __init__(self, folder: Path, paths: Sequence[Path]) -> None:
        self.folder = folder
        suffix = importlib.machinery.EXTENSION_SUFFIXES[0]
        self.files = {name: folder / (name + suffix) for name in map(module_name, paths)}
        self.files[GROUP + "__mypyc"] = folder / (GROUP + "__mypyc" + suffix)

    def find_spec(
        self, fullname: str, path: Sequence[str] | None = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        file = self.files.get(fullname)
        if file is None:
            return None
        loader = importlib.machinery.ExtensionFileLoader(fullname, str(file))
        return importlib.util.spec_from_file_location(fullname, file, loader=loader)


def activate() -> bool:
    """Load the engine's modules compiled when a build of these exact sources exists; True when so."""
    if os.environ.get("ENGINE_COMPILED", "1") == "0":
        return False
    paths = sources()
    folder = build_dir(paths)
    if not (folder / "complete").is_file():
        return False
    if not any(isinstance(f, _CompiledFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _CompiledFinder(folder, paths))
    return True


ACTIVE = activate()
