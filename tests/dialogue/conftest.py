"""Fixtures for whole-conversation tests through the local chat's JSON mode."""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.dialogue.console_driver import ConsoleBot
from tests.samples import TINY_PDF, tiny_png


@pytest.fixture
def evidence_files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "phone"
    folder.mkdir()
    files = {
        "png": folder / "call-log.png",
        "pdf": folder / "bill.pdf",
        "empty": folder / "empty.png",
        "junk": folder / "junk.bin",
    }
    files["png"].write_bytes(tiny_png(1))
    files["pdf"].write_bytes(TINY_PDF)
    files["empty"].write_bytes(b"")
    files["junk"].write_bytes(bytes(range(256)) * 8)
    return files


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def bot(data_dir: Path) -> Iterator[ConsoleBot]:
    running = ConsoleBot(data_dir)
    yield running
    if running.proc.poll() is None:
        running.close()
