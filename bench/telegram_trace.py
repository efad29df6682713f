"""Per-update timelines for bench.telegram_e2e --timeline: where an update's reply latency goes.

The child (bench.telegram_child --trace FILE) wraps a few of the bot's own methods and records,
with time.monotonic() (one clock for every process on Linux, so the parent's queued/done times line
up with the child's): each batch of updates fetched by getUpdates or POSTed to the webhook (received,
journaled), each update's handling (started, its chat lock taken, the service's
event begun and ended, its transactions' commits, its Bot API calls), every garbage collection
(generation, duration) and every stall of the event loop over 5 ms. The parent (`report`) joins them
to each update's queued and reply times and prints where the slowest 1 % spent their time next to
the median update, and how many of the slow ones a collection or a stall overlapped.

Tracing costs a little CPU per update; compare latencies of traced runs with traced runs only.
"""
from __future__ import annotations

import asyncio
import gc
import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

STALL = 0.005  # an event-loop tick later than this is recorded
TICK = 0.005


@dataclass
class Recorder:
    """What the child saw; written as JSON at the end."""

    # fetched by getUpdates or POSTed to the webhook, journaled, the update ids
    received: list[tuple[float, float, list[int]]] = field(default_factory=list)
    updates: dict[int, dict[str, float]] = field(default_factory=lambda: defaultdict(dict))
    commits: dict[int, list[tuple[float, float, float]]] = field(default_factory=lambda: defaultdict(list))
    calls: dict[int, list[tuple[str, float, float]]] = field(default_factory=lambda: defaultdict(list))
    # generation, start, end, CPU seconds of the collecting thread, objects the collector tracked after it
    gcs: list[tuple[int, float, float, float, int]] = field(default_factory=list)
    stalls: list[tuple[float, float]] = field(default_factory=list)  # from, to
    _gc_start: tuple[float, float] = (0.0, 0.0)

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = (time.monotonic(), time.thread_time())
        else:
            end, cpu = time.monotonic(), time.thread_time() - self._gc_start[1]
            tracked = len(gc.get_objects()) if info["generation"] == 2 else 0
            self.gcs.append((info["generation"], self._gc_start[0], end, cpu, tracked))

    async def watch_loop(self) -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(TICK)
            after = time.monotonic()
            if after - before > TICK + STALL:
                self.stalls.append((before + TICK, after))

    def dump(self, path: Path) -> None:
        path.write_text(json.dumps({
            "received": self.received, "updates": self.updates, "commits": self.commits,
            "calls": self.calls, "gcs": self.gcs, "stalls": self.stalls, "frozen": gc.get_freeze_count(),
        }))


def install(recorder: Recorder) -> None:
    """Wrap the bot's methods so each records into `recorder` (the bench child only)."""
    from telegram.ext import ExtBot

    from handlers.kit import journal as kit_journal
    from handlers.telegram.order import PerChatUpdateProcessor
    from services.conversation import ConversationService
    from storage.sqlite import SqliteStore

    current = kit_journal._HANDLING

    def mark(name: str) -> None:
        update_id = current.get()
        if update_id is not None:
            recorder.updates[update_id][name] = time.monotonic()

    ext_post = ExtBot._do_post

    async def traced_ext_post(self: Any, endpoint: str, data: Any, **kwargs: Any) -> Any:
        started = time.monotonic()
        try:
            return await ext_post(self, endpoint, data, **kwargs)
        finally:
            update_id = current.get()
            if update_id is not None and endpoint != "getUpdates":
                recorder.calls[update_id].append((endpoint, started, time.monotonic()))

    ExtBot._do_post = traced_ext_post  # type: ignore[method-assign]

    record = kit_journal.UpdateJournal.record

    async def traced_record(self: Any, payloads: Any) -> None:
        received = time.monotonic()
        await record(self, payloads)
        recorder.received.append((received, time.monotonic(), [p["update_id"] for p in payloads]))

    kit_journal.UpdateJournal.record = traced_record  # type: ignore[method-assign]

    process = PerChatUpdateProcessor.do_process_update

    async def traced_process(self: Any, update: Any, coroutine: Any) -> None:
        update_id = getattr(update, "update_id", None)
        if isinstance(update_id, int):
            recorder.updates[update_id]["start"] = time.monotonic()
        try:
            await process(self, update, coroutine)
        finally:
            if isinstance(update_id, int):
                recorder.updates[update_id]["end"] = time.monotonic()

    PerChatUpdateProcessor.do_process_update = traced_process  # type: ignore[method-assign]

    handle_full = ConversationService.handle_full

    async def traced_handle(self: Any, *args: Any, **kwargs: Any) -> Any:
        mark("event")
        try:
            return await handle_full(self, *args, **kwargs)
        finally:
            mark("event_end")

    ConversationService.handle_full = traced_handle  # type: ignore[method-assign]

    transaction = SqliteStore.transaction

    @asynccontextmanager
    async def traced_transaction(self: Any) -> Any:
        asked = time.monotonic()
        holder: list[float] = []
        async with transaction(self) as tx:
            holder.append(time.monotonic())
            yield tx
            holder.append(time.monotonic())
        update_id = current.get()
        if update_id is not None:
            recorder.commits[update_id].append((asked, holder[0], time.monotonic()))

    SqliteStore.transaction = traced_transaction  # type: ignore[method-assign]

    gc.callbacks.append(recorder.on_gc)


# --- the parent's side ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One update's timeline, in seconds from its queuing on the server."""

    update_id: int
    kind: str
    total: float
    parts: dict[str, float]
    window: tuple[float, float]


PARTS = (
    ("fetch", "queued → the bot has it (long poll: waiting for a poll, the poll's answer; webhook: the POST)"),
    ("journal", "its journal write (group commit)"),
    ("dispatch", "journaled → its handling starts (PTB's queue)"),
    ("lock", "→ the service's event begins (the chat lock, albums, the tap's outbox turn)"),
    ("event", "the service's event (engine, store transaction and commit)"),
    ("send", "→ the reply recorded by the server (Bot API calls: answer, edit, send)"),
)


def lines(trace: dict[str, Any], timings: list[Any]) -> list[Line]:
    got: dict[int, tuple[float, float]] = {}
    for received, journaled, ids in trace["received"]:
        for update_id in ids:
            got.setdefault(update_id, (received, journaled))
    out = []
    for t in timings:
        marks = trace["updates"].get(str(t.update_id), {})
        if t.update_id not in got or "start" not in marks:
            continue
        answered, journaled = got[t.update_id]
        event = marks.get("event", marks["start"])
        event_end = marks.get("event_end", event)
        points = [t.queued, answered, journaled, marks["start"], event, event_end, t.done]
        parts = {name: max(0.0, b - a) for (name, _), a, b in zip(PARTS, points, points[1:])}
        out.append(Line(t.update_id, t.kind, t.done - t.queued, parts, (t.queued, t.done)))
    return out


def overlaps(spans: list[tuple[float, float]], window: tuple[float, float]) -> float:
    return sum(max(0.0, min(b, window[1]) - max(a, window[0])) for a, b in spans)


def report(trace: dict[str, Any], timings: list[Any], out: Callable[[str], None] = print) -> None:
    """Where the slowest 1 % of updates spent their time, next to the median update's, and what overlapped them."""
    found = sorted(lines(trace, timings), key=lambda line: line.total)
    if not found:
        out("timeline: no update could be matched to the trace")
        return
    tail = found[int(0.99 * len(found)):] or found[-1:]
    middle = found[len(found) // 2 - len(tail) // 2: len(found) // 2 + len(tail) // 2 + 1]
    # Only what happened while the measured people were at it (start-up's and the warm-up's left out).
    begin, end = min(t.queued for t in timings), max(t.done for t in timings)
    measured = [row for row in trace["gcs"] if begin <= row[1] <= end]
    gcs = [(g, a, b) for g, a, b, _, _ in measured]
    stalls = [(a, b) for a, b in trace["stalls"] if begin <= a <= end]
    out(f"\ntimeline of {len(found):,} updates (trace of the bot process; collections, stalls and transactions "
        f"of the measured {end - begin:.0f} s only): mean ms per part")
    out(f"  {'part':10} {'p50 group':>10} {'slowest 1%':>11}  what")
    for name, what in PARTS:
        mid = sum(line.parts[name] for line in middle) / len(middle) * 1000
        slow = sum(line.parts[name] for line in tail) / len(tail) * 1000
        out(f"  {name:10} {mid:10.1f} {slow:11.1f}  {what}")
    out(f"  {'total':10} {sum(x.total for x in middle) / len(middle) * 1000:10.1f} "
        f"{sum(x.total for x in tail) / len(tail) * 1000:11.1f}")
    kinds = defaultdict(int)
    for line in tail:
        kinds[line.kind] += 1
    out(f"  slowest 1 % ({len(tail)} updates, ≥ {tail[0].total * 1000:.1f} ms) by kind: "
        + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    for label, spans in (
        ("gen-2 collection", [(a, b) for g, a, b in gcs if g == 2]),
        ("gen-0/1 collection", [(a, b) for g, a, b in gcs if g < 2]),
        ("event-loop stall > 5 ms", stalls),
    ):
        hit = [line for line in tail if overlaps(spans, line.window) > 0]
        time_in = sum(overlaps(spans, line.window) for line in tail) / len(tail) * 1000
        base = sum(1 for line in found if overlaps(spans, line.window) > 0) / len(found)
        out(f"  {label}: overlaps {len(hit)} of the slowest {len(tail)} ({time_in:.1f} ms each on average), "
            f"{base:.0%} of all updates")
    durations = defaultdict(list)
    for g, a, b, cpu, tracked in measured:
        durations[g].append(((b - a) * 1000, cpu * 1000, tracked))
    for g in sorted(durations):
        ds = sorted(durations[g])
        cpus = sorted(c for _, c, _ in ds)
        heap = f", {ds[-1][2]:,} objects tracked after the last" if g == 2 else ""
        out(f"  gen-{g} collections: {len(ds):,}, median {ds[len(ds) // 2][0]:.2f} ms (CPU {cpus[len(cpus) // 2]:.2f}), "
            f"max {ds[-1][0]:.2f} ms{heap}; frozen objects: {trace.get('frozen', 0):,}")
    spans = [span for rows in trace["commits"].values() for span in rows if begin <= span[0] <= end]
    holds = sorted((done - got) * 1000 for _, got, done in spans)
    waits = sorted((got - asked) * 1000 for asked, got, _ in spans)
    if holds:
        out(f"  the updates' transactions: {len(holds):,}; held the writer p50 {holds[len(holds) // 2]:.2f} ms, "
            f"p99 {holds[int(0.99 * len(holds))]:.2f} ms, max {holds[-1]:.2f} ms, {sum(h > 5 for h in holds)} over 5 ms; "
            f"waited for it p50 {waits[len(waits) // 2]:.2f} ms, p99 {waits[int(0.99 * len(waits))]:.2f} ms")
    if stalls:
        ds = sorted((b - a) * 1000 for a, b in stalls)
        out(f"  event-loop stalls > 5 ms: {len(ds):,}, median {ds[len(ds) // 2]:.1f} ms, max {ds[-1]:.1f} ms")


@contextmanager
def recording(path: Path | None) -> Iterator[Recorder | None]:
    """In the child: install the wrappers and the loop watch, write the trace on the way out."""
    if path is None:
        yield None
        return
    recorder = Recorder()
    install(recorder)
    try:
        yield recorder
    finally:
        recorder.dump(path)
