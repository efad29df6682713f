"""Telegram's update journal: the kit's journal (handlers/kit/journal.py), told where a Bot API update's chat is."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from handlers.kit.journal import Replay
from handlers.kit.journal import UpdateJournal as Journal
from storage.protocols import Store

__all__ = ["Replay", "UpdateJournal", "chat_key"]


def chat_key(payload: dict[str, Any]) -> str | None:
    """The chat of an update's JSON: its message's, or the message of the tapped button (as PTB's effective_chat)."""
    for key, value in payload.items():
        if key != "update_id" and isinstance(value, dict):
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if isinstance(chat, dict) and "id" in chat:
                return str(chat["id"])
    return None


class UpdateJournal(Journal):
    """The journal of Telegram updates, which finds each update's chat for /delete."""

    def __init__(self, store: Store, clock: Callable[[], datetime], platform: str, **options: Any) -> None:
        super().__init__(store, clock, platform, chat_of=chat_key, **options)
