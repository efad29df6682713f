"""The local chat answers every line it is given, in human and in JSON mode, and never stops on one.

Random lines (junk, numbers, labels, commands, JSON objects with forged buttons and odd file paths)
go through handlers/console.py into the real service on SQLite.
"""
from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.bootstrap import App, build_app
from app.settings import load_settings
from handlers.console import ConsoleChat
from services.conversation import Who
from tests.robustness.inputs import FORGED_VALUES
from tests.robustness.people import evidence_file

plain_lines = st.one_of(
    st.text(max_size=120),
    st.sampled_from(["1", "2", "3", "9", "0", "/new", "/skip", "/back", "/cases", "/case 1", "/delete 1", "/lang",
                     "/file", "/file /nonexistent.png", "/file .", "Mainland China", "中国大陆", "yes", "done"]),
).map(lambda text: text.replace("\n", " ").replace("\r", " "))
json_lines = st.one_of(
    st.builds(lambda v: json.dumps({"button": v}), st.one_of(st.sampled_from(FORGED_VALUES), st.text(max_size=30))),
    st.builds(lambda v: json.dumps({"text": v}), st.text(max_size=60)),
    st.builds(lambda v: json.dumps({"file": v}), st.sampled_from(["", ".", "/nonexistent", "/dev/null", "~"])),
    st.just("{"), st.just("{}"), st.just('{"button": null}'), st.just("[1, 2]"),
)
lines = st.one_of(plain_lines, json_lines)


def chat_for(app: App, json_mode: bool) -> tuple[ConsoleChat, io.StringIO]:
    out = io.StringIO()
    return ConsoleChat(app.service, Who("console", f"fuzz-{json_mode}", "en"), json_mode, out=out), out


@pytest.mark.parametrize("json_mode", [False, True], ids=["human", "json"])
def test_every_line_gets_an_answer(data_dir: Path, tmp_path: Path, json_mode: bool) -> None:
    # Hypothesis drives a plain function, so this test runs its own event loop for the async service.
    loop = asyncio.new_event_loop()
    app = loop.run_until_complete(build_app(load_settings({"DATA_DIR": str(data_dir)})))
    chat, out = chat_for(app, json_mode)
    loop.run_until_complete(chat.greet())
    shot = evidence_file(tmp_path, "shot.png", b"console")

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(batch=st.lists(st.one_of(lines, st.just(f"/file {shot}")), min_size=1, max_size=5))
    def throw(batch: list[str]) -> None:
        for line in batch:
            before = out.tell()
            loop.run_until_complete(chat.line(line))
            written = out.getvalue()[before:]
            assert written.strip(), f"no answer to {line!r}"
            if json_mode:
                assert all("text" in json.loads(raw) for raw in written.splitlines() if raw.strip())

    try:
        throw()
    finally:
        loop.run_until_complete(app.close())
        loop.close()


@pytest.mark.parametrize("line", ["፩", "1" * 5000])
async def test_digit_like_text_at_a_button_question_gets_an_answer(app: App, line: str) -> None:
    chat, out = chat_for(app, json_mode=False)
    await chat.greet()
    await chat.line("/new")
    await chat.line(line)
    assert out.getvalue().strip()
