"""Two quick pushes for one person: the passive reply of each and the customer-service messages
after it reach the person in the order of the pushes, each once.

The first reply of a push rides back on its HTTP answer (the passive reply) and its outbox row is
then dropped; the rest go out from the outbox. The outbox's background loop, running a pass while
the adapter works on a push (under load it runs them back to back: some chat always has a row
due), must leave that person's rows alone, or the passive reply also goes out as a
customer-service message, and the new question may overtake it.
"""
from __future__ import annotations

import asyncio
import time

import pytest

from handlers.wechat.adapter import WeChatAdapter
from tests.wechat.helpers import Endpoint, Phone


async def to_the_time_question(phone: Phone) -> None:
    await phone.text("/new")
    await phone.expect("你在哪里")
    await phone.tap("中国大陆", "发生了什么")
    await phone.say("1", "对方用的是哪个号码")
    await phone.say("138 0013 8000, 95555", "最近一次是什么时候")


async def test_two_quick_pushes_come_back_in_order_and_once(
    wechat: Endpoint, phone: Phone, monkeypatch: pytest.MonkeyPatch
) -> None:
    await to_the_time_question(phone)
    assert wechat.bot is not None
    outbox = wechat.bot.reply_outbox
    original = WeChatAdapter.lang_of
    passes: list[asyncio.Task[int]] = []

    async def loop_pass_meanwhile(self: WeChatAdapter, openid: str) -> str:
        passes.append(asyncio.create_task(outbox.run_once()))  # as the background loop would
        await asyncio.sleep(0.05)
        return await original(self, openid)

    monkeypatch.setattr(WeChatAdapter, "lang_of", loop_pass_meanwhile)
    before = len(wechat.api.messages(phone.openid))
    # The time answer, then at once (its new question not yet seen) a word that is no option.
    first = await phone.text("2026-11-20 14:30")
    second = await phone.text("hello?")
    second_at = time.monotonic()
    await wechat.api.wait_for(phone.openid, "多久一次", after=before + 1)
    await asyncio.sleep(0.3)  # anything doubled would come now
    customs = wechat.api.messages(phone.openid)[before:]

    assert [first.passive, second.passive] == ["记下了：2026年11月20日（周五）14:30", "请点选下面的一个选项（或输入编号）。"]
    assert [s.text.split("？")[0] for s in customs] == ["多久一次", "多久一次"]
    assert customs[0].at < second_at, "the first push's new question came before the second push's answer"
    assert await asyncio.gather(*passes) == [0] * len(passes), "the loop left the chat to the push in hand"
    assert wechat.rows("select count(*) from outbox") == [(0,)]
