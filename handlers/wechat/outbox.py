"""Check-ins over WeChat, within its rules: a custom message inside the 48-hour window, else a
template message (when one is configured), and the check-in itself kept until the person writes.

WeChat itself is the judge of the window: a custom message outside it is refused with 45015, and
only then is the other way taken. A template message needs the person to follow the account
(following is their agreement to its service notices; to anyone else WeChat refuses it, 43004);
it only says that a reminder is waiting, because its fields cannot carry the check-in's options.
The check-in itself is queued in the outbox, headed "你有一条跟进提醒…", and goes out the next
time the person writes. The way taken is returned to the reminder loop, which writes it into the
case's timeline.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from engine.replies import Reply
from handlers.wechat.api import WeChatApi, WeChatError
from handlers.wechat.render import render_all
from handlers.wechat.send import UNTIL_THEY_WRITE, OutsideWindow, WeChatSender
from handlers.wechat.texts import wt
from services.delivery import HANDOVER
from services.outbox import OutboxSender, Undeliverable, reply_to_row, wall_clock
from storage.protocols import Store

log = logging.getLogger(__name__)
PLATFORM = "wechat"


class WeChatOutbox:
    """services.delivery.Outbox for WeChat: messages the bot starts itself (reminders)."""

    def __init__(
        self,
        store: Store,
        sender: WeChatSender,
        replies: OutboxSender,
        api: WeChatApi | None,
        template_id: str | None,
        lang_of: Callable[[str], Awaitable[str]],
        kept: Callable[[str], Awaitable[bool]],
    ) -> None:
        self.store = store
        self.sender = sender
        self.replies = replies
        self.api = api
        self.template_id = template_id
        self.lang_of = lang_of
        self.kept = kept

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool | str:
        """The way it went ("custom", "template", "held"), or False when the person is unreachable.

        A custom message takes the person's outbox turn like an event's replies (`send_started`),
        so it never lands between a push's passive reply and the messages after it; when replies
        are queued or being sent, it goes out behind them."""
        lang = await self.lang_of(external_id)
        if not await self.kept(external_id):  # else it would overtake replies waiting for the person
            try:
                outcome = await self.replies.send_started(
                    external_id, replies, lambda: self.custom(external_id, replies, lang)
                )
            except OutsideWindow:
                pass
            else:
                return "custom" if outcome is None else outcome
        via = "held"
        if self.template_id and self.api is not None:
            try:
                await self.api.send_template(external_id, self.template_id, self.template_data(replies, lang))
                via = "template"
            except WeChatError as exc:
                log.info("template reminder refused (%d); kept until the person writes", exc.code)
        await self.keep(external_id, [Reply(wt("held_reminder", lang), kind="reminder"), *replies])
        return via

    async def custom(self, openid: str, replies: list[Reply], lang: str) -> bool | str:
        """"custom" once sent; False when the person is unreachable; OutsideWindow raises."""
        try:
            await self.sender.send(openid, render_all(replies, lang))
        except Undeliverable:
            return False
        return "custom"

    async def keep(self, openid: str, replies: list[Reply]) -> None:
        """Queue the check-in in the outbox, not due until the person writes."""
        now = wall_clock()
        handover = HANDOVER.get()
        async with self.store.transaction() as tx:
            ids = await tx.enqueue_replies(PLATFORM, openid, [reply_to_row(r) for r in replies], now)
            await tx.defer_outbox(ids, now + UNTIL_THEY_WRITE)
            if handover is not None:
                await handover.take(tx)  # the outbox owns the check-in from this commit on

    def template_data(self, replies: list[Reply], lang: str) -> dict[str, dict[str, str]]:
        """The template's fields: a title, the reminder's first line, and how to answer."""
        first_line = next((r.text.strip().splitlines()[0] for r in replies if r.text.strip()), "")
        return {
            "first": {"value": wt("template_title", lang)},
            "keyword1": {"value": first_line[:100]},
            "remark": {"value": wt("template_remark", lang)},
        }
