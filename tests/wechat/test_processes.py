"""Two WeChat processes on one PostgreSQL: every push reaches both at the same moment (as a retry of
WeChat's does when the first answer is slow), some come again later, and each person still gets each
question once, in order.

A push's replies are claimed for the process that applied it in the event's own transaction and sent
from there (handlers/kit/outbox.py); the copy in the other process is a duplicate and sends nothing.
Before, the other process took the applied push's fresh rows for replies kept for the person, made
them due and sent them itself: the passive reply came again as a message, questions twice. And a
typed option ("1") was read against the question this process last showed, which the other process
may have moved on from, so the answer was refused as stale.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest_asyncio

from app.bootstrap import App
from services.outbox import OutboxPolicy, reply_from_row, wall_clock
from tests.fakewechat import FakeWeChatApi, Fault
from tests.wechat.helpers import FAST_SEND, Endpoint, Phone
from tests.wechat.test_once import until
from tests.wechat.test_quick_pushes import to_the_time_question
from tests.wechat.test_reminders import CUSTOM, ask_for_a_reminder_tomorrow, order, shown_in_order

PEOPLE = 6
# What each person sends, and a word of the question it brings (None: tap this option of the menu).
SCRIPT: list[tuple[str | None, str, str]] = [
    ("/new", "", "你在哪里"),
    (None, "中国大陆", "发生了什么"),
    ("1", "", "对方用的是哪个号码"),
    ("138 0013 8000, 95555", "", "最近一次是什么时候"),
    ("2026-11-20 14:30", "", "多久一次"),
]
QUESTIONS = [question for _, _, question in SCRIPT]


@pytest_asyncio.fixture
async def two(fake_wechat: FakeWeChatApi, tmp_path: Path, postgres_url: str) -> AsyncIterator[tuple[Endpoint, Endpoint]]:
    """Two processes of the bot (each its own app, store pool and outbox) on one database and DATA_DIR."""
    a, b = Endpoint(fake_wechat, tmp_path / "data"), Endpoint(fake_wechat, tmp_path / "data")
    for endpoint in (a, b):
        endpoint.env["DATABASE_URL"] = postgres_url
    try:
        await a.start()
        await b.start()
        yield a, b
    finally:
        await a.stop()
        await b.stop()


async def complain(phone: Phone, a: Endpoint, b: Endpoint, number: int) -> None:
    """The script, every push posted to both processes at once; some a third time while in hand, some later."""
    for step, (text, option, question) in enumerate(SCRIPT):
        if text is None:
            item = next(i for i in phone.last_menu() if i["content"] == option)
            xml = phone.xml("text", {"Content": item["content"], "bizmsgmenuid": item["id"]})
        else:
            xml = phone.xml("text", {"Content": text})
        query, body = phone.signed_query(xml)
        seen = len(phone.seen)
        copies = [a.url, b.url] + ([(a, b)[number % 2].url] if step % 2 else [])
        answers = await asyncio.gather(*(phone.post(xml, query, body, url) for url in copies))
        assert all(answer.status == 200 for answer in answers)
        await phone.expect(question, timeout=20)
        if (step + number) % 3 == 0:
            answers.append(await phone.post(xml, query, body, (b, a)[number % 2].url))
        # WeChat shows one answer per push: a copy joined in the process that has it in hand gets
        # the same passive reply; a copy the other process found applied gets "success".
        passives = {answer.passive for answer in answers} - {None}
        assert len(passives) <= 1, passives
        del phone.seen[seen + 1:]


def asked(inbox: list[str]) -> list[str]:
    """The questions in what the person saw, in order, each time it was shown."""
    return [question for text in inbox for question in QUESTIONS if question in text]


async def test_pushes_delivered_to_two_processes_at_once_ask_each_question_once_and_in_order(
    two: tuple[Endpoint, Endpoint], fake_wechat: FakeWeChatApi
) -> None:
    a, b = two
    # A slow customer-service API keeps each push's replies queued for a while, as under load.
    fake_wechat.fail("/cgi-bin/message/custom/send", Fault(delay=0.15, times=10_000))
    phones = [Phone(a, f"o_person_{n}") for n in range(PEOPLE)]
    await asyncio.gather(*(complain(phone, a, b, n) for n, phone in enumerate(phones)))
    await asyncio.sleep(1.0)  # anything doubled would come now
    for phone in phones:
        assert asked(phone.inbox()) == QUESTIONS, phone.inbox()
        passives = [text for _, text in phone.seen]
        assert all(sum(text in shown for shown in phone.inbox()) == 1 for text in passives), phone.inbox()
    assert a.app is not None
    for phone in phones:
        assert await a.app.store.chat_outbox("wechat", phone.openid) == []


async def test_a_check_in_from_one_process_waits_behind_a_reply_the_other_is_sending(
    two: tuple[Endpoint, Endpoint], fake_wechat: FakeWeChatApi
) -> None:
    a, b = two
    phone = Phone(a)
    case_id = await ask_for_a_reminder_tomorrow(a, phone)
    await to_the_time_question(phone)
    for endpoint in (a, b):
        endpoint.now += timedelta(days=1, minutes=5)
    fake_wechat.fail(CUSTOM, Fault(delay=0.6))  # process a's next question is slow to send
    calls = fake_wechat.calls.get(CUSTOM, 0)
    answer = await phone.text("2026-11-20 14:30")
    await until(lambda: fake_wechat.calls.get(CUSTOM, 0) > calls)
    assert b.app is not None
    await b.app.scheduler.run_once()  # process b's reminder loop finds the check-in due meanwhile
    await phone.expect(f"#{case_id}", timeout=10)
    shown = shown_in_order(a, phone, answer)
    noted, asked, checkin = order(shown, case_id)
    assert noted < asked < checkin, shown
    events = await b.app.store.case_events(case_id)
    assert [e.data.get("via") for e in events if e.kind == "reminder_sent"] == ["custom"]


async def test_a_reply_waiting_for_its_retry_goes_first_when_the_person_writes_to_the_other_process(
    fake_wechat: FakeWeChatApi, tmp_path: Path, postgres_url: str
) -> None:
    # A failed send waits a minute for its retry: only the person's next message can bring it on.
    slow_retry = OutboxPolicy(first_retry=60.0, max_retry=60.0, hold=5.0)
    a, b = (Endpoint(fake_wechat, tmp_path / "data", outbox=slow_retry) for _ in range(2))
    for endpoint in (a, b):
        endpoint.env["DATABASE_URL"] = postgres_url
    try:
        await a.start()
        await b.start()
        phone = Phone(a)
        calls = fake_wechat.calls.get(CUSTOM, 0)
        fake_wechat.fail(CUSTOM, Fault(errcode=45009, times=FAST_SEND.busy_attempts))  # WeChat busy
        await phone.text("/new")
        await until(lambda: fake_wechat.calls.get(CUSTOM, 0) >= calls + FAST_SEND.busy_attempts)
        assert a.app is not None
        await until_deferred(a.app, phone.openid)
        waiting = [reply_from_row(row.reply) for row in await a.app.store.chat_outbox("wechat", phone.openid)]
        assert waiting, "the failed reply waits for its retry"

        phone.endpoint = b
        answer = await phone.text("1")  # the person writes again, and it reaches the other process
        assert answer.passive is None, "the waiting reply goes first, so no passive reply"
        await phone.expect("发生了什么", timeout=10)
        await asyncio.sleep(0.5)  # anything doubled would come now
        inbox = phone.inbox()
        first_waiting = waiting[0].text.strip().splitlines()[0]
        shown = [i for i, text in enumerate(inbox) if first_waiting in text]
        asked = [i for i, text in enumerate(inbox) if "发生了什么" in text]
        assert len(shown) == 1 and len(asked) == 1 and shown[0] < asked[0], inbox
        assert await a.app.store.chat_outbox("wechat", phone.openid) == []
    finally:
        await a.stop()
        await b.stop()


async def until_deferred(app: App, openid: str) -> None:
    """Until the person's failed reply is back in the outbox, waiting for its retry."""
    deadline = asyncio.get_running_loop().time() + 5
    while not any(row.due_at > wall_clock() + timedelta(seconds=30) for row in await app.store.chat_outbox("wechat", openid)):
        assert asyncio.get_running_loop().time() < deadline, "the failed reply was not deferred"
        await asyncio.sleep(0.05)
