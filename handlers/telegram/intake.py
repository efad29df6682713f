"""Telegram messages as engine events: commands, text, forwarded messages and files to download.

Files are checked against the size limit before anything is fetched, then downloaded through
getFile straight into a temp file of the evidence store; the conversation service adopts it (or
discards it) together with the rest of the event.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from telegram import (
    Message,
    MessageOrigin,
    MessageOriginChannel,
    MessageOriginChat,
    MessageOriginHiddenUser,
    MessageOriginUser,
)
from telegram.error import BadRequest, TelegramError

from handlers.telegram.send import TelegramSender, reason
from engine.evidence import EvidenceItem, human_size
from services.evidence_intake import file_item
from storage.files import EvidenceFiles

log = logging.getLogger(__name__)

PUBLIC_DOWNLOAD_LIMIT = 20 * 1024 * 1024
UNSUPPORTED_KINDS = ("sticker", "venue", "location", "contact", "poll", "dice", "game", "story")
# Notices Telegram itself puts in a private chat; nobody sent them, so nobody needs an answer.
SERVICE_NOTICES = ("pinned_message", "write_access_allowed", "message_auto_delete_timer_changed", "chat_background_set")


@dataclass(frozen=True)
class FileRef:
    """A file attached to a message, before it is downloaded."""

    file_id: str
    size: int | None
    filename: str | None = None
    mime: str | None = None
    kind_hint: str | None = None
    caption: str | None = None
    origin: dict[str, Any] | None = None


@dataclass(frozen=True)
class Refusal:
    """A file that will not become evidence: "too_big" or "download_failed"."""

    reason: str
    size: int | None = None


def _name(first: str | None, last: str | None, username: str | None) -> str:
    name = " ".join(part for part in (first, last) if part)
    if username:
        name = f"{name} (@{username})" if name else f"@{username}"
    return name


def describe_origin(origin: MessageOrigin | None) -> dict[str, Any] | None:
    """Who wrote a forwarded message and when, as far as Telegram tells."""
    if origin is None:
        return None
    found: dict[str, Any] = {"type": origin.type, "date": origin.date.isoformat() if origin.date else None}
    if isinstance(origin, MessageOriginUser):
        user = origin.sender_user
        found["sender"] = _name(user.first_name, user.last_name, user.username)
        found["sender_id"] = user.id
    elif isinstance(origin, MessageOriginHiddenUser):
        found["sender"] = origin.sender_user_name
    elif isinstance(origin, MessageOriginChat):
        chat = origin.sender_chat
        found["sender"] = origin.author_signature or chat.title or _name(chat.first_name, chat.last_name, chat.username)
        found["chat"] = chat.title
    elif isinstance(origin, MessageOriginChannel):
        found["sender"] = origin.author_signature or origin.chat.title
        found["chat"] = origin.chat.title
        found["message_id"] = origin.message_id
    return found


def forwarded_text_item(message: Message, received_at: datetime) -> EvidenceItem | None:
    """A forwarded text message as one evidence item (its text, original sender and date)."""
    if message.forward_origin is None or message.text is None or not message.text.strip():
        return None
    return EvidenceItem.of_text(message.text.strip(), "forward", received_at, describe_origin(message.forward_origin))


def _hint(mime: str | None) -> str | None:
    major = (mime or "").split("/", 1)[0]
    return major if major in ("audio", "video") else None


def _attachment(message: Message) -> tuple[str, int | None, str | None, str | None, str | None] | None:
    """(file_id, size, filename, mime, kind hint) of the file a message carries."""
    if message.photo:
        largest = message.photo[-1]  # Telegram lists the sizes smallest first
        return largest.file_id, largest.file_size, None, "image/jpeg", None
    if message.animation:
        a = message.animation
        return a.file_id, a.file_size, a.file_name, a.mime_type, "video"
    if message.video:
        v = message.video
        return v.file_id, v.file_size, v.file_name, v.mime_type, "video"
    if message.video_note:
        n = message.video_note
        return n.file_id, n.file_size, None, "video/mp4", "video"
    if message.voice:
        o = message.voice
        return o.file_id, o.file_size, None, o.mime_type, "audio"
    if message.audio:
        m = message.audio
        return m.file_id, m.file_size, m.file_name, m.mime_type, "audio"
    if message.document:
        d = message.document
        return d.file_id, d.file_size, d.file_name, d.mime_type, _hint(d.mime_type)
    return None


def file_ref(message: Message) -> FileRef | None:
    """The evidence file a message carries (the largest size of a photo), or None."""
    found = _attachment(message)
    if found is None:
        return None
    file_id, size, filename, mime, hint = found
    return FileRef(file_id, size, filename, mime, hint, message.caption, describe_origin(message.forward_origin))


def is_notice(message: Message) -> bool:
    return any(getattr(message, name, None) for name in SERVICE_NOTICES)


def unsupported_kind(message: Message) -> str:
    """What a message without text or evidence is (for a friendly "I can't use that")."""
    return next((kind for kind in UNSUPPORTED_KINDS if getattr(message, kind, None)), "other")


class Downloader:
    """Fetches Telegram files into the evidence store's temp folder, within a size limit."""

    def __init__(self, sender: TelegramSender, files: EvidenceFiles, max_bytes: int) -> None:
        self.sender = sender
        self.files = files
        self.max_bytes = max_bytes

    @property
    def limit_text(self) -> str:
        return human_size(self.max_bytes)

    async def fetch(self, ref: FileRef, received_at: datetime) -> EvidenceItem | Refusal:
        """An evidence item whose bytes wait in a temp file, or why there is none."""
        if ref.size is not None and ref.size > self.max_bytes:
            return Refusal("too_big", ref.size)
        tmp = self.files.new_temp_path()
        try:
            refusal = await self._download(ref, tmp)
            if refusal is None:
                item = await file_item(
                    tmp,
                    received_at=received_at,
                    filename=ref.filename,
                    mime_hint=ref.mime,
                    caption=ref.caption,
                    origin=ref.origin,
                    temporary=True,
                    kind_hint=ref.kind_hint,
                )
                if item.size > self.max_bytes:
                    refusal = Refusal("too_big", item.size)
        except BaseException:
            await self.files.discard_temp(tmp)
            raise
        if refusal is not None:
            await self.files.discard_temp(tmp)
            return refusal
        return item

    async def _download(self, ref: FileRef, tmp: Path) -> Refusal | None:
        bot = self.sender.bot
        try:
            remote = await self.sender.retrying(lambda: bot.get_file(ref.file_id), what="getFile")
            if remote.file_size and remote.file_size > self.max_bytes:
                return Refusal("too_big", remote.file_size)
            await self.sender.retrying(lambda: remote.download_to_drive(tmp), what="download")
        except BadRequest as exc:
            if "too big" in reason(exc):
                return Refusal("too_big", ref.size)
            log.warning("download refused: %s", type(exc).__name__)
            return Refusal("download_failed")
        except TelegramError as exc:
            log.warning("download failed: %s", type(exc).__name__)
            return Refusal("download_failed")
        return None
