"""A tiny real PTB Application (echo, buttons, photo download) used to exercise the fake server."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.ptb import application_builder


@dataclass
class Seen:
    """What the tiny bot observed, for assertions on the PTB side."""

    updates: list[Update] = field(default_factory=list)
    downloads: list[bytes] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


async def eventually(condition: Callable[[], bool], timeout: float = 2.0) -> None:
    """Poll a PTB-side condition (handlers leave no trace on the server for some updates)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


def build_tiny_bot(server: FakeBotApi, seen: Seen) -> Application:
    app = application_builder(server).build()

    async def record(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.updates.append(update)

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        keyboard = InlineKeyboardMarkup([[
            InlineKeyboardButton("Yes", callback_data="answer:yes"),
            InlineKeyboardButton("No", callback_data="answer:no"),
        ]])
        await update.effective_message.reply_text("Continue?", reply_markup=keyboard)

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(text="noted")
        await query.edit_message_text(f"You chose {query.data.split(':', 1)[1]}")

    async def photo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        largest = update.effective_message.photo[-1]
        data = await (await largest.get_file()).download_as_bytearray()
        seen.downloads.append(bytes(data))
        await update.effective_message.reply_text(f"got {len(data)} bytes")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.errors.append(context.error)

    app.add_handler(TypeHandler(Update, record), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(CallbackQueryHandler(button))
    app.add_handler(MessageHandler(filters.PHOTO, photo))
    app.add_error_handler(on_error)
    return app
