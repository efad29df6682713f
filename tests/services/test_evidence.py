"""Evidence travels as one typed, frozen item: hashed once by the adapter, kept under that hash, and found
by the draft through the flow's evidence step, whatever that step is called."""
from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import ROOT, load_settings
from services.conversation import Who
from tests.robustness.people import Person, evidence_file, open_db
from tests.robustness.walk import PLANS


@pytest.fixture
async def app(tmp_path: Path) -> AsyncIterator[App]:
    flows = (ROOT / "flows.yaml").read_text(encoding="utf-8")
    assert flows.count("  - id: evidence\n") == 1
    (tmp_path / "flows.yaml").write_text(flows.replace("  - id: evidence\n", "  - id: proof\n"), encoding="utf-8")
    built = await build_app(load_settings({"DATA_DIR": str(tmp_path / "data"), "FLOWS_PATH": str(tmp_path / "flows.yaml")}))
    yield built
    await built.close()


async def test_the_draft_lists_the_evidence_of_a_step_not_called_evidence(app: App, tmp_path: Path) -> None:
    assert app.service.engine.evidence_step == "proof"
    shot = evidence_file(tmp_path / "phone", "call-log.png", b"call log bytes")
    case_id, said = await Person(app, Who("console", "ann", "en")).complain({**PLANS["cn_robocall"], "lang": "en"}, [shot])
    sha = hashlib.sha256(shot.read_bytes()).hexdigest()
    assert sha in said, "the draft lists the file with its SHA-256"
    with open_db(app.settings.data_dir) as db:
        rows = db.execute("SELECT sha256, stored_path FROM evidence WHERE case_id = ?", (case_id,)).fetchall()
    assert (sha, f"{sha[:2]}/{sha[2:4]}/{sha}") in [tuple(r) for r in rows]
