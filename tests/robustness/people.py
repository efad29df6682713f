"""People talking to the real service, and a raw look at what the database and the disk hold for a case."""
from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.bootstrap import App
from engine.evidence import EvidenceItem
from engine.events import Command, Event
from engine.replies import Reply
from services.conversation import Who
from services.evidence_intake import file_item
from tests.robustness.walk import NOW, EvidenceMaker, walk_service

PNG_HEAD = b"\x89PNG\r\n\x1a\n"


def evidence_file(folder: Path, name: str, payload: bytes) -> Path:
    """A small file that the bot takes for a PNG screenshot; `payload` makes its bytes unique."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(PNG_HEAD + b"\x00\x00\x00\rIHDR" + payload)
    return path


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Person:
    app: App
    who: Who

    async def send(self, event: Event) -> list[Reply]:
        return await self.app.service.handle(self.who, event)

    async def say(self, text: str) -> str:
        """Send a command line such as "/case 3"; returns everything the bot answered as one text."""
        name, _, arg = text.lstrip("/").partition(" ")
        return "\n".join(r.text for r in await self.send(Command(name, arg)))

    async def step(self) -> str | None:
        service = self.app.service
        return (await service.state_of(await service.user_for(self.who))).step

    async def case_id(self) -> int | None:
        service = self.app.service
        return (await service.state_of(await service.user_for(self.who))).case_id

    async def complain(self, plan: dict[str, Any], files: list[Path], stop_at: str | None = None) -> tuple[int, str]:
        """Go through a whole complaint (or up to `stop_at`) with these evidence files."""
        items = [await file_item(p.resolve(), received_at=NOW, filename=p.name) for p in files]
        replies = await walk_service(self.send, self.step, self.app.service.engine, plan, evidence_maker(items), stop_at)
        case_id = await self.case_id()
        assert case_id is not None
        return case_id, "\n".join(r.text for r in replies)


def evidence_maker(items: list[EvidenceItem]) -> EvidenceMaker:
    """The n-th evidence item to send (1-based); with fewer items the last one repeats harmlessly."""
    return lambda n: items[min(n, len(items)) - 1]


def case_tables(db: sqlite3.Connection) -> list[str]:
    """Every table with a case_id column: whatever is added later (reminders, exports) is covered too."""
    names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return [n for n in names if any(col[1] == "case_id" for col in db.execute(f"PRAGMA table_info({n})"))]


def open_db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{data_dir / 'bot.sqlite3'}?mode=ro", uri=True)


def case_snapshot(data_dir: Path, case_id: int) -> dict[str, Any]:
    """Everything stored about one case: its row, every row that references it, and its files' bytes."""
    with open_db(data_dir) as db:
        snapshot: dict[str, Any] = {"cases": db.execute("SELECT * FROM cases WHERE id = ?", (case_id,)).fetchall()}
        for table in case_tables(db):
            snapshot[table] = sorted(db.execute(f"SELECT * FROM {table} WHERE case_id = ?", (case_id,)).fetchall(), key=repr)
        paths = [row[0] for row in db.execute("SELECT stored_path FROM evidence WHERE case_id = ?", (case_id,))]
    snapshot["files"] = {p: sha256_of(data_dir / "evidence" / p) for p in paths}
    return snapshot


def session_of(data_dir: Path, who: Who) -> dict[str, Any]:
    with open_db(data_dir) as db:
        row = db.execute(
            "SELECT s.state FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.platform = ? AND u.external_id = ?",
            (who.platform, who.external_id),
        ).fetchone()
    return json.loads(row[0]) if row else {}
