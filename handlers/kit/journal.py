"""The update journal (inbox): each platform update is kept in the database from its arrival until it is handled.

Shared by the platform adapters: Telegram journals each fetched batch before PTB confirms it,
WeChat each push before it answers the HTTP request; both replay what is left at start-up.

Why (Telegram's case): Telegram forgets an update once the bot confirms it, and PTB confirms a fetched batch with the
very next getUpdates, before the updates are handled. An update waiting behind its chat's previous
one, an album photo inside its window, or a file being downloaded would vanish with the process on a
hard crash (SIGKILL, OOM, power). With the journal:

- **record** — a fetched batch is written in one transaction before PTB can confirm it (see
  inbox.py for where); a failed write raises, so the batch stays unconfirmed and is fetched
  again: a lost write never becomes a lost update. Webhook requests that arrive while a write is
  under way are written together in the next one (group commit), each answered once it is in.
- **forget** — an update is forgotten once its handling finished, normally or with an error the error
  handler answered; album photos only once their album was handled. Forgetting late is harmless (a
  replay of an applied update changes nothing: the conversation service skips ids it has marked
  processed), forgetting early would lose it. So forgets are batched: ids collect for `linger`
  seconds and go in one DELETE, about one small transaction per 0.2 s under load instead of one
  per update.
- **replay** — at start-up the rows still here are fed to the Application again, in update order.
  Each replay counts an attempt; an update replayed `max_replays` times whose handling still never
  finished (it kills the process, say) is given up: the person is told what was not kept and asked
  to send it again (and the case's timeline records it), then it is forgotten and marked processed,
  so a redelivery is skipped too, and logged by id only.

Rows older than `retention` are pruned at start-up and daily, together with the processed-update
ids (`prune_processed`): a replay is only harmless while the ids of applied updates are kept at
least as long as the journal rows, and pruning both with one cutoff in one transaction keeps that.

Several processes (webhooks behind a load balancer, sharing PostgreSQL): a starting process claims
the rows no other process claimed within `lease` (FOR UPDATE SKIP LOCKED), so processes starting at
once replay each row once. It may also replay an update another live process is still handling;
that is harmless, because the conversation service applies one person's events one at a time
across processes (Store.serialized) and skips an id already applied. Every `sweep_every` seconds
each process also claims the rows left unhandled for `stale_after` (a killed process's, when it is
not restarted), so no update waits for a restart that may never come. A live process renews its
claim on every update it has in hand (queued or being handled) every third of the lease, so a sweep
takes only a dead process's, never a slow download or a long queue of a live one; one sweep at a time (an
advisory lock on PostgreSQL), so a person's rows are not split between two sweeping processes.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from handlers.kit.group_commit import JournalWriter
from storage.protocols import InboundUpdate, JournaledUpdate, Store

log = logging.getLogger(__name__)

# Several processes on one PostgreSQL: a journal row a process claimed is left to it for SHARED_CLAIM_LEASE,
# and every process looks this often for rows left unhandled (by a killed process) for a minute.
SHARED_CLAIM_LEASE = timedelta(seconds=30)
SHARED_SWEEP_EVERY = 20.0
SHARED_STALE_AFTER = timedelta(minutes=1)

# The update the current task is handling (set around each update by PerChatUpdateProcessor).
_HANDLING: ContextVar[int | None] = ContextVar("update_handled", default=None)
PRUNE_EVERY = 24 * 3600.0


@dataclass(frozen=True)
class JournalTimings:
    """How the journal shares its rows with other processes: none on a database of its own (`alone`),
    a claim lease and a sweep for rows a killed process left on a shared one (`shared`)."""

    lease: timedelta = timedelta(0)
    sweep_every: float | None = None
    stale_after: timedelta = SHARED_STALE_AFTER

    @classmethod
    def for_database(cls, shared: bool) -> JournalTimings:
        return cls(SHARED_CLAIM_LEASE, SHARED_SWEEP_EVERY) if shared else cls()


@dataclass(frozen=True)
class Replay:
    """What start-up found in the journal: payloads to handle again, and the newest id it held."""

    payloads: list[dict[str, Any]] = field(default_factory=list)
    last_update_id: int | None = None


class UpdateJournal:
    """The journal of one platform's updates; `open()` at start-up, `close()` at the end."""

    def __init__(
        self,
        store: Store,
        clock: Callable[[], datetime],
        platform: str,
        *,
        linger: float = 0.2,
        max_replays: int = 3,
        retention: timedelta = timedelta(days=7),
        lease: timedelta = timedelta(0),
        sweep_every: float | None = None,
        stale_after: timedelta = SHARED_STALE_AFTER,
        chat_of: Callable[[dict[str, Any]], str | None] = lambda payload: None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.platform = platform
        self.linger = linger
        self.max_replays = max_replays
        self.retention = retention
        self.chat_of = chat_of
        self.lease = lease
        self.sweep_every = sweep_every
        self.stale_after = stale_after
        # Where swept updates go (TelegramBot.requeue); set before open().
        self.on_stale: Callable[[Replay], Awaitable[None]] | None = None
        self._held: set[int] = set()
        # The updates this process journaled or claimed and has not forgotten yet: queued or being
        # handled here. With a lease their claims are renewed, so a sweep takes only a dead process's.
        self._mine: set[int] = set()
        self._forgotten: set[int] = set()
        self._due = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._writer = JournalWriter(store, clock, platform)
        # Set by the adapter: tells the person about an update given up after `max_replays`.
        self.on_give_up: Callable[[JournaledUpdate], Awaitable[None]] | None = None

    # --- start and end ----------------------------------------------------------------------

    async def open(self) -> Replay:
        """Prune, take what the last run left unhandled, and start forgetting in the background."""
        await self.prune()
        replay = await self._claim()
        self._tasks = [asyncio.create_task(self._forgetting()), asyncio.create_task(self._pruning())]
        if self.sweep_every is not None:
            self._tasks.append(asyncio.create_task(self._sweeping(self.sweep_every)))
        if self.lease:
            self._tasks.append(asyncio.create_task(self._renewing(self.lease.total_seconds() / 3)))
        return replay

    async def close(self) -> None:
        """Stop the background work, then forget what was handled since the last batch."""
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with suppress(asyncio.CancelledError):
                await task
        self._tasks = []
        await self.flush()

    async def _sweeping(self, every: float) -> None:
        """Several processes: take over the updates a killed process left, without waiting for its restart."""
        while True:
            await asyncio.sleep(every)
            try:
                replay = await self._claim(stale=True)
                if replay.payloads and self.on_stale is not None:
                    await self.on_stale(replay)
            except Exception as exc:  # noqa: BLE001 - the next sweep tries again
                log.warning("sweeping the update journal failed: %s", type(exc).__name__)

    async def _renewing(self, every: float) -> None:
        """Several processes: keep the claim on every update still in hand here, however long it waits
        behind its chat's earlier ones or takes to handle, so no sweep takes it while this process lives."""
        while True:
            await asyncio.sleep(every)
            if not self._mine:
                continue
            try:
                async with self.store.transaction() as tx:
                    await tx.renew_journal(self.platform, set(self._mine), self.clock())
            except Exception as exc:  # noqa: BLE001 - the next turn tries again
                log.warning("renewing the update journal's claims failed: %s", type(exc).__name__)

    def own(self, update_ids: Iterable[int]) -> None:
        """Updates journaled by this process (outside `record`): in hand here until forgotten."""
        self._mine.update(update_ids)

    async def _claim(self, *, stale: bool = False) -> Replay:
        """Count one more attempt for every unclaimed row (or, `stale`, every row long unhandled);
        give up those replayed `max_replays` times already.

        A given-up update is never dropped in silence: `on_give_up` tells its person what was not
        kept (and records it) before the row goes.
        """
        now = self.clock()
        received_before = now - self.stale_after if stale else None
        async with self.store.transaction() as tx:
            rows = await tx.claim_journal(
                self.platform,
                now,
                claimed_before=now - self.lease if self.lease else None,
                received_before=received_before,
            )
        spent = [r for r in rows if r.attempts > self.max_replays]
        for row in spent:
            log.warning("gave up update %d: its handling did not finish in %d replays", row.update_id, self.max_replays)
            if self.on_give_up is not None:
                try:
                    await self.on_give_up(row)
                except Exception as exc:  # noqa: BLE001 - the update is given up all the same
                    log.warning("could not tell the person about update %d: %s", row.update_id, type(exc).__name__)
        if spent:
            async with self.store.transaction() as tx:
                await tx.forget_updates(self.platform, [r.update_id for r in spent])
                for row in spent:
                    await tx.mark_processed(self.platform, row.update_id, now)
        payloads = [r.payload for r in rows if r.attempts <= self.max_replays]
        self.own(r.update_id for r in rows if r.attempts <= self.max_replays)
        if payloads:
            log.info("replaying %d update(s) that were not handled before the last stop", len(payloads))
        return Replay(payloads, max((r.update_id for r in rows), default=None))

    async def prune(self) -> None:
        """Drop journal rows and processed-update ids older than `retention`, with one cutoff."""
        before = self.clock() - self.retention
        async with self.store.transaction() as tx:
            await tx.prune_journal(before)
            await tx.prune_processed(before)

    async def _pruning(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_EVERY)
            try:
                await self.prune()
            except Exception as exc:  # noqa: BLE001 - tomorrow's run will try again
                log.warning("pruning the update journal failed: %s", type(exc).__name__)

    # --- record -----------------------------------------------------------------------------

    async def record(self, payloads: Sequence[dict[str, Any]]) -> None:
        """Journal updates (their JSON as received); return once they are committed, raise if they could not be.

        Group commit: what is recorded while a write is under way (webhook requests arriving together)
        goes into the next write, one transaction for all of it instead of one per update.
        """
        await self._writer.record([InboundUpdate(int(p["update_id"]), self.chat_of(p), p) for p in payloads])
        self.own(int(p["update_id"]) for p in payloads)

    # --- forget -----------------------------------------------------------------------------

    @contextmanager
    def handling(self, update: object) -> Iterator[None]:
        """Around one update's handling: forget it afterwards unless something still holds it.

        An Exception counts as handled (PTB hands it to the error handler, which apologises); any
        other BaseException (cancelled, the process going down) keeps the row for the next start.
        """
        found = getattr(update, "update_id", None)
        update_id = found if isinstance(found, int) else None
        token = _HANDLING.set(update_id)
        try:
            yield
        except Exception:
            self._done(update_id)
            raise
        else:
            self._done(update_id)
        finally:
            _HANDLING.reset(token)

    def hold(self, update_id: int) -> None:
        """The update lives on in memory after its handler returned (an album photo in its window)."""
        self._held.add(update_id)

    def release(self, update_ids: Iterable[int]) -> None:
        """Held updates are handled now: forget them."""
        for update_id in update_ids:
            self._held.discard(update_id)
            self._forget(update_id)

    def _done(self, update_id: int | None) -> None:
        if update_id is not None and update_id not in self._held:
            self._forget(update_id)

    def _forget(self, update_id: int) -> None:
        self._mine.discard(update_id)
        self._forgotten.add(update_id)
        self._due.set()

    async def _forgetting(self) -> None:
        while True:
            await self._due.wait()
            await asyncio.sleep(self.linger)
            self._due.clear()
            await self.flush()

    async def flush(self) -> None:
        """Delete the rows of every update handled so far, in one transaction."""
        ids, self._forgotten = self._forgotten, set()
        if not ids:
            return
        try:
            async with self.store.transaction() as tx:
                await tx.forget_updates(self.platform, ids)
        except BaseException as exc:
            self._forgotten |= ids  # kept for the next flush; a replay of them would be harmless anyway
            if not isinstance(exc, Exception):
                raise
            log.warning("could not forget %d handled update(s): %s", len(ids), type(exc).__name__)

    # --- erase ------------------------------------------------------------------------------

    async def erase_person(self, user_id: int, case_id: int) -> None:
        """/delete: erase the person's journaled updates (they hold message text).

        Only rows up to the update being handled go: later ones of the chat wait behind it, not yet
        handled, and erasing them would lose them on a crash.
        """
        user = await self.store.get_user(user_id)
        if user is None or user.platform != self.platform:
            return
        async with self.store.transaction() as tx:
            await tx.forget_chat_updates(self.platform, user.external_id, up_to=_HANDLING.get())
