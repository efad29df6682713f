"""Shared fixtures for the knowledge tests: the shipped catalogue and sample case facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.catalog import Catalog, load_catalog

REPO_ROOT = Path(__file__).resolve().parents[2]
CHANNELS_YAML = REPO_ROOT / "channels.yaml"


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(CHANNELS_YAML)


def phone(display: str, number: str, kind: str = "mobile", region: str | None = "CN") -> dict:
    return {"raw": display, "number": number, "kind": kind, "region": region, "display": display}
