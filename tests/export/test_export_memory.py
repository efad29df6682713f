"""Exporting 20 photos of 5 MB each stays well under 300 MB of memory (measured in a fresh process)."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from app.bootstrap import build_app
from app.settings import load_settings
from tests.export.driving import ALICE, noise_jpeg, noise_png, stored_case
from tests.export.pack_reading import pdf_image_sizes, zip_contents

REPO_ROOT = Path(__file__).resolve().parents[2]
FIVE_MB = 5 * 1000 * 1000
LIMIT_MB = 300


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc (Linux)")
async def test_twenty_five_megabyte_photos_export_in_bounded_memory(tmp_path: Path) -> None:
    photos = tmp_path / "photos"
    photos.mkdir()
    files = []
    for n in range(20):
        if n % 2:
            path = noise_jpeg(photos / f"IMG_{n:04d}.jpg", 2100, seed=n)
            files.append((path, "image", "image/jpeg", path.name))
        else:
            path = noise_png(photos / f"Screenshot_{n:04d}.png", 1300, seed=n)
            files.append((path, "image", "image/png", path.name))
        assert path.stat().st_size >= FIVE_MB
    total = sum(p.stat().st_size for p, *_ in files)
    data_dir = tmp_path / "data"
    app = await build_app(load_settings({"DATA_DIR": str(data_dir)}))
    try:
        case_id = await stored_case(app, ALICE, files)
    finally:
        await app.close()
    for path, *_ in files:
        path.unlink()

    probe = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "tests.export.memory_probe", str(data_dir), str(case_id)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=240, check=True,
    )
    report = json.loads(probe.stdout.strip().splitlines()[-1])
    (attachments,) = report["attachments"]
    pdf, zip_path = (Path(p) for p in attachments)
    assert report["growth_mb"] < LIMIT_MB, report

    manifest, hashes = zip_contents(zip_path)
    assert len(hashes) == 20 and [i["file"] for i in manifest["items"]] == list(hashes)
    assert all(hashes[i["file"]] == i["sha256"] for i in manifest["items"])
    assert zip_path.stat().st_size >= total
    sizes = pdf_image_sizes(pdf)
    assert len(sizes) == 20 and all(max(s) <= 480 for s in sizes)
    assert pdf.stat().st_size < 10 * 1000 * 1000
