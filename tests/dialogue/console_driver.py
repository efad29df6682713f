"""Drives `python bot.py console --json` in a real subprocess, one JSON line each way."""
from __future__ import annotations

import json
import os
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


class ConsoleBot:
    """A running local chat; `send` returns the bot's messages for one input line."""

    def __init__(
        self, data_dir: Path, lang: str | None = "zh", user: str = "tester", env: dict[str, str] | None = None
    ) -> None:
        full_env = {**os.environ, "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **(env or {})}
        full_env.pop("TELEGRAM_BOT_TOKEN", None)
        self.proc = subprocess.Popen(
            [sys.executable, "bot.py", "console", "--json", *(["--lang", lang] if lang else []), "--user", user],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=full_env,
        )
        self._buffer = b""
        self.greeting = self._read(wait=2.0, required=False)

    def send(self, line: str | dict[str, Any], timeout: float = 30.0) -> list[dict[str, Any]]:
        text = line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)
        assert self.proc.stdin is not None
        self.proc.stdin.write(text.encode("utf-8") + b"\n")
        self.proc.stdin.flush()
        return self._read(wait=timeout, required=True)

    def expect_greeting(self, timeout: float = 30.0) -> list[dict[str, Any]]:
        """What the bot says unprompted at start; waits for it, since a loaded machine starts slowly."""
        if not self.greeting:
            self.greeting = self._read(wait=timeout, required=True)
        return self.greeting

    def tap(self, value: str) -> list[dict[str, Any]]:
        return self.send({"button": value})

    def file(self, path: Path | str) -> list[dict[str, Any]]:
        return self.send({"file": str(path)})

    def _read(self, wait: float, required: bool) -> list[dict[str, Any]]:
        """Read one burst of output: everything the bot flushed for one input."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + wait
        messages: list[dict[str, Any]] = []
        while True:
            timeout = deadline - time.monotonic() if not messages else 0.15
            if timeout <= 0:
                break
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                if messages:
                    break
                continue
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            self._buffer += chunk
            *lines, self._buffer = self._buffer.split(b"\n")
            messages += [json.loads(raw) for raw in lines if raw.strip()]
        if required and not messages:
            raise AssertionError(f"the bot said nothing; stderr: {self.stderr_tail()}")
        return messages

    def stderr_tail(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace")[-3000:]

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def close(self) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            return self.proc.wait(timeout=30)
        finally:
            for stream in (self.proc.stdout, self.proc.stderr):
                if stream:
                    stream.close()


def last_question(messages: list[dict[str, Any]]) -> dict[str, Any]:
    asking = [m for m in messages if m.get("expects") or m.get("buttons")]
    assert asking, messages
    return asking[-1]


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m["text"] for m in messages)


def stored_answers(data_dir: Path) -> dict[str, Any]:
    """The answers the local chat's database holds, decoded: what a test checks was written (or not)."""
    with sqlite3.connect(data_dir / "bot.sqlite3") as conn:
        return {step: json.loads(value) for step, value in conn.execute("select step_id, value from answers")}
