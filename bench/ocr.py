"""Benchmark: OCR of 40 rendered phone screenshots — numbers, times and texts read exactly, time per image, RSS.

Run: `.venv/bin/python -m bench.ocr [--limit N]` (or `python bench/ocr.py`), ~1 s per image on a quiet
2-core machine. Screens come from bench/screenshots.py (4 call-log layouts, SMS threads and notifications,
light and dark, 1080×2340, some sent as JPEG and scaled); each is read through the real service
(`services.reading.read_evidence`) and scored against what was drawn. Targets (issue 13): >= 95 % of
numbers and >= 90 % of times exact, p95 < 2 s per image, RSS with the model loaded < 400 MB.
"""
from __future__ import annotations

import argparse
import asyncio
import difflib
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image

from bench.common import machine
from bench.screenshots import NOW, Screenshot, benchmark_set, render_call_log
from engine.reading.findings import Findings
from services.reading import ImageReader, read_evidence


def rss_mb(field: str = "VmRSS") -> float:
    """This process's resident memory (VmRSS) or its peak so far (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def score(screen: Screenshot, found: Findings) -> dict[str, tuple[int, int]]:
    """(hits, total) for numbers, times and texts of one screen."""
    got_numbers = {seen.number for seen in found.numbers}
    numbers = (len(screen.numbers & got_numbers), len(screen.numbers))
    extra = len(got_numbers - screen.numbers)
    items = found.calls if screen.kind == "call_log" else found.messages
    time_hits = text_hits = texts = 0
    for i, row in enumerate(screen.rows):
        item = items[i] if i < len(items) else None
        if item is None:
            continue
        number = item.number if hasattr(item, "number") else item.sender  # Call or Message
        when = item.when
        if number == row.number and when is not None and row.at is not None and when.at == row.at and when.precision == row.precision:
            time_hits += 1
        if row.text is not None:
            texts += 1
            text = getattr(item, "text", "")
            text_hits += text.replace(" ", "") == row.text.replace(" ", "")
    return {
        "numbers": numbers,
        "extra": (extra, 0),
        "times": (time_hits, sum(row.at is not None for row in screen.rows)),
        "texts": (text_hits, texts),
    }


def similarity(screen: Screenshot, found: Findings) -> list[float]:
    return [
        difflib.SequenceMatcher(None, m.text.replace(" ", ""), (r.text or "").replace(" ", "")).ratio()
        for m, r in zip(found.messages, screen.rows, strict=False) if r.text
    ]


def pct(hits: int, total: int) -> str:
    return f"{hits}/{total} = {hits / total:.1%}" if total else "-"


async def run(limit: int | None) -> None:
    print(machine())
    load_start = os.getloadavg()
    rss_before = rss_mb()
    reader = ImageReader(workers=1, timeout_s=120)
    started = time.perf_counter()
    await reader.warm_up()
    print(f"model load {time.perf_counter() - started:.1f} s; RSS {rss_before:.0f} MB before, {rss_mb():.0f} MB with the model")
    screens = benchmark_set()[:limit]
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_layout: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    walls, cpus, ratios = [], [], []
    with tempfile.TemporaryDirectory() as folder:
        for screen, quality, scale in screens:
            path = Path(folder) / f"{screen.name}.{'png' if quality is None else 'jpg'}"
            path.write_bytes(screen.encoded(quality, scale))
            cpu, wall = time.process_time(), time.perf_counter()
            found = await read_evidence(reader, path, now=NOW, region="CN", chat_key="bench")
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append(time.process_time() - cpu)
            layout = screen.name.rsplit("-", 2)[0]
            for key, (hits, total) in score(screen, found).items():
                for bucket in (totals[key], by_layout[layout][key]):
                    bucket[0] += hits
                    bucket[1] += total
            ratios += similarity(screen, found)
            sent = f"{'PNG' if quality is None else f'JPEG q{quality}'}{f' ×{scale}' if scale != 1 else ''}"
            print(f"  {screen.name:<28}{sent:<16}{walls[-1]:>7.0f} ms  {found.problem or found.layout}")
        huge = await _huge_photo(reader, Path(folder))
    load_end = os.getloadavg()
    reader.close()
    print(f"\n{len(screens)} screenshots; load average {load_start[0]:.1f} at start, {load_end[0]:.1f} at end")
    print(f"{'layout':<20}{'numbers exact':>20}{'times exact':>20}{'texts exact':>16}")
    for layout, counts in by_layout.items():
        print(f"{layout:<20}{pct(*counts['numbers']):>20}{pct(*counts['times']):>20}{pct(*counts['texts']):>16}")
    print(f"{'all':<20}{pct(*totals['numbers']):>20}{pct(*totals['times']):>20}{pct(*totals['texts']):>16}")
    print(f"numbers read that were not shown: {totals['extra'][0]}")
    if ratios:
        print(f"SMS text similarity (difflib ratio): mean {statistics.mean(ratios):.3f}, min {min(ratios):.3f}")
    q = statistics.quantiles(walls, n=20)
    print(f"wall per image: p50 {statistics.median(walls):.0f} ms, p95 {q[18]:.0f} ms, max {max(walls):.0f} ms")
    cq = statistics.quantiles(cpus, n=20)
    print(f"CPU per image (all threads): p50 {statistics.median(cpus):.2f} s, p95 {cq[18]:.2f} s")
    print(f"50 MP photo (JPEG, 4800×10400): {huge}")
    print(f"peak RSS of this process (VmHWM), model loaded: {rss_mb('VmHWM'):.0f} MB; RSS now {rss_mb():.0f} MB")


async def _huge_photo(reader: ImageReader, folder: Path) -> str:
    screen = render_call_log("android_list", seed=7)
    path = folder / "huge.jpg"
    screen.image.resize((4800, 10400), Image.Resampling.BILINEAR).save(path, quality=90)
    started = time.perf_counter()
    found = await read_evidence(reader, path, now=NOW, region="CN", chat_key="bench")
    hits, total = score(screen, found)["numbers"]
    return f"{(time.perf_counter() - started) * 1000:.0f} ms, numbers {pct(hits, total)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="read only the first N screenshots")
    asyncio.run(run(parser.parse_args().limit))


if __name__ == "__main__":
    main()
