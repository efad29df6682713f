"""The Telegram adapter proper: updates in, engine events through the service, replies out.

It keeps no conversation of its own: every message becomes one event for
ConversationService.handle_full (with the update ids, so a redelivered update is applied once),
and whatever the service answers is sent back. Only the tidying of Telegram's own screen (the
answered question, the spinner of a tapped button) and refusals of things the engine never sees
(stickers, oversize files) are decided here; a refusal is recorded as processed too, so a replayed
or redelivered update is not refused twice.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from telegram import Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.ext import ContextTypes

from engine.engine import human_size
from engine.events import ButtonPress, FileInput
from engine.evidence import EvidenceItem
from engine.replies import Reply
from handlers.kit.buttons import decode_button
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
from handlers.telegram.order import ChatLocks
from handlers.telegram.render import MAX_TEXT, answered_text, button_label, reply_keyboard, tg_len
from handlers.telegram.send import TelegramSender
from handlers.telegram.texts import tt, unsupported_text
from services.conversation import ConversationService, Result, Who, lang_from_code
from services.texts import st

log = logging.getLogger(__name__)
PLATFORM = "telegram"


def who_of(chat: Chat, user: User | None) -> Who:
    return Who(PLATFORM, str(chat.id), user.language_code if user else None)


def private(chat: Chat | None) -> bool:
    return chat is not None and chat.type == Chat.PRIVATE


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
    ) -> None:
        self.service = service
        self.sender = sender
        self.downloader = downloader
        self.journal = journal
        self.albums = AlbumCollector(album_window, self.flush_album, locks, spawn)

    # --- helpers ----------------------------------------------------------------------------

    def now(self) -> datetime:
        return self.service.clock()

    async def lang_of(self, who: Who) -> str:
        try:
            return (await self.service.user_for(who)).lang
        except Exception:  # noqa: BLE001 - a broken store must not stop the apology
            return lang_from_code(who.lang_code)

    async def applied(self, update_id: int) -> bool:
        """Already applied before a restart: skip it without downloading anything again."""
        return await self.service.store.is_processed(PLATFORM, update_id)

    async def settle(self, update_ids: list[int]) -> None:
        """The refusal just sent was these updates' whole answer: record them as processed."""
        now = self.now()
        async with self.service.store.transaction() as tx:
            for update_id in update_ids:
                await tx.mark_processed(PLATFORM, update_id, now)

    async def reply(self, chat_id: int, replies: list[Reply], who: Who) -> None:
        unsent = await self.sender.send_replies(chat_id, replies)
        if unsent:
            names = ", ".join(p.name for p in unsent)
            await self.say(chat_id, tt("unsent_files", await self.lang_of(who), count=len(unsent), names=names))

    async def say(self, chat_id: int, text: str) -> None:
        await self.sender.send_replies(chat_id, [Reply(text, kind="error")])

    async def apologise(self, chat_id: int, who: Who) -> None:
        try:
            await self.say(chat_id, st("error.sorry", await self.lang_of(who)))
        except Exception:  # noqa: BLE001 - nothing more can be done for this chat now
            log.warning("could not send the apology")

    async def refuse(self, chat_id: int, who: Who, refusals: list[Refusal]) -> None:
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
        await self.say(chat_id, "\n\n".join(lines))

    # --- messages ---------------------------------------------------------------------------

    async def on_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, chat = update.message, update.effective_chat
        if message is None or chat is None or not private(chat):
            return
        who = who_of(chat, update.effective_user)
        try:
            ref = file_ref(message)
            if ref is not None and message.media_group_id:
                self.journal.hold(update.update_id)
                await self.albums.add(chat.id, message.media_group_id, AlbumPart(update.update_id, ref, who))
                return
            await self.albums.drain(chat.id)
            await self.handle_message(chat.id, who, update.update_id, message, ref)
        except Exception:
            log.exception("message update failed")
            await self.apologise(chat.id, who)

    async def handle_message(self, chat_id: int, who: Who, update_id: int, message: Message, ref: FileRef | None) -> None:
        if await self.applied(update_id):
            return
        if ref is not None:
            fetched = await self.downloader.fetch(ref, self.now())
            if isinstance(fetched, Refusal):
                await self.refuse(chat_id, who, [fetched])
                await self.settle([update_id])
                return
            event: Any = FileInput((fetched,))
        elif (item := forwarded_text_item(message, self.now())) is not None:
            event = FileInput((item,))
        elif message.text is not None:
            event = command_or_text(message.text)
        elif is_notice(message):
            return
        else:
            await self.say(chat_id, unsupported_text(unsupported_kind(message), await self.lang_of(who)))
            await self.settle([update_id])
            return
        result = await self.service.handle_full(who, event, [update_id])
        await self.reply(chat_id, result.replies, who)

    async def flush_album(self, chat_id: int, parts: list[AlbumPart]) -> None:
        """One event for the whole album, acknowledged once, under all its update ids.

        The journal held the parts while they waited here; they are forgotten once this is done.
        """
        who = parts[0].who
        ids = [p.update_id for p in parts]
        try:
            await self.handle_album(chat_id, who, ids, parts)
        except Exception:
            log.exception("album failed")
            await self.apologise(chat_id, who)
        self.journal.release(ids)

    async def handle_album(self, chat_id: int, who: Who, ids: list[int], parts: list[AlbumPart]) -> None:
        if await self.applied(ids[0]):
            return
        items: list[EvidenceItem] = []
        refusals: list[Refusal] = []
        for part in parts:
            fetched = await self.downloader.fetch(part.ref, self.now())
            if isinstance(fetched, Refusal):
                refusals.append(fetched)
            else:
                items.append(fetched)
        if refusals:
            await self.refuse(chat_id, who, refusals)
        if items:
            result = await self.service.handle_full(who, FileInput(tuple(items)), ids)
            await self.reply(chat_id, result.replies, who)
        else:
            await self.settle(ids)

    # --- button taps ------------------------------------------------------------------------

    async def on_callback(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat = update.callback_query, update.effective_chat
        if query is None:
            return
        answered = False
        who = who_of(chat, query.from_user) if chat is not None else None
        try:
            press = decode_button(query.data)
            if press is None or chat is None or who is None or not private(chat):
                lang = lang_from_code(query.from_user.language_code if query.from_user else None)
                answered = True
                await self.sender.answer_callback(query.id, tt("closed", lang))
                return
            await self.albums.drain(chat.id)
            result = await self.service.handle_full(who, press, [update.update_id])
            if result.duplicate or result.stale:
                notice = result.replies[0].text if result.stale and result.replies else None
                answered = True
                await self.sender.answer_callback(query.id, notice)
                return
            answered = True
            await self.sender.answer_callback(query.id)
            replies = await self.tidy_question(chat.id, query.message, query.data, press, result)
            await self.reply(chat.id, replies, who)
        except Exception:
            log.exception("button update failed")
            if chat is not None and who is not None:
                await self.apologise(chat.id, who)
        finally:
            if not answered:
                try:
                    await self.sender.answer_callback(query.id)
                except Exception:  # noqa: BLE001 - the spinner times out on its own
                    log.warning("could not answer a callback query")

    async def tidy_question(
        self, chat_id: int, message: Any, data: str | None, press: ButtonPress, result: Result
    ) -> list[Reply]:
        """Show the tapped question as answered (keyboard gone), or redraw it after a toggle.

        Returns the replies still to send.
        """
        if not isinstance(message, Message) or message.text is None:
            return result.replies
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
            return []
        markup = message.reply_markup if isinstance(message.reply_markup, InlineKeyboardMarkup) else None
        label = result.answered or button_label(markup, data)
        if label:
            await self.sender.edit_text(chat_id, message.message_id, answered_text(message.text, label))
        elif markup is not None:
            await self.sender.drop_keyboard(chat_id, message.message_id)
        return replies

    # --- last resort ------------------------------------------------------------------------

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Anything the handlers did not catch: log it (redacted) and say sorry, never silence."""
        error = context.error
        log.error("unhandled %s", type(error).__name__, exc_info=error)
        if isinstance(update, Update) and private(update.effective_chat):
            assert update.effective_chat is not None
            await self.apologise(update.effective_chat.id, who_of(update.effective_chat, update.effective_user))
