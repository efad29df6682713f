"""Driving the real conversation service to a stored case, the way an adapter would."""
from __future__ import annotations

import io
import random
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image

from engine.events import ButtonPress, Command, Event, FileInput, TextInput
from engine.replies import Reply
from services.conversation import ConversationService, Who
from services.evidence_intake import file_item
from storage.protocols import NewEvidence

if TYPE_CHECKING:
    from app.bootstrap import App

START = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
ALICE = Who("console", "alice", "zh-CN")
BOB = Who("console", "bob", "zh-CN")
ALICE_EN = Who("console", "alice-en", "en")


async def say(service: ConversationService, who: Who, event: Event) -> list[Reply]:
    return await service.handle(who, event)


async def answer_until_evidence(service: ConversationService, who: Who) -> None:
    """A Chinese robocall complaint up to the evidence question (the same path as the console test)."""
    steps: list[Event] = [
        Command("new"),
        ButtonPress("CN"),
        ButtonPress("robocall"),
        TextInput("138 0013 8000"),
        TextInput("2026-11-20 14:30"),
        ButtonPress("several_per_day"),
        ButtonPress("never"),
        # The opt-out with its date in one answer; it came before the latest call, so "did they go on" is not asked.
        TextInput("有，2026-11-01 09:00"),
        ButtonPress("robot"),
        TextInput("某某贷款公司：您好，这里是XX贷款，您有一笔额度待领取"),
        # Two effects: "pick several", then ticks and Done.
        ButtonPress("_multi"),
        ButtonPress("time"),
        ButtonPress("sleep"),
    ]
    for event in steps:
        await say(service, who, event)
    replies = await say(service, who, ButtonPress("_done"))
    assert replies[-1].expects == "evidence", replies[-1].text


async def send_file(service: ConversationService, who: Who, path: Path, name: str | None = None) -> list[Reply]:
    item = await file_item(path, received_at=service.clock(), filename=name or path.name)
    return await say(service, who, FileInput(items=(item,)))


async def finish(service: ConversationService, who: Who) -> list[Reply]:
    """From the evidence question to the stored, drafted case (first channel offered)."""
    question = (await say(service, who, ButtonPress("_done")))[-1]
    assert question.expects == "choice" and question.buttons, question.text
    await say(service, who, ButtonPress(question.buttons[0].value))
    # Whatever the chosen channel still needs (call length, the called number, contact details).
    for _ in range(6):
        question = (await say(service, who, Command("skip")))[-1]
        if "_ok" in [b.value for b in question.buttons]:
            break
    assert "_ok" in [b.value for b in question.buttons], question.text
    # The summary's OK confirms the answers are true and writes the draft.
    return await say(service, who, ButtonPress("_ok"))


def noise_png(path: Path, side: int, seed: int) -> Path:
    """A PNG of random pixels: it cannot be compressed, so its size on disk is about side*side*3 bytes."""
    rng = random.Random(seed)
    Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3)).save(path, "PNG", compress_level=1)
    return path


def noise_jpeg(path: Path, side: int, seed: int) -> Path:
    rng = random.Random(seed)
    Image.frombytes("RGB", (side, side), rng.randbytes(side * side * 3)).save(path, "JPEG", quality=95)
    return path


def small_png(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (seed * 40 % 256, 120, 200)).save(out, "PNG")
    return out.getvalue()


async def stored_case(
    app: App, who: Who, files: Sequence[tuple[Path, str, str, str | None]], status: str = "ready", draft: str | None = None
) -> int:
    """A case written straight through the store: (path, kind, mime, original name) per evidence file."""
    user = await app.service.user_for(who)
    clock = app.service.clock
    async with app.store.transaction() as tx:
        case_id = await tx.create_case(user.id, clock(), "CN")
        await tx.update_case(case_id, clock(), issue_type="robocall", status=status, draft=draft)
        await tx.add_event(case_id, "created", {}, clock())
    for path, kind, mime, name in files:
        stored = await app.files.put_file(path)
        async with app.store.transaction() as tx:
            await tx.add_evidence(case_id, NewEvidence(stored.sha256, kind, mime, stored.size, stored.rel_path, filename=name), clock())
    return case_id
