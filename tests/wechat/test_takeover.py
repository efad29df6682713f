"""Several WeChat processes on one PostgreSQL: what a killed process left is taken over by a live one.

Pushes:
A `bot.py wechat` process accepts pushes (journaled, answered "success" to WeChat, so WeChat never
sends them again) and is killed with SIGKILL before it handled them. The other process, the real
adapter app on the same database, finds them in the update journal once they have been left
unhandled for `stale_after` (its sweep, FOR UPDATE SKIP LOCKED) and handles them: each reply once,
in the order the person wrote, without anyone restarting the killed process.

Check-ins: a process killed while sending a check-in it claimed leaves two ways for it to go out
again, its outbox rows (once their hold runs out) and the reminder's claim (once its lease runs
out). The rows' commit marks the reminder sent, so the outbox alone sends it: once.
"""
from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from pathlib import Path

import asyncpg

from handlers.kit.journal import JournalTimings
from services.followup.scheduler import SchedulerConfig
from tests.fakewechat import FakeWeChatApi, Fault
from tests.telegram.helpers import tiny_png
from tests.telegram.test_startup import free_port
from tests.wechat.helpers import CN, Endpoint, Phone
from tests.wechat.test_once import until
from tests.wechat.test_reminders import CUSTOM, ask_for_a_reminder_tomorrow

ROOT = Path(__file__).resolve().parents[2]
# Short enough for a test; the production timings are JournalTimings.for_database(True).
FAST_SWEEP = JournalTimings(lease=timedelta(seconds=5), sweep_every=0.3, stale_after=timedelta(seconds=2))

CHECK_IN = "还没有提交给"  # the check-in's words (the confirmation before it names the case too)


def real_clock() -> datetime:
    """The survivor's clock: the killed process stamps the journal with the real time, and the sweep
    compares against it."""
    return datetime.now(CN)


@asynccontextmanager
async def bot_process(endpoint: Endpoint, log: Path) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """`bot.py wechat` with the endpoint's settings (its database and DATA_DIR); yields it and its URL."""
    port = free_port()
    env = {**os.environ, **endpoint.settings_env, "PYTHONUNBUFFERED": "1"}
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "bot.py", "wechat", "--port", str(port), "--path", "/wx", cwd=ROOT, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=err,
        )
    try:
        await until(lambda: b"WeChat endpoint at" in log.read_bytes() or proc.returncode is not None, timeout=60)
        assert proc.returncode is None, log.read_text("utf-8", "replace")
        yield proc, f"http://127.0.0.1:{port}/wx"
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGKILL)
        await proc.wait()


async def journal_rows(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("SELECT count(*) FROM update_journal WHERE platform = 'wechat'"))
    finally:
        await conn.close()


async def test_pushes_a_killed_process_accepted_are_handled_by_a_live_one_once_and_in_order(
    fake_wechat: FakeWeChatApi, tmp_path: Path, postgres_url: str
) -> None:
    survivor = Endpoint(fake_wechat, tmp_path / "data", journal=FAST_SWEEP)
    survivor.env["DATABASE_URL"] = postgres_url
    survivor.clock = real_clock  # type: ignore[method-assign]
    await survivor.start()
    try:
        phone = Phone(survivor)
        async with bot_process(survivor, tmp_path / "killed.log") as (proc, url):
            await phone.post(phone.xml("text", {"Content": "/new"}), url=url)
            await phone.expect("你在哪里", timeout=20)
            # The killed process's download never ends; the answer behind it waits in its queue.
            fake_wechat.fail("/cgi-bin/media/get", Fault(delay=10))
            shot = tiny_png(11)
            image = phone.xml("image", {"MediaId": fake_wechat.add_media(shot, "image/png"), "PicUrl": "http://mmbiz.example/pic"})
            answer = phone.xml("text", {"Content": "1"})
            accepted = [await phone.post(image, url=url), await phone.post(answer, url=url)]
            assert [(a.status, a.body) for a in accepted] == [(200, "success"), (200, "success")]
            await until(lambda: fake_wechat.calls.get("/cgi-bin/media/get"), timeout=10)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()
        assert await journal_rows(postgres_url) == 2, "accepted and answered, not handled: in the journal"

        # Nobody restarts the killed process: the live one sweeps its pushes up after `stale_after`.
        await phone.expect("保存为证据", timeout=30)
        await phone.expect("发生了什么", timeout=10)
        for late in (image, answer):  # WeChat's own retries, late, to the live process
            assert (await phone.post(late)).body == "success"
        await asyncio.sleep(1.0)  # anything doubled would come now

        inbox = phone.inbox()
        saved = [i for i, text in enumerate(inbox) if "保存为证据" in text]
        asked = [i for i, text in enumerate(inbox) if "发生了什么" in text]
        assert len(saved) == 1 and len(asked) == 1 and saved[0] < asked[0], inbox
        assert sum("你在哪里" in text for text in inbox) <= 2, inbox  # asked, and at most re-asked after the file
        assert await journal_rows(postgres_url) == 0
        assert survivor.app is not None
        cases = await survivor.app.store.list_cases((await survivor.app.store.get_or_create_user("wechat", phone.openid, "zh", real_clock())).id)
        assert len(cases) == 1
        assert len(await survivor.app.store.case_evidence(cases[0].id)) == 1
    finally:
        await survivor.stop()


async def test_a_check_in_whose_process_was_killed_mid_send_goes_out_once(
    fake_wechat: FakeWeChatApi, tmp_path: Path, postgres_url: str
) -> None:
    live = Endpoint(fake_wechat, tmp_path / "data", journal=FAST_SWEEP)
    live.env["DATABASE_URL"] = postgres_url
    await live.start()
    try:
        assert live.app is not None
        phone = Phone(live)
        case_id = await ask_for_a_reminder_tomorrow(live, phone)  # due a day after the test's clock: long past
        # The killed process's reminder loop claims the check-in at once; its send never returns.
        fake_wechat.fail(CUSTOM, Fault(errcode=-1, delay=8))
        calls = fake_wechat.calls.get(CUSTOM, 0)
        async with bot_process(live, tmp_path / "killed.log") as (proc, _):
            await until(lambda: fake_wechat.calls.get(CUSTOM, 0) > calls, timeout=30)
            proc.send_signal(signal.SIGKILL)
            await proc.wait()

        # The live process sends the check-in's rows once their hold has run out ...
        await phone.expect(CHECK_IN, timeout=30)
        # ... and its reminder loop, once the killed claim's lease has run out, finds nothing to send.
        live.now = real_clock() + SchedulerConfig().lease + timedelta(minutes=1)
        await live.app.scheduler.run_once()
        await asyncio.sleep(1.0)  # anything doubled would come now
        assert sum(CHECK_IN in text for text in phone.inbox()) == 1, phone.inbox()
        assert phone.last_menu()[0]["id"] == f"-|_filed:{case_id}", "its options still answer it"
        assert await live.app.store.chat_outbox("wechat", phone.openid) == []
        assert await reminder_states(postgres_url, case_id) == [("sent",)]
    finally:
        await live.stop()


async def reminder_states(url: str, case_id: int) -> list[tuple[str]]:
    conn = await asyncpg.connect(url)
    try:
        return [tuple(r) for r in await conn.fetch("SELECT status FROM reminders WHERE case_id = $1", case_id)]
    finally:
        await conn.close()


async def test_a_slow_push_a_live_process_has_in_hand_is_not_taken_over(
    fake_wechat: FakeWeChatApi, tmp_path: Path, postgres_url: str
) -> None:
    """The live process renews its claim on what it has in hand, so the sweep takes only a dead one's."""
    timings = JournalTimings(lease=timedelta(seconds=1.5), sweep_every=0.2, stale_after=timedelta(seconds=1))
    a, b = (Endpoint(fake_wechat, tmp_path / "data", journal=timings) for _ in range(2))
    for endpoint in (a, b):
        endpoint.env["DATABASE_URL"] = postgres_url
        endpoint.clock = real_clock  # type: ignore[method-assign]
        await endpoint.start()
    try:
        phone = Phone(a)
        await phone.say("/new", "你在哪里")
        fake_wechat.fail("/cgi-bin/media/get", Fault(delay=4))  # slower than stale_after, several sweeps long
        image = phone.xml("image", {"MediaId": fake_wechat.add_media(tiny_png(12), "image/png"), "PicUrl": "http://mmbiz.example/pic"})
        assert (await phone.post(image)).body == "success"
        await phone.expect("保存为证据", timeout=20)
        await asyncio.sleep(1.0)  # a second handling would come now
        assert fake_wechat.calls.get("/cgi-bin/media/get") == 1, "downloaded by the process that had it, only"
        assert sum("保存为证据" in text for text in phone.inbox()) == 1, phone.inbox()
        assert await journal_rows(postgres_url) == 0
    finally:
        await a.stop()
        await b.stop()
