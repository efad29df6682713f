"""Simulated people for bench.telegram_e2e: scripted complaints typed and tapped into the fake Bot API.

Each person is one private chat with a language_code, and answers the shipped flows.yaml the way
tests/telegram/test_complaint.py does: taps on the inline buttons of the question on screen and
typed answers. After every update they wait for the bot's reply as the fake server records it,
then act again. Waiting is per chat (hooks on the server's records), not a scan of every message,
so the driver stays cheap next to the bot it measures.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.records import CallbackAnswer, Edit, SentMessage

Kind = Literal["command", "text", "forward", "press", "toggle"]
Action = tuple[Kind, str]
FIRST_CHANNEL = "*"  # press the first channel the bot recommends
NAV = "_"
SMS = "【某某贷款】尊敬的客户，您有一笔 50000 元额度待领取，点击 t.cn/xxxx 领取，回复TD退订"

# A mainland-China robocall complaint in Chinese, with a forwarded spam SMS as evidence (21 updates); the first
# channel (12321) then asks for the call length and the contact line, both skipped.
ZH_CN: tuple[Action, ...] = (
    ("command", "start"), ("press", "_new"), ("press", "CN"), ("press", "robocall"),
    ("text", "138 0013 8000, 95555"), ("text", "2026-11-20 14:30"), ("press", "several_per_day"), ("press", "never"),
    ("press", "no"), ("press", "robot"), ("text", "某某贷款公司：您好，这里是XX贷款，您有一笔额度待领取"),
    ("toggle", "_multi"), ("toggle", "time"), ("toggle", "sleep"), ("press", "_done"), ("forward", SMS),
    ("press", "_done"), ("press", FIRST_CHANNEL), ("press", "_skip"), ("press", "_skip"), ("press", "_ok"),
)
# A US robocall complaint in English, typing most optional answers with the question they follow (22 updates).
EN_US: tuple[Action, ...] = (
    ("command", "start"), ("press", "_new"), ("press", "US"), ("press", "robocall"), ("text", "(415) 555-0199"),
    ("text", "(202) 555-0143"), ("text", "2026-11-20 14:30"), ("text", "several times a day, since 2026-09-01"),
    ("press", "never"), ("press", "yes"), ("press", "yes"), ("press", "robot"),
    ("text", "yes, 2025-01-10"), ("text", "Acme Solar Inc: Press 1 to lower your rate"), ("toggle", "_multi"),
    ("toggle", "time"), ("toggle", "stress"), ("text", "Calls during work meetings"), ("press", "_done"),
    ("press", FIRST_CHANNEL), ("press", "_ok"),
)


def script_for(index: int) -> tuple[str, tuple[Action, ...]]:
    """Three in four people write in Chinese about China, one in English about the US."""
    return ("en", EN_US) if index % 4 == 3 else ("zh-hans", ZH_CN)


@dataclass
class Timing:
    """One update: when it was queued, the bot's first visible reaction, and its full reply."""

    kind: Kind
    queued: float
    first: float
    done: float
    update_id: int = 0


Record = SentMessage | Edit | CallbackAnswer


class _Hooked(list):  # type: ignore[type-arg]
    """A list of server records that also hands each new one to a callback."""

    def __init__(self, items: list[Any], on_append: Callable[[Any], None]) -> None:
        super().__init__(items)
        self.on_append = on_append

    def append(self, item: Any) -> None:
        super().append(item)
        self.on_append(item)


class Mailboxes:
    """What the bot did, per chat, as it happens: the server's records, queued for the chat's person."""

    def __init__(self, server: FakeBotApi) -> None:
        self.boxes: dict[int, asyncio.Queue[Record]] = {}
        state = server.state
        state.messages = _Hooked(state.messages, self._deliver)
        state.edits = _Hooked(state.edits, self._deliver)
        state.callback_answers = _Hooked(state.callback_answers, self._deliver)

    def box(self, chat_id: int) -> asyncio.Queue[Record]:
        return self.boxes.setdefault(chat_id, asyncio.Queue())

    def _deliver(self, record: Record) -> None:
        if record.chat_id is not None and record.chat_id in self.boxes:
            self.boxes[record.chat_id].put_nowait(record)


class WrongTurn(AssertionError):
    """The bot did not answer the way the scripted complaint expects."""


@dataclass
class Person:
    """One person in one private chat, working through `script` against the complaint bot or the echo bot."""

    server: FakeBotApi
    mail: Mailboxes
    chat_id: int
    language_code: str
    script: tuple[Action, ...]
    echo: bool = False
    timeout: float = 120.0
    timings: list[Timing] = field(default_factory=list)
    question: SentMessage | None = None
    last_message: SentMessage | None = None
    sent_id: int = 0  # the update_id of the last update queued

    async def run(self, think: Callable[[], float] | None = None) -> list[Timing]:
        box = self.mail.box(self.chat_id)
        for kind, arg in self.script:
            while not box.empty():
                self._track(box.get_nowait())
            if think is not None:
                await asyncio.sleep(think())
            queued = time.monotonic()
            expect = self._act(kind, arg)
            first, done = await asyncio.wait_for(self._reply(box, expect), self.timeout)
            self.timings.append(Timing(kind, queued, first, done, self.sent_id))
        return self.timings

    def _act(self, kind: Kind, arg: str) -> Callable[[Record], bool]:
        """Queue the update; returns the test for the record that completes the bot's reply."""
        server, chat, lc = self.server, self.chat_id, self.language_code
        if kind == "command":
            self.sent_id = server.command(chat, arg, language_code=lc)["update_id"]
        elif kind == "text":
            self.sent_id = server.text(chat, arg, language_code=lc)["update_id"]
        elif kind == "forward":
            self.sent_id = server.forwarded_text(chat, arg, origin_name="1069 0000 1234", language_code=lc)["update_id"]
        elif self.echo:
            assert self.last_message is not None, "the echo bot has not said anything to tap on"
            update = server.callback(chat, self.last_message.message_id, f"0|{arg}", language_code=lc, force=True)
            self.sent_id = update["update_id"]
            query_id = update["callback_query"]["id"]
            return lambda r: isinstance(r, CallbackAnswer) and r.callback_query_id == query_id
        else:
            question = self._press(arg)
            if kind == "toggle":
                return lambda r: isinstance(r, Edit) and r.message_id == question.message_id
        if self.echo:
            return lambda r: isinstance(r, SentMessage)
        return lambda r: isinstance(r, SentMessage) and bool(r.buttons)

    def _press(self, value: str) -> SentMessage:
        question = self.question
        if question is None:
            raise WrongTurn(f"chat {self.chat_id}: no question on screen to tap {value!r}")
        offered = {d.partition("|")[2]: d for d in question.callback_data}
        if value == FIRST_CHANNEL:
            value = next((v for v in offered if not v.startswith(NAV)), "")
        if value not in offered:
            raise WrongTurn(f"chat {self.chat_id}: {value!r} is not among {sorted(offered)} on "
                            f"{(question.text or '')[:60]!r}")
        update = self.server.callback(self.chat_id, question.message_id, offered[value], language_code=self.language_code)
        self.sent_id = update["update_id"]
        return question

    def _track(self, record: Record) -> None:
        if isinstance(record, SentMessage):
            self.last_message = record
            if record.buttons:
                self.question = record

    async def _reply(self, box: asyncio.Queue[Record], expect: Callable[[Record], bool]) -> tuple[float, float]:
        first: float | None = None
        while True:
            record = await box.get()
            first = record.time if first is None else first
            self._track(record)
            if expect(record):
                return first, record.time
