"""The webhook endpoint: 400 for a body that is not an update, no raw copy in the logs, and a tap's answer in the reply.

PTB's TelegramHandler answers a body that is not JSON (or is empty) with a 500 from the uncaught
decode error, and logs an update it cannot read at CRITICAL with the whole body, a person's message
included. Updater.start_webhook builds its tornado application from the module's `TelegramHandler`
name, so `install()` puts this subclass there; the secret check is PTB's.

A webhook request may be answered with a Bot API method call, which Telegram then runs ("Making
requests when getting updates" in the Bot API docs). That saves the bot one HTTP request, but "it's not
possible to know that such a request was successful or get its result". So only a call that nothing
depends on goes that way: the answerCallbackQuery that stops a tapped button's spinner (the adapter
offers it through `WebhookAnswers`). Replies never do: an outbox row may only be deleted once Telegram
said the message was sent, or a flood limit, a blocked chat or a dropped connection would lose it.
"""
from __future__ import annotations

import asyncio
import json
import logging
from http import HTTPStatus
from typing import Any

import tornado.web
from telegram import Update
from telegram.ext import ExtBot
from telegram.ext._utils import webhookhandler

from handlers.telegram.inbox import JournalingQueue

log = logging.getLogger(__name__)

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


class StrictTelegramHandler(webhookhandler.TelegramHandler):
    """PTB's webhook handler, refusing what is not an update with 400, logging no body, answering taps in the reply."""

    async def post(self) -> None:
        self._validate_post()
        try:
            data = json.loads(self.request.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Body is not JSON") from None
        if not isinstance(data, dict):
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Body is not an update")
        try:
            update = Update.de_json(data, self.bot)
        except Exception as exc:  # noqa: BLE001 - any unreadable update gets the same refusal
            log.warning("refused a webhook update that could not be read (%s)", type(exc).__name__)
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST, reason="Update could not be processed") from None
        self.set_status(HTTPStatus.OK)
        if update is None:
            return
        if isinstance(self.bot, ExtBot):
            self.bot.insert_callback_data(update)
        queue = self.update_queue
        if not isinstance(queue, JournalingQueue):
            await queue.put(update)
            return
        answers = queue.answers if update.callback_query is not None else None
        slot = answers.expect(update.update_id) if answers is not None else None
        try:
            await queue.put_received(update, data)
        except BaseException:
            if answers is not None and slot is not None:
                answers.close(update.update_id, slot)
            raise
        if answers is None or slot is None:
            return
        call = await answers.take(update.update_id, slot)
        if call is not None:
            self.set_header("Content-Type", "application/json")
            self.write(json.dumps(call, ensure_ascii=False))


def install() -> None:
    """Make PTB's webhook server use StrictTelegramHandler (idempotent)."""
    webhookhandler.TelegramHandler = StrictTelegramHandler  # type: ignore[misc]
