"""Fixtures: the whole app on a temporary data folder, with a fake clock and a recording outbox."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app import bootstrap
from app.bootstrap import App, build_app
from app.settings import Settings, load_settings
from engine.model import Flow
from knowledge.catalog import Catalog
from services.conversation import Who
from tests.followup.helpers import FakeClock, RecordingOutbox

ZH = Who("telegram", "1001", "zh-CN")
EN = Who("telegram", "2002", "en")


@pytest.fixture(scope="session")
def definitions() -> tuple[Flow, Catalog]:
    return bootstrap.load_definitions(load_settings({}))


@pytest.fixture(autouse=True)
def parse_definitions_once(definitions: tuple[Flow, Catalog], monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """flows.yaml and channels.yaml take a third of a second to check; the tests share one reading."""

    def cached(settings: Settings) -> tuple[Flow, Catalog]:
        return definitions

    monkeypatch.setattr(bootstrap, "load_definitions", cached)
    yield


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def outbox() -> RecordingOutbox:
    return RecordingOutbox()


@pytest.fixture
async def app(tmp_path: Path, clock: FakeClock, outbox: RecordingOutbox) -> AsyncIterator[App]:
    built = await build_app(load_settings({"DATA_DIR": str(tmp_path / "data")}), clock=clock)
    built.outboxes.register("telegram", outbox)
    yield built
    await built.close()
