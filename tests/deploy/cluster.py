"""The deployment of deploy/ on localhost: N `bot.py telegram` webhook processes behind nginx, and a Telegram that pushes.

Used by tests/deploy and bench.scaling. nginx runs in the foreground with its own prefix, config
and pid file in a temporary folder, from deploy/nginx-site.conf with the placeholders filled in
(plain HTTP on 127.0.0.1; TLS is the production setting the file documents). The fake Bot API
(tests/fakebotapi) serves the bots' method calls; `WebhookPusher` plays Telegram's side of
webhooks: every update a test queues on the fake server is POSTed to nginx with the secret token
header, retried on any answer but 200 (as Telegram does), a method call in the answer's body is
run (as Telegram does: the bot answers a tap that way), and, where asked, an update is delivered
twice at the same moment (as a retry after a timeout does).
"""
from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fakebotapi import WEBHOOK_ANSWER, FakeBotApi
from tests.fakebotapi import WebhookPusher as FakeTelegramPusher

ROOT = Path(__file__).resolve().parents[2]
SITE_TEMPLATE = ROOT / "deploy" / "nginx-site.conf"
PUBLIC_URL = "https://bot.example.org/telegram/webhook"
WEBHOOK_PATH = "/telegram/webhook"
SECRET = "deploy-test-secret-0123456789abcdef"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)


def render_site(listen: int, upstream_ports: list[int], secret: str = SECRET) -> str:
    """deploy/nginx-site.conf with its placeholders filled in, as deploy/README.md tells an operator to."""
    servers = "\n    ".join(f"server 127.0.0.1:{port} max_fails=1 fail_timeout=2s;" for port in upstream_ports)
    text = SITE_TEMPLATE.read_text("utf-8")
    for name, value in {
        "UPSTREAM_SERVERS": servers,
        "LISTEN": f"127.0.0.1:{listen}",
        "SERVER_NAME": "bot.example.org",
        "WEBHOOK_PATH": WEBHOOK_PATH,
        "SECRET": secret,
    }.items():
        text = text.replace(f"@{name}@", value)
    assert not re.search(r"@[A-Z_]+@", text.replace("@NAME@", "")), "every placeholder is filled"
    return text


async def wait_for_port(port: int, proc: asyncio.subprocess.Process, timeout: float = 30.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if proc.returncode is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        return
    raise TimeoutError(f"nothing listens on port {port}")


async def stop_process(proc: asyncio.subprocess.Process, sig: signal.Signals, timeout: float) -> int:
    """`sig` (the process's own clean stop), then SIGKILL if it has not ended within `timeout` seconds."""
    if proc.returncode is None:
        proc.send_signal(sig)
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            proc.kill()
    return await proc.wait()


class Nginx:
    """nginx in the foreground with its own prefix folder (config, pid file, logs, temp files)."""

    def __init__(self, folder: Path, upstream_ports: list[int]) -> None:
        self.folder = folder
        self.port = free_port()
        self.upstream_ports = upstream_ports
        self.proc: asyncio.subprocess.Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{WEBHOOK_PATH}"

    async def start(self) -> None:
        binary = nginx_binary()
        assert binary is not None
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "logs").mkdir(exist_ok=True)
        (self.folder / "site.conf").write_text(render_site(self.port, self.upstream_ports), "utf-8")
        temp = {name: self.folder / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
        user = "user root;\n" if os.geteuid() == 0 else ""
        (self.folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\npid {self.folder}/nginx.pid;\nerror_log {self.folder}/logs/error.log warn;\n"
            "events { worker_connections 1024; }\nhttp {\n  access_log off;\n"
            + "".join(f"  {name}_temp_path {path};\n" for name, path in (
                ("client_body", temp["body"]), ("proxy", temp["proxy"]), ("fastcgi", temp["fastcgi"]),
                ("uwsgi", temp["uwsgi"]), ("scgi", temp["scgi"]),
            ))
            + f"  include {self.folder}/site.conf;\n}}\n",
            "utf-8",
        )
        self.proc = await asyncio.create_subprocess_exec(
            binary, "-p", str(self.folder), "-c", str(self.folder / "nginx.conf"), "-g", "daemon off;",
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )
        await wait_for_port(self.port, self.proc)

    async def stop(self) -> None:
        if self.proc is not None:
            await stop_process(self.proc, signal.SIGQUIT, 10)


@dataclass
class BotProcess:
    """One `bot.py telegram --webhook-url ...` process on its own port."""

    env: dict[str, str]
    port: int
    log_path: Path
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0
    # What the interpreter runs: bot.py, or bench.webhook_child (the same with Telegram's send limits raised).
    program: tuple[str, ...] = ("bot.py",)

    async def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        try:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, *self.program, "telegram", "--webhook-url", PUBLIC_URL,
                "--listen", "127.0.0.1", "--port", str(self.port),
                cwd=ROOT, env=self.env, stdout=asyncio.subprocess.DEVNULL, stderr=log,
            )
        finally:
            log.close()
        await wait_for_port(self.port, self.proc, timeout=60)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as an OOM kill or a power cut of one machine."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()

    async def stop(self) -> int | None:
        if self.proc is None:
            return None
        return await stop_process(self.proc, signal.SIGTERM, 30)

    def cpu_seconds(self) -> float:
        """User + system CPU time of the running process, from /proc."""
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Deployment:
    """The bot processes and the nginx in front of them; `codes` are the processes' exit codes once stopped."""

    bots: list[BotProcess]
    nginx: Nginx
    codes: list[int | None] = field(default_factory=list)


@asynccontextmanager
async def deployment(
    env: dict[str, str], folder: Path, processes: int, program: tuple[str, ...] = ("bot.py",)
) -> AsyncIterator[Deployment]:
    """`processes` bot processes (logs folder/bot<N>.log) behind one nginx, as deploy/ runs them; at the
    end of the block nginx stops first, then each bot with SIGTERM, its exit code kept in `codes`."""
    bots = [BotProcess(env, free_port(), folder / f"bot{n}.log", program=program) for n in range(processes)]
    running = Deployment(bots, Nginx(folder / "nginx", [bot.port for bot in bots]))
    try:
        await asyncio.gather(*(bot.start() for bot in bots))
        await running.nginx.start()
        yield running
    finally:
        await running.nginx.stop()
        running.codes = [await bot.stop() for bot in bots]


def bot_env(server: FakeBotApi, database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "TELEGRAM_WEBHOOK_SECRET")}
    env.update(
        DATA_DIR=str(data_dir),
        DATABASE_URL=database_url,
        TELEGRAM_BOT_TOKEN=server.token,
        TELEGRAM_API_BASE_URL=server.url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


@dataclass
class WebhookPusher(FakeTelegramPusher):
    """Telegram's side of webhooks through nginx: the fake Bot API's pusher (every queued update POSTed
    until answered 200, and a method call in the answer's body run as Telegram runs it), with the
    secret token header, and where `redeliver` says so, two copies of an update at the same moment."""

    secret: str | None = SECRET
    max_connections: int = 200
    redeliver: Callable[[dict[str, Any]], bool] = lambda update: False

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        self.server.state.pending.append(update)  # kept for transcripts; nobody polls in webhook mode
        for _ in range(2 if self.redeliver(update) else 1):
            super()._push(update)
        return update

    async def post(self, update: dict[str, Any], headers: dict[str, str]) -> int:
        """One POST as given (no retry), for tests of what nginx refuses."""
        assert self._session is not None
        async with self._session.post(self.url, json=update, headers=headers) as response:
            await response.read()
            return response.status


def taps_unanswered(server: FakeBotApi) -> list[str]:
    """The button taps whose spinner was never stopped: answerCallbackQuery made by a bot process
    or carried in the answer to the tap's webhook request, which Telegram runs (once per tap)."""
    answered = {a.callback_query_id for a in server.callback_answers}
    taps = [u["callback_query"]["id"] for u in server.state.pending if "callback_query" in u]
    return [tap for tap in taps if tap not in answered]


def taps_answered_in_webhook_answers(server: FakeBotApi) -> int:
    """How many taps were answered by the call carried in a webhook answer (the path must be taken)."""
    return len([c for c in server.calls_to("answerCallbackQuery") if c.http_method == WEBHOOK_ANSWER and c.outcome == "ok"])


@dataclass
class Outcome:
    """What the database holds after a deployment run: the checks every deployment test makes."""

    cases: list[Any]  # external_id, id, status, drafted
    created: dict[int, int]  # case id -> how many 'created' events it has
    company: dict[int, str]  # case id -> its 'company' answer as JSON text
    processed: set[int]  # update ids marked applied
    journaled: int  # rows still in the update journal


async def read_outcome(database: str) -> Outcome:
    import asyncpg  # the deployment tests run on PostgreSQL only

    conn = await asyncpg.connect(database)
    try:
        return Outcome(
            cases=await conn.fetch(
                "SELECT u.external_id, c.id, c.status, c.draft IS NOT NULL AS drafted FROM cases c "
                "JOIN users u ON u.id = c.user_id"
            ),
            created=dict(await conn.fetch("SELECT case_id, count(*) FROM case_events WHERE kind = 'created' GROUP BY 1")),
            company=dict(await conn.fetch("SELECT case_id, value::text FROM answers WHERE step_id = 'company'")),
            processed={int(r[0]) for r in await conn.fetch("SELECT update_id FROM processed_updates")},
            journaled=await conn.fetchval("SELECT count(*) FROM update_journal"),
        )
    finally:
        await conn.close()


def assert_every_complaint_completed(server: FakeBotApi, outcome: Outcome, people: Sequence[Any]) -> None:
    """The checks every deployment run ends with: each person has one case, started once, completed
    with their own answers, and every tap's spinner was stopped (some by the webhook answer)."""
    assert sorted(int(c["external_id"]) for c in outcome.cases) == [p.chat_id for p in people], "one case per person"
    assert all(c["status"] == "ready" and c["drafted"] for c in outcome.cases), "every complaint completed"
    assert set(outcome.created.values()) == {1}, "no case was started twice"
    by_chat = {int(c["external_id"]): c["id"] for c in outcome.cases}
    for person in people:
        expected = "Acme Solar" if person.language_code == "en" else "某某贷款公司"
        assert expected in outcome.company[by_chat[person.chat_id]]
    assert taps_unanswered(server) == [], "every tap's spinner was stopped"
    assert taps_answered_in_webhook_answers(server) > 0, "taps were answered in the webhook answer"
