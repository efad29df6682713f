"""Everything the fake Telegram knows: chats, users, queued updates, and what the bot did."""
from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .files import FileStore
from .records import Call, CallbackAnswer, ChatAction, Edit, SentDocument, SentMessage

T = TypeVar("T")

DEFAULT_LANGUAGE = "zh-hans"  # what Telegram reports for a Simplified Chinese client


class WaitTimeout(AssertionError):
    """A waiting helper gave up; an AssertionError so pytest shows it as a failed expectation."""


class Changes:
    """Wakes everyone waiting for the state to change (new update, new call, new message)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    async def until(self, probe: Callable[[], T], timeout: float) -> T | None:
        """Return probe()'s first truthy value, or None once `timeout` seconds pass."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            event = self._event
            result = probe()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                return None
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)


def update_type(update: dict[str, Any]) -> str:
    """The update's kind ("message", "callback_query", ...), as allowed_updates names it."""
    return next(key for key in update if key != "update_id")


class BotState:
    """Shared state of one fake server; the HTTP layer and the test-side builders both use it."""

    def __init__(self, token: str) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0])
        self.bot_user: dict[str, Any] = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Fake Bot",
            "username": "fake_test_bot",
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self.changes = Changes()
        self.closing = False
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.files = FileStore()
        self.pending: list[dict[str, Any]] = []
        self.deliveries: list[dict[str, Any]] = []
        self.allowed_updates: list[str] | None = None
        self.webhook_url = ""
        self.poll_generation = 0
        self.calls: list[Call] = []
        self.messages: list[SentMessage] = []
        self.edits: list[Edit] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.documents: list[SentDocument] = []
        self.chat_actions: list[ChatAction] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self._next_message_id: dict[int, int] = {}
        self._next_update_id = 100_000
        self._callback_counter = 0

    # ids -----------------------------------------------------------------------------------
    def next_message_id(self, chat_id: int) -> int:
        """Message ids grow per chat and are shared by both sides, as in a private chat."""
        value = self._next_message_id.get(chat_id, 0) + 1
        self._next_message_id[chat_id] = value
        return value

    def next_update_id(self) -> int:
        self._next_update_id += 1
        return self._next_update_id

    def next_callback_id(self) -> str:
        self._callback_counter += 1
        return f"{self._callback_counter:019d}"

    # updates -------------------------------------------------------------------------------
    def enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        self.pending.append(update)
        self.pending.sort(key=lambda u: u["update_id"])
        self.changes.notify()
        return update

    def confirm_below(self, offset: int) -> None:
        """getUpdates with an offset forgets every update whose id is lower."""
        self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def deliverable(self, offset: int | None, limit: int) -> list[dict[str, Any]]:
        allowed = self.allowed_updates
        if allowed:
            self.pending = [u for u in self.pending if update_type(u) in allowed]
        floor = offset if offset and offset > 0 else 0
        return [u for u in self.pending if u["update_id"] >= floor][:limit]

    # chats and messages --------------------------------------------------------------------
    def sent_message(self, chat_id: int, message_id: int) -> SentMessage | None:
        for message in reversed(self.messages):
            if message.chat_id == chat_id and message.message_id == message_id and not message.deleted:
                return message
        return None

    def record_call(self, call: Call) -> None:
        self.calls.append(call)
        self.changes.notify()

    @staticmethod
    def now() -> float:
        return time.monotonic()
