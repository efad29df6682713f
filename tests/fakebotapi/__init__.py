"""A fake Telegram Bot API server for testing real python-telegram-bot code over HTTP."""
from .files import MAX_DOWNLOAD_SIZE, StoredFile
from .records import Call, CallbackAnswer, ChatAction, Edit, SentDocument, SentMessage, UploadedFile
from .server import DEFAULT_TOKEN, FakeBotApi
from .state import DEFAULT_LANGUAGE, WaitTimeout
from .webhook import WEBHOOK_ANSWER, WebhookPusher

__all__ = [
    "DEFAULT_LANGUAGE",
    "DEFAULT_TOKEN",
    "MAX_DOWNLOAD_SIZE",
    "Call",
    "CallbackAnswer",
    "ChatAction",
    "Edit",
    "FakeBotApi",
    "SentDocument",
    "SentMessage",
    "StoredFile",
    "UploadedFile",
    "WEBHOOK_ANSWER",
    "WaitTimeout",
    "WebhookPusher",
]
