"""Test-side builders that queue user actions as Bot API updates (the JSON Telegram would send)."""
from __future__ import annotations

import copy
import datetime as dt
import re
import time
from typing import Any

from .media import image_size, solid_png, thumbnail_sizes
from .methods import BotMethods
from .records import SentMessage
from .state import DEFAULT_LANGUAGE, BotState

UserRef = int | dict[str, Any] | None
_COMMAND_AT_START = re.compile(r"^/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]+)?")
BIG_FILE_SIZE = 25 * 1024 * 1024


def _epoch(value: dt.datetime | int | float | None, default_age: float = 0.0) -> int:
    if value is None:
        return int(time.time() - default_age)
    if isinstance(value, dt.datetime):
        return int(value.timestamp())
    return int(value)


class UpdateBuilder:
    """Mixin for FakeBotApi: each builder registers any files, queues one update and returns it."""

    state: BotState
    methods: BotMethods

    # people and chats ----------------------------------------------------------------------
    @property
    def users(self) -> dict[int, dict[str, Any]]:
        """Known users by id (Bot API User objects); text() and friends create them on demand."""
        return self.state.users

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Create or update a user and the private chat with them; returns the User object."""
        existing = self.state.users.get(user_id)
        user = existing if existing is not None else {
            "id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": DEFAULT_LANGUAGE,
        }
        for key, value in (("first_name", first_name), ("last_name", last_name),
                           ("username", username), ("language_code", language_code)):
            if value is not None:
                user[key] = value
        self.state.users[user_id] = user
        chat = {"id": user_id, "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        self.state.chats[user_id] = chat
        return user

    def group(self, chat_id: int, title: str = "Test group") -> dict[str, Any]:
        """Register a group or supergroup (negative id) so the bot may post there."""
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat = {"id": chat_id, "type": kind, "title": title}
        self.state.chats[chat_id] = chat
        return chat

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: sends to them fail with 403 like the real API."""
        self.state.blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self.state.blocked.discard(chat_id)

    def _sender(self, chat_id: int, user: UserRef, language_code: str | None) -> dict[str, Any]:
        if isinstance(user, dict):
            fields = {k: user[k] for k in ("first_name", "last_name", "username", "language_code") if k in user}
            resolved = self.user(user["id"], **fields)
        elif isinstance(user, int):
            resolved = self.state.users.get(user) or self.user(user)
        elif chat_id > 0:
            resolved = self.state.users.get(chat_id) or self.user(chat_id)
        else:
            raise ValueError("messages in a group need user=")
        if chat_id > 0 and chat_id not in self.state.chats:
            self.user(chat_id)
        elif chat_id < 0 and chat_id not in self.state.chats:
            self.group(chat_id)
        sender = copy.deepcopy(resolved)
        if language_code is not None:
            sender["language_code"] = language_code
        return sender

    # queueing ------------------------------------------------------------------------------
    def enqueue(self, body: dict[str, Any]) -> dict[str, Any]:
        """Queue a hand-made update body (without update_id) and return the full update."""
        update = {"update_id": self.state.next_update_id(), **body}
        return self.state.enqueue(update)

    def requeue(self, update: dict[str, Any], *, new_update_id: bool = False) -> dict[str, Any]:
        """Deliver an update again, as Telegram does when a bot died before confirming it.

        With the same update_id (the default, as Telegram redelivers) only a poller whose offset
        is not past it sees it, i.e. a restarted Application. new_update_id=True stamps a fresh
        id so a running poller gets the same content twice.
        """
        again = copy.deepcopy(update)
        if new_update_id:
            again["update_id"] = self.state.next_update_id()
        return self.state.enqueue(again)

    def _message(self, chat_id: int, user: UserRef, language_code: str | None, **content: Any) -> dict[str, Any]:
        sender = self._sender(chat_id, user, language_code)
        message = {
            "message_id": self.state.next_message_id(chat_id),
            "from": sender,
            "chat": self.state.chats[chat_id],
            "date": int(time.time()),
        }
        message.update({k: v for k, v in content.items() if v is not None})
        return message

    def _queue_message(self, chat_id: int, user: UserRef, language_code: str | None, **content: Any) -> dict[str, Any]:
        return self.enqueue({"message": self._message(chat_id, user, language_code, **content)})

    # text ----------------------------------------------------------------------------------
    def text(
        self, chat_id: int, text: str, *, user: UserRef = None, language_code: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """The user types `text`; a leading /command gets its bot_command entity like a real client."""
        entities = None
        match = _COMMAND_AT_START.match(text)
        if match:
            entities = [{"type": "bot_command", "offset": 0, "length": len(match.group(0).encode("utf-16-le")) // 2}]
        reply = None
        if reply_to_message_id is not None:
            sent = self.state.sent_message(chat_id, reply_to_message_id)
            reply = self.methods.message_json(sent) if sent else None
        return self._queue_message(chat_id, user, language_code, text=text, entities=entities,
                                   reply_to_message=reply)

    def command(
        self, chat_id: int, command: str, args: str = "", *, user: UserRef = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """The user sends /command [args]."""
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return self.text(chat_id, text, user=user, language_code=language_code)

    def forwarded_text(
        self, chat_id: int, text: str, *, origin_name: str | None = None, origin_user: UserRef = None,
        origin_chat: dict[str, Any] | None = None, origin_date: dt.datetime | int | None = None,
        user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """A text forwarded by the user, with forward_origin (Bot API 7+) and the legacy fields.

        origin_user: a visible account; origin_name: an account hiding its link ("hidden_user");
        origin_chat: a channel post ({"id", "title"}). With none given the origin is a hidden user.
        """
        date = _epoch(origin_date, default_age=3600)
        legacy: dict[str, Any] = {"forward_date": date}
        if origin_user is not None:
            if isinstance(origin_user, dict):
                sender = {"is_bot": False, **origin_user}
            else:
                known = self.state.users.get(origin_user)
                sender = dict(known) if known else {
                    "id": origin_user, "is_bot": False, "first_name": f"User{origin_user}",
                }
            origin: dict[str, Any] = {"type": "user", "sender_user": sender, "date": date}
            legacy["forward_from"] = sender
        elif origin_chat is not None:
            channel = {"id": origin_chat["id"], "type": "channel", "title": origin_chat.get("title", "Channel")}
            origin = {"type": "channel", "chat": channel, "message_id": origin_chat.get("message_id", 1), "date": date}
            legacy.update(forward_from_chat=channel, forward_from_message_id=origin["message_id"])
        else:
            name = origin_name or "Hidden sender"
            origin = {"type": "hidden_user", "sender_user_name": name, "date": date}
            legacy["forward_sender_name"] = name
        return self._queue_message(chat_id, user, language_code, text=text, forward_origin=origin, **legacy)

    # callbacks -----------------------------------------------------------------------------
    def callback(
        self, chat_id: int, message_id: int | SentMessage, data: str, *, user: UserRef = None,
        language_code: str | None = None, force: bool = False,
    ) -> dict[str, Any]:
        """The user presses an inline button with `data` on a message the bot sent.

        Refuses data the message's current keyboard does not offer (a user cannot press a button
        that is not there) unless force=True, which simulates a stale or crafted press.
        """
        mid = message_id.message_id if isinstance(message_id, SentMessage) else message_id
        sent = self.state.sent_message(chat_id, mid)
        if sent is None:
            raise ValueError(f"the bot sent no message {mid} in chat {chat_id}")
        if not force and data not in sent.callback_data:
            raise ValueError(f"message {mid} offers callback_data {sent.callback_data}, not {data!r}")
        sender = self._sender(chat_id, user, language_code)
        query_id = self.state.next_callback_id()
        query = {
            "id": query_id,
            "from": sender,
            "message": self.methods.message_json(sent),
            "chat_instance": f"-{abs(chat_id) * 7919 % 10**12}",
            "data": data,
        }
        self.state.callback_queries[query_id] = query
        return self.enqueue({"callback_query": query})

    def press(
        self, chat_id: int, button_text: str, *, message_id: int | None = None, user: UserRef = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Press the inline button labelled `button_text` on the newest bot message that has it."""
        for sent in reversed(self.state.messages):
            if sent.chat_id != chat_id or sent.deleted or (message_id is not None and sent.message_id != message_id):
                continue
            for button in sent.buttons:
                if button.get("text") == button_text and "callback_data" in button:
                    return self.callback(chat_id, sent.message_id, button["callback_data"], user=user,
                                         language_code=language_code)
        raise ValueError(f"no inline button {button_text!r} in chat {chat_id}")

    # media ---------------------------------------------------------------------------------
    def _file(self, data: bytes | None, folder: str, extension: str, size: int | None = None) -> dict[str, Any]:
        stored = self.state.files.register(data, folder, extension, size)
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id, "file_size": stored.size}

    def photo_sizes(self, data: bytes) -> list[dict[str, Any]]:
        """Register a photo; PhotoSize list smallest first, the last being `data` itself."""
        width, height = image_size(data)
        sizes = []
        for w, h in thumbnail_sizes(width, height):
            sizes.append({**self._file(solid_png(w, h), "photos", "png"), "width": w, "height": h})
        sizes.append({**self._file(data, "photos", "jpg"), "width": width, "height": height})
        return sizes

    def photo(
        self, chat_id: int, data: bytes, *, media_group_id: str | None = None, caption: str | None = None,
        user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a photo; photo[-1] downloads exactly `data`."""
        return self._queue_message(chat_id, user, language_code, photo=self.photo_sizes(data),
                                   media_group_id=media_group_id, caption=caption)

    def album(
        self, chat_id: int, items: list[bytes], *, caption: str | None = None, user: UserRef = None,
        language_code: str | None = None,
    ) -> list[dict[str, Any]]:
        """Several photos sent as one album: one update each, sharing a media_group_id."""
        group_id = f"{13_000_000_000_000_000 + self.state.next_update_id()}"
        return [
            self.photo(chat_id, data, media_group_id=group_id, caption=caption if i == 0 else None,
                       user=user, language_code=language_code)
            for i, data in enumerate(items)
        ]

    def document(
        self, chat_id: int, data: bytes, file_name: str, mime_type: str = "application/octet-stream", *,
        caption: str | None = None, media_group_id: str | None = None, user: UserRef = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """The user sends a file as a document."""
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        document = {**self._file(data, "documents", extension), "file_name": file_name, "mime_type": mime_type}
        return self._queue_message(chat_id, user, language_code, document=document, caption=caption,
                                   media_group_id=media_group_id)

    def big_document(
        self, chat_id: int, size: int = BIG_FILE_SIZE, *, file_name: str = "recording.mp4",
        mime_type: str = "video/mp4", caption: str | None = None, user: UserRef = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A document over the 20 MB download limit: getFile answers "file is too big"."""
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "bin"
        document = {**self._file(None, "documents", extension, size=size), "file_name": file_name,
                    "mime_type": mime_type}
        return self._queue_message(chat_id, user, language_code, document=document, caption=caption)

    def voice(
        self, chat_id: int, data: bytes, *, duration: int = 3, mime_type: str = "audio/ogg",
        caption: str | None = None, user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """A voice note recorded in the app (OGG/Opus)."""
        voice = {**self._file(data, "voice", "oga"), "duration": duration, "mime_type": mime_type}
        return self._queue_message(chat_id, user, language_code, voice=voice, caption=caption)

    def audio(
        self, chat_id: int, data: bytes, *, file_name: str = "call-recording.mp3", mime_type: str = "audio/mpeg",
        duration: int = 30, title: str | None = None, performer: str | None = None,
        caption: str | None = None, user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """An audio file (e.g. a call recording) sent as music."""
        extension = file_name.rsplit(".", 1)[-1] if "." in file_name else "mp3"
        audio: dict[str, Any] = {**self._file(data, "music", extension), "duration": duration,
                                 "file_name": file_name, "mime_type": mime_type}
        if title is not None:
            audio["title"] = title
        if performer is not None:
            audio["performer"] = performer
        return self._queue_message(chat_id, user, language_code, audio=audio, caption=caption)

    def video(
        self, chat_id: int, data: bytes, *, file_name: str = "video.mp4", mime_type: str = "video/mp4",
        duration: int = 10, width: int = 720, height: int = 1280, caption: str | None = None,
        user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """A video (e.g. a screen recording)."""
        video = {**self._file(data, "videos", "mp4"), "duration": duration, "width": width, "height": height,
                 "file_name": file_name, "mime_type": mime_type}
        return self._queue_message(chat_id, user, language_code, video=video, caption=caption)

    def sticker(
        self, chat_id: int, *, emoji: str = "👍", data: bytes | None = None, set_name: str | None = None,
        user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """A static sticker."""
        sticker: dict[str, Any] = {
            **self._file(data if data is not None else solid_png(512, 512), "stickers", "webp"),
            "type": "regular", "width": 512, "height": 512, "is_animated": False, "is_video": False,
            "emoji": emoji,
        }
        if set_name is not None:
            sticker["set_name"] = set_name
        return self._queue_message(chat_id, user, language_code, sticker=sticker)

    def location(
        self, chat_id: int, latitude: float = 31.2304, longitude: float = 121.4737, *, user: UserRef = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """A shared location (defaults to Shanghai)."""
        return self._queue_message(chat_id, user, language_code,
                                   location={"latitude": latitude, "longitude": longitude})

    def contact(
        self, chat_id: int, phone_number: str, first_name: str = "Contact", *, last_name: str | None = None,
        user_id: int | None = None, user: UserRef = None, language_code: str | None = None,
    ) -> dict[str, Any]:
        """A shared contact card."""
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name is not None:
            contact["last_name"] = last_name
        if user_id is not None:
            contact["user_id"] = user_id
        return self._queue_message(chat_id, user, language_code, contact=contact)
