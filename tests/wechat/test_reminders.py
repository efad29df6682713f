"""Check-ins within WeChat's rules: a custom message inside the 48-hour window; outside it a template
notice when one is configured, and the reminder itself shown the next time the person writes."""
from __future__ import annotations

import json
from datetime import timedelta

from services.conversation import Who
from tests.followup.helpers import ready_case
from tests.wechat.helpers import Endpoint, Phone

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
