"""The Telegram bot: PTB Application wiring, start-up (commands, polling or webhook) and `run_telegram`.

The Application only moves updates: handlers in telegram_adapter turn them into engine events,
the conversation lives in the engine and the database (no ConversationHandler, no JobQueue, no
PTB persistence), so the bot can be stopped and started at any point. Updates themselves are
journaled from their arrival until they are handled (journal.py), so even a hard crash
loses none: what was in flight is replayed at the next start.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import secrets
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any
from urllib.parse import urlparse

from telegram import BotCommand, Update
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TelegramError
from telegram.ext import Application, ApplicationBuilder, CallbackQueryHandler, MessageHandler, filters

from app.bootstrap import App, setup_logging
from app.cli import build_or_explain, not_set, run_until_interrupted, stop_on_signals
from app.logsafe import install_redaction
from app.settings import Settings, load_settings
from engine.model import Flow
from handlers.kit.evidence import MB, evidence_limit
from handlers.kit.journal import JournalTimings
from handlers.kit.outbox import reply_outbox
from handlers.telegram.adapter import PLATFORM, TelegramAdapter
from handlers.telegram.http import AiohttpRequest
from handlers.telegram.inbox import JournalingBot, JournalingQueue, lean
from handlers.telegram.intake import PUBLIC_DOWNLOAD_LIMIT, Downloader
from handlers.telegram.journal import Replay, UpdateJournal
from handlers.telegram.webhook import WebhookAnswers, WebhookServer
from handlers.telegram.order import PerChatUpdateProcessor
from handlers.telegram.send import PUBLIC_UPLOAD_LIMIT, SendPolicy, TelegramOutbox, TelegramSender
from engine.replies import Reply
from services.commands import Commands
from services.outbox import OutboxPolicy

log = logging.getLogger(__name__)

PUBLIC_API = "https://api.telegram.org"
SELF_HOSTED_LIMIT = 2000 * 1024 * 1024  # what a local Bot API server will hand out
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
WEBHOOK_CONNECTIONS = 40  # setWebhook's max_connections: Telegram's default, as PTB's start_webhook sends
# A short pause before a long poll lets a burst of updates arrive in one getUpdates instead of one
# call per update (0.94 → 0.19 calls per update under load). Only after a poll that brought a burst
# (inbox.BUSY_BATCH): under light load each update would wait out part of it (JournalingBot.pause_when_busy).
POLL_INTERVAL = 0.05

def bot_commands(commands: Commands, lang: str) -> list[BotCommand]:
    """Telegram's command menu, generated from the command registry."""
    return [BotCommand(name, description) for name, description in commands.menu(lang)]


@dataclass(frozen=True)
class TelegramOptions:
    """How the adapter runs; from_settings() for production, tests override timings."""

    token: str
    api_base_url: str = PUBLIC_API
    max_download_bytes: int = PUBLIC_DOWNLOAD_LIMIT
    max_upload_bytes: int = PUBLIC_UPLOAD_LIMIT
    album_window: float = 1.0
    send: SendPolicy = field(default_factory=SendPolicy)
    concurrent_updates: int = 64
    connection_pool_size: int = 8
    # PTB's 5 s read timeout gave up on sends Telegram was still processing, and the retry sent the
    # message twice; the Bot API can take longer than that under load, so wait for its answer.
    read_timeout: float = 30.0
    # A 409 Conflict this soon after polling started means another poller was there first.
    conflict_window: float = 60.0
    outbox: OutboxPolicy = field(default_factory=OutboxPolicy)

    @classmethod
    def from_settings(cls, settings: Settings, flow: Flow | None = None, **overrides: Any) -> TelegramOptions:
        """The 20 MB download limit holds on the public Bot API only; a self-hosted server lifts it."""
        if not settings.telegram_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        base = settings.telegram_api_base_url.rstrip("/")
        if settings.telegram_max_file_mb is not None:
            transport = int(settings.telegram_max_file_mb * MB)
        else:
            transport = PUBLIC_DOWNLOAD_LIMIT if base == PUBLIC_API else SELF_HOSTED_LIMIT
        accepted = evidence_limit(flow)
        options = cls(
            token=settings.telegram_token,
            api_base_url=base,
            max_download_bytes=min(transport, accepted) if accepted else transport,
            max_upload_bytes=PUBLIC_UPLOAD_LIMIT if base == PUBLIC_API else SELF_HOSTED_LIMIT,
        )
        return replace(options, **overrides) if overrides else options


@dataclass(frozen=True)
class Webhook:
    """Webhook mode: Telegram POSTs updates to `url`, proxied to listen:port on the same path."""

    url: str
    secret: str
    listen: str = "127.0.0.1"
    port: int = 8443

    @property
    def path(self) -> str:
        return urlparse(self.url).path.strip("/")


def journal_for(app: App) -> UpdateJournal:
    """The update journal; on a database several processes share, with a claim lease and a sweep."""
    timings = JournalTimings.for_database(app.settings.database_url is not None)
    return UpdateJournal(
        app.store, app.service.clock, PLATFORM,
        lease=timings.lease, sweep_every=timings.sweep_every, stale_after=timings.stale_after,
    )


class TelegramBot:
    """A PTB Application wired to the conversation service of `app`."""

    def __init__(self, app: App, options: TelegramOptions) -> None:
        self.app = app
        self.options = options
        self.locks = app.service.locks
        self.conflict = asyncio.Event()
        self._polling_since = time.monotonic()
        self.journal = journal_for(app)
        base = options.api_base_url.rstrip("/")
        self.bot = JournalingBot(
            self.journal,
            token=options.token,
            base_url=f"{base}/bot",
            base_file_url=f"{base}/file/bot",
            request=AiohttpRequest(connection_pool_size=options.connection_pool_size, read_timeout=options.read_timeout),
            get_updates_request=AiohttpRequest(connection_pool_size=1),
        )
        self.webhook_answers = WebhookAnswers()
        self.queue = JournalingQueue(self.journal, self.webhook_answers)
        self.application: Application = (
            ApplicationBuilder()
            .bot(self.bot)
            .update_queue(self.queue)
            .concurrent_updates(PerChatUpdateProcessor(options.concurrent_updates, self.locks, self.journal))
            .job_queue(None)
            .build()
        )
        self.sender = TelegramSender(self.application.bot, options.send, options.max_upload_bytes)
        self.downloader = Downloader(self.sender, app.files, options.max_download_bytes)
        self.reply_outbox = reply_outbox(app, PLATFORM, self._send_reply, options.outbox)
        app.service.retry_platforms.add(PLATFORM)  # TelegramAdapter.patiently
        self.adapter = TelegramAdapter(
            app.service,
            self.sender,
            self.downloader,
            self.locks,
            options.album_window,
            self.application.create_task,
            self.journal,
            self.reply_outbox,
            self.webhook_answers,
        )
        self.outbox = TelegramOutbox(self.sender, self.reply_outbox)
        app.outboxes.register(PLATFORM, self.outbox)
        app.service.erase_hooks.append(self.journal.erase_person)
        self.journal.on_give_up = self.adapter.gave_up
        self.journal.on_stale = self.requeue
        self.application.add_handler(
            MessageHandler(filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE, self.adapter.on_message)
        )
        self.application.add_handler(CallbackQueryHandler(self.adapter.on_callback))
        self.application.add_error_handler(self.adapter.on_error)

    def _polling_error(self, error: TelegramError) -> None:
        """getUpdates failed. 409 Conflict means another process polls with this token, and two
        pollers steal each other's updates. Telegram ends whichever poll is older, so both see 409s;
        the one that started last (its 409 comes within `conflict_window` of its start) is the
        newcomer and stops (serve() waits on `conflict`); the one that was there first carries on."""
        if not isinstance(error, Conflict):
            log.warning("getUpdates failed: %s", type(error).__name__)
            return
        if time.monotonic() - self._polling_since <= self.options.conflict_window:
            if not self.conflict.is_set():
                log.error("another process is already polling Telegram with this bot token (409 Conflict)")
            self.conflict.set()
        else:
            log.warning("another process polled Telegram with this bot token (409 Conflict); it should stop")

    async def _send_reply(self, chat: str, reply: Reply) -> None:
        await self.adapter.send_reply(chat, reply)

    async def publish_commands(self) -> None:
        """The command menu in Chinese for zh clients, English for everyone else."""
        for code, lang in ((None, "en"), ("en", "en"), ("zh", "zh")):
            try:
                publish = partial(self.application.bot.set_my_commands, bot_commands(self.app.service.commands, lang), language_code=code)
                await self.sender.retrying(publish, what="setMyCommands")
            except TelegramError as exc:
                log.warning("setMyCommands (%s) failed: %s", code or "default", type(exc).__name__)

    @asynccontextmanager
    async def running(
        self, *, webhook: Webhook | None = None, poll_timeout: int = 30, poll_interval: float = POLL_INTERVAL
    ) -> AsyncIterator[TelegramBot]:
        """Serve updates for the block; on exit, finish what was received, then shut down.

        What the journal still holds from the last run is handled first, before new updates.
        """
        application = self.application
        updater = application.updater
        assert updater is not None
        server: WebhookServer | None = None
        await application.initialize()
        try:
            replay = await self.journal.open()
            await self.publish_commands()
            await application.start()
            await self.reply_outbox.start()
            await self.requeue(replay)
            if webhook is not None:
                self.queue.journaling = True
                server = WebhookServer(self.bot, self.queue, webhook.secret, webhook.path)
                await server.start(webhook.listen, webhook.port)
                # Listening before Telegram is told the address, so its first POST finds the server up.
                await self.bot.set_webhook(
                    url=webhook.url,
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                    max_connections=WEBHOOK_CONNECTIONS,
                    secret_token=webhook.secret,
                )
            else:
                self.bot.resume_after(replay.last_update_id)
                self.bot.pause_when_busy(poll_interval)
                self._polling_since = time.monotonic()
                await updater.start_polling(
                    poll_interval=0,  # PTB's pause after every poll: the bot pauses only after a burst
                    timeout=poll_timeout,
                    error_callback=self._polling_error,
                    allowed_updates=ALLOWED_UPDATES,
                    drop_pending_updates=False,
                )
            yield self
        finally:
            self.adapter.stopping = True  # an update waiting for the database stays in the journal
            if server is not None:
                await server.stop()
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            await self.reply_outbox.stop()
            await self.journal.close()
            await application.shutdown()

    async def requeue(self, replay: Replay) -> None:
        """Hand the updates the last run left unhandled to the Application, oldest first."""
        for payload in replay.payloads:
            try:
                update = Update.de_json(lean(payload), self.application.bot)
            except Exception as exc:  # noqa: BLE001 - its row stays; the replay cap gives it up
                log.warning("a journaled update could not be read back: %s", type(exc).__name__)
                continue
            await self.application.update_queue.put(update)


def webhook_from(args: argparse.Namespace, settings: Settings) -> Webhook | None:
    url = getattr(args, "webhook_url", None)
    if not url:
        return None
    secret = settings.telegram_webhook_secret or secrets.token_urlsafe(32)
    install_redaction([secret])
    return Webhook(url=url, secret=secret, listen=getattr(args, "listen", "127.0.0.1"), port=getattr(args, "port", 8443))


@asynccontextmanager
async def poller_turn(app: App, webhook: Webhook | None, stop: asyncio.Event) -> AsyncIterator[bool]:
    """Long polling is for one process per bot: on PostgreSQL, a second poller waits for its turn.

    Telegram answers a second getUpdates with 409 Conflict, and two pollers would fetch (and
    journal) each other's updates; webhook mode has no such limit. Yields False if stopped while waiting.
    """
    sole = getattr(app.store, "sole", None)
    if webhook is not None or sole is None:
        yield True
        return
    bot_id = app.settings.telegram_token.partition(":")[0] if app.settings.telegram_token else ""

    def waiting() -> None:
        print(
            "Another process is already long polling for this bot on this database; this one waits "
            "and takes over if that one stops. To spread updates over several processes, run them "
            "in webhook mode (--webhook-url) behind one address, see deploy/README.md.",
            file=sys.stderr,
        )

    async with sole(f"telegram-poller:{bot_id}", stop, waiting) as turn:
        yield turn


async def serve(settings: Settings, webhook: Webhook | None) -> int:
    """Run until SIGINT/SIGTERM; returns the process exit code."""
    app = await build_or_explain(settings)
    if app is None:
        return 1
    stop = stop_on_signals()
    try:
        async with poller_turn(app, webhook, stop) as turn:
            if not turn:
                return 0
            bot = TelegramBot(app, TelegramOptions.from_settings(settings, app.flow))
            async with bot.running(webhook=webhook):
                await app.start_background()
                mode = f"webhook at {webhook.url}" if webhook else "long polling"
                print(f"Telegram bot running ({mode}); Ctrl+C stops it.", file=sys.stderr)
                try:
                    stopping = asyncio.ensure_future(stop.wait())
                    conflicted = asyncio.ensure_future(bot.conflict.wait())
                    await asyncio.wait({stopping, conflicted}, return_when=asyncio.FIRST_COMPLETED)
                    for waiter in (stopping, conflicted):
                        waiter.cancel()
                finally:
                    await app.stop_background()
        if bot.conflict.is_set():
            print(
                "Another process is already polling Telegram with this bot token (409 Conflict), and two "
                "pollers would steal each other's messages. Stop the other one, or run one bot with a "
                "webhook; this one stops now.",
                file=sys.stderr,
            )
            return 1
    except InvalidToken:
        print("Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather.", file=sys.stderr)
        return 1
    except BadRequest as exc:
        print(f"Telegram refused to start the bot: {exc.message}", file=sys.stderr)
        return 1
    except NetworkError as exc:
        print(f"Cannot reach the Bot API ({type(exc).__name__}); check TELEGRAM_API_BASE_URL.", file=sys.stderr)
        return 1
    finally:
        await app.close()
    return 0


def run_telegram(args: argparse.Namespace) -> int:
    """`python bot.py telegram [--webhook-url URL --listen ADDR --port N]`."""
    settings = load_settings()
    if not settings.telegram_token:
        return not_set("TELEGRAM_BOT_TOKEN", "get a token from @BotFather and export it.")
    setup_logging(settings)
    return run_until_interrupted(serve(settings, webhook_from(args, settings)))
