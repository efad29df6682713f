"""The bot side of bench.telegram_e2e: the complaint bot or a bare PTB echo bot, alone in its own process.

Run by bench.telegram_e2e (not by hand): `python -m bench.telegram_child bot|echo [--webhook-port N]`,
with DATA_DIR, TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL (and TELEGRAM_WEBHOOK_SECRET for a webhook)
in the environment. A process of its own so that its CPU time (read from /proc by the parent) is the
bot's alone, without the fake server's. It long polls, or with --webhook-port serves PTB's webhook
endpoint on 127.0.0.1:N at WEBHOOK_PATH; it prints "ready" once it does, serves until SIGTERM, and with --profile FILE records a cProfile between
SIGUSR1 and SIGUSR2 (the parent sends them around the measured phase, so start-up and warm-up are
left out) and writes the pstats file; with --trace FILE it records a per-update timeline (bench.telegram_trace).
BENCH_NO_FREEZE=1 in the environment leaves out the start-up heap freeze (app/heap.py), to measure what it
changes.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from telegram import Update  # noqa: E402
from telegram.ext import (  # noqa: E402
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from app.bootstrap import build_app, setup_logging  # noqa: E402
from app.heap import freeze_startup_heap  # noqa: E402
from app.settings import Settings, load_settings  # noqa: E402
from handlers.telegram.app import ALLOWED_UPDATES, POLL_INTERVAL, TelegramBot, TelegramOptions, Webhook  # noqa: E402
from handlers.telegram.send import SendPolicy  # noqa: E402
from bench.telegram_trace import recording  # noqa: E402

# The scripted people give dates like "2026-11-20 14:30"; a fixed "now" keeps them in the past on any day.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone(timedelta(hours=8)))
# Telegram's limits (30/s overall, 1/s per chat) would make the benchmark measure the limiter, not the bot.
UNLIMITED = SendPolicy(overall_per_second=1e9, overall_burst=10**9, chat_per_second=1e9, chat_burst=10**9)
POLL_TIMEOUT = 30  # as in production (TelegramBot.running's default)
# What setWebhook registers (the fake server takes any https address); the pusher POSTs to the local port.
WEBHOOK_URL = "https://bench.invalid/telegram/hook"
WEBHOOK_PATH = "telegram/hook"


def webhook_of(settings: Settings, port: int | None) -> Webhook | None:
    if port is None:
        return None
    return Webhook(url=WEBHOOK_URL, secret=settings.telegram_webhook_secret or "", listen="127.0.0.1", port=port)


@asynccontextmanager
async def complaint_bot(settings: Settings, poll_interval: float | None, webhook: Webhook | None) -> AsyncIterator[None]:
    """The real adapter as `bot.py telegram` wires it, with the send limits raised and a fixed clock."""
    app = await build_app(settings, clock=lambda: NOW)
    if not os.environ.get("BENCH_NO_FREEZE"):
        freeze_startup_heap()  # as app.cli.build_or_explain does
    try:
        bot = TelegramBot(app, TelegramOptions.from_settings(settings, app.flow, send=UNLIMITED))
        interval = POLL_INTERVAL if poll_interval is None else poll_interval
        async with bot.running(webhook=webhook, poll_timeout=POLL_TIMEOUT, poll_interval=interval):
            yield
    finally:
        await app.close()


async def echo_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is not None and message.text:
        await context.bot.send_message(message.chat_id, message.text)


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer()


@asynccontextmanager
async def echo_bot(
    settings: Settings, concurrent: int, poll_interval: float | None, webhook: Webhook | None
) -> AsyncIterator[None]:
    """The floor: PTB with one MessageHandler that echoes text and one CallbackQueryHandler that answers.

    PTB's defaults (one update at a time) unless `concurrent` > 1; no rate limiter, no storage.
    """
    base = settings.telegram_api_base_url
    assert settings.telegram_token
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(f"{base}/bot")
        .base_file_url(f"{base}/file/bot")
        .job_queue(None)
    )
    if concurrent > 1:
        builder = builder.concurrent_updates(concurrent)
    application: Application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo_text))
    application.add_handler(CallbackQueryHandler(answer))
    updater = application.updater
    assert updater is not None
    await application.initialize()
    try:
        await application.start()
        if webhook is not None:
            await updater.start_webhook(
                listen=webhook.listen, port=webhook.port, url_path=webhook.path, webhook_url=webhook.url,
                secret_token=webhook.secret, allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await updater.start_polling(
                poll_interval=poll_interval or 0.0, timeout=POLL_TIMEOUT, allowed_updates=ALLOWED_UPDATES
            )
        yield
    finally:
        if updater.running:
            await updater.stop()
        if application.running:
            await application.stop()
        await application.shutdown()


class Profiling:
    """cProfile switched on and off by signals, so only the measured phase is recorded."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.profile = cProfile.Profile() if path else None

    def start(self) -> None:
        if self.profile is not None:
            self.profile.enable()

    def stop(self) -> None:
        if self.profile is not None:
            self.profile.disable()
            assert self.path is not None
            self.profile.dump_stats(self.path)
            self.profile = None


async def serve(
    kind: str, concurrent: int, poll_interval: float | None, profile: Path | None, webhook_port: int | None,
    trace: Path | None = None,
) -> None:
    with recording(trace) as recorder:
        watch = asyncio.create_task(recorder.watch_loop()) if recorder is not None else None
        try:
            await _serve(kind, concurrent, poll_interval, profile, webhook_port)
        finally:
            if watch is not None:
                watch.cancel()


async def _serve(
    kind: str, concurrent: int, poll_interval: float | None, profile: Path | None, webhook_port: int | None
) -> None:
    settings = load_settings()
    webhook = webhook_of(settings, webhook_port)
    setup_logging(settings)
    stop = asyncio.Event()
    profiling = Profiling(profile)
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    loop.add_signal_handler(signal.SIGUSR1, profiling.start)
    loop.add_signal_handler(signal.SIGUSR2, profiling.stop)
    running: AbstractAsyncContextManager[None] = (
        complaint_bot(settings, poll_interval, webhook)
        if kind == "bot"
        else echo_bot(settings, concurrent, poll_interval, webhook)
    )
    async with running:
        print("ready", flush=True)
        await stop.wait()
    profiling.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("kind", choices=("bot", "echo"))
    parser.add_argument("--concurrent", type=int, default=1, help="echo: updates handled at once (PTB default 1)")
    parser.add_argument("--poll-interval", type=float,
                        help="pause between getUpdates calls (default: the bot's own, PTB's 0 for the echo)")
    parser.add_argument("--profile", type=Path, help="write a cProfile of the measured phase here")
    parser.add_argument("--webhook-port", type=int, help="webhook mode: serve the endpoint on 127.0.0.1:PORT")
    parser.add_argument("--trace", type=Path, help="write a per-update timeline here (bench.telegram_trace)")
    args = parser.parse_args(argv)
    asyncio.run(serve(args.kind, args.concurrent, args.poll_interval, args.profile, args.webhook_port, args.trace))
    return 0


if __name__ == "__main__":
    sys.exit(main())
