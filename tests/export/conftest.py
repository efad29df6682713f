"""Fixtures for the export tests: the real app on a SQLite data dir, with /export registered."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from services.export import register_export
from tests.export.driving import TickingClock


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def export_dir(data_dir: Path) -> Path:
    return data_dir / "exports"


@pytest.fixture
async def app(data_dir: Path, export_dir: Path) -> AsyncIterator[App]:
    built = await build_app(load_settings({"DATA_DIR": str(data_dir)}), clock=TickingClock())
    register_export(built.service, built.catalog, export_dir)
    yield built
    await built.close()
