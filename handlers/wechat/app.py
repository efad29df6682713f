"""The WeChat bot: the aiohttp push endpoint, start-up (replay, the outbox, the menu) and `run_wechat`.

GET on the path is WeChat's URL check (echo `echostr` when signed); POST takes pushes. A request
that fails the signature check gets 403 and changes nothing. Pushes the last run accepted but did
not finish are replayed from the journal before the endpoint opens; with several processes on one
database, those a killed process left are taken over by a live one (the journal's sweep).
"""
from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web

from app.bootstrap import App, setup_logging
from app.cli import build_or_explain, not_set, refuse, run_until_interrupted, stop_on_signals
from app.settings import Settings, load_settings
from handlers.kit.evidence import MB, evidence_limit
from handlers.kit.journal import JournalTimings, Replay, UpdateJournal
from handlers.kit.outbox import reply_outbox
from handlers.wechat.adapter import PLATFORM, WeChatAdapter
from handlers.wechat.api import ApiPolicy, WeChatApi, WeChatError
from handlers.wechat.outbox import WeChatOutbox
from handlers.wechat.push import MAX_BODY, PushCodec, Refused
from handlers.wechat.send import SendPolicy, WeChatSender
from services.commands import Commands
from services.outbox import OutboxPolicy, OutboxSender

log = logging.getLogger(__name__)

SUCCESS = "success"  # WeChat's "received, nothing to say now"
PASSIVE_WAIT = 0.8
PASSIVE_ONLY_WAIT = 4.0


def custom_menu(commands: Commands, lang: str = "zh") -> dict[str, object]:
    """The registry's short menu (新投诉 / 我的投诉 / 帮助) as click buttons; a click's key is the
    command's name in capitals (adapter.menu_command)."""
    return {"button": [{"type": "click", "name": label, "key": name.upper()} for name, label in commands.short_menu(lang)]}


@dataclass(frozen=True)
class WeChatOptions:
    """How the adapter runs; from_settings() for production, tests shorten the timings."""

    token: str
    app_id: str | None = None
    app_secret: str | None = None
    aes_key: str | None = None
    api_base_url: str = "https://api.weixin.qq.com"
    reminder_template_id: str | None = None
    # How long a push's HTTP answer may wait for a passive reply. With the customer-service API a
    # reply that is not ready soon goes out through it just as fast, so waiting longer would only
    # bring the answer closer to WeChat's 5 s under load; without the API the passive reply is all
    # there is, so it may wait up to 4 s (None: pick by whether the credentials are set).
    answer_within: float | None = None
    max_download_bytes: int = 20 * MB
    api: ApiPolicy = field(default_factory=ApiPolicy)
    send: SendPolicy = field(default_factory=SendPolicy)
    outbox: OutboxPolicy = field(default_factory=OutboxPolicy)
    # How the update journal shares its rows with other processes (None: by whether DATABASE_URL is set).
    journal: JournalTimings | None = None

    @classmethod
    def from_settings(cls, settings: Settings, app: App | None = None, **overrides: object) -> WeChatOptions:
        if not settings.wechat_token:
            raise ValueError("WECHAT_TOKEN is not set")
        limit = evidence_limit(app.flow if app else None) or 20 * MB
        values: dict[str, object] = {
            "token": settings.wechat_token,
            "app_id": settings.wechat_app_id,
            "app_secret": settings.wechat_app_secret,
            "aes_key": settings.wechat_encoding_aes_key,
            "api_base_url": settings.wechat_api_base_url,
            "reminder_template_id": settings.wechat_reminder_template_id,
            "max_download_bytes": limit,
            **overrides,
        }
        return cls(**values)  # type: ignore[arg-type]


class WeChatBot:
    """The push endpoint wired to the conversation service of `app`."""

    def __init__(self, app: App, options: WeChatOptions) -> None:
        self.app = app
        self.options = options
        self.codec = PushCodec(options.token, options.aes_key, options.app_id)
        credentials = options.app_id and options.app_secret
        self.api = (
            WeChatApi(options.api_base_url, options.app_id or "", options.app_secret or "", options.api)
            if credentials
            else None
        )
        if options.answer_within is not None:
            self.answer_within = options.answer_within
        else:
            self.answer_within = PASSIVE_WAIT if self.api is not None else PASSIVE_ONLY_WAIT
        shared = app.settings.database_url is not None
        timings = options.journal or JournalTimings.for_database(shared)
        self.journal = UpdateJournal(
            app.store, app.service.clock, PLATFORM,
            lease=timings.lease, sweep_every=timings.sweep_every, stale_after=timings.stale_after,
        )
        self.sender = WeChatSender(self.api, self.lang_of, options.send)
        if self.api is not None:
            # Replies are queued with each event's effects and sent from there; without the
            # customer-service API they can only be passive replies, so nothing is queued.
            self.reply_outbox = reply_outbox(app, PLATFORM, self.sender.send_reply, options.outbox)
        else:
            self.reply_outbox = OutboxSender(app.store, PLATFORM, self.sender.send_reply, options.outbox)
        self.adapter = WeChatAdapter(
            app.service,
            self.sender,
            self.reply_outbox,
            self.api,
            app.files,
            self.journal,
            options.max_download_bytes,
            self.answer_within,
            shared=shared,
        )
        # Several processes: the pushes a killed process accepted are taken over by a live one.
        self.journal.on_stale = self.requeue
        self.journal.on_give_up = self.adapter.gave_up
        self.outbox = WeChatOutbox(
            app.store, self.sender, self.reply_outbox, self.api, options.reminder_template_id, self.lang_of, self.adapter.kept
        )
        app.outboxes.register(PLATFORM, self.outbox)
        app.service.erase_hooks.append(self.journal.erase_person)

    async def lang_of(self, openid: str) -> str:
        return await self.adapter.lang_of(openid)

    async def requeue(self, replay: Replay) -> None:
        """Pushes another process accepted and left unhandled (it was killed): handled here, in arrival order."""
        replayed = self.adapter.replay(replay.payloads)
        if replayed:
            log.info("took over %d push(es) another process left unhandled", replayed)

    # --- HTTP -------------------------------------------------------------------------------

    def web_app(self, path: str = "/wechat") -> web.Application:
        application = web.Application(client_max_size=MAX_BODY)
        application.router.add_get(path, self.on_get)
        application.router.add_post(path, self.on_post)
        return application

    async def on_get(self, request: web.Request) -> web.Response:
        try:
            return web.Response(text=self.codec.echo(request.query))
        except Refused:
            return web.Response(status=403, text="forbidden")

    async def on_post(self, request: web.Request) -> web.Response:
        received = time.monotonic()
        try:
            push = self.codec.read(request.query, await request.read())
        except Refused as exc:
            status = 403 if "signature" in str(exc) or "AES" in str(exc) else 400
            log.info("push refused: %s", exc)
            return web.Response(status=status, text="refused")
        except web.HTTPException:
            raise
        job = await self.adapter.accept(push)
        try:
            text = await self.adapter.first_message(job, received)
            if text is None:
                return web.Response(text=SUCCESS)
            return web.Response(text=self.codec.reply(request.query, push, text), content_type="application/xml")
        finally:
            job.answered.set()

    # --- start and stop ---------------------------------------------------------------------

    @asynccontextmanager
    async def running(self) -> AsyncIterator[WeChatBot]:
        """Ready to take pushes for the block: API client up, last run's pushes replayed, its queued replies sent."""
        if self.api is not None:
            await self.api.start()
        try:
            replay = await self.journal.open()
            replayed = self.adapter.replay(replay.payloads)
            if replayed:
                log.info("replaying %d push(es) accepted before the last stop", replayed)
            await self.reply_outbox.start()
            await self.create_menu()
            yield self
        finally:
            await self.adapter.drain()
            await self.reply_outbox.stop()
            await self.journal.close()
            if self.api is not None:
                await self.api.close()

    async def create_menu(self) -> None:
        """The custom menu, when the account's credentials allow it; a refusal is logged, not fatal."""
        if self.api is None:
            return
        try:
            await self.api.create_menu(custom_menu(self.adapter.service.commands))
        except (TimeoutError, WeChatError, OSError, aiohttp.ClientError) as exc:
            log.warning("menu/create failed: %s", exc)


async def serve(settings: Settings, host: str, port: int, path: str) -> int:
    """Run until SIGINT/SIGTERM; returns the process exit code."""
    app = await build_or_explain(settings)
    if app is None:
        return 1
    stop = stop_on_signals()
    try:
        bot = WeChatBot(app, WeChatOptions.from_settings(settings, app))
        async with bot.running():
            runner = web.AppRunner(bot.web_app(path), access_log=None)
            await runner.setup()
            await web.TCPSite(runner, host, port).start()
            await app.start_background()
            print(f"WeChat endpoint at http://{host}:{port}{path}; Ctrl+C stops it.", file=sys.stderr, flush=True)
            try:
                await stop.wait()
            finally:
                await app.stop_background()
                await runner.cleanup()
    finally:
        await app.close()
    return 0


def run_wechat(args: argparse.Namespace) -> int:
    """`python bot.py wechat [--host 127.0.0.1] [--port 8080] [--path /wechat]`."""
    settings = load_settings()
    if not settings.wechat_token:
        return not_set("WECHAT_TOKEN", "use the Token you entered in the WeChat admin console.")
    if settings.wechat_encoding_aes_key and not settings.wechat_app_id:
        return refuse("WECHAT_ENCODING_AES_KEY needs WECHAT_APP_ID too: safe-mode pushes carry the AppID.")
    setup_logging(settings)
    path = "/" + str(args.path or "/wechat").strip("/")
    return run_until_interrupted(serve(settings, args.host, args.port, path))
