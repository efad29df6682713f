"""Reading an exported pack back: the PDF's text, fonts and images, the ZIP's members and manifest."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from engine.replies import Reply


def pack_paths(reply: Reply) -> tuple[Path, Path]:
    pdf, zip_path = (Path(p) for p in reply.attachments)
    assert pdf.suffix == ".pdf" and zip_path.suffix == ".zip"
    return pdf, zip_path


def pdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(pdf).pages)


def pdf_fonts(pdf: Path) -> list[dict[str, Any]]:
    """Each font a page uses: its name and whether the font program is embedded in the file."""
    fonts = []
    for page in PdfReader(pdf).pages:
        resources: Any = page["/Resources"]
        for ref in resources["/Font"].values():
            font: Any = ref.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts.append({"name": str(font["/BaseFont"]), "subtype": str(font["/Subtype"]), "embedded": embedded})
    return fonts


def pdf_image_sizes(pdf: Path) -> list[tuple[int, int]]:
    sizes = []
    for page in PdfReader(pdf).pages:
        resources: Any = page["/Resources"]
        for ref in (resources.get("/XObject") or {}).values():
            obj: Any = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                sizes.append((int(obj["/Width"]), int(obj["/Height"])))
    return sizes


def zip_contents(zip_path: Path) -> tuple[dict[str, Any], dict[str, str]]:
    """The manifest and the SHA-256 of every other member, recomputed from the archive."""
    hashes: dict[str, str] = {}
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.testzip() is None
        manifest = json.loads(archive.read("manifest.json").decode("utf-8"))
        for name in archive.namelist():
            if name == "manifest.json":
                continue
            digest = hashlib.sha256()
            with archive.open(name) as member:
                while chunk := member.read(1 << 20):
                    digest.update(chunk)
            hashes[name] = digest.hexdigest()
    return manifest, hashes


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []
