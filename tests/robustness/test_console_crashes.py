"""Inputs that used to end the local chat, through `bot.py console --json` as a real process, and
replies the chat never printed, which come back at the next start."""
from __future__ import annotations

import io
import json
import time
from pathlib import Path

from app.bootstrap import App
from handlers.console import ConsoleChat
from services.conversation import Who
from tests.dialogue.console_driver import ConsoleBot, texts

STRICT = {"LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict", "PYTHONUTF8": "0"}


def test_inputs_that_used_to_kill_the_local_chat_get_clear_answers(tmp_path: Path) -> None:
    sparse = tmp_path / "huge.mp4"
    with sparse.open("wb") as fh:
        fh.truncate(2 * 1024**3)
    bot = ConsoleBot(tmp_path / "data", lang="en", env=STRICT)
    try:
        bot.send("/new")
        deep = '{"a":' * 100_000 + "1" + "}" * 100_000
        assert texts(bot.send(deep)).strip()
        assert "Couldn't read that path" in texts(bot.send("/file /" + "x" * 300))
        assert "No file at shot" in texts(bot.send('{"file": "shot\\ud800.png"}'))
        assert '"file" must be a path' in texts(bot.send('{"file": null}'))
        assert bot.proc.stdin is not None
        bot.proc.stdin.write(b"\xff\xfe\xfa not utf-8\n")
        bot.proc.stdin.flush()
        assert texts(bot._read(wait=30, required=True)).strip()
        started = time.monotonic()
        refusal = texts(bot.send({"file": str(sparse)}))
        assert "too large (2048.0 MB)" in refusal and time.monotonic() - started < 3, refusal
        assert texts(bot.send("/cases")).strip(), "still answering"
    finally:
        code = bot.close()
    assert code == 0, bot.stderr_tail()


class BrokenTerminal(io.StringIO):
    """A terminal that goes away: every write fails, as a closed pipe does."""

    def write(self, text: str) -> int:
        raise BrokenPipeError("the terminal went away")


async def test_replies_the_chat_could_not_print_are_printed_at_the_next_start(app: App) -> None:
    who = Who("console", "bob", "en")
    broken = ConsoleChat(app.service, who, json_mode=True, out=BrokenTerminal())
    await broken.line("/new")
    user = await app.service.user_for(who)
    queued = await app.store.chat_outbox("console", "bob")
    assert [r.reply["text"][:20] for r in queued] and user.id

    out = io.StringIO()
    again = ConsoleChat(app.service, who, json_mode=True, out=out)
    await again.greet()

    printed = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [m["text"] for m in printed] == [r.reply["text"] for r in queued]
    assert await app.store.chat_outbox("console", "bob") == []
    out2 = io.StringIO()
    await ConsoleChat(app.service, who, json_mode=True, out=out2).greet()
    assert [json.loads(line)["text"] for line in out2.getvalue().splitlines()] == [printed[-1]["text"]], (
        "after that, a start shows the current question once, as before"
    )


