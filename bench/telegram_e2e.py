"""Benchmark: whole complaints through the real Telegram adapter and the fake Bot API, next to bare PTB echo bots.

Run: `.venv/bin/python -m bench.telegram_e2e [--users 200] [--quick] [--think S] [--poll-interval S]
[--webhook] [--rounds N] [--only echo echo-concurrent bot] [--profile FILE]`.
N people (distinct private chats, three in four zh-hans, one in four en) complete complaints at the
same time, by buttons and typed answers, against tests/fakebotapi on 127.0.0.1. The server and the
people run in this process; each bot runs in a child process (bench.telegram_child) whose CPU time is
read from /proc, so it is the bot's alone. The same people, sending the same updates, also talk to an
echo bot (one MessageHandler that echoes text, one CallbackQueryHandler that answers) — the floor —
once with PTB's defaults (one update at a time) and once handling 64 updates at once like the
complaint bot. The complaint bot's send limits (Telegram's 30/s overall, 1/s per chat) are raised
out of the way; the echo bots have no limiter (PTB's default). Every bot long polls, or with
--webhook every bot serves a webhook that the fake server POSTs each update to (running a method
call answered in the body, as Telegram does). Everything stops by itself.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import pstats
import random
import secrets
import signal
import socket
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AsyncExitStack, closing
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import cpu_model  # noqa: E402
from bench.telegram_people import Mailboxes, Person, Timing, script_for  # noqa: E402
from handlers.telegram.app import POLL_INTERVAL, TelegramOptions  # noqa: E402
from handlers.telegram.inbox import BUSY_BATCH  # noqa: E402
from bench.telegram_child import WEBHOOK_PATH  # noqa: E402
from bench import telegram_trace as timeline  # noqa: E402
from tests.fakebotapi import WEBHOOK_ANSWER, FakeBotApi  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHAT_BASE = 10_000_000
WARM_BASE = 9_000_000
TARGET_RATIO = 1.3
PROJECT_DIRS = ("app", "engine", "handlers", "knowledge", "services", "storage")
BOT_CONCURRENCY = TelegramOptions.concurrent_updates


@dataclass(frozen=True)
class Contender:
    """A bot to measure: its name on the command line, its column title, how bench.telegram_child starts it."""

    name: str
    title: str
    child_args: tuple[str, ...]

    @property
    def echo(self) -> bool:
        return self.child_args[0] == "echo"


ECHO = Contender("echo", "echo (PTB defaults)", ("echo",))
ECHO_CONCURRENT = Contender(
    "echo-concurrent", f"echo, {BOT_CONCURRENCY} at once", ("echo", "--concurrent", str(BOT_CONCURRENCY))
)
BOT = Contender("bot", "complaint bot", ("bot",))
CONTENDERS = (ECHO, ECHO_CONCURRENT, BOT)


@dataclass
class Side:
    """The figures of one bot under the same crowd."""

    contender: Contender
    timings: list[Timing]
    wall: float
    bot_cpu: float
    driver_cpu: float
    calls: Counter[str]

    @property
    def updates(self) -> int:
        return len(self.timings)

    @property
    def cpu_per_update(self) -> float:
        return self.bot_cpu / self.updates

    @property
    def api_calls(self) -> int:
        """HTTP calls the bot made for the updates (the long polls that fetched them, and the calls
        it answered webhook requests with, not counted)."""
        return sum(n for method, n in self.calls.items() if method != "getUpdates" and not answered(method))


def answered(method: str) -> bool:
    """A call the bot made as the answer to a webhook request (counted under its own name)."""
    return method.endswith(ANSWERED)


ANSWERED = " (in a webhook answer)"


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def crowd(
    server: FakeBotApi, mail: Mailboxes, chats: range, echo: bool, think: float, seed: int = 7
) -> list[Timing]:
    """Everyone in `chats` completes a complaint at once; the timings of every update."""
    people = []
    for chat_id in chats:
        language_code, script = script_for(chat_id)
        people.append(Person(server, mail, chat_id, language_code, script, echo=echo))
    rng = random.Random(seed)
    pause = (lambda: rng.expovariate(1 / think)) if think > 0 else None
    done = await asyncio.gather(*(p.run(pause) for p in people))
    return [t for timings in done for t in timings]


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def start_child(
    contender: Contender, server: FakeBotApi, data_dir: Path, log: Path, poll_interval: float | None,
    profile: Path | None, webhook: tuple[int, str] | None, trace: Path | None = None,
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DATA_DIR": str(data_dir),
        "TELEGRAM_BOT_TOKEN": server.token,
        "TELEGRAM_API_BASE_URL": server.url,
        "PYTHONUNBUFFERED": "1",
    }
    command = [sys.executable, "-m", "bench.telegram_child", *contender.child_args]
    if webhook is not None:
        command += ["--webhook-port", str(webhook[0])]
        env["TELEGRAM_WEBHOOK_SECRET"] = webhook[1]
    if poll_interval is not None:
        command += ["--poll-interval", str(poll_interval)]
    if profile is not None:
        command += ["--profile", str(profile)]
    if trace is not None:
        command += ["--trace", str(trace)]
    with log.open("wb") as err:
        proc = await asyncio.create_subprocess_exec(
            *command, cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=err
        )
    assert proc.stdout is not None
    try:
        line = await asyncio.wait_for(proc.stdout.readline(), 60)
    except TimeoutError:
        line = b""
    if line.strip() != b"ready":
        await stop_child(proc)
        raise SystemExit(f"{contender.title}: the process did not start; its log:\n{log.read_text()[-3000:]}")
    return proc


async def stop_child(proc: asyncio.subprocess.Process) -> None:
    if proc.returncode is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        await asyncio.wait_for(proc.wait(), 30)
    except TimeoutError:
        proc.kill()
        await proc.wait()


async def measure(contender: Contender, args: argparse.Namespace, work: Path) -> Side:
    """Start a fresh server and the bot, warm it up, then time the crowd."""
    echo = contender.echo
    data_dir = work / contender.name
    data_dir.mkdir(parents=True)
    log = work / f"{contender.name}.log"
    profile = args.profile if args.profile and not echo else None
    webhook = (free_port(), secrets.token_urlsafe(16)) if args.webhook else None
    async with FakeBotApi() as server, AsyncExitStack() as stack:
        mail = Mailboxes(server)
        trace = work / f"{contender.name}.trace.json" if args.timeline and not echo else None
        proc = await start_child(contender, server, data_dir, log, args.poll_interval, profile, webhook, trace)
        if webhook is not None:
            await stack.enter_async_context(server.push_to(f"http://127.0.0.1:{webhook[0]}/{WEBHOOK_PATH}", webhook[1]))
        try:
            await crowd(server, mail, range(WARM_BASE, WARM_BASE + args.warmup), echo, 0.0)
            calls_before = len(server.calls)
            bot_before, driver_before = proc_cpu(proc.pid), time.process_time()
            if profile is not None:
                proc.send_signal(signal.SIGUSR1)
            started = time.monotonic()
            timings = await crowd(server, mail, range(CHAT_BASE, CHAT_BASE + args.users), echo, args.think)
            wall = max(t.done for t in timings) - started
            bot_cpu, driver_cpu = proc_cpu(proc.pid) - bot_before, time.process_time() - driver_before
            if profile is not None:
                proc.send_signal(signal.SIGUSR2)
            calls = Counter(
                c.method + (ANSWERED if c.http_method == WEBHOOK_ANSWER else "") for c in server.calls[calls_before:]
            )
        except (AssertionError, TimeoutError) as exc:
            tail = log.read_text(errors="replace")[-3000:]
            raise SystemExit(f"{contender.title}: the run went wrong: {exc!r}; the bot's log:\n{tail}") from exc
        finally:
            await stop_child(proc)
    if not echo:
        check_complaints(data_dir, args.users + args.warmup)
    errors = [line for line in log.read_text(errors="replace").splitlines() if " ERROR " in line]
    if errors:
        print(f"warning: {contender.title} logged {len(errors)} errors, e.g. {errors[0][:200]}", file=sys.stderr)
    if trace is not None:
        timeline.report(json.loads(trace.read_text()), timings)
    return Side(contender, timings, wall, bot_cpu, driver_cpu, calls)


def check_complaints(data_dir: Path, expected: int) -> None:
    """Every person really completed a complaint: one case each, drafted and ready."""
    with closing(sqlite3.connect(data_dir / "bot.sqlite3")) as db:
        ready = db.execute("select count(*) from cases where status = 'ready'").fetchone()[0]
    if ready != expected:
        raise SystemExit(f"complaint bot: {ready} cases are ready, expected {expected}")


def ms(values: list[float], fraction: float) -> str:
    return f"{percentile(values, fraction) * 1000:,.1f}"


def reply_ms(side: Side, fraction: float) -> str:
    return ms([t.done - t.queued for t in side.timings], fraction)


def report(sides: list[Side], args: argparse.Namespace) -> None:
    rows: list[tuple[str, list[str]]] = []

    def row(label: str, fn: Callable[[Side], str]) -> None:
        rows.append((label, [fn(s) for s in sides]))

    row("updates", lambda s: f"{s.updates:,}")
    row("wall time, s", lambda s: f"{s.wall:.2f}")
    row("updates/s", lambda s: f"{s.updates / s.wall:,.0f}")
    for q in (0.5, 0.95, 0.99):
        row(f"reply p{int(q * 100)}, ms", partial(reply_ms, fraction=q))
    row("first reaction p50, ms", lambda s: ms([t.first - t.queued for t in s.timings], 0.5))
    row("bot CPU, s", lambda s: f"{s.bot_cpu:.2f}")
    row("bot CPU per update, ms", lambda s: f"{s.cpu_per_update * 1000:.3f}")
    row("bot CPU busy (CPU/wall)", lambda s: f"{s.bot_cpu / s.wall:.0%}")
    row("API calls per update", lambda s: f"{s.api_calls / s.updates:.2f}")
    if args.webhook:
        row("calls in webhook answers per update",
            lambda s: f"{sum(n for m, n in s.calls.items() if answered(m)) / s.updates:.2f}")
    row("bot CPU per API call, ms", lambda s: f"{s.bot_cpu / s.api_calls * 1000:.3f}")
    row("server+people CPU busy", lambda s: f"{s.driver_cpu / s.wall:.0%}")
    row("server+people CPU per call, ms",
        lambda s: f"{s.driver_cpu / (s.api_calls + s.calls['getUpdates']) * 1000:.3f}")

    print(f"Telegram end to end — {args.users} people, {args.warmup} warm-up people not counted"
          + (f", think time {args.think:g} s (mean)" if args.think else ", no think time (closed loop, saturating)"))
    print(f"machine: nproc {os.cpu_count()}, {cpu_model()}, Python {platform.python_version()}, "
          f"{date.today().isoformat()}")
    print("send limits: complaint bot SendPolicy raised to 1e9/s overall and per chat (Telegram's 1 msg/s per chat")
    print("             and 30/s overall would otherwise dominate); echo bots: PTB default, no limiter.")
    if args.poll_interval is None:
        poll = (f"; the complaint bot pauses {POLL_INTERVAL:g} s before a poll after one that brought {BUSY_BATCH} or more\n"
                "updates, as `bot.py telegram`; 0 between polls for the echo bots (PTB's default)")
    else:
        poll = f"; {args.poll_interval:g} s between polls for the echo bots, after a burst for the complaint bot"
    print(f"complaint bot: the real adapter ({BOT_CONCURRENCY} updates at once, per-chat order); each bot in its own")
    if args.webhook:
        print("process, in webhook mode: the fake Bot API on 127.0.0.1 POSTs each update to the bot's endpoint (up to")
        print("40 at once) and runs a method call answered in the body; the server and the people share this process.")
    else:
        print("process, long polling (timeout 30) against the fake Bot API on 127.0.0.1; the server and the people")
        print(f"share this process{poll}.")
    print()
    width = max(len(r[0]) for r in rows)
    widths = [max(len(s.contender.title), 10) for s in sides]
    print(f"  {'':{width}}  " + "  ".join(f"{s.contender.title:>{w}}" for s, w in zip(sides, widths)))
    for label, cells in rows:
        print(f"  {label:{width}}  " + "  ".join(f"{c:>{w}}" for c, w in zip(cells, widths)))
    print()
    for side in sides:
        methods = ", ".join(f"{m} {n / side.updates:.2f}" for m, n in side.calls.most_common())
        print(f"  {side.contender.title} calls per update: {methods}")
    bot = next((s for s in sides if not s.contender.echo), None)
    if bot is not None:
        kinds = sorted({t.kind for t in bot.timings})
        for q in (0.5, 0.99):
            per_kind = ", ".join(
                f"{k} {percentile([t.done - t.queued for t in bot.timings if t.kind == k], q) * 1000:,.1f}" for k in kinds
            )
            print(f"  complaint bot reply p{int(q * 100)} by update kind, ms: {per_kind}")
    print()
    for side in sides:
        if side.contender.echo and bot is not None:
            ratio = bot.cpu_per_update / side.cpu_per_update
            met = "MET" if ratio <= TARGET_RATIO else "NOT MET"
            target = f"  (target ≤ {TARGET_RATIO:g}×: {met})" if side.contender == ECHO else ""
            print(f"ratio, complaint bot CPU per update ÷ {side.contender.title}: {ratio:.2f}×{target}")
    for side in sides:
        if side.driver_cpu / side.wall > 0.9:
            print(f"note: during the {side.contender.title} run the fake server (with the people) was busy "
                  f"{side.driver_cpu / side.wall:.0%} of a core; it limited the throughput, not the bot.")
        elif side.bot_cpu / side.wall > 0.9:
            print(f"note: during the {side.contender.title} run its process was busy {side.bot_cpu / side.wall:.0%} "
                  "of a core; the bot limited the throughput.")
    busiest = max(s.driver_cpu / s.wall for s in sides)
    if busiest <= 0.9:
        print(f"note: the fake server (with the people) was at most {busiest:.0%} busy: it was not the bottleneck.")


def print_profile(path: Path, limit: int = 25) -> None:
    """The measured phase of the complaint bot: own time overall, and cumulative time in project code."""
    stats = pstats.Stats(str(path))
    print(f"\ncProfile of the complaint bot's measured phase (event-loop thread; written to {path}):")
    print(f"-- top {limit} by own time --")
    stats.sort_stats("tottime").print_stats(limit)
    print(f"-- project functions by cumulative time (top {limit}) --")
    stats.sort_stats("cumulative").print_stats("|".join(f"/{d}/" for d in PROJECT_DIRS), limit)


def pooled(rounds: list[Side]) -> Side:
    """One bot's rounds as one: every update's timing, and CPU, wall time and calls summed."""
    return Side(
        rounds[0].contender,
        [t for side in rounds for t in side.timings],
        sum(side.wall for side in rounds),
        sum(side.bot_cpu for side in rounds),
        sum(side.driver_cpu for side in rounds),
        sum((side.calls for side in rounds), Counter()),
    )


def report_rounds(rounds: list[list[Side]]) -> None:
    """Each round's CPU per update and ratio: on a shared machine they drift, and the spread says by how much."""
    print(f"\n{len(rounds)} rounds, the bots one after another in each; the table above pools them.")
    for index, sides in enumerate(rounds, 1):
        cells = ", ".join(f"{s.contender.title} {s.cpu_per_update * 1000:.3f} ms" for s in sides)
        bot = next((s for s in sides if not s.contender.echo), None)
        echo = next((s for s in sides if s.contender == ECHO), None)
        ratio = f"; ratio {bot.cpu_per_update / echo.cpu_per_update:.2f}×" if bot and echo else ""
        print(f"  round {index}: CPU per update {cells}{ratio}")


async def run(args: argparse.Namespace) -> None:
    rounds: list[list[Side]] = []
    with tempfile.TemporaryDirectory(prefix="bench-telegram-") as tmp:
        work = Path(tmp)
        for index in range(args.rounds):
            rounds.append([await measure(c, args, work / str(index)) for c in CONTENDERS if c.name in args.only])
    report([pooled([r[i] for r in rounds]) for i in range(len(rounds[0]))], args)
    if args.rounds > 1:
        report_rounds(rounds)
    if args.profile and BOT.name in args.only:
        print_profile(args.profile)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, help="people completing complaints at once (default 200, --quick 20)")
    parser.add_argument("--quick", action="store_true", help="a short run: 20 people")
    parser.add_argument("--warmup", type=int, help="people who complete a complaint first, not counted (default 4: one writes in English, so both "
                        "languages' templates are compiled before the measurement)")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause in seconds before each update (default 0)")
    parser.add_argument("--poll-interval", type=float,
                        help="seconds between getUpdates calls for the echo bots, and the complaint bot's pause after a "
                        f"burst (default: the complaint bot's own {POLL_INTERVAL:g}, as `bot.py telegram`, and PTB's 0 for the echo bots)")
    parser.add_argument("--profile", type=Path, help="also cProfile the complaint bot's measured phase into FILE")
    parser.add_argument("--rounds", type=int, default=1,
                        help="measure the bots this many times, alternating, and pool the figures (default 1)")
    parser.add_argument("--webhook", action="store_true",
                        help="every bot in webhook mode: the fake server POSTs each update to it (default: long polling)")
    parser.add_argument("--timeline", action="store_true",
                        help="trace the complaint bot and print where each update's reply time went (bench.telegram_trace)")
    names = [c.name for c in CONTENDERS]
    parser.add_argument("--only", nargs="+", choices=names, default=names,
                        help="measure only these bots (default: all)")
    args = parser.parse_args(argv)
    args.users = args.users or (20 if args.quick else 200)
    args.warmup = args.warmup if args.warmup is not None else 4
    if args.users < 1 or args.rounds < 1 or args.warmup < 0 or args.think < 0 or (args.poll_interval or 0) < 0:
        parser.error("--users and --rounds must be at least 1; --warmup, --think and --poll-interval not negative")
    if args.profile:
        args.profile = args.profile.resolve()
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
