"""Records of what the bot did against the fake server, for tests to assert on."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Call:
    """One HTTP call to a Bot API method, kept even when it failed or was dropped."""

    method: str
    params: dict[str, Any]
    time: float
    http_method: str
    outcome: str = "ok"  # "ok", "error <status>", "injected <status>", "dropped"


@dataclass
class UploadedFile:
    """A file part of a multipart request (what PTB sends for uploads)."""

    filename: str | None
    content_type: str | None
    data: bytes


@dataclass
class Edit:
    """One successful edit of a message the bot had sent."""

    chat_id: int
    message_id: int
    method: str
    text: str | None
    reply_markup: dict[str, Any] | None
    parse_mode: str | None
    time: float


@dataclass
class SentDocument:
    """A document the bot uploaded (or re-sent by file_id) with sendDocument."""

    chat_id: int
    message_id: int
    file_id: str
    filename: str | None
    mime_type: str | None
    data: bytes | None
    caption: str | None
    time: float


@dataclass
class SentMessage:
    """A message the bot sent; `text` and `reply_markup` follow later edits.

    `original_text`/`original_reply_markup` keep what was first sent and `edits` the history,
    so a test can check both the current screen and how it got there.
    """

    chat_id: int
    message_id: int
    method: str
    text: str | None
    reply_markup: dict[str, Any] | None
    parse_mode: str | None
    time: float
    date: int
    caption: str | None = None
    document: SentDocument | None = None
    params: dict[str, Any] = field(default_factory=dict)
    edits: list[Edit] = field(default_factory=list)
    original_text: str | None = None
    original_reply_markup: dict[str, Any] | None = None
    plain_text: str | None = None
    deleted: bool = False

    def __post_init__(self) -> None:
        self.original_text = self.text
        self.original_reply_markup = self.reply_markup

    @property
    def buttons(self) -> list[dict[str, Any]]:
        """The inline keyboard buttons currently on the message, row by row flattened."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or []
        return [button for row in rows for button in row]

    @property
    def callback_data(self) -> list[str]:
        """callback_data of the current inline buttons, in order."""
        return [b["callback_data"] for b in self.buttons if "callback_data" in b]

    @property
    def reply_keyboard(self) -> list[str]:
        """Texts of a ReplyKeyboardMarkup sent with the message, flattened."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("keyboard") or []
        return [b if isinstance(b, str) else b.get("text", "") for row in rows for b in row]


@dataclass
class CallbackAnswer:
    """An answerCallbackQuery call that matched a query the fake had queued."""

    callback_query_id: str
    chat_id: int | None
    message_id: int | None
    data: str | None
    text: str | None
    show_alert: bool
    url: str | None
    time: float


@dataclass
class ChatAction:
    """A sendChatAction call (typing, upload_document, ...)."""

    chat_id: int
    action: str
    time: float
