"""Small helpers shared by the benchmarks: the machine they ran on, latency summaries, a data folder."""
from __future__ import annotations

import os
import platform
import shutil
import sqlite3
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from storage.sqlite import DB_FILE_NAME


def cpu_model() -> str:
    """The CPU's name as /proc/cpuinfo gives it (figures only mean something next to it)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> str:
    """One line: cores, CPU, Python and SQLite versions."""
    return (f"nproc {os.cpu_count()}, {cpu_model()}, Python {platform.python_version()}, "
            f"SQLite {sqlite3.sqlite_version}")


def micros(ns: list[int]) -> str:
    """Mean and percentiles of durations given in nanoseconds, printed in µs."""
    ordered = sorted(ns)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] / 1000

    return (
        f"mean {statistics.fmean(ns) / 1000:,.0f} µs, p50 {at(0.5):,.0f} µs, p95 {at(0.95):,.0f} µs, "
        f"p99 {at(0.99):,.0f} µs, max {ordered[-1] / 1000:,.0f} µs"
    )


@contextmanager
def data_dir_for(given: Path | None, prefix: str) -> Iterator[Path]:
    """The folder to build the database in: the one given (it must not hold one yet, so nothing is
    overwritten), or a temporary one that is removed afterwards."""
    data_dir = given or Path(tempfile.mkdtemp(prefix=prefix))
    if (data_dir / DB_FILE_NAME).exists():
        raise SystemExit(f"{data_dir} already has a database; give an empty folder")
    try:
        yield data_dir
    finally:
        if given is None:
            shutil.rmtree(data_dir, ignore_errors=True)
