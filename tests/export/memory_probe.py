"""Run one /export in a fresh process and print how much its resident memory grew (for the memory test).

Usage: python -m tests.export.memory_probe DATA_DIR CASE_ID
Growth is the process's peak RSS after the export minus its RSS just before it, so it over-counts
rather than under-counts (imports done by the export itself are included). The peak is VmHWM, not
`ru_maxrss`: after exec the latter still holds the parent's RSS (the test runner's, hundreds of MB late
in a full run), which made the measure depend on what ran before.
"""
from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from app.bootstrap import build_app
from app.settings import load_settings
from engine.events import Command
from tests.export.driving import ALICE


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


async def main(data_dir: str, case_id: str) -> None:
    app = await build_app(load_settings({"DATA_DIR": data_dir}))
    before = status_kb("VmRSS")
    replies = await app.service.handle(ALICE, Command("export", case_id))
    peak = status_kb("VmHWM")
    await app.close()
    report = {
        "rss_before_mb": before / 1024,
        "peak_mb": peak / 1024,
        "growth_mb": (peak - before) / 1024,
        "attachments": [list(r.attachments) for r in replies],
        "texts": [r.text for r in replies],
    }
    sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
