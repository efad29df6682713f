"""Two windows of one person answer the same question at the same moment: one answer wins, the other is told.

Two apps on one data folder (two SQLite connections, as two `bot.py console` processes have) or on one
PostgreSQL database, each with its own local chat for the same person. The first app is held between
reading the conversation and saving it while the second answers, which is the interleaving that used to
save both and tell both "saved".
"""
from __future__ import annotations

import asyncio
import io
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from handlers.console import ConsoleChat
from services.conversation import ConversationService, Who
from tests.clocks import TickingClock
from tests.robustness.walk import NOW
from tests.storage.postgres_server import create_database, drop_database

ALICE = Who("console", "alice", "zh")
MOVED_ON = "这个回答没有保存"


def lines(out: io.StringIO, start: int = 0) -> list[dict[str, Any]]:
    return [json.loads(raw) for raw in out.getvalue()[start:].splitlines() if raw.strip()]


@pytest.fixture(params=["sqlite", "postgres"])
async def two_apps(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[App, App]]:
    env = {"DATA_DIR": str(tmp_path / "data")}
    url = None
    if request.param == "postgres":
        url = await create_database()
        env["DATABASE_URL"] = url
    first = await build_app(load_settings(env), clock=TickingClock(NOW))
    second = await build_app(load_settings(env), clock=TickingClock(NOW))
    yield first, second
    await first.close()
    await second.close()
    if url is not None:
        await drop_database(url)


def held_before_saving(service: ConversationService, monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """The service reads and advances, then waits for `release` before it saves; `reached` says it is waiting."""
    reached, release = asyncio.Event(), asyncio.Event()
    original: Callable[..., Awaitable[Any]] = service._persist

    async def held(*args: Any, **kwargs: Any) -> Any:
        reached.set()
        await release.wait()
        return await original(*args, **kwargs)

    monkeypatch.setattr(service, "_persist", held)
    return reached, release


async def test_two_windows_answering_one_question_never_both_hear_saved(
    two_apps: tuple[App, App], monkeypatch: pytest.MonkeyPatch
) -> None:
    app_a, app_b = two_apps
    out_a, out_b = io.StringIO(), io.StringIO()
    chat_a = ConsoleChat(app_a.service, ALICE, json_mode=True, out=out_a)
    chat_b = ConsoleChat(app_b.service, ALICE, json_mode=True, out=out_b)
    await chat_a.line("/new")
    assert "你在哪里" in lines(out_a)[-1]["text"]
    await chat_b.greet()
    a_from, b_from = len(out_a.getvalue()), len(out_b.getvalue())
    reached, release = held_before_saving(app_a.service, monkeypatch)

    answering_a = asyncio.create_task(chat_a.line('{"button": "CN"}'))
    await asyncio.wait_for(reached.wait(), 5)
    answering_b = asyncio.create_task(chat_b.line('{"button": "US"}'))
    await asyncio.sleep(0.3)
    release.set()
    await asyncio.wait_for(asyncio.gather(answering_a, answering_b), 10)

    said_a, said_b = lines(out_a, a_from), lines(out_b, b_from)
    user = await app_a.service.user_for(ALICE)
    (case,) = await app_a.store.list_cases(user.id)
    answers = await app_a.store.case_answers(case.id)
    if isinstance(app_a.store, type(app_b.store)) and app_a.settings.database_url is None:
        # SQLite: both read the same version; the second save loses and is told, with the question now due.
        assert answers["jurisdiction"] == "US"
        assert MOVED_ON in said_a[0]["text"] and said_a[-1]["expects"], said_a
        assert "发生了什么" in said_a[-1]["text"] and not any(MOVED_ON in m["text"] for m in said_b)
    else:
        # PostgreSQL: the second waits for the first's lock, then reads what it saved; its "US" is no
        # answer to the question that is now due and is not taken for one.
        assert answers["jurisdiction"] == "CN"
        assert "US" not in json.dumps(answers)
        assert "发生了什么" in said_a[-1]["text"]
    session, _ = await app_b.store.load_session_version(user.id)
    assert session is not None and session["answers"]["jurisdiction"] == answers["jurisdiction"]
