"""PostgreSQL going away under load: the bot processes reconnect, and no update is lost or applied twice.

Twenty people complain through nginx to two `bot.py telegram --webhook-url` processes while the
test stops the PostgreSQL server under them (`pg_ctl stop -m fast`: every connection is cut), keeps
it down until updates typed meanwhile have been refused and events in flight have been deferred,
then starts it again. An update that arrives while the server is down cannot be journaled, so its
webhook POST fails and Telegram sends it again; an update being handled when the connection went
is kept (its journal row stays) and tried again every couple of seconds until the server answers.
"""
from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import time
from pathlib import Path

import asyncpg
import pytest

from bench.telegram_people import Mailboxes, script_for
from tests.deploy.cluster import WebhookPusher, assert_every_complaint_completed, bot_env, deployment, nginx_binary, read_outcome
from tests.deploy.test_webhook_deployment import PatientPerson, doubled_questions
from tests.fakebotapi import FakeBotApi
from tests.storage.postgres_server import admin_url

PEOPLE = 20
PROCESSES = 2
CHAT_BASE = 8_000_000
REFUSED_WHILE_DOWN = 5  # webhook POSTs refused during the outage before the server comes back
DOWN_AT_LEAST = 3.0  # seconds: longer than the 2 s between tries of a deferred update

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (./test.sh installs it)")


async def pg_ctl() -> list[str]:
    """`pg_ctl -D DATA` for the test server, run as the owner of its data folder; skips where it cannot be had."""
    url = admin_url()
    assert url is not None
    conn = await asyncpg.connect(url)
    try:
        data = await conn.fetchval("SHOW data_directory")
        bindir = await conn.fetchval("SELECT setting FROM pg_config WHERE name = 'BINDIR'")
    finally:
        await conn.close()
    binary = Path(bindir) / "pg_ctl"
    if not binary.exists() or not os.access(data, os.R_OK):
        pytest.skip("the test server's pg_ctl or data folder is not reachable from here")
    command = [str(binary), "-D", data]
    owner = os.stat(data).st_uid
    if owner != os.geteuid():
        if os.geteuid() != 0 or shutil.which("runuser") is None:
            pytest.skip("the test server belongs to another user")
        command = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--", *command]
    return command


async def run(*command: str, check: bool = True) -> None:
    proc = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
    _, err = await proc.communicate()
    assert proc.returncode == 0 or not check, err.decode()


async def test_postgres_going_away_under_load_loses_and_doubles_nothing(tmp_path: Path, postgres_url: str) -> None:
    ctl = await pg_ctl()
    server_log = Path(ctl[ctl.index("-D") + 1]).parent / "server.log"
    async with FakeBotApi() as server:
        async with deployment(bot_env(server, postgres_url, tmp_path / "data"), tmp_path, PROCESSES) as running:
            mail = Mailboxes(server)
            people = [PatientPerson(server, mail, CHAT_BASE + n, *script_for(n)) for n in range(PEOPLE)]
            for person in people:
                person.silence = 90.0  # a reply held up by the outage comes late, never twice or out of order
            total = sum(len(p.script) for p in people)
            refused, down = [0], asyncio.Event()
            async with WebhookPusher(server, running.nginx.url, redeliver=lambda u: u["update_id"] % 5 == 0) as pusher:

                async def outage() -> None:
                    while len(pusher.delivered) < total * 0.3:
                        await asyncio.sleep(0.02)
                    down.set()
                    await run(*ctl, "-m", "fast", "-w", "-t", "60", "stop")
                    before, since = pusher.failures, time.monotonic()
                    while pusher.failures < before + REFUSED_WHILE_DOWN or time.monotonic() - since < DOWN_AT_LEAST:
                        await asyncio.sleep(0.05)
                    refused[0] = pusher.failures - before
                    await run(*ctl, "-l", str(server_log), "-w", "-t", "60", "start")
                    down.clear()

                try:
                    await asyncio.gather(outage(), *(p.run() for p in people))
                finally:
                    if down.is_set():  # a person failed during the outage: the server comes back for the next tests
                        await run(*ctl, "-l", str(server_log), "-w", "-t", "60", "start", check=False)
                delivered = set(pusher.delivered)
            await asyncio.sleep(1.0)  # the journal forgets handled updates in batches
            outcome = await read_outcome(postgres_url)
    logs = "".join(bot.log_path.read_text() for bot in running.bots)
    # Not vacuous: updates were typed while the server was down, and events in flight lost their connection.
    assert refused[0] >= REFUSED_WHILE_DOWN, "webhook POSTs were refused during the outage"
    assert "database is unavailable" in logs, "the outage did hit events in flight"
    assert running.codes == [0] * PROCESSES
    assert_every_complaint_completed(server, outcome, people)
    assert delivered <= outcome.processed and outcome.journaled == 0, "every update was applied and none is left over"
    assert sum(p.nudges for p in people) == 0, "nobody had to ask again"
    # A reply sent just before the outage cut its "sent" mark off goes out once more (the outbox
    # delivers at least once); nothing else may send one twice.
    doubled = sum(len(doubled_questions(server, p.chat_id)) for p in people)
    assert doubled <= 3, f"{doubled} questions went out twice"
    assert "Traceback" not in logs, "the outage is logged in one line per failure, without stack traces"
