"""The webhook endpoint: an aiohttp server that takes Telegram's POSTs, journals each update and queues it
for PTB's Application, and answers a tap's spinner in the reply.

PTB's own endpoint (`Updater.start_webhook`) is a tornado server. Its HTTP handling is pure Python and
cost the bot about 0.3 ms of CPU per update, against 0.15 ms on aiohttp, whose HTTP parser is in C and
which the bot already uses for its calls (http.py; bench/README.md). This server keeps PTB's contract:
POST only, `Content-Type: application/json`, the secret token header checked (403 when it is missing or
wrong), each update `Update.de_json`'d and put on the Application's update queue, and Telegram's POST
answered once it is there. Unlike PTB's, a body that is not an update gets a 400 (PTB answered a body
that is not JSON with a 500, Telegram's cue to send it again for ever), and no body is ever logged (PTB
logs an update it cannot read at CRITICAL, a person's message included).

A webhook request may be answered with a Bot API method call, which Telegram then runs ("Making
requests when getting updates" in the Bot API docs). That saves the bot one HTTP request, but "it's not
possible to know that such a request was successful or get its result". So only a call that nothing
depends on goes that way: the answerCallbackQuery that stops a tapped button's spinner (the adapter
offers it through `WebhookAnswers`). Replies never do: an outbox row may only be deleted once Telegram
said the message was sent, or a flood limit, a blocked chat or a dropped connection would lose it.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from http import HTTPStatus
from typing import Any

import orjson
from aiohttp import web
from telegram import Bot, Update
from telegram.ext import ExtBot

from handlers.telegram.inbox import JournalingQueue, lean

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
JSON_TYPE = "application/json"
# Requests still running when the server stops get this long (a tap's answer waits at most ANSWER_WAIT).
STOP_GRACE = 5.0
# How long a tap's webhook request is held open for the adapter to offer its answer. Handling a tap
# takes a few milliseconds when the bot is not overloaded; past this, the request is answered empty
# and the adapter answers the tap with its own call, so a slow update never holds Telegram's connection long.
ANSWER_WAIT = 1.0


class WebhookAnswers:
    """Method calls that ride back on the answer to a webhook request, by update id.

    The endpoint `expect()`s a call for each tap it receives and holds the request open (`take()`) for
    at most `wait` seconds; an `offer()` within that time becomes the request's answer. After it, the
    offer is refused and the caller makes the call itself. A redelivered update has its own request;
    offers go to the oldest one still open.
    """

    def __init__(self, wait: float = ANSWER_WAIT) -> None:
        self.wait = wait
        self._open: dict[int, list[asyncio.Future[dict[str, Any]]]] = {}

    def expect(self, update_id: int) -> asyncio.Future[dict[str, Any]]:
        slot: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._open.setdefault(update_id, []).append(slot)
        return slot

    def offer(self, update_id: int, method: str, params: dict[str, Any]) -> bool:
        """True when the call will go back as a webhook answer; False: make it yourself."""
        for slot in self._open.get(update_id, ()):
            if not slot.done():
                slot.set_result({"method": method, **params})
                return True
        return False

    async def take(self, update_id: int, slot: asyncio.Future[dict[str, Any]]) -> dict[str, Any] | None:
        """The call offered for this request within `wait` seconds, or None."""
        try:
            return await asyncio.wait_for(slot, self.wait)
        except TimeoutError:
            return None
        finally:
            self.close(update_id, slot)

    def close(self, update_id: int, slot: asyncio.Future[dict[str, Any]]) -> None:
        """The request is answered (or failed): later offers for it are refused."""
        slot.cancel()
        slots = self._open.get(update_id)
        if slots is not None and slot in slots:
            slots.remove(slot)
            if not slots:
                del self._open[update_id]


class WebhookServer:
    """Serves the webhook path on listen:port; each update goes to `queue` (journaled first when it is a
    JournalingQueue in journaling mode), and a tap's request waits for the answer the adapter offers."""

    def __init__(self, bot: Bot, queue: asyncio.Queue[object], secret: str, path: str) -> None:
        self.bot = bot
        self.queue = queue
        self.secret = secret
        self.path = "/" + path.strip("/")
        self._runner: web.AppRunner | None = None

    async def start(self, listen: str, port: int) -> None:
        app = web.Application()
        app.router.add_post(self.path, self.post)
        if self.path != "/":
            app.router.add_post(self.path + "/", self.post)  # PTB's route takes a trailing slash too
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=STOP_GRACE)
        await runner.setup()
        try:
            await web.TCPSite(runner, listen, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner

    async def stop(self) -> None:
        """Stop listening and let the requests under way finish (up to STOP_GRACE)."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    def _refusal(self, request: web.Request) -> web.Response | None:
        """PTB's checks: JSON only, and the secret token, always (bot.py makes one when none is set)."""
        if request.headers.get("Content-Type") != JSON_TYPE:
            return web.Response(status=HTTPStatus.FORBIDDEN)
        token = request.headers.get(SECRET_HEADER, "")
        if not self.secret or not hmac.compare_digest(token.encode(), self.secret.encode()):
            return web.Response(status=HTTPStatus.FORBIDDEN, reason="Request had no or the wrong secret token")
        return None

    async def post(self, request: web.Request) -> web.Response:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        try:
            data = orjson.loads(await request.read())
        except orjson.JSONDecodeError:  # not JSON, not UTF-8, or nested too deep
            return web.Response(status=HTTPStatus.BAD_REQUEST, reason="Body is not JSON")
        if not isinstance(data, dict):
            return web.Response(status=HTTPStatus.BAD_REQUEST, reason="Body is not an update")
        try:
            update = Update.de_json(lean(data), self.bot)
        except Exception as exc:  # noqa: BLE001 - any unreadable update gets the same refusal
            log.warning("refused a webhook update that could not be read (%s)", type(exc).__name__)
            return web.Response(status=HTTPStatus.BAD_REQUEST, reason="Update could not be processed")
        if update is None:
            return web.Response()
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        try:
            call = await self._take(update, data)
        except Exception as exc:  # noqa: BLE001 - not journaled: Telegram sends it again
            log.warning("a webhook update could not be taken in (%s); Telegram will send it again", type(exc).__name__)
            return web.Response(status=HTTPStatus.INTERNAL_SERVER_ERROR)
        if call is None:
            return web.Response()
        return web.Response(body=orjson.dumps(call), content_type=JSON_TYPE)

    async def _take(self, update: Update, data: dict[str, Any]) -> dict[str, Any] | None:
        """Queue the update (journaled first); for a tap, the call the adapter offers as the answer."""
        queue = self.queue
        if not isinstance(queue, JournalingQueue):
            await queue.put(update)
            return None
        answers = queue.answers if update.callback_query is not None else None
        slot = answers.expect(update.update_id) if answers is not None else None
        try:
            await queue.put_received(update, data)
        except BaseException:
            if answers is not None and slot is not None:
                answers.close(update.update_id, slot)
            raise
        if answers is None or slot is None:
            return None
        return await answers.take(update.update_id, slot)
