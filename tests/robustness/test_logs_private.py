"""Logs hold no phone number and no token, even at DEBUG, where the database driver logs every query.

Once through the real local chat in a subprocess (stderr captured), once in process with caplog and the
redaction that app.bootstrap.setup_logging installs.
"""
from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import build_app, setup_logging
from app.logsafe import RedactingFilter
from app.settings import load_settings
from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.model import Flow
from engine.replies import Button, Reply
from services.conversation import Who
from tests.dialogue.console_driver import ROOT, ConsoleBot
from tests.robustness.people import Person, evidence_file, session_of
from tests.robustness.walk import PLANS, answer, last_question

TOKEN = "7123456789:AAF-fake_Token_For_Tests_0123456789abc"
# Each number as typed, and the forms the bot derives from it (digits and E.164).
NUMBERS = {
    "138 0013 8000": ("13800138000", "+8613800138000"),
    "+86 139-1234-5678": ("13912345678", "+8613912345678"),
    "(0755) 8888 1234": ("075588881234", "+8675588881234"),
    "+86 150 1234 5678": ("15012345678", "+8615012345678"),
    "136 0000 1234": ("13600001234", "+8613600001234"),
    "18612345678": ("18612345678", "+8618612345678"),
}
PLAN = {
    **PLANS["cn_robocall"],
    "caller_numbers": "138 0013 8000, +86 139-1234-5678, (0755) 8888 1234",
    "called_number": "+86 150 1234 5678",
    "contact_phone": "136 0000 1234",
    "content": "他说回拨 18612345678 领取额度",
}


def leaks(log: str) -> list[str]:
    found = [secret for secret in (TOKEN, TOKEN.split(":", 1)[1]) if secret in log]
    for raw, forms in NUMBERS.items():
        found += [form for form in (raw, *forms) if form in log]
    return found


class LoggedConsole(ConsoleBot):
    """The local chat in JSON mode, with extra environment; stderr goes to a file (a full pipe would block)."""

    def __init__(self, data_dir: Path, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        with log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "bot.py", "console", "--json", "--lang", "zh", "--user", "logtester"],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                env={**os.environ, "DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1", **env},
            )
        self._buffer = b""
        self.greeting = self._read(wait=2.0, required=False)

    def stderr_tail(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")[-3000:]


def as_line(event: Event) -> str | dict[str, Any]:
    if isinstance(event, ButtonPress):
        return {"button": event.value}
    if isinstance(event, FileInput):
        return {"file": event.items[0]["source"]}
    if isinstance(event, Command):
        return f"/{event.name} {event.arg}".strip()
    assert isinstance(event, TextInput)
    return {"text": event.text}


def as_replies(messages: list[dict[str, Any]]) -> list[Reply]:
    return [
        Reply(m["text"], tuple(Button(b["label"], b["value"]) for b in m.get("buttons") or []), m.get("expects"))
        for m in messages
    ]


def logged_complaint(tmp_path: Path, flow: Flow, env: dict[str, str]) -> str:
    """A whole complaint through the local chat with these log settings; returns what it logged."""
    data_dir = tmp_path / "data"
    shot = evidence_file(tmp_path, "call-log.png", b"screenshot")
    log_path = tmp_path / "stderr.log"
    bot = LoggedConsole(data_dir, {"TELEGRAM_BOT_TOKEN": TOKEN, **env}, log_path)
    messages = bot.send("/new")
    who = Who("console", "logtester")
    for _ in range(60):
        step_id = session_of(data_dir, who).get("step")
        if step_id is None:
            break
        for event in answer(flow.step(step_id), last_question(as_replies(messages)), PLAN, lambda n: {"source": str(shot)}):
            messages = bot.send(as_line(event))
    final = "\n".join(m["text"] for m in messages)
    assert session_of(data_dir, who).get("status") == "done", final
    assert "13800138000" in final or "138 0013 8000" in final, "the draft should name the caller"
    assert bot.close() == 0
    return log_path.read_text(encoding="utf-8", errors="replace")


def test_a_whole_complaint_in_the_local_chat_logs_no_number_and_no_token(tmp_path: Path, shipped_flow: Flow) -> None:
    log = logged_complaint(tmp_path, shipped_flow, {"LOG_LEVEL": "DEBUG", "LOG_LIBRARIES": "1"})
    assert "DEBUG" in log and "1380*****00" in log, "the driver's DEBUG logging should have carried the (masked) numbers"
    assert leaks(log) == []


def test_at_debug_the_libraries_stay_quiet_unless_asked_so_nothing_a_person_wrote_is_logged(
    tmp_path: Path, shipped_flow: Flow
) -> None:
    log = logged_complaint(tmp_path, shipped_flow, {"LOG_LEVEL": "DEBUG"})
    assert "aiosqlite" not in log and "DEBUG" not in log.replace("LOG_LEVEL", "")
    assert "领取额度" not in log and "1380*****00" not in log and leaks(log) == []


@pytest.fixture
def root_filters_restored() -> Iterator[None]:
    yield
    for handler in logging.getLogger().handlers:
        for existing in list(handler.filters):
            if isinstance(existing, RedactingFilter):
                handler.removeFilter(existing)


async def test_in_process_debug_logs_of_a_whole_complaint_hold_no_number_and_no_token(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, root_filters_restored: None
) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path / "data"), "TELEGRAM_BOT_TOKEN": TOKEN, "LOG_LEVEL": "DEBUG", "LOG_LIBRARIES": "1"})
    caplog.set_level(logging.DEBUG)
    setup_logging(settings)
    app = await build_app(settings)
    try:
        person = Person(app, Who("telegram", "555", "zh"))
        case_id, said = await person.complain(PLAN, [evidence_file(tmp_path, "shot.png", b"shot")])
        assert "138 0013 8000" in said or "13800138000" in said
        await person.say(f"/case {case_id}")
        await person.say(f"/delete {case_id}")
        await person.send(ButtonPress(f"_delete:{case_id}"))
        logging.getLogger("handlers.telegram.app").debug("getUpdates via https://api.telegram.org/bot%s/getUpdates", TOKEN)
    finally:
        await app.close()
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert "1380*****00" in caplog.text, "DEBUG logging should have carried the (masked) numbers"
    assert leaks(caplog.text) == []
    assert leaks("\n".join(r.getMessage() for r in caplog.records)) == []


@pytest.mark.parametrize("typed", ["138.0013.8000", "138 - 0013 - 8000", "138–0013–8000"])
async def test_a_number_typed_with_other_separators_is_masked_too(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, root_filters_restored: None, typed: str
) -> None:
    settings = load_settings({"DATA_DIR": str(tmp_path / "data"), "LOG_LEVEL": "DEBUG", "LOG_LIBRARIES": "1"})
    caplog.set_level(logging.DEBUG)
    setup_logging(settings)
    app = await build_app(settings)
    try:
        person = Person(app, Who("telegram", "556", "zh"))
        await person.complain(PLANS["cn_robocall"], [], stop_at="caller_numbers")
        await person.send(TextInput(typed))
        assert await person.step() != "caller_numbers", "the parser should accept the number"
    finally:
        await app.close()
    assert typed not in caplog.text
