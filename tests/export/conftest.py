"""Fixtures for the export tests: the real app on a SQLite data dir."""
from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from tests.clocks import TickingClock
from tests.export.driving import START


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def export_dir(data_dir: Path) -> Path:
    return data_dir / "exports"


@pytest.fixture
async def app(data_dir: Path, export_dir: Path) -> AsyncIterator[App]:
    # A ticking clock: each export gets its own file name.
    built = await build_app(load_settings({"DATA_DIR": str(data_dir)}), clock=TickingClock(START))
    assert export_dir == built.settings.data_dir / "exports"  # where the bot's /export writes
    yield built
    await built.close()
