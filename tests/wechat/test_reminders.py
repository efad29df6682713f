"""Check-ins within WeChat's rules: a custom message inside the 48-hour window; outside it a template
notice when one is configured, and the reminder itself shown the next time the person writes."""
from __future__ import annotations

import asyncio
import json
from datetime import timedelta

from services.conversation import Who
from tests.fakewechat import Fault
from tests.followup.helpers import ready_case
from tests.wechat.helpers import Answer, Endpoint, Phone
from tests.wechat.test_once import until
from tests.wechat.test_quick_pushes import to_the_time_question

TEMPLATE = "/cgi-bin/message/template/send"


async def ask_for_a_reminder_tomorrow(endpoint: Endpoint, phone: Phone) -> int:
    """A finished case, and the person tapping "remind me tomorrow" on it."""
    assert endpoint.app is not None
    case_id = await ready_case(endpoint.app, Who("wechat", phone.openid, "zh"))
    await phone.text("明天提醒我", f"-|_filetmr:{case_id}")
    await phone.expect("提醒")
    return case_id


async def a_day_later(endpoint: Endpoint) -> None:
    assert endpoint.app is not None
    endpoint.now += timedelta(days=1, minutes=5)
    await endpoint.app.scheduler.run_once()


def ways(endpoint: Endpoint, case_id: int) -> list[str | None]:
    rows = endpoint.rows("select data from case_events where case_id = ? and kind = 'reminder_sent'", case_id)
    return [json.loads(data).get("via") for (data,) in rows]


async def test_inside_the_window_the_reminder_is_a_custom_message_with_its_options(wechat: Endpoint, phone: Phone) -> None:
    case_id = await ask_for_a_reminder_tomorrow(wechat, phone)
    await a_day_later(wechat)
    await phone.expect(f"#{case_id}")
    assert phone.last_menu()[0]["id"] == f"-|_filed:{case_id}"
    assert ways(wechat, case_id) == ["custom"]
    assert wechat.api.calls.get(TEMPLATE) is None


async def test_outside_the_window_without_a_template_it_waits_for_the_person_to_write(wechat: Endpoint, phone: Phone) -> None:
    case_id = await ask_for_a_reminder_tomorrow(wechat, phone)
    wechat.api.close_window(phone.openid)
    seen = phone.inbox()
    await a_day_later(wechat)
    assert ways(wechat, case_id) == ["held"]
    assert phone.inbox() == seen and wechat.api.calls.get(TEMPLATE) is None
    wechat.api.open_window(phone.openid)
    await phone.text("你好")
    await phone.expect("你有一条跟进提醒")
    await phone.expect(f"#{case_id}")
    await phone.expect("你好！")
    reminder = next(s.menu for s in wechat.api.messages(phone.openid) if "_filed" in json.dumps(s.body))
    await phone.text(reminder[0]["content"], reminder[0]["id"])  # its options still work
    await phone.expect("编号")
    [(filed_at,)] = wechat.rows("select filed_at from cases where id = ?", case_id)
    assert filed_at is not None


async def test_outside_the_window_a_template_notice_goes_out_when_configured(endpoint: Endpoint) -> None:
    endpoint.env["WECHAT_REMINDER_TEMPLATE_ID"] = "tmpl_followup"
    await endpoint.start()
    phone = Phone(endpoint)
    case_id = await ask_for_a_reminder_tomorrow(endpoint, phone)
    endpoint.api.close_window(phone.openid)
    await a_day_later(endpoint)
    [notice] = [s for s in endpoint.api.messages(phone.openid) if s.msgtype == "template"]
    assert notice.body["template_id"] == "tmpl_followup" and "跟进提醒" in notice.text
    assert ways(endpoint, case_id) == ["template"]
    endpoint.api.open_window(phone.openid)
    await phone.text("你好")
    await phone.expect("你有一条跟进提醒")
    await phone.expect(f"#{case_id}")


async def test_the_timeline_says_which_way_the_reminder_went(wechat: Endpoint, phone: Phone) -> None:
    case_id = await ask_for_a_reminder_tomorrow(wechat, phone)
    wechat.api.close_window(phone.openid)
    await a_day_later(wechat)
    wechat.api.open_window(phone.openid)
    await phone.text(f"case {case_id}")
    await phone.expect("待你下次发消息时显示")


CUSTOM = "/cgi-bin/message/custom/send"


async def a_day_later_at_the_time_question(endpoint: Endpoint, phone: Phone) -> int:
    """A check-in due, and the person in a new complaint whose next answer brings a passive reply
    ("记下了…") and then a question ("多久一次") as a customer-service message."""
    case_id = await ask_for_a_reminder_tomorrow(endpoint, phone)
    await to_the_time_question(phone)
    endpoint.now += timedelta(days=1, minutes=5)
    return case_id


def shown_in_order(endpoint: Endpoint, phone: Phone, answer: Answer) -> list[str]:
    """What the person saw from the time answer on, by when it reached them (the passive reply when
    its HTTP answer came back)."""
    shown = [(s.at, s.text) for s in endpoint.api.messages(phone.openid)]
    if answer.passive is not None:
        shown.append((answer.answered_at, answer.passive))
    return [text for _, text in sorted(shown)]


def is_check_in(text: str, case_id: int) -> bool:
    return text.startswith("⏰") and f"#{case_id}" in text


def order(shown: list[str], case_id: int) -> tuple[int, int, int]:
    """Where the time answer's passive reply, its next question and the check-in are in `shown`."""
    noted = next(i for i, text in enumerate(shown) if text.startswith("记下了"))
    asked = next(i for i, text in enumerate(shown) if text.startswith("多久一次") and i > noted)
    [checkin] = [i for i, text in enumerate(shown) if is_check_in(text, case_id)]
    return noted, asked, checkin


def between(shown: list[str], case_id: int) -> bool:
    """The check-in landed between the time answer's passive reply and its next question."""
    noted, asked, checkin = order(shown, case_id)
    return noted < checkin < asked


async def test_a_check_in_due_while_a_reply_is_being_sent_comes_after_it(wechat: Endpoint, phone: Phone) -> None:
    assert wechat.app is not None
    case_id = await a_day_later_at_the_time_question(wechat, phone)
    wechat.api.fail(CUSTOM, Fault(delay=0.6))  # the new question is slow to send
    calls = wechat.api.calls.get(CUSTOM, 0)
    answer = await phone.text("2026-11-20 14:30")
    await until(lambda: wechat.api.calls.get(CUSTOM, 0) > calls)
    await wechat.app.scheduler.run_once()  # the check-in falls due while the question is on its way
    await phone.expect(f"#{case_id}")
    shown = shown_in_order(wechat, phone, answer)
    noted, asked, checkin = order(shown, case_id)
    assert noted < asked < checkin, shown
    assert ways(wechat, case_id) == ["custom"]


async def test_a_push_during_a_check_in_is_not_split_by_it(wechat: Endpoint, phone: Phone) -> None:
    assert wechat.app is not None
    case_id = await a_day_later_at_the_time_question(wechat, phone)
    # The check-in is slow to send, and the new question after the push's passive reply slower still.
    wechat.api.fail(CUSTOM, Fault(delay=0.5))
    wechat.api.fail(CUSTOM, Fault(delay=1.0))
    calls = wechat.api.calls.get(CUSTOM, 0)
    checking_in = asyncio.create_task(wechat.app.scheduler.run_once())
    await until(lambda: wechat.api.calls.get(CUSTOM, 0) > calls)  # the check-in is on its way
    answer = await phone.text("2026-11-20 14:30")
    await checking_in
    await phone.expect(f"#{case_id}")
    await phone.expect("多久一次")
    shown = shown_in_order(wechat, phone, answer)
    assert not between(shown, case_id), shown  # order() also finds the check-in exactly once
    assert ways(wechat, case_id) == ["custom"]
