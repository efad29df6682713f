"""The Telegram adapter proper: updates in, engine events through the service, replies out.

It keeps no conversation of its own: every message becomes one event for
ConversationService.handle_full (with the update ids: the service records them as processed with
the event and skips an update it recorded before, so a redelivered update is applied once),
which queues the answer in the outbox with the event's effects; the adapter then has the outbox
send the chat's queue (services/outbox.py). Only the tidying of Telegram's own screen (the
answered question, the spinner of a tapped button) and refusals of things the engine never sees
(stickers, oversize files) are decided here; a refusal is queued and recorded as processed in one
transaction, so a replayed or redelivered update is not refused twice. Tidying is cosmetic: when
it fails, the real reply still goes out.

Identity comes from the sender (`from_user`), and in a private chat the sender is the chat: an
update whose sender is not its private chat (only a forged webhook POST can carry one) is refused.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import ContextTypes

from engine.events import ButtonPress, FileInput
from engine.evidence import EvidenceItem, human_size
from engine.replies import Reply
from handlers.kit.buttons import decode_button
from handlers.kit.outbox import send_replies, shown_elsewhere
from handlers.kit.text import command_or_text
from handlers.telegram.albums import AlbumCollector, AlbumPart, Spawn
from handlers.telegram.intake import (
    Downloader,
    FileRef,
    Refusal,
    file_ref,
    forwarded_text_item,
    is_notice,
    unsupported_kind,
)
from handlers.telegram.journal import UpdateJournal
from handlers.telegram.render import MAX_TEXT, answered_text, button_label, callback_text, reply_keyboard, tg_len
from handlers.telegram.send import TelegramSender, reason, retry_seconds, unreachable
from handlers.telegram.texts import tt, unsupported_text
from handlers.telegram.webhook import WebhookAnswers
from services.chat_locks import ChatLocks
from services.conversation import ConversationService, Result, Who, lang_from_code
from services.outbox import OutboxSender, RetryLater, Undeliverable
from services.texts import st
from storage.errors import is_unavailable
from storage.protocols import JournaledUpdate

log = logging.getLogger(__name__)
PLATFORM = "telegram"
UNAVAILABLE_RETRY = 2.0  # seconds between tries of an update while the database is away


def who_of(chat: Chat, user: User | None) -> Who:
    """The person: the sender, who in a private chat is the chat itself (checked by `sender_is_chat`)."""
    name = " ".join(x.strip() for x in (user.first_name, user.last_name or "") if x and x.strip())[:60] if user else ""
    return Who(PLATFORM, str(user.id if user else chat.id), user.language_code if user else None, name or None)


def private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == Chat.PRIVATE


def sender_is_chat(chat: Chat, user: User | None) -> bool:
    """Real Telegram never sends a private chat's update from anyone else; a forged webhook POST can."""
    if user is not None and user.id == chat.id:
        return True
    log.warning("refused an update whose sender is not its private chat")
    return False


class TelegramAdapter:
    """Handlers for messages and button taps, plus the album flush they share."""

    def __init__(
        self,
        service: ConversationService,
        sender: TelegramSender,
        downloader: Downloader,
        locks: ChatLocks,
        album_window: float,
        spawn: Spawn,
        journal: UpdateJournal,
        outbox: OutboxSender,
        webhook_answers: WebhookAnswers | None = None,
    ) -> None:
        self.service = service
        self.sender = sender
        self.downloader = downloader
        self.journal = journal
        self.outbox = outbox
        self.webhook_answers = webhook_answers or WebhookAnswers()
        self.albums = AlbumCollector(album_window, self.flush_album, locks, spawn)
        self.unavailable_retry = UNAVAILABLE_RETRY
        # Set when the bot is shutting down: an update still waiting for the database stays in the journal.
        self.stopping = False

    # --- helpers ----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.service.clock()

    async def lang_of(self, who: Who) -> str:
        try:
            return (await self.service.user_for(who)).lang
        except Exception:  # noqa: BLE001 - a broken store must not stop the apology
            return lang_from_code(who.lang_code)

    async def deliver(self, chat_id: int, result: Result | None = None) -> None:
        """Send what the chat has queued (this event's replies among it); an apology made without
        the store is not queued and goes straight out."""
        if result is not None and not result.queued:
            await self.sender.send_replies(chat_id, result.replies)
            return
        if result is None:
            await self.outbox.drain_after_event(str(chat_id), None)
            return
        await send_replies(self.outbox, str(chat_id), result)

    async def settle(self, chat_id: int, who: Who, update_ids: list[int], text: str) -> None:
        """A refusal is these updates' whole answer: queue it and record them as processed, then send it."""
        await self.deliver(chat_id, await self.service.settle(who, update_ids, [Reply(text, kind="error")]))

    async def send_reply(self, chat: str, reply: Reply) -> None:
        """The outbox's `send` for Telegram: one reply (in pieces if long, then its files).

        Flood control becomes RetryLater with Telegram's own wait; a blocked or unknown chat and a
        message Telegram refuses as such are Undeliverable; anything else is retried by the outbox.
        """
        chat_id = int(chat)
        try:
            unsent = await self.sender.send_replies(chat_id, [reply])
        except RetryAfter as exc:
            raise RetryLater(retry_seconds(exc)) from exc
        except (Forbidden, BadRequest) as exc:
            raise Undeliverable(type(exc).__name__ if unreachable(exc) else reason(exc)) from exc
        if unsent:
            names = ", ".join(p.name for p in unsent)
            text = tt("unsent_files", await self.lang_of(Who(PLATFORM, chat)), count=len(unsent), names=names)
            await self.cosmetic(self.sender.send_replies(chat_id, [Reply(text, kind="error")]), "the unsent-files notice")

    async def say(self, chat_id: int, text: str) -> None:
        await self.sender.send_replies(chat_id, [Reply(text, kind="error")])

    async def apologise(self, chat_id: int, who: Who) -> None:
        try:
            await self.say(chat_id, st("error.sorry", await self.lang_of(who)))
        except Exception:  # noqa: BLE001 - nothing more can be done for this chat now
            log.warning("could not send the apology")

    async def refusal_text(self, who: Who, refusals: list[Refusal]) -> str:
        lang = await self.lang_of(who)
        limit = self.downloader.limit_text
        lines: list[str] = []
        if any(r.reason == "too_big" for r in refusals):
            sizes = [r.size for r in refusals if r.reason == "too_big" and r.size]
            if sizes:
                lines.append(tt("too_big", lang, size=human_size(max(sizes)), max=limit))
            else:
                lines.append(tt("too_big_unknown", lang, max=limit))
        if any(r.reason == "download_failed" for r in refusals):
            lines.append(tt("download_failed", lang))
        return "\n\n".join(lines)

    # --- the database away ------------------------------------------------------------------

    async def patiently(self, attempt: Callable[[], Awaitable[None]]) -> None:
        """Handle one update; while the database is away (restarting, unreachable), try again every
        `unavailable_retry` seconds until it answers.

        A failed try applied nothing (its transaction never committed), or it did and the next try
        finds the update applied. The chat's lock stays held meanwhile, so the chat's later updates
        wait behind this one, in order; the journal keeps the update all along, and a process
        stopped meanwhile leaves it there (cancelled) for its next start to replay.
        """
        while True:
            try:
                await attempt()
                return
            except Exception as exc:
                if not is_unavailable(exc):
                    raise
                log.warning("an update waits for the database (%s); trying again", type(exc).__name__)
            if self.stopping:
                raise asyncio.CancelledError("stopping while the database is away: the journal keeps the update")
            await asyncio.sleep(self.unavailable_retry)

    # --- messages ---------------------------------------------------------------------------

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.message, update.effective_chat
        if message is None or chat is None or not private(chat) or not sender_is_chat(chat, message.from_user):
            return
        who = who_of(chat, message.from_user)
        try:
            await self.patiently(lambda: self.take_message(chat.id, who, update.update_id, message))
        except Exception:
            log.exception("message update failed")
            await self.apologise(chat.id, who)

    async def take_message(self, chat_id: int, who: Who, update_id: int, message: Message) -> None:
        """An album photo waits for its album; anything else is handled now."""
        ref = file_ref(message)
        if ref is not None and message.media_group_id:
            self.journal.hold(update_id)
            await self.albums.add(chat_id, message.media_group_id, AlbumPart(update_id, ref, who))
            return
        await self.albums.drain(chat_id)
        await self.handle_message(chat_id, who, update_id, message, ref)

    async def handle_message(self, chat_id: int, who: Who, update_id: int, message: Message, ref: FileRef | None) -> None:
        if ref is not None:
            fetched = await self.downloader.fetch(ref, self.now())
            if isinstance(fetched, Refusal):
                await self.settle(chat_id, who, [update_id], await self.refusal_text(who, [fetched]))
                return
            event: Any = FileInput((fetched,))
        elif (item := forwarded_text_item(message, self.now())) is not None:
            event = FileInput((item,))
        elif message.text is not None:
            event = command_or_text(message.text)
        elif is_notice(message):
            return
        else:
            await self.settle(chat_id, who, [update_id], unsupported_text(unsupported_kind(message), await self.lang_of(who)))
            return
        result = await self.service.handle_full(who, event, [update_id])
        await self.deliver(chat_id, result)

    async def flush_album(self, chat_id: int, parts: list[AlbumPart]) -> None:
        """One event for the whole album, acknowledged once, under all its update ids.

        The journal held the parts while they waited here; they are forgotten once this is done.
        """
        who = parts[0].who
        ids = [p.update_id for p in parts]
        try:
            await self.patiently(lambda: self.handle_album(chat_id, who, ids, parts))
        except Exception:
            log.exception("album failed")
            await self.apologise(chat_id, who)
        self.journal.release(ids)

    async def handle_album(self, chat_id: int, who: Who, ids: list[int], parts: list[AlbumPart]) -> None:
        items: list[EvidenceItem] = []
        refusals: list[Refusal] = []
        for part in parts:
            fetched = await self.downloader.fetch(part.ref, self.now())
            if isinstance(fetched, Refusal):
                refusals.append(fetched)
            else:
                items.append(fetched)
        notice = [Reply(await self.refusal_text(who, refusals), kind="error")] if refusals else []
        if items:
            # The refusal goes with the kept files' event, so a replayed album says it once.
            result = await self.service.handle_full(who, FileInput(tuple(items)), ids, notice)
        else:
            result = await self.service.settle(who, ids, notice)
        await self.deliver(chat_id, result)

    # --- button taps ------------------------------------------------------------------------

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        press = decode_button(query.data)
        if press is None or chat is None or not private(chat) or not sender_is_chat(chat, query.from_user):
            lang = lang_from_code(query.from_user.language_code if query.from_user else None)
            await self.answer_tap(update.update_id, query.id, tt("closed", lang))
            return
        who = who_of(chat, query.from_user)
        # The chat's outbox turn, from before the event to its last send: the question this tap may
        # redraw in place is queued too, and the outbox's background loop must not send it meanwhile.
        async with self.outbox.turn(str(chat.id)):
            try:
                await self.patiently(lambda: self.take_press(chat.id, who, update.update_id, query, press))
            except Exception:
                log.exception("button update failed")
                await self.answer_tap(update.update_id, query.id)
                await self.apologise(chat.id, who)

    async def take_press(self, chat_id: int, who: Who, update_id: int, query: CallbackQuery, press: ButtonPress) -> None:
        """Apply a tap, then tidy the tapped question and send what the tap queued."""
        await self.albums.drain(chat_id)
        result = await self.service.handle_full(who, press, [update_id])
        if result.duplicate or result.stale:
            notice = result.replies[0].text if result.stale and result.replies else None
            if result.stale and result.outbox:
                # The notice is queued too: it may only be dropped once Telegram said it showed it.
                async with self.shown_elsewhere(chat_id, result):
                    shown = await self.cosmetic(self.sender.answer_callback(query.id, notice), "answerCallbackQuery")
                    if shown:
                        await self.outbox.discard(result.outbox)  # the notice was shown on the button itself
                        if result.held:
                            return  # it was all the chat had queued
            else:
                await self.answer_tap(update_id, query.id, notice)
            await self.deliver(chat_id, result)
            return
        await self.answer_tap(update_id, query.id)
        if result.queued and not result.moved_on:
            async with self.shown_elsewhere(chat_id, result):
                redrawn = await self.cosmetic(
                    self.tidy_question(chat_id, query.message, query.data, press, result), "editMessageText"
                )
                if redrawn and result.outbox:
                    await self.outbox.discard(result.outbox)  # the question was redrawn in place
                    if result.held:
                        return  # it was all the chat had queued
        await self.deliver(chat_id, result)

    def shown_elsewhere(self, chat_id: int, result: Result) -> AbstractAsyncContextManager[None]:
        """Keep other processes off the event's rows while they are shown another way (kit/outbox.py)."""
        return shown_elsewhere(self.outbox, str(chat_id), result)

    async def answer_tap(self, update_id: int, query_id: str, text: str | None = None) -> None:
        """Stop the tapped button's spinner (with a short notice). In webhook mode the answer rides on
        the tap's still-open webhook request, one HTTP call less (webhook.py); else, or once that
        request was answered, by a call of its own. Cosmetic either way: a failure is forgotten."""
        params: dict[str, Any] = {"callback_query_id": query_id}
        if text:
            params["text"] = callback_text(text)
        if self.webhook_answers.offer(update_id, "answerCallbackQuery", params):
            return
        await self.cosmetic(self.sender.answer_callback(query_id, text), "answerCallbackQuery")

    async def cosmetic(self, call: Awaitable[object], what: str) -> bool:
        """Tidying Telegram's screen (a spinner, an old keyboard) is never worth the real message:
        a failure is logged and forgotten. True when the call did what it was for."""
        try:
            return bool(await call)
        except Exception as exc:  # noqa: BLE001 - see the docstring
            log.warning("%s failed (%s); the reply goes out anyway", what, type(exc).__name__)
            return False

    async def tidy_question(
        self, chat_id: int, message: Any, data: str | None, press: ButtonPress, result: Result
    ) -> bool:
        """Show the tapped question as answered (keyboard gone), or redraw it after a toggle.

        True when the redrawn question is the whole reply (nothing left to send).
        """
        if not isinstance(message, Message) or message.text is None:
            return False
        replies = result.replies
        redraw = (
            result.answered is None
            and len(replies) == 1
            and replies[0].kind == "question"
            and press.seq is not None
            and replies[0].seq == press.seq
            and tg_len(replies[0].text) <= MAX_TEXT
        )
        if redraw:
            await self.sender.edit_text(chat_id, message.message_id, replies[0].text, reply_keyboard(replies[0]))
            return True  # edited, or already showing exactly this
        markup = message.reply_markup if isinstance(message.reply_markup, InlineKeyboardMarkup) else None
        label = result.answered or button_label(markup, data)
        if label:
            await self.sender.edit_text(chat_id, message.message_id, answered_text(message.text, label))
        elif markup is not None:
            await self.sender.drop_keyboard(chat_id, message.message_id)
        return False

    # --- last resort ------------------------------------------------------------------------

    async def gave_up(self, row: JournaledUpdate) -> None:
        """The journal gives up an update: its person hears what to send again (queued; sent at start)."""
        payload = row.payload
        message = payload.get("message")
        sender = (message or payload.get("callback_query") or {}).get("from") or {}
        if row.chat_id is None or str(sender.get("id")) != row.chat_id:
            return
        what = "button"
        if isinstance(message, dict):
            media = ("photo", "document", "voice", "audio", "video", "video_note", "animation")
            what = "file" if any(k in message for k in media) else "message"
        await self.service.gave_up(Who(PLATFORM, row.chat_id, sender.get("language_code")), row.update_id, what)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anything the handlers did not catch: log it (redacted) and say sorry, never silence."""
        error = context.error
        log.error("unhandled %s", type(error).__name__, exc_info=error)
        chat = update.effective_chat if isinstance(update, Update) else None
        if isinstance(update, Update) and chat is not None and private(chat) and sender_is_chat(chat, update.effective_user):
            await self.apologise(chat.id, who_of(chat, update.effective_user))
