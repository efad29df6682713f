"""Benchmark: 100,000 reminders due at once — finding them, the 30 messages/s limit, and no duplicates.

Run: `.venv/bin/python -m bench.reminders [--reminders N] [--background N] [--window S] [--data-dir DIR]`
(or `python bench/reminders.py`). SqliteStore.open() creates the schema in a temporary data folder; a
direct sqlite3 executemany then loads one filed complaint per person (case, answers, a 700-character
draft) with N check-in reminders all due at the same moment, next to a background of rows the loop
must not touch: reminders already sent or answered, and pending ones due in the coming weeks.
Then, always through the real store, scheduler and follow-up composer as app.bootstrap wires them:
  1. finding them: EXPLAIN QUERY PLAN of the SQL that claim_reminders and next_reminder_due run
     (captured with a trace callback, not copied), and the claim of one batch timed until none is left;
  2. the rate limit: the real reminder loop at REMINDER_RATE_PER_SECOND=30 for a fixed window,
     delivering into an outbox that records each reminder id and the time;
  3. duplicates: two bot processes, each with its own store on the same database file, drain the
     whole backlog with the limit lifted, and every reminder must arrive exactly once.
Between the parts the due rows are put back to pending with raw SQL, so each part starts from the
same backlog.
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import sqlite3
import sys
import textwrap
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.bootstrap import App, build_app  # noqa: E402
from app.settings import load_settings  # noqa: E402
from bench.common import data_dir_for, machine, micros  # noqa: E402
from bench.storage import DRAFT  # noqa: E402
from engine.replies import Reply  # noqa: E402
from knowledge.catalog import load_catalog  # noqa: E402
from services.followup.checkins import plan_followups  # noqa: E402
from services.followup.scheduler import SchedulerConfig  # noqa: E402
from services.followup.due import TimeScale  # noqa: E402
from services.followup.timezone import zone  # noqa: E402
from storage.codec import encode_json, encode_time  # noqa: E402
from storage.protocols import ReminderRow, ReminderTx  # noqa: E402
from storage.sqlite import DB_FILE_NAME, SqliteStore  # noqa: E402
from storage.sqlite_conn import SqliteConn  # noqa: E402
from tests.followup.helpers import ANSWERS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
# Friday 27 November 2026, 11:00 in Beijing: daytime for everyone, so the composer sends rather than
# deferring to the morning. The bench clock starts here and runs at the speed of real time.
T0 = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)
DUE = T0 - timedelta(minutes=1)
LATER = T0 + timedelta(days=1)
FILED = T0 - timedelta(days=16)
CHANNEL = "cn_operator"
PLATFORM = "telegram"
CONFIG = SchedulerConfig()
CHECKIN_BUTTON = re.compile(r"_ci:(\d+):")


class BenchClock:
    """The app's clock: T0 when created, then moving with real time (claims and leases stay sensible)."""

    def __init__(self) -> None:
        self._began = time.monotonic()

    def __call__(self) -> datetime:
        return T0 + timedelta(seconds=time.monotonic() - self._began)


@dataclass
class CountingOutbox:
    """The platform's outbox: records which reminder each delivery carried (from its buttons) and when."""

    deliveries: list[tuple[int, float]] = field(default_factory=list)

    async def deliver(self, external_id: str, replies: list[Reply]) -> bool:
        ids = {int(m.group(1)) for r in replies for b in r.buttons if (m := CHECKIN_BUTTON.match(b.value))}
        if len(ids) != 1:
            raise RuntimeError(f"a delivery to {external_id} does not name exactly one reminder: {ids}")
        self.deliveries.append((ids.pop(), time.monotonic()))
        return True


@dataclass(frozen=True)
class Backlog:
    """Where the due reminders are: ids first..last, all due at DUE."""

    first: int
    last: int

    @property
    def count(self) -> int:
        return self.last - self.first + 1

    @property
    def ids(self) -> range:
        return range(self.first, self.last + 1)


def checkin_data() -> dict[str, Any]:
    """The data a real filing with CHANNEL stores on its check-in (deadline, basis, ...)."""
    catalog = load_catalog(ROOT / "channels.yaml")
    (planned,) = plan_followups(catalog, CHANNEL, FILED, zone("Asia/Shanghai"), TimeScale())
    return planned.data


def bulk_load(db_path: Path, due: int, background: int) -> Backlog:
    """One person per due reminder, each with a filed case; the background rows spread over them.

    Ids: `background` done rows (sent or answered, due before FILED), then the `due` rows, then
    `background` pending rows due over the next 30 days. One transaction per table, as bench.storage.
    """
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA synchronous = OFF")
    people = due
    filed, data = encode_time(FILED), encode_json(checkin_data())
    answers = [(step, encode_json(value)) for step, value in ANSWERS.items()]
    with conn:
        conn.executemany(
            "INSERT INTO users (id, platform, external_id, lang, created_at) VALUES (?, ?, ?, ?, ?)",
            ((u, PLATFORM, str(10_000_000 + u), "en" if u % 5 == 0 else "zh", filed) for u in range(1, people + 1)),
        )
    with conn:
        conn.executemany(
            "INSERT INTO cases (id, user_id, status, jurisdiction, issue_type, channel, reference, filed_at, draft, "
            "created_at, updated_at) VALUES (?, ?, 'filed', 'CN', 'robocall', ?, ?, ?, ?, ?, ?)",
            ((c, c, CHANNEL, f"GD{20261111000000 + c}", filed, DRAFT, filed, filed) for c in range(1, people + 1)),
        )
    with conn:
        conn.executemany(
            "INSERT INTO answers (case_id, step_id, value, answered_at) VALUES (?, ?, ?, ?)",
            ((c, step, value, filed) for c in range(1, people + 1) for step, value in answers),
        )

    def row(rid: int, status: str, due_at: datetime) -> tuple[Any, ...]:
        person = rid % people + 1
        stamp = encode_time(due_at)
        sent = stamp if status in ("sent", "answered") else None
        closed = stamp if status == "answered" else None
        return (rid, person, person, stamp, stamp, status, 1 if sent else 0, sent, closed, data, filed)

    def rows() -> Iterator[tuple[Any, ...]]:
        for i in range(background):
            yield row(i + 1, "sent" if i % 2 else "answered", FILED - timedelta(seconds=30 * (background - i)))
        for i in range(due):
            yield row(background + i + 1, "pending", DUE)
        for i in range(background):
            yield row(background + due + i + 1, "pending", LATER + timedelta(seconds=i * 2_592_000 // max(background, 1)))

    with conn:
        conn.executemany(
            "INSERT INTO reminders (id, case_id, user_id, kind, due_at, sched_at, status, attempts, sent_at, "
            "closed_at, data, created_at) VALUES (?, ?, ?, 'checkin', ?, ?, ?, ?, ?, ?, ?, ?)",
            rows(),
        )
    conn.close()
    return Backlog(background + 1, background + due)


def reset_backlog(db_path: Path, backlog: Backlog) -> None:
    """Put every due row back to pending and forget the events of the previous part (setup, not measured)."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute(
            "UPDATE reminders SET status = 'pending', attempts = 0, claimed_at = NULL, sent_at = NULL "
            "WHERE id BETWEEN ? AND ?",
            (backlog.first, backlog.last),
        )
        conn.execute("DELETE FROM case_events WHERE kind = 'reminder_sent'")
    conn.close()


def status_counts(db_path: Path, backlog: Backlog) -> tuple[Counter[str], Counter[str]]:
    """Statuses of the due rows, and of the whole table."""
    conn = sqlite3.connect(db_path)
    due = Counter(dict(conn.execute(
        "SELECT status, count(*) FROM reminders WHERE id BETWEEN ? AND ? GROUP BY status", (backlog.first, backlog.last)
    ).fetchall()))
    every = Counter(dict(conn.execute("SELECT status, count(*) FROM reminders GROUP BY status").fetchall()))
    conn.close()
    return due, every


def show(counts: Counter[str]) -> str:
    """Status counts on one line: "answered 5, pending 7"."""
    return ", ".join(f"{status} {n:,}" for status, n in sorted(counts.items()))


async def traced(conn: SqliteConn | None, call: Callable[[], Awaitable[object]]) -> list[str]:
    """The SQL statements (with their values) that `call` runs on one of the store's connections
    (on the event loop or on the connection's thread alike: the trace is the connection's)."""
    if conn is None:
        raise RuntimeError("the store is not open")
    statements: list[str] = []
    await conn.thread.set_trace_callback(statements.append)
    try:
        await call()
    finally:
        await conn.thread.set_trace_callback(None)  # type: ignore[arg-type]  # sqlite3 takes None to stop tracing
    return statements


def query_plan(db_path: Path, sql: str) -> list[str]:
    """EXPLAIN QUERY PLAN as SQLite prints it, one line per step, indented under its parent."""
    conn = sqlite3.connect(db_path)
    depth: dict[int, int] = {0: -1}
    lines = []
    for node, parent, _, detail in conn.execute("EXPLAIN QUERY PLAN " + sql):
        depth[node] = depth.get(parent, -1) + 1
        lines.append("  " * depth[node] + detail)
    conn.close()
    return lines


class Rollback(Exception):
    """Leaves the traced claim without effect."""


async def claim_in(tx: ReminderTx, now: datetime) -> list[ReminderRow]:
    """The claim exactly as ReminderScheduler.run_once makes it (default SchedulerConfig, one platform)."""
    return await tx.claim_reminders(
        now, CONFIG.batch_size, [PLATFORM],
        lease_expired_before=now - CONFIG.lease, max_attempts=CONFIG.max_attempts,
    )


async def claim(store: SqliteStore, now: datetime) -> list[ReminderRow]:
    """One claim in a transaction of its own, as the loop commits it."""
    async with store.transaction() as tx:
        return await claim_in(tx, now)


async def mark_sent(store: SqliteStore, rows: list[ReminderRow], now: datetime) -> None:
    """What the loop does with a batch once delivered (not timed: part 1 is about finding them)."""
    async with store.transaction() as tx:
        for row in rows:
            await tx.finish_reminder(row.id, "sent", now)


async def timed_claim(store: SqliteStore, clock: BenchClock) -> tuple[int, int]:
    """Claim a batch (timed), then mark it sent, as one process does; returns (claimed, ns)."""
    begin = time.perf_counter_ns()
    rows = await claim(store, clock())
    took = time.perf_counter_ns() - begin
    await mark_sent(store, rows, clock())
    return len(rows), took


async def captured_statements(store: SqliteStore, clock: BenchClock) -> list[tuple[str, str]]:
    """(method, SQL with its values) for what claim_reminders and next_reminder_due run; the claim is rolled back."""

    async def rolled_back_claim() -> None:
        try:
            async with store.transaction() as tx:
                await claim_in(tx, clock())
                raise Rollback
        except Rollback:
            pass

    # The store's own connections (private attributes): the trace must see what the store itself runs.
    claim_sql = await traced(store._writer, rolled_back_claim)
    next_sql = await traced(store._reader, lambda: store.next_reminder_due([PLATFORM]))
    return [(title, sql) for title, statements in (("claim_reminders", claim_sql), ("next_reminder_due", next_sql))
            for sql in statements if sql.startswith(("UPDATE", "SELECT"))]


def analysed_tables(db_path: Path) -> list[str]:
    conn = sqlite3.connect(db_path)
    try:
        return [row[0] for row in conn.execute("SELECT DISTINCT tbl FROM sqlite_stat1 ORDER BY tbl")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


async def show_plans(data_dir: Path) -> None:
    """The statements with their plans, on the fresh database and once the store's close has run PRAGMA optimize."""
    db_path = data_dir / DB_FILE_NAME
    store = await SqliteStore(data_dir).open()
    try:
        statements = await captured_statements(store, BenchClock())
        fresh = [query_plan(db_path, sql) for _, sql in statements]
    finally:
        await store.close()
    analysed = [query_plan(db_path, sql) for _, sql in statements]
    tables = analysed_tables(db_path)
    for (title, sql), before, after in zip(statements, fresh, analysed):
        print(f"{title} runs:")
        print(textwrap.fill(sql, 108, initial_indent="    ", subsequent_indent="    "))
        print("  query plan on the freshly loaded database (no sqlite_stat1):")
        print("\n".join(f"    {line}" for line in before))
        print(f"  query plan once SqliteStore.close() has run PRAGMA optimize "
              f"(sqlite_stat1 for {', '.join(tables) or 'nothing'}):")
        print("\n".join(f"    {line}" for line in after))


async def finding(data_dir: Path, backlog: Backlog, first_batches: int, held_claims: int) -> None:
    """Part 1: the query plans, then claims of one batch, timed, until the backlog is gone."""
    await show_plans(data_dir)
    store = await SqliteStore(data_dir).open()
    clock = BenchClock()
    try:
        next_due = []
        for _ in range(20):
            begin = time.perf_counter_ns()
            await store.next_reminder_due([PLATFORM])
            next_due.append(time.perf_counter_ns() - begin)

        held = await claim(store, clock())
        busy = [(await timed_claim(store, clock))[1] for _ in range(held_claims)]
        await mark_sent(store, held, clock())

        durations, claimed = [], 0
        began = time.perf_counter()
        while True:
            got, took = await timed_claim(store, clock)
            durations.append(took)
            claimed += got
            if got == 0:
                break
        elapsed = time.perf_counter() - began
        idle = [(await timed_claim(store, clock))[1] for _ in range(held_claims)]
    finally:
        await store.close()
    head = durations[:first_batches]
    print(f"next_reminder_due with {backlog.count:,} due (20 calls): {micros(next_due)}")
    print(f"claim of one batch ({CONFIG.batch_size}), one transaction, while another batch is claimed and not yet "
          f"marked (as when a second process is mid-batch), {len(busy)} claims:")
    print(f"  {micros(busy)}")
    print(f"claims by one process, each batch marked sent before the next claim (as the loop does), "
          f"backlog {claimed:,} → 0:")
    print(f"  the first {len(head)} (backlog still ≥ {claimed - len(head) * CONFIG.batch_size:,}): {micros(head)}")
    print(f"  all {len(durations):,} (the last one empty): {micros(durations)}")
    claiming = sum(durations) / 1e9
    print(f"  {claimed:,} claimed in {claiming:.1f} s of claim transactions = {claimed / claiming:,.0f} reminders/s, "
          f"{len(durations) / claiming:,.1f} claims/s ({elapsed:.1f} s wall with the marking)")
    print(f"an idle pass's claim (nothing due), {len(idle)} claims: {micros(idle)}")


async def start_app(data_dir: Path, rate: float) -> tuple[App, CountingOutbox]:
    """The bot as app.bootstrap builds it, with the counting outbox as its only platform."""
    settings = load_settings({"DATA_DIR": str(data_dir), "REMINDER_RATE_PER_SECOND": repr(rate)})
    app = await build_app(settings, clock=BenchClock())
    outbox = CountingOutbox()
    app.outboxes.register(PLATFORM, outbox)
    return app, outbox


def busiest_second(times: list[float]) -> int:
    """The most deliveries in any window of one second (half-open), sliding over every delivery."""
    ordered, start, most = sorted(times), 0, 0
    for end, t in enumerate(ordered):
        while t - ordered[start] >= 1.0:
            start += 1
        most = max(most, end - start + 1)
    return most


async def throttled(data_dir: Path, backlog: Backlog, rate: float, window: float) -> None:
    """Part 2: the real loop at the real limit for `window` seconds."""
    app, outbox = await start_app(data_dir, rate)
    try:
        began = time.monotonic()
        await app.start_background()
        await asyncio.sleep(window)
        await app.stop_background()
        stopped = time.monotonic()
    finally:
        await app.close()
    times = [t for _, t in outbox.deliveries]
    ids = [rid for rid, _ in outbox.deliveries]
    if len(times) < 2:
        raise SystemExit(f"{len(times)} delivered in the window; nothing to measure")
    achieved = len(times) / (stopped - began)
    per_second = [sum(1 for t in times if began + s <= t < began + s + 1) for s in range(int(window))]
    print(f"ReminderScheduler at rate_per_second={rate:g}, {window:g} s window: {len(times):,} delivered, "
          f"{achieved:.2f} messages/s over the window "
          f"({(len(times) - 1) / (times[-1] - times[0]):.2f}/s from first to last delivery)")
    print(f"  first delivery {(times[0] - began) * 1000:,.0f} ms after the loop started; "
          f"busiest 1-second window (sliding): {busiest_second(times)} messages (limit {rate:g})")
    print(f"  per whole second from the start: {' '.join(str(n) for n in per_second)}")
    print(f"  duplicates {len(ids) - len(set(ids))}, outside the backlog {sum(1 for i in ids if i not in backlog.ids)}; "
          f"the whole backlog at this rate: {backlog.count:,} / {achieved:.2f} per s = {backlog.count / achieved / 60:,.0f} min")


def drain_child(data_dir: Path, rate: float, conn: Connection) -> None:
    """One bot process: its own store and loop; waits for "go", runs until "stop", sends back what it delivered."""

    async def run() -> list[tuple[int, float]]:
        app, outbox = await start_app(data_dir, rate)
        try:
            conn.send("ready")
            await asyncio.to_thread(conn.recv)
            await app.start_background()
            await asyncio.to_thread(conn.recv)
        finally:
            await app.close()
        return outbox.deliveries

    conn.send(asyncio.run(run()))
    conn.close()


def drain(data_dir: Path, backlog: Backlog, processes: int, rate: float, timeout: float) -> None:
    """Part 3: `processes` bot processes on one database file until every due row is sent."""
    context = multiprocessing.get_context("spawn")
    pipes, children = [], []
    for _ in range(processes):
        ours, theirs = context.Pipe()
        child = context.Process(target=drain_child, args=(data_dir, rate, theirs), daemon=True)
        child.start()
        pipes.append(ours)
        children.append(child)
    for pipe in pipes:
        if pipe.recv() != "ready":
            raise SystemExit("a bot process did not start")
    db = sqlite3.connect(data_dir / DB_FILE_NAME)
    began = time.monotonic()
    for pipe in pipes:
        pipe.send("go")
    left = backlog.count
    while left and time.monotonic() - began < timeout:
        time.sleep(0.25)
        (left,) = db.execute(
            "SELECT count(*) FROM reminders WHERE id BETWEEN ? AND ? AND status != 'sent'", (backlog.first, backlog.last)
        ).fetchone()
    done = time.monotonic()
    db.close()
    for pipe in pipes:
        pipe.send("stop")
    results: list[list[tuple[int, float]]] = [pipe.recv() for pipe in pipes]
    for child in children:
        child.join()

    delivered = Counter(rid for deliveries in results for rid, _ in deliveries)
    last = max((t for deliveries in results for _, t in deliveries), default=began + 1)
    duplicates = {rid: n for rid, n in delivered.items() if n > 1}
    missing = sum(1 for rid in backlog.ids if rid not in delivered)
    outside = sum(1 for rid in delivered if rid not in backlog.ids)
    due, every = status_counts(data_dir / DB_FILE_NAME, backlog)
    conn = sqlite3.connect(data_dir / DB_FILE_NAME)
    (events,) = conn.execute("SELECT count(*) FROM case_events WHERE kind = 'reminder_sent'").fetchone()
    (reclaimed,) = conn.execute(
        "SELECT count(*) FROM reminders WHERE id BETWEEN ? AND ? AND attempts > 1", (backlog.first, backlog.last)
    ).fetchone()
    conn.close()
    total = sum(delivered.values())
    print(f"{processes} bot processes, each its own SqliteStore and ReminderScheduler(rate_per_second={rate:g}) "
          f"on the same file:")
    print(f"  {total:,} deliveries in {last - began:.1f} s = {total / (last - began):,.0f} deliveries/s "
          f"(per process: {', '.join(f'{len(r):,}' for r in results)})"
          + ("" if not left else f"; STOPPED after {timeout:g} s with {left:,} not sent"))
    extra = sum(duplicates.values()) - len(duplicates)
    print(f"  distinct reminders delivered {len(delivered):,} of {backlog.count:,}: duplicates {extra} "
          f"(on {len(duplicates)} reminders), missing {missing}, outside the backlog {outside}")
    print(f"  claimed more than once: {reclaimed}; reminder_sent events: {events:,}; "
          f"all sent {(done - began):.1f} s after the start (polled every 0.25 s)")
    print(f"  statuses of the {backlog.count:,} due rows: {show(due)}")
    print(f"  statuses of the whole table: {show(every)}")
    if duplicates:
        print(f"  DUPLICATES, first ten: {sorted(duplicates.items())[:10]}")


async def create_schema(data_dir: Path) -> None:
    store = await SqliteStore(data_dir).open()
    await store.close()


def run(args: argparse.Namespace, data_dir: Path) -> None:
    db_path = data_dir / DB_FILE_NAME
    print(f"Reminders — {args.reminders:,} due at once; machine: {machine()}; {date.today().isoformat()}")
    asyncio.run(create_schema(data_dir))
    began = time.perf_counter()
    backlog = bulk_load(db_path, args.reminders, args.background)
    size = sum(p.stat().st_size for p in data_dir.glob(DB_FILE_NAME + "*"))
    print(f"bulk load in {time.perf_counter() - began:.1f} s, database {size / 1e6:,.0f} MB: {args.reminders:,} people, "
          f"each with a filed case ({len(ANSWERS)} answers, a draft) and one check-in due at {DUE:%Y-%m-%d %H:%M} UTC;")
    print(f"  background: {args.background:,} reminders sent or answered, {args.background:,} pending due "
          f"from {LATER:%Y-%m-%d} over 30 days (the bench clock starts at {T0:%H:%M} UTC)")
    print(f"  statuses: {show(status_counts(db_path, backlog)[1])}")

    print("\n1. Finding them")
    asyncio.run(finding(data_dir, backlog, args.first_batches, args.held_claims))
    reset_backlog(db_path, backlog)

    print(f"\n2. Dispatch at the limit ({args.rate:g} messages/s)")
    asyncio.run(throttled(data_dir, backlog, args.rate, args.window))
    reset_backlog(db_path, backlog)

    print("\n3. Unthrottled drain, two processes, exactly once")
    drain(data_dir, backlog, args.processes, args.drain_rate, args.timeout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reminders", type=int, default=100_000, help="reminders due at once (default 100,000)")
    parser.add_argument("--background", type=int, default=100_000,
                        help="reminders already sent or answered, and as many pending for later (default 100,000 each)")
    parser.add_argument("--first-batches", type=int, default=200,
                        help="claims timed with the backlog still full (default 200)")
    parser.add_argument("--held-claims", type=int, default=10,
                        help="claims timed while another batch is held claimed (default 10)")
    parser.add_argument("--rate", type=float, default=30.0, help="the limit of part 2, messages/s (default 30)")
    parser.add_argument("--window", type=float, default=20.0, help="seconds the loop runs at the limit (default 20)")
    parser.add_argument("--processes", type=int, default=2, help="bot processes draining together (default 2)")
    parser.add_argument("--drain-rate", type=float, default=1e9, help="the limit while draining (default 1e9: none)")
    parser.add_argument("--timeout", type=float, default=900.0, help="give up the drain after this many seconds (default 900)")
    parser.add_argument("--data-dir", type=Path, help="where to build the database (default: a temporary folder, removed)")
    args = parser.parse_args(argv)
    with data_dir_for(args.data_dir, "bench-reminders-") as data_dir:
        run(args, data_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
