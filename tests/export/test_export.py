"""/export through the real conversation service on a real SQLite data dir."""
from __future__ import annotations

import hashlib
import re
import warnings
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from app.bootstrap import App
from app.settings import load_settings
from engine.events import Command, TextInput
from services.export import pack as export_module
from services.export import remove_exports
from services.export.fonts import SHIPPED_FONT, pick_cjk_font
from tests.export.driving import (
    ALICE,
    ALICE_EN,
    BOB,
    answer_until_evidence,
    finish,
    noise_png,
    say,
    send_file,
    small_png,
    stored_case,
)
from tests.export.pack_reading import (
    files_under,
    pack_paths,
    pdf_fonts,
    pdf_image_sizes,
    pdf_text,
    zip_contents,
)

MEMBER = re.compile(r"^\d{2}-(image|pdf|audio|video|text|forward|document)-[0-9a-f]{12}\.[a-z0-9]+$")
SMS = "【某某贷款】您有一笔20万额度待领取，回T退订"


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def evidence(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "phone"
    folder.mkdir()
    (folder / "call-log.png").write_bytes(small_png(1))
    noise_png(folder / "big.png", 1200, seed=7)
    return {"small": folder / "call-log.png", "big": folder / "big.png"}


async def finished_case(app: App, evidence: dict[str, Path]) -> int:
    await answer_until_evidence(app.service, ALICE)
    await send_file(app.service, ALICE, evidence["small"], "../../etc/passwd")
    await send_file(app.service, ALICE, evidence["big"], "截图 1.png")
    await say(app.service, ALICE, TextInput(SMS))
    await finish(app.service, ALICE)
    (case,) = await app.store.list_cases((await app.service.user_for(ALICE)).id)
    assert case.status == "ready" and case.draft
    return case.id


async def test_a_finished_case_exports_a_chinese_pdf_and_a_zip_of_the_originals(
    app: App, evidence: dict[str, Path], export_dir: Path
) -> None:
    case_id = await finished_case(app, evidence)
    (reply,) = await say(app.service, ALICE, Command("export", str(case_id)))
    pdf, zip_path = pack_paths(reply)
    user = await app.service.user_for(ALICE)
    assert pdf.parent == zip_path.parent == (export_dir / str(user.id)).resolve()
    assert pdf.name in reply.text and zip_path.name in reply.text and str(pdf.parent) in reply.text
    assert "还没填完" not in reply.text

    text = pdf_text(pdf)
    evidence_rows = await app.store.case_evidence(case_id)
    assert len(evidence_rows) == 3
    for n, row in enumerate(evidence_rows, 1):
        assert f"SHA-256（收到时记录）：\n{row.sha256}" in text
        assert f"ZIP 中的文件：{n:02d}-{row.kind}-{row.sha256[:12]}." in text
    assert "某某贷款公司" in text
    for label in ("投诉内容", "事实摘要", "进展记录", "附件：证据清单", "证据 1：图片", "证据 3：文字", "原文件名：截图 1.png"):
        assert label in text
    assert "退订" in text  # the SMS text itself is quoted in the appendix
    assert "开始填写" in text  # timeline kinds in words, not raw keys

    fonts = pdf_fonts(pdf)
    assert fonts and all(f["embedded"] and f["subtype"] == "/Type0" for f in fonts)

    manifest, member_hashes = zip_contents(zip_path)
    assert manifest["case_id"] == case_id and manifest["exported_at"].startswith("2026-11-27T")
    assert [i["sha256"] for i in manifest["items"]] == [r.sha256 for r in evidence_rows]
    assert {i["file"]: i["sha256"] for i in manifest["items"]} == member_hashes
    assert all(MEMBER.match(name) for name in member_hashes)
    first = manifest["items"][0]
    assert first["original_filename"] == "../../etc/passwd" and first["file"].startswith("01-image-")
    assert first["file"].endswith(".png") and first["kind"] == "image" and first["mime"] == "image/png"
    assert first["size"] == evidence["small"].stat().st_size and first["received_at"].endswith("+00:00")
    assert manifest["items"][2]["kind"] == "text" and manifest["items"][2]["file"].endswith(".txt")
    assert member_hashes[manifest["items"][1]["file"]] == sha(evidence["big"])


async def test_images_appear_only_as_small_previews(app: App, evidence: dict[str, Path]) -> None:
    case_id = await stored_case(app, ALICE, [(evidence["big"], "image", "image/png", "big.png")])
    (reply,) = await say(app.service, ALICE, Command("export", str(case_id)))
    pdf, _ = pack_paths(reply)
    sizes = pdf_image_sizes(pdf)
    assert len(sizes) == 1 and max(sizes[0]) <= 480
    assert pdf.stat().st_size < evidence["big"].stat().st_size / 4
    assert "1200×1200" in pdf_text(pdf)


async def test_another_persons_export_is_refused_and_writes_nothing(
    app: App, evidence: dict[str, Path], export_dir: Path
) -> None:
    case_id = await stored_case(app, ALICE, [(evidence["small"], "image", "image/png", "a.png")])
    replies = await say(app.service, BOB, Command("export", str(case_id)))
    assert len(replies) == 1 and not replies[0].attachments
    assert "没有找到" in replies[0].text
    assert (await say(app.service, BOB, Command("export", "999")))[0].text == replies[0].text.replace(str(case_id), "999")
    assert files_under(export_dir) == []


async def test_export_without_an_id_explains_how(app: App, export_dir: Path) -> None:
    for arg in ("", " ", "#"):
        (reply,) = await say(app.service, ALICE, Command("export", arg))
        assert "/export 3" in reply.text and not reply.attachments
    (reply,) = await say(app.service, ALICE, Command("export", "abc"))
    assert not reply.attachments and ("/export 3" in reply.text or "没有找到" in reply.text)
    (reply,) = await say(app.service, ALICE_EN, Command("export", ""))
    assert "e.g. /export 3" in reply.text
    assert files_under(export_dir) == []


async def test_an_unfinished_case_exports_what_is_there_and_says_so(app: App, evidence: dict[str, Path]) -> None:
    await answer_until_evidence(app.service, ALICE)
    await send_file(app.service, ALICE, evidence["small"], "a.png")
    (case,) = await app.store.list_cases((await app.service.user_for(ALICE)).id)
    assert case.status == "draft"
    (reply,) = await say(app.service, ALICE, Command("export", f"#{case.id}"))
    assert "还没填完" in reply.text
    pdf, zip_path = pack_paths(reply)
    text = pdf_text(pdf)
    assert "尚未填写完成" in text and "尚未生成" in text
    assert "某某贷款公司" in text and sha(evidence["small"]) in text
    manifest, hashes = zip_contents(zip_path)
    assert manifest["case_status"] == "draft" and list(hashes.values()) == [sha(evidence["small"])]


async def test_a_stored_file_missing_on_disk_is_noted_not_fatal(app: App, evidence: dict[str, Path]) -> None:
    case_id = await stored_case(
        app, ALICE, [(evidence["small"], "image", "image/png", "a.png"), (evidence["big"], "image", "image/png", "b.png")]
    )
    gone, kept = await app.store.case_evidence(case_id)
    app.files.open_path(gone.stored_path).unlink()
    (reply,) = await say(app.service, ALICE, Command("export", str(case_id)))
    assert "1 份证据文件在存储中找不到了" in reply.text
    pdf, zip_path = pack_paths(reply)
    text = pdf_text(pdf)
    assert gone.sha256 in text and kept.sha256 in text and "找不到这个文件" in text
    manifest, hashes = zip_contents(zip_path)
    missing, present = manifest["items"]
    assert missing["status"] == "missing" and missing["file"] is None and missing["sha256"] == gone.sha256
    assert present["status"] == "ok" and hashes == {present["file"]: kept.sha256}


async def test_a_stored_file_that_changed_is_flagged_with_its_new_hash(app: App, evidence: dict[str, Path]) -> None:
    case_id = await stored_case(app, ALICE, [(evidence["small"], "image", "image/png", "a.png")])
    (row,) = await app.store.case_evidence(case_id)
    app.files.open_path(row.stored_path).write_bytes(b"not what was received")
    (reply,) = await say(app.service, ALICE, Command("export", str(case_id)))
    assert "不一致" in reply.text
    manifest, hashes = zip_contents(pack_paths(reply)[1])
    (item,) = manifest["items"]
    actual = hashlib.sha256(b"not what was received").hexdigest()
    assert item["status"] == "altered" and item["sha256"] == row.sha256 and item["sha256_of_file"] == actual
    assert hashes[item["file"]] == actual


async def test_the_pack_speaks_english_to_an_english_speaker(app: App, evidence: dict[str, Path]) -> None:
    case_id = await stored_case(app, ALICE_EN, [(evidence["small"], "image", "image/png", "a.png")], draft="Dear 12321,")
    (reply,) = await say(app.service, ALICE_EN, Command("export", str(case_id)))
    assert reply.text.startswith("📦 The evidence pack for case")
    text = pdf_text(pack_paths(reply)[0])
    for label in ("Evidence pack", "1. Complaint", "3. Timeline", "Appendix: evidence", "Dear 12321", "started"):
        assert label in text
    assert "Beijing" in text or "UTC" in text


async def test_a_failed_export_leaves_no_partial_files(
    app: App, evidence: dict[str, Path], export_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = await stored_case(app, ALICE, [(evidence["small"], "image", "image/png", "a.png")])

    def broken_pdf(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(export_module, "write_pdf", broken_pdf)
    (reply,) = await say(app.service, ALICE, Command("export", str(case_id)))
    assert reply.kind == "error" and not reply.attachments and "没有受影响" in reply.text
    assert files_under(export_dir) == []


async def test_remove_exports_erases_only_that_cases_packs(app: App, evidence: dict[str, Path], export_dir: Path) -> None:
    first = await stored_case(app, ALICE, [(evidence["small"], "image", "image/png", "a.png")])
    second = await stored_case(app, ALICE, [])
    for case_id in (first, second, first):
        await say(app.service, ALICE, Command("export", str(case_id)))
    user = await app.service.user_for(ALICE)
    assert remove_exports(export_dir, user.id, first) == 4
    remaining = files_under(export_dir)
    assert len(remaining) == 2 and all(p.name.startswith(f"case-{second}-") for p in remaining)
    with zipfile.ZipFile(next(p for p in remaining if p.suffix == ".zip")) as archive:
        assert archive.namelist() == ["manifest.json"]


def test_a_font_without_chinese_is_passed_over(tmp_path: Path) -> None:
    not_a_font = tmp_path / "fake.ttc"
    not_a_font.write_bytes(b"definitely not a font")
    chosen = pick_cjk_font(not_a_font)
    assert chosen.path != not_a_font and chosen.covers("贷") and chosen.path.is_file()
    assert pick_cjk_font(tmp_path / "absent.ttc").covers("中")
    assert pick_cjk_font(SHIPPED_FONT).path == SHIPPED_FONT


def test_cjk_font_path_comes_from_the_environment(tmp_path: Path) -> None:
    assert load_settings({"CJK_FONT_PATH": str(tmp_path / "x.ttc")}).cjk_font_path == tmp_path / "x.ttc"
    assert load_settings({"CJK_FONT_PATH": "  "}).cjk_font_path is None
    assert load_settings({}).cjk_font_path is None


async def test_an_image_too_big_to_decode_or_unreadable_is_listed_without_a_preview(app: App, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")  # a few KB on disk, 100 million pixels
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff" + b"\x00" * 64)
    case_id = await stored_case(
        app, ALICE, [(bomb, "image", "image/png", "bomb.png"), (broken, "image", "image/jpeg", "broken.jpg")]
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        (reply,) = await say(app.service, ALICE, Command("export", str(case_id)))
    pdf, zip_path = pack_paths(reply)
    assert pdf_image_sizes(pdf) == []
    assert pdf_text(pdf).count("无法生成预览") == 2
    manifest, hashes = zip_contents(zip_path)
    assert sorted(hashes.values()) == sorted([sha(bomb), sha(broken)])
