"""The webhook endpoint's answers to bad POSTs: 400 for a body that is not an update, and no raw copy in the logs.

PTB's TelegramHandler answers a body that is not JSON (or is empty) with a 500 from the uncaught
decode error, and logs an update it cannot read at CRITICAL with the whole body, a person's message
included. Updater.start_webhook builds its tornado application from the module's `TelegramHandler`
name, so `install()` puts this subclass there; everything else (the secret check, the queue) is PTB's.
"""
from __future__ import annotations

import json
import logging
from http import HTTPStatus

import tornado.web
from telegram import Update
from telegram.ext import ExtBot
from telegram.ext._utils import webhookhandler

log = logging.getLogger(__name__)


class StrictTelegramHandler(webhookhandler.TelegramHandler):
    """PTB's webhook handler, refusing what is not an update with 400 and logging no body."""

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
        await self.update_queue.put(update)


def install() -> None:
    """Make PTB's webhook server use StrictTelegramHandler (idempotent)."""
    webhookhandler.TelegramHandler = StrictTelegramHandler  # type: ignore[misc]
