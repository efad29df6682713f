"""Benchmark: resident memory with 10,000 conversations in progress on the real service and SQLite.

Run: `.venv/bin/python -m bench.memory [--conversations N]` (or `python bench/memory.py`).
Each conversation is a different person who starts a complaint and answers the first questions
(country, issue, caller number, skip, operator, company), leaving it mid-flow, all through
ConversationService.handle on a SQLite database in a temporary data folder, as built by build_app.
RSS is read from /proc/self/status before the conversations and after them.
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bootstrap import build_app  # noqa: E402
from app.settings import load_settings  # noqa: E402
from engine.events import ButtonPress, Command, Event, TextInput  # noqa: E402
from services.conversation import Who  # noqa: E402

OPENING: list[Event] = [
    Command("new"),
    ButtonPress("CN"),
    ButtonPress("robocall"),
    TextInput("138 0013 8000, 95555"),
    Command("skip"),
    ButtonPress("china_mobile"),
    TextInput("某某贷款公司"),
]


def memory_kb() -> dict[str, int]:
    """VmRSS (resident now) and VmHWM (peak resident) in kB, from /proc/self/status."""
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            found[key] = int(value.split()[0])
    return found


async def run(conversations: int, data_dir: Path) -> None:
    app = await build_app(load_settings({"DATA_DIR": str(data_dir)}))
    service = app.service
    try:
        for event in OPENING:  # one person first, so imports and caches are warm before measuring
            await service.handle(Who("telegram", "warm-up", "zh"), event)
        gc.collect()
        before = memory_kb()
        began = time.perf_counter()
        for n in range(conversations):
            who = Who("telegram", str(100_000 + n), "zh")
            for event in OPENING:
                replies = await service.handle(who, event)
                if not replies:
                    raise SystemExit(f"no reply to {event} for person {n}")
        elapsed = time.perf_counter() - began
        gc.collect()
        after = memory_kb()
        state = await service.state_of(await service.user_for(Who("telegram", str(100_000 + conversations - 1), "zh")))
        if state.step != "last_contact_at":
            raise SystemExit(f"the conversations are not mid-flow as planned (at {state.step!r})")
        db_size = sum(p.stat().st_size for p in data_dir.glob("bot.sqlite3*"))
    finally:
        await app.close()
    grown = after["VmRSS"] - before["VmRSS"]
    events = conversations * len(OPENING)
    print(f"{conversations:,} conversations in progress ({len(OPENING)} events each, "
          f"{events:,} handle() calls in {elapsed:.1f} s, "
          f"{events / elapsed:,.0f} events/s)")
    print(f"  RSS before: {before['VmRSS'] / 1024:,.1f} MB   after: {after['VmRSS'] / 1024:,.1f} MB   "
          f"peak: {after['VmHWM'] / 1024:,.1f} MB")
    print(f"  growth: {grown / 1024:,.1f} MB = {grown * 1024 / conversations:,.0f} bytes per conversation")
    print(f"  database on disk: {db_size / 1e6:,.1f} MB ({db_size / conversations:,.0f} bytes per conversation)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--conversations", type=int, default=10_000, help="people mid-flow (default 10,000)")
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="bench-memory-"))
    try:
        asyncio.run(run(args.conversations, data_dir))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
