"""Check-ins over WeChat, within its rules: a custom message inside the 48-hour window, else a
template message (when one is configured), and the full reminder held until the person writes.

WeChat itself is the judge of the window: a custom message outside it is refused with 45015,
and only then is the other way taken. A template message needs the person to follow the account
(following is their agreement to its service notices; to anyone else WeChat refuses it, 43004);
it only says that a reminder is waiting, because its fields cannot carry buttons. The reminder
itself is held either way and shown, headed "你有一条跟进提醒…", the next time they write.
The way taken is returned to the reminder loop, which writes it into the case's timeline.
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from engine.replies import Reply
from handlers.wechat.api import WeChatApi, WeChatError
from handlers.wechat.held import WINDOW
from handlers.wechat.render import render_all, text_message
from handlers.wechat.send import Sent, WeChatSender
from handlers.wechat.texts import wt

log = logging.getLogger(__name__)


class WeChatOutbox:
    """services.delivery.Outbox for WeChat: messages the bot starts itself (reminders)."""

    def __init__(
        self,
        sender: WeChatSender,
        api: WeChatApi | None,
        template_id: str | None,
        lang_of: Callable[[str], Awaitable[str]],
    ) -> None:
        self.sender = sender
        self.api = api
        self.template_id = template_id
        self.lang_of = lang_of

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool | str:
        """The way it went ("custom", "template", "held"), or False when the person is unreachable."""
        lang = await self.lang_of(external_id)
        messages = render_all(replies, lang)
        outcome = await self.sender.send(external_id, messages, hold_outside=False)
        if outcome is Sent.SENT:
            return "custom"
        if outcome is Sent.UNREACHABLE:
            return False
        if outcome is Sent.HELD:
            return "held"
        held = [text_message(wt("held_reminder", lang)), *messages]
        via = "held"
        if self.template_id and self.api is not None:
            try:
                await self.api.send_template(external_id, self.template_id, self.template_data(replies, lang))
                via = "template"
            except WeChatError as exc:
                log.info("template reminder refused (%d); held until the person writes", exc.code)
        async with self.sender.lock(external_id):
            await self.sender.held.hold(external_id, [m.body for m in held], WINDOW)
        return via

    def template_data(self, replies: list[Reply], lang: str) -> dict[str, dict[str, str]]:
        """The template's fields: a title, the reminder's first line, and how to answer."""
        first_line = next((r.text.strip().splitlines()[0] for r in replies if r.text.strip()), "")
        return {
            "first": {"value": wt("template_title", lang)},
            "keyword1": {"value": first_line[:100]},
            "remark": {"value": wt("template_remark", lang)},
        }
