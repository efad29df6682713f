"""Compiles the engine's modules with mypyc into `.venv/engine-native/<digest>/` (see engine/compiled.py).

Run by ./run.sh and ./test.sh after the virtualenv is set up; does nothing when a build of the current
sources exists. `--required` (./test.sh) fails when the build fails; without it (./run.sh) a failed build
is reported and the bot runs the engine interpreted. About a minute on 2 quiet cores, once per change of
the engine's sources.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["ENGINE_COMPILED"] = "0"  # this process reads the sources, never an older build

from engine import compiled  # noqa: E402

# Builds kept for other checkouts sharing the virtualenv (git worktrees); older ones are removed.
KEEP = 4


def mypy_version() -> str:
    """The mypy (and so mypyc) that compiles: a build made by another one is made again."""
    from mypy.version import __version__

    return __version__


def build(target: Path) -> None:
    """Compile into a temporary folder beside `target`, then move it into place whole."""
    from mypyc.build import mypycify
    from setuptools import setup

    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".building-") as work:
        work_dir = Path(work)
        files = [str(p.relative_to(ROOT)) for p in compiled.sources()]
        cwd = os.getcwd()
        os.chdir(ROOT)
        try:
            extensions = mypycify(files, opt_level="3", group_name=compiled.GROUP, target_dir=str(work_dir / "c"), multi_file=True)
            setup(
                name="engine-compiled",
                ext_modules=extensions,
                script_args=["--quiet", "build_ext", "--build-lib", str(work_dir / "lib"), "--build-temp", str(work_dir / "tmp"), "--parallel", str(os.cpu_count() or 1)],
            )
        finally:
            os.chdir(cwd)
        out = work_dir / "out"
        out.mkdir()
        for library in (work_dir / "lib").rglob("*.so"):
            name = ".".join(library.relative_to(work_dir / "lib").parts)
            shutil.copy2(library, out / name)
        (out / "complete").write_text(mypy_version() + "\n")
        try:
            out.rename(target)
        except OSError:
            if not (target / "complete").is_file():  # another run finished the same build first: fine
                raise


def prune(keep: Path) -> None:
    builds = sorted((p for p in compiled.builds_dir().iterdir() if p.is_dir() and not p.name.startswith(".") and p != keep), key=lambda p: p.stat().st_mtime)
    for old in builds[: max(0, len(builds) - (KEEP - 1))]:
        shutil.rmtree(old, ignore_errors=True)


def compile_logged(target: Path) -> bool:
    """Compile in a child process whose output (mypyc's notes, every compiler line) goes to a log
    file, shown only when the build fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w+", dir=target.parent, prefix=".log-", suffix=".txt") as log:
        done = subprocess.run([sys.executable, __file__, "--into", str(target)], stdout=log, stderr=subprocess.STDOUT, check=False)
        if done.returncode == 0:
            return True
        log.seek(0)
        print("".join(log.readlines()[-40:]), file=sys.stderr)
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--required", action="store_true", help="exit 1 when the engine cannot be compiled")
    parser.add_argument("--into", type=Path, help=argparse.SUPPRESS)  # the child process that compiles
    args = parser.parse_args()
    if args.into:
        build(args.into)
        return 0
    target = compiled.build_dir()
    done = target / "complete"
    if done.is_file() and done.read_text().strip() == mypy_version():
        os.utime(target)
        return 0
    if target.exists():  # built by another mypy: built again
        shutil.rmtree(target)
    print("Compiling the engine with mypyc (once per change of engine/, 1.5 to 4 minutes)...", file=sys.stderr)
    started = time.monotonic()
    if not compile_logged(target):
        print("The engine could not be compiled (above: the end of the build's output); it runs interpreted.", file=sys.stderr)
        return 1 if args.required else 0
    prune(target)
    print(f"Engine compiled in {time.monotonic() - started:.0f} s.", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
