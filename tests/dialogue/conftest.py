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


def _running(bot: ConsoleBot) -> Iterator[ConsoleBot]:
    yield bot
    if bot.proc.poll() is None:
        bot.close()


@pytest.fixture
def bot(data_dir: Path) -> Iterator[ConsoleBot]:
    yield from _running(ConsoleBot(data_dir))


@pytest.fixture
def english(data_dir: Path) -> Iterator[ConsoleBot]:
    """The local chat started in English (a new person's language otherwise follows their first words)."""
    yield from _running(ConsoleBot(data_dir, lang="en"))
