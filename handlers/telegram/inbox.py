"""Where updates enter PTB, journaled before Telegram may consider them delivered (see journal.py).

Long polling: Telegram drops an update once a getUpdates asks for a higher offset, and PTB's Updater
asks for it in the call after the one that fetched the update. `JournalingBot` writes each fetched
batch before PTB gets it back, so nothing is confirmed before it is in the database. PTB documents
a custom bot for `ApplicationBuilder.bot()`; the builder then takes no token, URLs or request
objects, so TelegramBot gives them to the bot itself, as the builder's `_build_ext_bot` would.

Webhooks: Telegram considers an update delivered once its POST is answered, and the webhook
endpoint (webhook.py) answers after the update is on the queue. `JournalingQueue` (passed with the
documented `ApplicationBuilder.update_queue()`) journals each update on the way in when webhook mode
switches it on; a failed write makes the POST fail and Telegram sends the update again. In polling
mode the queue journals nothing (the batch is in already), nor does it for replayed updates, which
are put before the switch.
"""
from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram._utils.defaultvalue import DEFAULT_NONE
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import TelegramError
from telegram.ext import ExtBot

from handlers.telegram.journal import UpdateJournal

if TYPE_CHECKING:
    from handlers.telegram.webhook import WebhookAnswers


def lean(payload: dict[str, Any]) -> dict[str, Any]:
    """The update to parse: a tapped message's keyboard cut down to the tapped button.

    A tap carries the whole message it was on, keyboard included, and PTB builds an object for every
    button: more than half the cost of parsing a tap (about 0.3 ms of 0.55 ms for a question of ten
    buttons). The adapter reads of that keyboard only the tapped button's label, and whether there was
    a keyboard at all (adapter.tidy_question); the lean update keeps both (an empty keyboard when the
    tapped data is not on it). The journal stores the update as received, not this copy.
    """
    query = payload.get("callback_query")
    message = query.get("message") if isinstance(query, dict) else None
    markup = message.get("reply_markup") if isinstance(message, dict) else None
    rows = markup.get("inline_keyboard") if isinstance(markup, dict) else None
    if not (isinstance(query, dict) and isinstance(message, dict) and isinstance(markup, dict) and isinstance(rows, list)):
        return payload
    data = query.get("data")
    tapped = next(
        (
            [[button]]
            for row in rows if isinstance(row, list)
            for button in row if isinstance(button, dict) and data is not None and button.get("callback_data") == data
        ),
        [],
    )
    lean_message = {**message, "reply_markup": {**markup, "inline_keyboard": tapped}}
    return {**payload, "callback_query": {**query, "message": lean_message}}


class JournalWriteFailed(TelegramError):
    """The fetched batch could not be journaled; PTB's polling loop retries, with its backoff, unconfirmed."""


# A getUpdates that brought this many updates means they come faster than one per poll: the next poll
# waits a little first, so the burst comes back in one call (TelegramBot.running's `poll_interval`).
BUSY_BATCH = 3


class JournalingBot(ExtBot[None]):
    """An ExtBot that journals every batch getUpdates returns before PTB sees it."""

    __slots__ = ("_journal", "_pause", "_pause_next", "_resume_at")

    def __init__(self, journal: UpdateJournal, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._journal = journal
        self._resume_at = 0
        self._pause = 0.0
        self._pause_next = False

    def pause_when_busy(self, seconds: float) -> None:
        """Wait `seconds` before a poll only when the last one brought a burst (BUSY_BATCH updates or more).

        A fixed pause between polls (PTB's `poll_interval`) gathers a burst into one call under load, but
        under light load every update waited out part of it: half the pause on average, the whole of it
        at worst, which was most of the reply time when the bot was not busy (bench/README.md). A light
        load brings one or two updates per poll, so the next poll goes at once.
        """
        self._pause = seconds

    def resume_after(self, update_id: int | None) -> None:
        """Let the first poll confirm every update up to `update_id`: all of them are in the journal.

        Without this, updates the last run fetched but never confirmed would come from Telegram a
        second time while their replay is running. Every id up to the newest journaled one was
        journaled (batches arrive in order), and Telegram numbers updates in sequence while the bot
        had one within the week, which the journal's retention keeps true.
        """
        self._resume_at = 0 if update_id is None else update_id + 1

    async def _do_post(
        self,
        endpoint: str,
        data: JSONDict,
        *,
        read_timeout: ODVInput[float] = DEFAULT_NONE,
        write_timeout: ODVInput[float] = DEFAULT_NONE,
        connect_timeout: ODVInput[float] = DEFAULT_NONE,
        pool_timeout: ODVInput[float] = DEFAULT_NONE,
    ) -> bool | JSONDict | list[JSONDict]:
        """Every Bot API call passes here (ExtBot adds its rate limiter at this point too).

        getUpdates is the one changed: after a burst it waits `pause_when_busy`'s pause first; its result, the updates' JSON exactly as received, is
        journaled before it goes back to PTB (`to_dict()` of the parsed updates would cost 4 to 15
        times as much), PTB gets them `lean`, and the first call after a replay starts past the
        replayed ids.
        """
        if endpoint == "getUpdates" and self._pause_next:
            self._pause_next = False
            await asyncio.sleep(self._pause)
        if endpoint == "getUpdates" and self._resume_at > int(data.get("offset") or 0):
            data = {**data, "offset": self._resume_at}
        result = await super()._do_post(
            endpoint,
            data,
            read_timeout=read_timeout,
            write_timeout=write_timeout,
            connect_timeout=connect_timeout,
            pool_timeout=pool_timeout,
        )
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        self._resume_at = 0
        self._pause_next = self._pause > 0 and len(result) >= BUSY_BATCH
        try:
            await self._journal.record(result)
        except Exception as exc:
            raise JournalWriteFailed("the fetched updates could not be journaled; they stay unconfirmed") from exc
        return [lean(update) if isinstance(update, dict) else update for update in result]


class JournalingQueue(asyncio.Queue[object]):
    """The Application's update queue; with `journaling` on (webhook mode) it journals each update put.

    It also carries the webhook endpoint's `answers` (webhook.py), the one object the endpoint and
    the adapter both reach.
    """

    def __init__(self, journal: UpdateJournal, answers: WebhookAnswers | None = None) -> None:
        super().__init__()
        self._journal = journal
        self.journaling = False
        self.answers = answers

    async def put(self, item: object) -> None:
        if self.journaling and isinstance(item, Update):
            await self._journal.record([item.to_dict()])
        await super().put(item)

    async def put_received(self, update: Update, payload: dict[str, Any]) -> None:
        """`put` for the webhook endpoint, journaling the update's JSON as it arrived (as getUpdates's
        batches are): `to_dict()` of the parsed update would cost several times as much."""
        if self.journaling:
            await self._journal.record([payload])
        await super().put(update)
