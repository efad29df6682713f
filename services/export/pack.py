"""The /export command: a case's evidence pack (a PDF to read and a ZIP of the originals) on disk.

The pack is written under `<export_dir>/<user id>/` on a worker thread, ZIP first (it re-hashes every
original, so the PDF can say which files are missing or changed), each file under a temporary name
that is renamed only once it is complete.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from engine.engine import describe_answers
from engine.replies import Reply
from knowledge.catalog import Catalog
from services.conversation import Context
from services.guard import guard_case
from services.export.content import CaseFacts, Zone, display_zone, pdf_content
from services.export.fonts import pick_cjk_font
from services.export.items import ALTERED, MISSING, pack_items
from services.export.pdf import write_pdf
from services.export.zip import PackMeta, write_zip
from services.texts import st
from storage.protocols import CaseRow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pack:
    """The files of one export and what the ZIP pass found."""

    pdf: Path
    zip: Path
    missing: int
    altered: int


class EvidenceExporter:
    """Handles `/export ID` for the conversation service."""

    def __init__(self, catalog: Catalog, export_dir: Path, cjk_font: Path | None = None) -> None:
        self.catalog = catalog
        self.export_dir = Path(export_dir)
        self.cjk_font = cjk_font

    async def __call__(self, ctx: Context) -> list[Reply]:
        case, refusal = await guard_case(ctx, ctx.arg, typed=True)
        if case is None:
            return refusal or [Reply(st("export.usage", ctx.lang))]
        service = ctx.service
        case_id = case.id
        facts = CaseFacts(
            case=case,
            summary=describe_answers(service.engine, await service.store.case_answers(case_id), ctx.lang),
            events=await service.store.case_events(case_id),
            items=pack_items(await service.store.case_evidence(case_id), service.files),
        )
        zone = display_zone(ctx.user, case, self.catalog, ctx.lang)
        folder = self.export_dir / str(ctx.user.id)
        try:
            pack = await asyncio.to_thread(self._write, folder, facts, ctx.lang, zone, ctx.now)
        except Exception:
            log.exception("export of a case failed")
            return [Reply(st("export.failed", ctx.lang), kind="error")]
        log.info("case exported: %d item(s), %d missing, %d altered", len(facts.items), pack.missing, pack.altered)
        return [self._reply(case, pack, folder, ctx.lang)]

    def _write(self, folder: Path, facts: CaseFacts, lang: str, zone: Zone, now: datetime) -> Pack:
        font = pick_cjk_font(self.cjk_font)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        stem = f"case-{facts.case.id}-{now.astimezone(timezone.utc):%Y%m%d-%H%M%S}"
        pdf, zip_path = folder / f"{stem}.pdf", folder / f"{stem}.zip"
        meta = PackMeta(facts.case.id, facts.case.status, now)
        with _Publishing(zip_path) as zip_part:
            checks = write_zip(zip_part, facts.items, meta)
            with _Publishing(pdf) as pdf_part:
                write_pdf(pdf_part, pdf_content(facts, checks, self.catalog, lang, zone, now), font)
        statuses = [c.status for c in checks.values()]
        return Pack(pdf, zip_path, statuses.count(MISSING), statuses.count(ALTERED))

    def _reply(self, case: CaseRow, pack: Pack, folder: Path, lang: str) -> Reply:
        lines = [st("export.done", lang, id=case.id, pdf=pack.pdf.name, zip=pack.zip.name, folder=folder.resolve())]
        if case.status == "draft":
            lines.append(st("export.unfinished", lang))
        if pack.missing:
            lines.append(st("export.missing", lang, count=pack.missing))
        if pack.altered:
            lines.append(st("export.altered", lang, count=pack.altered))
        return Reply("\n\n".join(lines), attachments=(str(pack.pdf.resolve()), str(pack.zip.resolve())))


class _Publishing:
    """A file written under a hidden temporary name and renamed into place only if writing succeeded."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.part = final.with_name(f".{final.name}.part")

    def __enter__(self) -> Path:
        return self.part

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            os.chmod(self.part, 0o600)
            os.replace(self.part, self.final)
        else:
            self.part.unlink(missing_ok=True)


def remove_exports(export_dir: Path, user_id: int, case_id: int) -> int:
    """Delete a case's packs (for /delete, which erases a case for good); returns how many files went."""
    folder = Path(export_dir) / str(user_id)
    removed = 0
    for suffix in ("pdf", "zip"):
        for path in folder.glob(f"case-{case_id}-*.{suffix}"):
            path.unlink(missing_ok=True)
            removed += 1
    try:
        folder.rmdir()  # only when nothing else of the person's is left in it
    except OSError:
        pass
    return removed
