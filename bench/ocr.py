"""Benchmark: OCR of 40 rendered phone screenshots — numbers, times and texts read exactly, time per image, RSS.

Run: `.venv/bin/python -m bench.ocr [--limit N]` (or `python bench/ocr.py`), ~1 s per image on a quiet
2-core machine. Screens come from bench/screenshots.py (4 call-log layouts, SMS threads and notifications,
light and dark, 1080×2340, some sent as JPEG and scaled), written to files by a child process; each file
is read through the real service (`services.reading.read_evidence`, which OCRs in a child process) from a
process that holds the bot (stores, flows, PTB), and scored against what was drawn; both processes' RSS
are reported. Targets (issue 13): >= 95 % of
numbers and >= 90 % of times exact, p95 < 2 s per image, the bot's RSS with the model < 400 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bootstrap import build_app
from app.settings import load_settings
from bench.common import machine
from bench.screenshots import NOW
from engine.reading.findings import Findings
from services.reading import ImageReader, read_evidence

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS) or its peak so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_rss_mb() -> tuple[float, float]:
    """(RSS, peak RSS) in MB summed over this process's children: the OCR worker processes."""
    rss = peak = 0.0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(os.getpid()) and "VmHWM" in fields:
            rss += int(fields["VmRSS"].split()[0]) / 1024
            peak += int(fields["VmHWM"].split()[0]) / 1024
    return rss, peak


def worker_cpu_s() -> float:
    """CPU seconds (user + system, all threads) used so far by this process's children."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(os.getpid()):  # fields[1] is the parent pid
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def score(screen: dict[str, Any], found: Findings) -> dict[str, tuple[int, int]]:
    """(hits, total) for numbers, times and texts of one screen, and numbers read that were not shown."""
    rows = screen["rows"]
    shown = {row["number"] for row in rows}
    got = {seen.number for seen in found.numbers}
    items: list[Any] = list(found.calls if screen["kind"] == "call_log" else found.messages)
    time_hits = text_hits = texts = 0
    for row, item in zip(rows, items, strict=False):
        number = getattr(item, "number", None) or getattr(item, "sender", None)
        expected_at = datetime.fromisoformat(row["at"]) if row["at"] else None
        when = item.when
        if number == row["number"] and when and expected_at and when.at == expected_at and when.precision == row["precision"]:
            time_hits += 1
        if row["text"] is not None:
            texts += 1
            text_hits += item.text.replace(" ", "") == row["text"].replace(" ", "")
    texts += sum(row["text"] is not None for row in rows[len(items):])
    return {
        "numbers": (len(shown & got), len(shown)),
        "extra": (len(got - shown), 0),
        "times": (time_hits, sum(row["at"] is not None for row in rows)),
        "texts": (text_hits, texts),
    }


def similarity(screen: dict[str, Any], found: Findings) -> list[float]:
    return [
        difflib.SequenceMatcher(None, m.text.replace(" ", ""), row["text"].replace(" ", "")).ratio()
        for m, row in zip(found.messages, screen["rows"], strict=False) if row["text"]
    ]


def pct(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.1%}" if total else "-"


async def run(limit: int | None) -> None:
    print(machine())
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as data_dir:
        subprocess.run([sys.executable, "-m", "bench.screenshots", folder], check=True, cwd=ROOT)
        manifest = json.loads((Path(folder) / "manifest.json").read_text(encoding="utf-8"))
        import handlers.telegram.app  # noqa: F401  (the bot's own imports count in its RSS)

        app = await build_app(load_settings({"DATA_DIR": data_dir}))
        rss_bot = rss_mb()
        reader = ImageReader(workers=1, timeout_s=120)
        started = time.perf_counter()
        await reader.warm_up()
        print(f"worker start and model load {time.perf_counter() - started:.1f} s; bot RSS {rss_bot:.0f} MB before, "
              f"{rss_mb():.0f} MB after; OCR worker RSS {worker_rss_mb()[0]:.0f} MB")
        screens = [s for s in manifest if not s["huge"]][:limit]
        await _read_all(reader, Path(folder), screens, [s for s in manifest if s["huge"]], load_start)
        reader.close()
        await app.close()


async def _read_all(reader: ImageReader, folder: Path, screens: list[dict[str, Any]], huge: list[dict[str, Any]],
                    load_start: tuple[float, float, float]) -> None:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_layout: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    walls, cpus, ratios = [], [], []
    for screen in screens:
        cpu, wall = worker_cpu_s(), time.perf_counter()
        found = await read_evidence(reader, folder / screen["file"], now=NOW, region="CN", chat_key="bench")
        walls.append((time.perf_counter() - wall) * 1000)
        cpus.append(worker_cpu_s() - cpu)
        layout = screen["name"].rsplit("-", 2)[0]
        for key, (hits, total) in score(screen, found).items():
            for bucket in (totals[key], by_layout[layout][key]):
                bucket[0] += hits
                bucket[1] += total
        ratios += similarity(screen, found)
        print(f"  {screen['name']:<28}{screen['sent']:<16}{walls[-1]:>7.0f} ms  {cpus[-1]:5.2f} s CPU  "
              f"{found.problem or found.layout}")
    rss_after_screens = rss_mb("VmHWM")
    worker_after_screens = worker_rss_mb()[1]
    huge_lines = []
    for photo in huge:
        started = time.perf_counter()
        found = await read_evidence(reader, folder / photo["file"], now=NOW, region="CN", chat_key="bench")
        hits, total = score(photo, found)["numbers"]
        huge_lines.append(f"{(time.perf_counter() - started) * 1000:.0f} ms, numbers {pct(hits, total)}")
    load_end = os.getloadavg()
    print(f"\n{len(screens)} screenshots; load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end")
    print(f"{'layout':<20}{'numbers exact':>20}{'times exact':>20}{'texts exact':>16}")
    for layout, counts in by_layout.items():
        print(f"{layout:<20}{pct(*counts['numbers']):>20}{pct(*counts['times']):>20}{pct(*counts['texts']):>16}")
    print(f"{'all':<20}{pct(*totals['numbers']):>20}{pct(*totals['times']):>20}{pct(*totals['texts']):>16}")
    print(f"numbers read that were not shown: {totals['extra'][0]}")
    if ratios:
        print(f"SMS text similarity (difflib ratio): mean {statistics.mean(ratios):.3f}, min {min(ratios):.3f}")
    if len(walls) >= 2:
        q, cq = statistics.quantiles(walls, n=20), statistics.quantiles(cpus, n=20)
        print(f"wall per image: p50 {statistics.median(walls):.0f} ms, p95 {q[18]:.0f} ms, max {max(walls):.0f} ms")
        print(f"CPU per image (OCR worker, all threads): p50 {statistics.median(cpus):.2f} s, p95 {cq[18]:.2f} s")
    print(f"50 MP photo (JPEG, 4800×10400): {'; '.join(huge_lines)}")
    print(f"peak RSS (VmHWM) of the bot process: {rss_after_screens:.0f} MB over the screenshots, "
          f"{rss_mb('VmHWM'):.0f} MB after the 50 MP photo")
    worker_now, worker_peak = worker_rss_mb()
    print(f"peak RSS of the OCR worker process (model + working memory): {worker_after_screens:.0f} MB over the "
          f"screenshots, {worker_peak:.0f} MB after the 50 MP photo; {worker_now:.0f} MB now")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N screenshots")
    asyncio.run(run(parser.parse_args().limit))


if __name__ == "__main__":
    main()
