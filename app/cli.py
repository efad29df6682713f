"""What every long-running `bot.py` mode does around its main loop, written once: refuse to start
without a setting it needs, build the app or say in one line why not, stop on SIGINT/SIGTERM, and
end on Ctrl+C with exit status 130 instead of a traceback.
"""
from __future__ import annotations

import asyncio
import signal
import sys
from contextlib import suppress
from typing import Any, Coroutine

from app.bootstrap import App, DefinitionError, build_app
from app.heap import freeze_startup_heap
from app.settings import Settings
from storage.shared_dir import DataDirNotShared

# The shell's status for a program ended by SIGINT (128 + 2).
INTERRUPTED = 130
# The status of a refusal to start with the settings given.
BAD_SETTINGS = 2


def run_until_interrupted(main: Coroutine[Any, Any, int]) -> int:
    """Run a mode's main coroutine; Ctrl+C is a normal way to stop it."""
    try:
        return asyncio.run(main)
    except KeyboardInterrupt:
        return INTERRUPTED


def refuse(problem: str) -> int:
    """Say on stderr why the mode cannot start with these settings."""
    print(problem, file=sys.stderr)
    return BAD_SETTINGS


def not_set(name: str, hint: str) -> int:
    return refuse(f"{name} is not set; {hint}")


async def build_or_explain(settings: Settings) -> App | None:
    """The app, or None after saying why it cannot start (broken definition files, a data dir not shared).

    What start-up built is then frozen out of the garbage collector's full passes (app/heap.py).
    """
    try:
        app = await build_app(settings)
    except DefinitionError as exc:
        print(f"Cannot start: the definition files have problems:\n{exc}", file=sys.stderr)
        return None
    except DataDirNotShared as exc:
        print(f"Cannot start: {exc}", file=sys.stderr)
        return None
    freeze_startup_heap()
    return app


def stop_on_signals() -> asyncio.Event:
    """An event set by SIGINT or SIGTERM, so a mode stops cleanly (where the loop can take signals)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop
