"""Exactly once: WeChat's retries of a push, and a push accepted by a process that then died."""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import signal
import sqlite3
import sys
from pathlib import Path

from handlers.wechat.push import Push
from tests.fakewechat import Fault
from tests.telegram.helpers import tiny_png
from tests.telegram.test_startup import free_port
from tests.wechat.helpers import Endpoint, Phone

ROOT = Path(__file__).resolve().parents[2]


def journaled(endpoint: Endpoint) -> list[tuple[str]]:
    return endpoint.rows("select chat_id from update_journal where platform = 'wechat'")


async def until(check: object, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not check():  # type: ignore[operator]
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def test_wechats_retries_of_a_push_change_nothing(wechat: Endpoint, phone: Phone) -> None:
    await phone.text("/new")
    await phone.expect("你在哪里")
    xml = phone.xml("text", {"Content": "1"})
    # The customer-service API is slow, so WeChat's retries come while the push is in hand.
    wechat.api.fail("/cgi-bin/message/custom/send", Fault(delay=0.6))
    answers = await asyncio.gather(phone.post(xml), phone.post(xml))
    await phone.expect("发生了什么")
    answers.append(await phone.post(xml))  # and once it was handled
    assert all(a.status == 200 for a in answers)
    await asyncio.sleep(0.3)
    assert sum("发生了什么" in t for t in phone.inbox()) == 1
    assert wechat.rows("select count(*) from answers") == [(1,)]
    assert wechat.rows("select count(*) from processed_updates where platform = 'wechat'") == [(2,)]


async def test_a_retried_event_is_known_by_its_sender_and_time(wechat: Endpoint, phone: Phone) -> None:
    xml = phone.xml("event", {"Event": "CLICK", "EventKey": "NEW"}, event=True)
    await phone.post(xml)
    await phone.expect("你在哪里")
    await phone.post(xml)
    await asyncio.sleep(0.3)
    assert sum("你在哪里" in t for t in phone.inbox()) == 1
    assert wechat.rows("select count(*) from cases") == [(1,)]


async def test_a_push_accepted_by_a_process_that_was_killed_is_handled_after_the_restart(endpoint: Endpoint) -> None:
    await endpoint.start()
    phone = Phone(endpoint)
    await phone.text("/new")
    await phone.expect("你在哪里")
    await endpoint.stop()

    port = free_port()
    env = {**os.environ, **endpoint.settings_env, "PYTHONUNBUFFERED": "1"}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "wechat", "--port", str(port), "--path", "/wx", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    shot = tiny_png(7)
    try:
        assert proc.stderr is not None
        ready = await asyncio.wait_for(proc.stderr.readline(), 30)
        assert b"WeChat endpoint at" in ready, ready
        endpoint.url = f"http://127.0.0.1:{port}/wx"
        endpoint.api.fail("/cgi-bin/media/get", Fault(delay=30))  # the download never ends in this process
        media_id = endpoint.api.add_media(shot, "image/png")
        xml = phone.xml("image", {"MediaId": media_id, "PicUrl": "http://mmbiz.example/pic"})
        answer = await phone.post(xml)
        assert (answer.status, answer.body) == (200, "success")
        await until(lambda: endpoint.api.calls.get("/cgi-bin/media/get"))
    finally:
        proc.send_signal(signal.SIGKILL)
        await proc.communicate()

    assert journaled(endpoint) == [(phone.openid,)], "accepted, not handled: still in the journal"
    assert endpoint.rows("select count(*) from evidence") == [(0,)]
    await endpoint.start()
    await phone.expect("保存为证据")
    assert endpoint.rows("select sha256 from evidence") == [(hashlib.sha256(shot).hexdigest(),)]
    await until(lambda: not journaled(endpoint))
    again = await phone.post(xml)  # WeChat's own retry, late
    assert again.body == "success"
    await asyncio.sleep(0.3)
    assert endpoint.rows("select count(*) from evidence") == [(1,)]
    assert sum("保存为证据" in t for t in phone.inbox()) == 1


async def test_a_journal_row_left_by_a_handled_push_changes_nothing_at_the_restart(endpoint: Endpoint) -> None:
    await endpoint.start()
    phone = Phone(endpoint)
    xml = phone.xml("location", {"Location_X": "23.1", "Location_Y": "113.3", "Scale": "20", "Label": "某地"})
    refused = await phone.post(xml)
    assert refused.passive is not None and "位置" in refused.passive
    await until(lambda: not journaled(endpoint))
    await endpoint.stop()
    # As if the process died after handling it but before the journal forgot it.
    push = Push.from_xml(xml)
    assert endpoint.app is None
    app_row = (push.journal_id, phone.openid, json.dumps(push.to_payload()), "2026-11-26T04:00:00.000000+00:00")
    with sqlite3.connect(endpoint.data_dir / "bot.sqlite3") as conn:
        conn.execute("insert into update_journal (platform, update_id, chat_id, payload, received_at) values ('wechat', ?, ?, ?, ?)", app_row)
    await endpoint.start()
    await until(lambda: not journaled(endpoint))
    await asyncio.sleep(0.2)
    assert endpoint.api.sent == [], "the refusal is not sent again"


async def test_a_push_replayed_to_no_end_is_given_up_and_its_person_asked_to_send_it_again(endpoint: Endpoint) -> None:
    await endpoint.start()
    phone = Phone(endpoint)
    await phone.say("/new", "你在哪里")
    await endpoint.stop()
    # A photo whose handling killed the process at each of its three replays (the journal's cap).
    xml = phone.xml("image", {"MediaId": endpoint.api.add_media(tiny_png(5), "image/png"), "PicUrl": "http://mmbiz.example/pic"})
    push = Push.from_xml(xml)
    row = (push.journal_id, phone.openid, json.dumps(push.to_payload()), "2026-11-26T04:00:00.000000+00:00")
    with sqlite3.connect(endpoint.data_dir / "bot.sqlite3") as conn:
        conn.execute(
            "insert into update_journal (platform, update_id, chat_id, payload, received_at, attempts) values ('wechat', ?, ?, ?, ?, 3)", row
        )
    await endpoint.start()
    await phone.expect("你发来的文件我没能保存", timeout=10)
    await until(lambda: not journaled(endpoint))
    assert endpoint.api.calls.get("/cgi-bin/media/get") is None, "given up, not handled a fourth time"
    assert (await phone.post(xml)).body == "success"  # WeChat's late retry of it changes nothing
    await asyncio.sleep(0.3)
    assert sum("没能保存" in text for text in phone.inbox()) == 1
    assert endpoint.rows("select count(*) from evidence") == [(0,)]
