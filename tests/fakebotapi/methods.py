"""The Bot API methods the fake implements, with the real API's validation and error texts."""
from __future__ import annotations

import contextlib
import json
import mimetypes
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from .formatting import EntityParseError, plain_text
from .records import CallbackAnswer, ChatAction, Edit, SentDocument, SentMessage, UploadedFile
from .state import BotState

MAX_TEXT = 4096
MAX_CAPTION = 1024
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
}
_COMMAND_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
# Form and multipart bodies carry every value as a string; PTB JSON-encodes the non-string ones.
_JSON_FIELDS = {
    "chat_id", "message_id", "reply_markup", "commands", "scope", "offset", "limit", "timeout",
    "allowed_updates", "show_alert", "cache_time", "disable_notification", "protect_content",
    "reply_parameters", "entities", "caption_entities", "link_preview_options",
    "drop_pending_updates", "max_connections", "message_thread_id", "reply_to_message_id",
    "allow_sending_without_reply", "disable_content_type_detection", "disable_web_page_preview",
    "show_caption_above_media", "allow_paid_broadcast",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"

Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class ApiError(Exception):
    """An error answer: {"ok": false, "error_code": status, "description": ..., "parameters": ...}."""

    def __init__(self, status: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


def coerce_params(raw: dict[str, Any], *, from_form: bool) -> dict[str, Any]:
    """Decode JSON-encoded form values and numeric chat ids, as Telegram's parser does."""
    params: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, str) and (from_form and key in _JSON_FIELDS or key == "chat_id"):
            with contextlib.suppress(ValueError):
                value = json.loads(value)
        params[key] = value
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("attach://"):
            params[key] = params.get(value[len("attach://"):], value)
    return params


class BotMethods:
    """Maps method names (case-insensitive, like Telegram) to handlers over a BotState."""

    def __init__(self, state: BotState) -> None:
        self.state = state
        self.handlers: dict[str, tuple[str, Handler]] = {}
        for name in (
            "getMe", "getUpdates", "deleteWebhook", "setWebhook", "getWebhookInfo",
            "setMyCommands", "getMyCommands", "deleteMyCommands", "sendMessage",
            "editMessageText", "editMessageReplyMarkup", "deleteMessage", "answerCallbackQuery",
            "sendDocument", "sendChatAction", "getFile",
        ):
            self.handlers[name.lower()] = (name, getattr(self, "_" + name))

    def resolve(self, method: str) -> tuple[str, Handler] | None:
        return self.handlers.get(method.lower())

    # helpers -------------------------------------------------------------------------------
    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id in (None, ""):
            raise bad_request("chat_id is empty")
        if not isinstance(chat_id, int) or chat_id not in self.state.chats:
            raise bad_request("chat not found")
        if chat_id in self.state.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return self.state.chats[chat_id]

    @staticmethod
    def _plain(text: str, parse_mode: str | None) -> str:
        try:
            return plain_text(text, parse_mode)
        except EntityParseError as exc:
            raise bad_request(f"can't parse entities: {exc}") from exc

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard") or []:
            for button in row:
                actions = set(button) - {"text"}
                if not actions:
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode("utf-8")) <= 64:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _message_json(self, sent: SentMessage) -> dict[str, Any]:
        message: dict[str, Any] = {
            "message_id": sent.message_id,
            "from": self.state.bot_user,
            "chat": self.state.chats[sent.chat_id],
            "date": sent.date,
        }
        if sent.text is not None:
            message["text"] = sent.plain_text
        if sent.caption is not None:
            message["caption"] = sent.caption
        if sent.document is not None:
            stored = self.state.files.by_id(sent.document.file_id)
            message["document"] = {
                "file_id": sent.document.file_id,
                "file_unique_id": stored.file_unique_id if stored else "",
                "file_name": sent.document.filename,
                "mime_type": sent.document.mime_type,
                "file_size": stored.size if stored else 0,
            }
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        if sent.edits:
            message["edit_date"] = int(time.time())
        return message

    def message_json(self, sent: SentMessage) -> dict[str, Any]:
        """A sent message as Telegram would show it now (used for callback_query.message)."""
        return self._message_json(sent)

    def _record_sent(self, sent: SentMessage) -> dict[str, Any]:
        self.state.messages.append(sent)
        self.state.changes.notify()
        return self._message_json(sent)

    def _target(self, params: dict[str, Any]) -> SentMessage:
        if params.get("inline_message_id"):
            raise bad_request("inline messages are not supported by the fake Bot API")
        self._chat(params)
        sent = self.state.sent_message(params["chat_id"], params.get("message_id") or 0)
        if sent is None:
            raise bad_request("message to edit not found")
        return sent

    # methods -------------------------------------------------------------------------------
    async def _getMe(self, params: dict[str, Any]) -> Any:
        return self.state.bot_user

    async def _getUpdates(self, params: dict[str, Any]) -> Any:
        state = self.state
        if state.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        state.poll_generation += 1
        generation = state.poll_generation
        state.changes.notify()  # an older long poll sees the new generation and ends with 409
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(float(params.get("timeout") or 0), 0.0)
        if isinstance(params.get("allowed_updates"), list):
            state.allowed_updates = params["allowed_updates"] or None
        if offset > 0:
            state.confirm_below(offset)
        elif offset < 0:
            state.pending = state.pending[offset:]

        def probe() -> bool:
            return bool(
                state.closing
                or state.poll_generation != generation
                or state.deliverable(offset, limit)
            )

        await state.changes.until(probe, timeout)
        if state.poll_generation != generation and not state.closing:
            raise ApiError(409, "Conflict: terminated by other getUpdates request; "
                                "make sure that only one bot instance is running")
        return state.deliverable(offset, limit)

    async def _deleteWebhook(self, params: dict[str, Any]) -> Any:
        self.state.webhook_url = ""
        if params.get("drop_pending_updates"):
            self.state.pending.clear()
        return True

    async def _setWebhook(self, params: dict[str, Any]) -> Any:
        url = str(params.get("url") or "")
        if url and not url.startswith("https://"):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.state.webhook_url = url
        if params.get("drop_pending_updates"):
            self.state.pending.clear()
        return True

    async def _getWebhookInfo(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self.state.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self.state.pending),
        }
        if self.state.allowed_updates:
            info["allowed_updates"] = self.state.allowed_updates
        return info

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or "type" not in scope:
            raise bad_request("can't parse BotCommandScope JSON object")
        key = ":".join(str(part) for part in (scope["type"], scope.get("chat_id"), scope.get("user_id")) if part)
        language = str(params.get("language_code") or "")
        if language and not _LANGUAGE_CODE.match(language):
            raise bad_request("invalid language code specified")
        return key, language

    async def _setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands") or []
        if not isinstance(commands, list) or len(commands) > 100:
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            if not _COMMAND_NAME.match(str(command.get("command", ""))):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.state.commands[self._commands_key(params)] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    async def _getMyCommands(self, params: dict[str, Any]) -> Any:
        return self.state.commands.get(self._commands_key(params), [])

    async def _deleteMyCommands(self, params: dict[str, Any]) -> Any:
        self.state.commands.pop(self._commands_key(params), None)
        return True

    async def _sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        parse_mode = params.get("parse_mode") or None
        plain = self._plain(text, parse_mode)
        if not plain.strip():
            raise bad_request("message text is empty")
        if len(plain.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise bad_request("message is too long")
        markup = self._markup(params)
        sent = SentMessage(
            chat_id=chat["id"], message_id=self.state.next_message_id(chat["id"]), method="sendMessage",
            text=text, reply_markup=markup, parse_mode=parse_mode, time=self.state.now(),
            date=int(time.time()), params=params, plain_text=plain,
        )
        return self._record_sent(sent)

    async def _editMessageText(self, params: dict[str, Any]) -> Any:
        sent = self._target(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise bad_request("message text is empty")
        if sent.text is None:
            raise bad_request("there is no text in the message to edit")
        parse_mode = params.get("parse_mode") or None
        plain = self._plain(text, parse_mode)
        if len(plain.encode("utf-16-le")) // 2 > MAX_TEXT:
            raise bad_request("MESSAGE_TOO_LONG")
        markup = self._markup(params)
        if plain == sent.plain_text and markup == sent.reply_markup:
            raise bad_request(NOT_MODIFIED)
        sent.text, sent.plain_text, sent.parse_mode, sent.reply_markup = text, plain, parse_mode, markup
        return self._record_edit(sent, "editMessageText")

    async def _editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        sent = self._target(params)
        markup = self._markup(params)
        if markup == sent.reply_markup or (not markup and not sent.reply_markup):
            raise bad_request(NOT_MODIFIED)
        sent.reply_markup = markup
        return self._record_edit(sent, "editMessageReplyMarkup")

    def _record_edit(self, sent: SentMessage, method: str) -> dict[str, Any]:
        edit = Edit(
            chat_id=sent.chat_id, message_id=sent.message_id, method=method, text=sent.text,
            reply_markup=sent.reply_markup, parse_mode=sent.parse_mode, time=self.state.now(),
        )
        sent.edits.append(edit)
        self.state.edits.append(edit)
        self.state.changes.notify()
        return self._message_json(sent)

    async def _deleteMessage(self, params: dict[str, Any]) -> Any:
        self._chat(params)
        sent = self.state.sent_message(params["chat_id"], params.get("message_id") or 0)
        if sent is None:
            raise bad_request("message to delete not found")
        sent.deleted = True
        self.state.changes.notify()
        return True

    async def _answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        query = self.state.callback_queries.pop(query_id, None)
        if query is None:
            raise bad_request(QUERY_TOO_OLD)
        message = query.get("message") or {}
        self.state.callback_answers.append(CallbackAnswer(
            callback_query_id=query_id,
            chat_id=(message.get("chat") or {}).get("id"),
            message_id=message.get("message_id"),
            data=query.get("data"),
            text=params.get("text"),
            show_alert=bool(params.get("show_alert")),
            url=params.get("url"),
            time=self.state.now(),
        ))
        self.state.changes.notify()
        return True

    async def _sendChatAction(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        action = params.get("action")
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.state.chat_actions.append(ChatAction(chat["id"], action, self.state.now()))
        self.state.changes.notify()
        return True

    async def _sendDocument(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params)
        markup = self._markup(params)
        parse_mode = params.get("parse_mode") or None
        caption = params.get("caption")
        if caption is not None:
            caption = self._plain(str(caption), parse_mode)
            if len(caption.encode("utf-16-le")) // 2 > MAX_CAPTION:
                raise bad_request("message caption is too long")
        document = params.get("document")
        if isinstance(document, UploadedFile):
            if not document.data:
                raise bad_request("file must be non-empty")
            filename = document.filename or "document"
            mime = document.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
            extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
            stored = self.state.files.register(document.data, "documents", extension)
        else:
            known = self.state.files.by_id(str(document or ""))
            if known is None:
                raise bad_request("wrong file identifier/HTTP URL specified")
            stored, filename, mime = known, known.file_path.rsplit("/", 1)[-1], "application/octet-stream"
        message_id = self.state.next_message_id(chat["id"])
        record = SentDocument(
            chat_id=chat["id"], message_id=message_id, file_id=stored.file_id, filename=filename,
            mime_type=mime, data=stored.data, caption=caption, time=self.state.now(),
        )
        self.state.documents.append(record)
        sent = SentMessage(
            chat_id=chat["id"], message_id=message_id, method="sendDocument", text=None,
            reply_markup=markup, parse_mode=parse_mode, time=record.time,
            date=int(time.time()), caption=caption, document=record, params=params,
        )
        return self._record_sent(sent)

    async def _getFile(self, params: dict[str, Any]) -> Any:
        file_id = str(params.get("file_id") or "")
        if not file_id:
            raise bad_request("file_id not specified")
        stored = self.state.files.by_id(file_id)
        if stored is None:
            raise bad_request("invalid file_id")
        if not stored.downloadable:
            raise bad_request("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }
