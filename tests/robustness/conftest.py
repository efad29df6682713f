"""Shared fixtures: the shipped flow and channel catalogue, loaded once, and a real app on SQLite."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import ROOT, load_settings
from engine.engine import Engine
from engine.loader import load_flow
from engine.model import Flow
from knowledge.catalog import Catalog, load_catalog
from services.channel_advice import CatalogAdvisor
from knowledge.regions import regions_from
from tests.clocks import TickingClock
from tests.robustness.walk import NOW


@pytest.fixture(scope="session")
def shipped_flow() -> Flow:
    return load_flow(ROOT / "flows.yaml")


@pytest.fixture(scope="session")
def shipped_catalog() -> Catalog:
    return load_catalog(ROOT / "channels.yaml")


@pytest.fixture(scope="session")
def engine(shipped_flow: Flow, shipped_catalog: Catalog) -> Engine:
    return Engine(shipped_flow, CatalogAdvisor(shipped_catalog), regions=regions_from(shipped_catalog))


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
async def app(data_dir: Path) -> AsyncIterator[App]:
    running = await build_app(load_settings({"DATA_DIR": str(data_dir)}), clock=TickingClock(NOW))
    yield running
    await running.close()


from tests.fakebotapi.fixtures import fake_bot_api  # noqa: E402,F401
from tests.telegram.conftest import runner  # noqa: E402,F401
