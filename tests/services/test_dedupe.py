"""Dedupe lives in the service: a platform message is recorded as processed in the transaction that
answers it, and a message recorded before is skipped there, whatever the adapter does."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.events import Command, TextInput
from engine.replies import Reply
from services.conversation import Who

WHO = Who("chat", "4242", "en")


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    built = await build_app(load_settings({"DATA_DIR": str(tmp_path / "data")}))
    built.service.outbox_platforms.add(WHO.platform)
    yield built
    await built.close()


async def queued(app: App) -> list[str]:
    return [row.reply["text"] for row in await app.store.chat_outbox(WHO.platform, WHO.external_id)]


async def test_a_redelivered_refusal_is_queued_once(app: App) -> None:
    first = await app.service.settle(WHO, [17], [Reply("Stickers are not kept.", kind="error")])
    again = await app.service.settle(WHO, [17], [Reply("Stickers are not kept.", kind="error")])

    assert (first.duplicate, len(first.outbox)) == (False, 1)
    assert (again.duplicate, again.replies, again.outbox) == (True, [], [])
    assert await queued(app) == ["Stickers are not kept."]


async def test_an_adapters_notice_goes_with_the_event_once(app: App) -> None:
    await app.service.handle_full(WHO, Command("start", ""), [1])
    before = len(await queued(app))
    notice = [Reply("One photo was too big to keep.", kind="error")]

    result = await app.service.handle_full(WHO, TextInput("hello"), [2, 3], notice)
    again = await app.service.handle_full(WHO, TextInput("hello"), [2, 3], notice)

    assert result.replies[0] == notice[0] and len(result.outbox) == len(result.replies) > 1
    assert again.duplicate and again.outbox == []
    texts = await queued(app)
    assert texts[before:].count("One photo was too big to keep.") == 1
    assert texts[before] == "One photo was too big to keep.", "the notice comes before the event's replies"


async def test_a_command_seen_before_is_not_run_again(app: App) -> None:
    first = await app.service.handle_full(WHO, Command("cases", ""), [5])
    again = await app.service.handle_full(WHO, Command("cases", ""), [5])

    assert first.replies and not first.duplicate
    assert again.duplicate and again.replies == []
    assert len(await queued(app)) == len(first.replies)
