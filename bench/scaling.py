"""Benchmark: the webhook deployment (N bot processes behind nginx on one PostgreSQL) with 1, 2 and 4 processes.

Run under a PostgreSQL server: `scripts/test-postgres.sh .venv/bin/python -m bench.scaling
[--processes 1 2 4] [--users 200] [--quick] [--durable]`. For each N it creates an empty database,
starts N `bot.py telegram --webhook-url` processes (bench.webhook_child: the same, with Telegram's
send limits raised) and nginx from deploy/nginx-site.conf, as tests/deploy does. 200 people
(bench.telegram_people: three in four zh-hans on the CN path, one in four en on the US path, 21
updates each) then complete complaints at once; Telegram's side POSTs each update to nginx, and the
fake Bot API (tests/fakebotapi's methods and records) takes the replies, both in this process
("driver"), on bench.lean_telegram (raw asyncio HTTP on uvloop: the driver's CPU is the bench's own
overhead, taken from the cores the bots share; `--driver aiohttp` runs them on aiohttp, as tests/deploy
does). After each run the database is checked as tests/deploy checks it (every complaint ready, each
case started once, every update applied, the journal empty, every tap answered). Reported per N:
updates/s; CPU per update of the bot processes together (from /proc/<pid>/stat), of PostgreSQL (the
postmaster and every backend, reaped ones included), of nginx and of the driver, separately, and the
bots' share of the sum (under other load, compare shares, not rates); p50/p99 from an update's queueing to the bot's full reply; PostgreSQL writing
transactions and WAL bytes per update. `--durable` turns fsync, synchronous_commit and full_page_writes on for
the run (ALTER SYSTEM, reset afterwards): scripts/test-postgres.sh's throwaway cluster runs without
them, a production server with them.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import date
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import asyncpg  # noqa: E402
import uvloop  # noqa: E402

from bench.common import cpu_model  # noqa: E402
from bench.telegram_people import Kind, Mailboxes, Person, Record, Timing, script_for  # noqa: E402
from bench.lean_telegram import LeanBotApi, LeanPusher  # noqa: E402
from tests.deploy.cluster import (  # noqa: E402
    SECRET,
    BotProcess,
    Nginx,
    Outcome,
    WebhookPusher,
    bot_env,
    deployment,
    nginx_binary,
    read_outcome,
)
from tests.fakebotapi import FakeBotApi  # noqa: E402
from tests.fakebotapi.records import SentMessage  # noqa: E402
from tests.storage.postgres_server import admin_url, create_database, drop_database  # noqa: E402

CHAT_BASE = 10_000_000
WARM_BASE = 9_000_000
CHILD = ("-m", "bench.webhook_child")
DURABLE = {"fsync": "on", "synchronous_commit": "on", "full_page_writes": "on"}
TICK = os.sysconf("SC_CLK_TCK")
# Seconds of nothing to do, measured before the people start: what each process costs when idle (its
# outbox, journal and reminder loops, the pool), which every update then shares.
IDLE = 5.0


@dataclass
class Person2(Person):
    """A person who takes a second copy of a question already answered for what it is, and counts it.

    Under overload a send can outlast the outbox's hold on its row (5 s where processes share the
    database), and the row then goes out once more: at least once, never lost. The run reports
    how often; a plain Person would tap the copy and take a wrong turn.
    """

    copies: int = 0
    answered: set[str] = field(default_factory=set)

    def _act(self, kind: Kind, arg: str) -> Callable[[Record], bool]:
        if self.question is not None:
            self.answered.add(self.question.original_text or "")
        expect = super()._act(kind, arg)
        return lambda record: expect(record) and not self._copy(record)

    def _copy(self, record: Record) -> bool:
        return isinstance(record, SentMessage) and bool(record.buttons) and (record.original_text or "") in self.answered

    def _track(self, record: Record) -> None:
        if self._copy(record):
            self.copies += 1
            return
        super()._track(record)


def _stat(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (which may hold spaces)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def tree_cpu(root: int) -> float:
    """CPU seconds of a process and all its descendants, live ones and reaped ones (cutime, cstime)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                children.setdefault(int(_stat(int(entry.name))[1]), []).append(int(entry.name))
            except (OSError, IndexError):
                continue
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            fields = _stat(pid)
        except OSError:
            continue  # exited meanwhile: its time is in its parent's cutime once reaped
        total += sum(int(f) for f in fields[11:15])
        todo.extend(children.get(pid, []))
    return total / TICK


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass
class Sample:
    """Counters read at the start and at the end of the measured phase."""

    wall: float
    bots: float
    postgres: float
    nginx: float
    driver: float
    commits: int
    wal: int

    @property
    def total(self) -> float:
        """CPU seconds of everything the run measures: the bots, PostgreSQL, nginx and the driver."""
        return self.bots + self.postgres + self.nginx + self.driver

    def __sub__(self, other: Sample) -> Sample:
        return Sample(*(getattr(self, f) - getattr(other, f) for f in self.__dataclass_fields__))


@dataclass
class Figures:
    processes: int
    updates: int
    spent: Sample
    timings: list[Timing]
    load: tuple[float, float]
    copies: int
    idle: Sample  # the same counters over IDLE seconds with nothing to do, after the warm-up

    def per_update_ms(self, seconds: float) -> float:
        return seconds / self.updates * 1000

    def reply_ms(self, q: float) -> float:
        ordered = sorted(t.done - t.queued for t in self.timings)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


class Postgres:
    """The server's postmaster (for CPU) and its counters, through the admin URL."""

    def __init__(self, url: str, conn: asyncpg.Connection) -> None:
        self.url = url
        self.conn = conn
        self.pid = 0

    async def open(self) -> None:
        data = await self.conn.fetchval("SHOW data_directory")
        self.pid = int(Path(data, "postmaster.pid").read_text().split()[0])

    async def settings(self) -> dict[str, str]:
        rows = await self.conn.fetch(
            "SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])", [*DURABLE, "max_connections"]
        )
        return {r["name"]: r["setting"] for r in rows}

    async def set_durable(self, on: bool) -> None:
        for name, value in DURABLE.items():
            await self.conn.execute(f"ALTER SYSTEM SET {name} = '{value}'" if on else f"ALTER SYSTEM RESET {name}")
        await self.conn.execute("SELECT pg_reload_conf()")
        await asyncio.sleep(0.5)

    async def counters(self) -> tuple[int, int]:
        """The next transaction id (every writing transaction takes one: exact, unlike the lazily
        flushed pg_stat_database) and the WAL position, in bytes."""
        row = await self.conn.fetchrow(
            "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS xid, pg_current_wal_lsn() - '0/0'::pg_lsn AS wal"
        )
        return int(row["xid"]), int(row["wal"])


async def sample(pg: Postgres, bots: list[BotProcess], nginx: Nginx) -> Sample:
    commits, wal = await pg.counters()
    assert nginx.proc is not None
    return Sample(time.monotonic(), sum(b.cpu_seconds() for b in bots), tree_cpu(pg.pid), tree_cpu(nginx.proc.pid),
                  own_cpu(), commits, wal)


@asynccontextmanager
async def bot_api(lean: bool) -> AsyncIterator[FakeBotApi]:
    """The fake Bot API the bots call: on lean_http, or on the fake's own aiohttp server."""
    if lean:
        server = FakeBotApi()
        async with LeanBotApi(server):
            yield server
    else:
        async with FakeBotApi() as server:
            yield server


def pusher(server: FakeBotApi, url: str, lean: bool) -> AbstractAsyncContextManager[object]:
    """Telegram's webhook POSTs to nginx: on lean_http, or on aiohttp as tests/deploy sends them."""
    return LeanPusher(server, url, SECRET) if lean else WebhookPusher(server, url)


async def measure(processes: int, users: int, warmup: int, pg: Postgres, work: Path, lean: bool) -> Figures:
    url = await create_database()
    try:
        async with bot_api(lean) as server:
            async with deployment(bot_env(server, url, work / "data"), work, processes, program=CHILD) as running:
                bots, nginx = running.bots, running.nginx
                mail = Mailboxes(server)
                async with pusher(server, nginx.url, lean):
                    warm = [Person2(server, mail, WARM_BASE + n, *script_for(n)) for n in range(warmup)]
                    await asyncio.gather(*(p.run() for p in warm))
                    await asyncio.sleep(1.0)  # the warm-up's last journal and outbox batches
                    before = await sample(pg, bots, nginx)
                    await asyncio.sleep(IDLE)
                    idle = await sample(pg, bots, nginx) - before
                    people = [Person2(server, mail, CHAT_BASE + n, *script_for(n)) for n in range(users)]
                    start = await sample(pg, bots, nginx)
                    timings = [t for batch in await asyncio.gather(*(p.run() for p in people)) for t in batch]
                    end = await sample(pg, bots, nginx)
                load = os.getloadavg()
                await asyncio.sleep(1.0)  # the journal forgets handled updates in batches
                outcome = await read_outcome(url)
    finally:
        await drop_database(url)
    check(processes, outcome, [[t.update_id for t in p.timings] for p in warm + people], server, running.codes)
    copies = sum(p.copies for p in people)
    return Figures(processes, len(timings), end - start, timings, (load[0], load[1]), copies, idle)


def check(processes: int, outcome: Outcome, sent: list[list[int]], server: FakeBotApi, codes: list[int | None]) -> None:
    """What tests/deploy checks, on the database after the run: every complaint ready, each case started
    once, every update applied, nothing left in the journal, every tap answered; and clean exits.
    (Each person's answers in order and no question doubled are checked as they come: Person2.)"""
    problems = []
    if any(codes):
        problems.append(f"exit codes {codes}")
    ready = [c for c in outcome.cases if c["status"] == "ready" and c["drafted"]]
    if len(ready) != len(sent) or len(outcome.cases) != len(sent):
        problems.append(f"{len(ready)} of {len(sent)} complaints ready, {len(outcome.cases)} cases")
    if set(outcome.created.values()) != {1}:
        problems.append("a case was started twice")
    missing = {update for ids in sent for update in ids} - outcome.processed
    if missing:
        problems.append(f"{len(missing)} updates not applied")
    if outcome.journaled:
        problems.append(f"{outcome.journaled} updates left in the journal")
    if server.state.callback_queries:
        problems.append(f"{len(server.state.callback_queries)} taps never answered")
    if problems:
        raise SystemExit(f"{processes} processes: " + "; ".join(problems))


def report(results: list[Figures], settings: dict[str, str], users: int, driver: str) -> None:
    base = results[0]
    rate = {f.processes: f.updates / f.spent.wall for f in results}
    rows: list[tuple[str, list[str]]] = [
        ("updates", [f"{f.updates:,}" for f in results]),
        ("wall time, s", [f"{f.spent.wall:.1f}" for f in results]),
        ("updates/s", [f"{rate[f.processes]:.1f}" for f in results]),
        (f"speed-up over {base.processes}", [f"{rate[f.processes] / rate[base.processes]:.2f}x" for f in results]),
        ("reply p50, ms", [f"{f.reply_ms(0.5):,.0f}" for f in results]),
        ("reply p99, ms", [f"{f.reply_ms(0.99):,.0f}" for f in results]),
        ("reply max, ms", [f"{f.reply_ms(1.0):,.0f}" for f in results]),
        ("bot CPU per update, ms (all processes)", [f"{f.per_update_ms(f.spent.bots):.2f}" for f in results]),
        ("PostgreSQL CPU per update, ms", [f"{f.per_update_ms(f.spent.postgres):.2f}" for f in results]),
        ("nginx CPU per update, ms", [f"{f.per_update_ms(f.spent.nginx):.2f}" for f in results]),
        ("driver CPU per update, ms", [f"{f.per_update_ms(f.spent.driver):.2f}" for f in results]),
        ("all of these per update, ms", [f"{f.per_update_ms(f.spent.total):.2f}" for f in results]),
        ("bots' share of that CPU", [f"{f.spent.bots / f.spent.total:.0%}" for f in results]),
        ("idle: bot CPU per process, % of a core", [f"{f.idle.bots / f.idle.wall / f.processes:.1%}" for f in results]),
        ("idle: PostgreSQL CPU, % of a core", [f"{f.idle.postgres / f.idle.wall:.1%}" for f in results]),
        ("bots, cores busy", [f"{f.spent.bots / f.spent.wall:.2f}" for f in results]),
        ("PostgreSQL, cores busy", [f"{f.spent.postgres / f.spent.wall:.2f}" for f in results]),
        ("nginx, cores busy", [f"{f.spent.nginx / f.spent.wall:.2f}" for f in results]),
        ("driver, cores busy", [f"{f.spent.driver / f.spent.wall:.2f}" for f in results]),
        ("writing transactions per update", [f"{f.spent.commits / f.updates:.2f}" for f in results]),
        ("WAL per update, kB", [f"{f.spent.wal / f.updates / 1024:.1f}" for f in results]),
        ("questions sent a second time", [f"{f.copies}" for f in results]),
        ("load average (1, 5 min) after", [f"{f.load[0]:.1f}, {f.load[1]:.1f}" for f in results]),
    ]
    print(f"\n{date.today()}, nproc {os.cpu_count()}, {cpu_model()}, Python {sys.version.split()[0]}; "
          f"{users} people at once, no think time; PostgreSQL " + ", ".join(f"{k}={v}" for k, v in settings.items()))
    print("driver = the fake Bot API, Telegram's webhook POSTs and the people, all in this process "
          + ("(lean: bench.lean_http on uvloop)\n" if driver == "lean" else "(aiohttp, as tests/deploy)\n"))
    width = max(len(name) for name, _ in rows)
    print(" " * width + "".join(f"{f'{f.processes} process' + ('es' if f.processes > 1 else ''):>16}" for f in results))
    for name, cells in rows:
        print(f"{name:<{width}}" + "".join(f"{c:>16}" for c in cells))


async def run(args: argparse.Namespace) -> None:
    url = admin_url()
    if url is None:
        raise SystemExit("No PostgreSQL: run under scripts/test-postgres.sh (or set TEST_POSTGRES_URL)")
    if nginx_binary() is None:
        raise SystemExit("nginx is not installed (apt-get install -y nginx)")
    conn = await asyncpg.connect(url)
    pg = Postgres(url, conn)
    try:
        await pg.open()
        if args.durable:
            await pg.set_durable(True)
        settings = await pg.settings()
        results = []
        for processes in args.processes:
            with tempfile.TemporaryDirectory(prefix="bench-scaling-") as work:
                print(f"{processes} process(es): {args.users} people ...", flush=True)
                results.append(await measure(processes, args.users, args.warmup, pg, Path(work), args.driver == "lean"))
        report(results, settings, args.users, args.driver)
    finally:
        if args.durable:
            await pg.set_durable(False)
        await conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4], help="bot processes, one run each")
    parser.add_argument("--users", type=int, help="people completing complaints at once (default 200, --quick 20)")
    parser.add_argument("--warmup", type=int, help="people who complete a complaint first, not counted (default 8)")
    parser.add_argument("--quick", action="store_true", help="a short run: 20 people, 2 warm-up people")
    parser.add_argument("--driver", choices=("lean", "aiohttp"), default="lean",
                        help="the bench's own HTTP: lean (bench.lean_http on uvloop) or aiohttp as tests/deploy")
    parser.add_argument("--durable", action="store_true",
                        help="fsync, synchronous_commit and full_page_writes on for the run (ALTER SYSTEM)")
    args = parser.parse_args(argv)
    args.users = args.users or (20 if args.quick else 200)
    args.warmup = args.warmup if args.warmup is not None else (2 if args.quick else 8)
    if args.driver == "lean":
        uvloop.run(run(args))
    else:
        asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
