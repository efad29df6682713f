"""Talking to the Bot API politely: rate limits per chat and overall, retries, 429s honoured.

Telegram allows about 30 messages a second overall and about one a second in a private chat;
PTB's AIORateLimiter only knows the first, so sends go through two token buckets here. Network
errors and 5xx answers are retried with exponential backoff; a 429 waits the retry_after it
names. Replies (engine messages) and reminders (the Outbox) share one sender, hence one budget.
"""
from __future__ import annotations

import asyncio
import logging
import time
import warnings
import weakref
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from engine.replies import Reply
from handlers.kit.split import split_text
from handlers.telegram.render import MAX_TEXT, Keyboard, callback_text, reply_keyboard
from services.outbox import OutboxSender

log = logging.getLogger(__name__)
T = TypeVar("T")
PUBLIC_UPLOAD_LIMIT = 50 * 1024 * 1024  # what a bot may upload through the public Bot API

# Edits and answers that fail for these reasons have nothing left to do; they are not errors.
HARMLESS_EDIT = ("message is not modified", "message to edit not found", "message can't be edited")
HARMLESS_ANSWER = ("query is too old", "query id is invalid")
UNREACHABLE = ("chat not found", "user not found", "peer_id_invalid", "chat_id is empty")

# The hot calls (sendMessage, editMessageText, answerCallbackQuery) go straight to the bot's transport
# with PTB's own request object and error mapping (`BaseRequest.post`): nothing here reads the Message
# that sendMessage and editMessageText return, and building one costs about 0.25 ms; PTB's `Bot` layers
# in between (camelCase names, defaults, a warning filtered on every `do_api_request`, logging) cost
# about 0.1 ms a call more, some 5 % of the bot's CPU per update in webhook mode (bench/README.md).


@dataclass(frozen=True)
class SendPolicy:
    """Limits and retry timing; tests shrink the delays, production keeps these defaults."""

    overall_per_second: float = 30.0
    overall_burst: int = 30
    chat_per_second: float = 1.0
    chat_burst: int = 3
    attempts: int = 5
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 300.0


class TokenBucket:
    """A bucket that hands out send slots; the debt model keeps waiters in arrival order."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self.tokens = float(self.burst)
        self.stamp = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def reserve(self) -> float:
        """Take a slot; the seconds to wait before using it (0 when one is free now)."""
        self._refill()
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    @property
    def full(self) -> bool:
        self._refill()
        return self.tokens >= self.burst


class SendLimiter:
    """One bucket for the whole bot and one per chat."""

    def __init__(self, policy: SendPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self.overall = TokenBucket(policy.overall_per_second, policy.overall_burst, clock)
        self._chats: dict[int | str, TokenBucket] = {}

    def _chat(self, chat_id: int | str) -> TokenBucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            if len(self._chats) > 10_000:
                self._chats = {k: b for k, b in self._chats.items() if not b.full}
            bucket = TokenBucket(self.policy.chat_per_second, self.policy.chat_burst, self.clock)
            self._chats[chat_id] = bucket
        return bucket

    async def wait(self, chat_id: int | str | None) -> None:
        """Return once a message to `chat_id` may be sent."""
        if chat_id is not None:
            delay = self._chat(chat_id).reserve()
            if delay > 0:
                await asyncio.sleep(delay)
        delay = self.overall.reserve()
        if delay > 0:
            await asyncio.sleep(delay)


def retry_seconds(exc: RetryAfter) -> float:
    """retry_after in seconds, whichever type this PTB version hands out."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def reason(exc: Exception) -> str:
    return str(getattr(exc, "message", exc)).lower()


def unreachable(exc: Exception) -> bool:
    """The person blocked the bot, or the chat does not exist (any more)."""
    return isinstance(exc, Forbidden) or (isinstance(exc, BadRequest) and any(r in reason(exc) for r in UNREACHABLE))


class TelegramSender:
    """Every call to Telegram that the adapter makes goes through here."""

    def __init__(self, bot: Bot, policy: SendPolicy | None = None, max_upload_bytes: int = PUBLIC_UPLOAD_LIMIT) -> None:
        self.bot = bot
        self.policy = policy or SendPolicy()
        self.max_upload_bytes = max_upload_bytes
        self.limiter = SendLimiter(self.policy)
        self._chat_locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def retrying(self, op: Callable[[], Awaitable[T]], *, chat_id: int | None = None, limited: bool = False, what: str = "call") -> T:
        """Run `op` until it succeeds, retrying what is worth retrying; re-raise the rest."""
        policy = self.policy
        attempt = 0
        while True:
            if limited:
                await self.limiter.wait(chat_id)
            try:
                return await op()
            except RetryAfter as exc:
                delay = retry_seconds(exc)
                if delay > policy.max_retry_after or attempt + 1 >= policy.attempts:
                    raise
                log.warning("%s: flood control, waiting %.1fs", what, delay)
            except BadRequest:
                raise
            except NetworkError as exc:
                if attempt + 1 >= policy.attempts:
                    raise
                delay = min(policy.backoff * (2**attempt), policy.max_backoff)
                log.warning("%s failed (%s), retrying in %.2fs", what, type(exc).__name__, delay)
            attempt += 1
            await asyncio.sleep(delay)

    def _lock(self, chat_id: int) -> asyncio.Lock:
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._chat_locks[chat_id] = lock
        return lock

    async def _raw(self, endpoint: str, **params: Any) -> Any:
        """A Bot API call whose answer nobody reads, made as `Bot._do_post` makes it but without the
        `Bot` layers above (see the note at the top); None values are left out. Errors are PTB's own
        (`BaseRequest.post` maps them), so `retrying` treats them as for any other call."""
        data = RequestData([RequestParameter.from_input(k, v) for k, v in params.items() if v is not None])
        return await self.bot.request.post(f"{self.bot.base_url}/{endpoint}", data)

    async def send_text(self, chat_id: int, text: str, markup: Keyboard | None = None) -> None:
        await self.retrying(
            lambda: self._raw("sendMessage", chat_id=chat_id, text=text, reply_markup=markup),
            chat_id=chat_id,
            limited=True,
            what="sendMessage",
        )

    async def send_replies(self, chat_id: int, replies: Sequence[Reply]) -> list[Path]:
        """Send replies in order: long texts in pieces (the keyboard on the last), then their files.

        Held under a per-chat lock so a reminder never lands between the pieces of a reply.
        Returns the attachments that could not be sent (too big to upload, or gone).
        """
        unsent: list[Path] = []
        async with self._lock(chat_id):
            for reply in replies:
                pieces = split_text(reply.text, MAX_TEXT)
                markup = reply_keyboard(reply)
                for i, piece in enumerate(pieces):
                    await self.send_text(chat_id, piece, markup if i == len(pieces) - 1 else None)
                for name in reply.attachments:
                    if not await self.send_file(chat_id, Path(name)):
                        unsent.append(Path(name))
        return unsent

    async def send_file(self, chat_id: int, path: Path) -> bool:
        """Upload one file as a document; False when it is missing or over the upload limit."""
        try:
            size = path.stat().st_size
        except OSError:
            return False
        if size == 0 or size > self.max_upload_bytes:
            return False
        data = await asyncio.to_thread(path.read_bytes)
        await self.retrying(
            lambda: self.bot.send_document(chat_id, document=data, filename=path.name),
            chat_id=chat_id,
            limited=True,
            what="sendDocument",
        )
        return True

    async def edit_text(self, chat_id: int, message_id: int, text: str, markup: Keyboard | None = None) -> bool:
        """Change a message the bot sent; False when there was nothing to change or it is gone."""
        return await self._edit(
            lambda: self._raw(
                "editMessageText", chat_id=chat_id, message_id=message_id, text=text, reply_markup=markup
            ),
            chat_id,
            "editMessageText",
        )

    async def drop_keyboard(self, chat_id: int, message_id: int) -> bool:
        return await self._edit(
            lambda: self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None),
            chat_id,
            "editMessageReplyMarkup",
        )

    async def _edit(self, call: Callable[[], Awaitable[Any]], chat_id: int, what: str) -> bool:
        """One edit, retried like a send; an edit that changes nothing or finds no message is not an error."""
        try:
            await self.retrying(call, chat_id=chat_id, limited=True, what=what)
        except BadRequest as exc:
            if any(r in reason(exc) for r in HARMLESS_EDIT):
                return False
            raise
        return True

    async def answer_callback(self, query_id: str, text: str | None = None) -> bool:
        """Stop the button's spinner (with a short notice); an expired query is not an error."""
        try:
            await self.retrying(
                lambda: self._raw(
                    "answerCallbackQuery", callback_query_id=query_id, text=callback_text(text) if text else None
                ),
                what="answerCallbackQuery",
            )
        except BadRequest as exc:
            if any(r in reason(exc) for r in HARMLESS_ANSWER):
                return False
            raise
        return True


class TelegramOutbox:
    """services.delivery.Outbox for Telegram: messages the bot starts itself (reminders).

    A reminder takes the chat's outbox turn like an event's replies (`OutboxSender.send_started`):
    it never lands between the replies of an event, in this process or another."""

    def __init__(self, sender: TelegramSender, replies: OutboxSender) -> None:
        self.sender = sender
        self.replies = replies

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool:
        """True when sent, or queued behind the chat's replies (the outbox sends it after them);
        False when the chat is blocked or unknown. Other failures raise."""
        try:
            chat_id = int(external_id)
        except ValueError:
            return False
        outcome = await self.replies.send_started(external_id, replies, lambda: self.send_now(chat_id, replies))
        return True if outcome is None else outcome

    async def send_now(self, chat_id: int, replies: list[Reply]) -> bool:
        try:
            await self.sender.send_replies(chat_id, replies)
        except (Forbidden, BadRequest) as exc:
            if unreachable(exc):
                log.info("outbox: chat unreachable (%s)", type(exc).__name__)
                return False
            raise
        return True
