"""The outbox sender: sends each chat's queued replies in order after their event's commit, and marks them sent.

The conversation service writes the replies of an event into the outbox table in the same transaction as
the event's effects, so a reply is never lost between "saved" and "shown": a crash after the commit leaves
it queued, and the next start sends it. Each platform adapter supplies one function, `send(chat, reply)`,
and runs one `OutboxSender`; this module does the rest, the same way for every platform:

- **order** — a chat's rows go out oldest first, one at a time, under a per-chat lock; a row waiting for
  its retry holds back the later rows of its chat (storage's `claim_outbox`), never other chats.
- **claimed with its event** — an adapter that sends an event's replies right after its commit has the
  event's own transaction claim them (`ConversationService.outbox_holds`, storage's `enqueue_held`)
  when the chat has nothing else queued, and hands them to `send_held`: no claim of their own, one
  commit less per event. They are held like any claimed row, so a crash before the send leaves them
  to the next start (or, several processes, to whoever finds their hold run out).
- **at least once** — a row is deleted right after its send returns; the deletes of sends that finish
  while one is being written go in the next one together (group commit), and each sender waits for
  its own. A crash in between sends it again at the next start, which is the only way a reply can be
  doubled (the window is one commit).
- **never dropped for failing** — a send that raises is tried again with a growing back-off (1 s, 2 s,
  4 s … up to 5 minutes; `RetryLater` names its own wait, e.g. Telegram's retry_after), for ever while
  the process runs, and at once after a restart. Only `Undeliverable` (the person blocked the bot, the
  platform refuses the message itself) gives a row up, with a log line.
- **one sender per chat at a time** — `turn(chat)` holds a chat's queue: the background loop waits for it.
  An adapter that may still show an event's reply another way after the event's commit (a question
  redrawn in place, then its row discarded) holds the turn from before the event until it is done;
  else the loop, finding the fresh row due, could send it as well.
- **check-ins take the turn too** — a message the bot starts itself (`send_started`) is queued and
  claimed like an event's replies, under the person's lock: sent at once when the chat has nothing
  else queued, else behind what is, so it never lands between an event's replies, in any process.
  The same transaction marks its reminder sent (`services.delivery.Handover`): the outbox is its one
  owner from then on, so a process killed mid-send never has it sent by the reminder loop as well.
- **held while it is sent** — a send that outlasts a third of the hold (a long upload, retries under
  a flood limit, an overloaded process) renews the hold of its rows, as long as they are still its
  claim (their attempt count unchanged), so another process never takes a row that is being sent.
- **held, not lost** — a claimed row is held for `hold` seconds; a process that dies while sending it
  leaves it to the next start, which takes back every row of its platform when it is the platform's
  only sender (`exclusive`). Where several processes share the database, another process may be
  sending those rows right now, so they wait for their hold to run out instead.
"""
from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, TypeVar

from engine.replies import Button, Reply
from services.delivery import HANDOVER
from services.group_commit import GroupCommit
from storage.errors import log_failure
from storage.protocols import Store

log = logging.getLogger(__name__)

SendReply = Callable[[str, Reply], Awaitable[None]]
T = TypeVar("T")
# The turn (sender, chat, task) the running task holds, so that a drain inside it does not wait for itself.
_TURN: ContextVar[tuple[int, str, object] | None] = ContextVar("outbox_turn", default=None)


def wall_clock() -> datetime:
    """The outbox's times are real time whatever clock the conversation runs on (tests fix that one)."""
    return datetime.now(timezone.utc)


class Undeliverable(Exception):
    """The reply can never be delivered (the chat is gone or blocked, the platform refuses the message)."""


class RetryLater(Exception):
    """The platform asked to wait `seconds` before the next try (a flood limit)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:.0f}s")
        self.seconds = seconds


@dataclass(frozen=True)
class _Claimed:
    """A row this sender holds: its id, the attempt count its claim left on it, and its reply."""

    id: int
    attempts: int
    reply: Reply


def reply_to_row(reply: Reply) -> dict[str, Any]:
    """A reply as the outbox keeps it (all of it, unlike the console's JSON line)."""
    row: dict[str, Any] = {
        "text": reply.text,
        "buttons": [[b.label, b.value] for b in reply.buttons],
        "expects": reply.expects,
        "seq": reply.seq,
        "kind": reply.kind,
    }
    if reply.attachments:
        row["files"] = list(reply.attachments)
    return row


def reply_from_row(row: dict[str, Any]) -> Reply:
    """The reply back from its outbox row."""
    return Reply(
        text=str(row.get("text", "")),
        buttons=tuple(Button(str(label), str(value)) for label, value in row.get("buttons") or []),
        expects=row.get("expects"),
        seq=row.get("seq"),
        kind=str(row.get("kind") or "info"),
        attachments=tuple(str(f) for f in row.get("files") or []),
    )


@dataclass(frozen=True)
class OutboxPolicy:
    """Retry timing; tests shrink it."""

    first_retry: float = 1.0
    max_retry: float = 300.0
    hold: float = 60.0
    idle_poll: float = 30.0
    # Several processes on one database: a row this fresh belongs to the process that queued it (it
    # drains it right after its commit, or redraws the question instead); other processes' loops
    # and a starting process leave it alone, so they never send it a second time. 0: one process.
    settle: float = 0.0
    # Several processes: this event's rows wait behind an earlier reply of the chat that another
    # process is sending right now (the person answered it before its "sent" mark was committed).
    # That mark comes within milliseconds, so look again after these pauses before leaving the
    # rows to the background loop (which would take `settle` seconds).
    behind: tuple[float, ...] = (0.01, 0.02, 0.05, 0.1, 0.2, 0.5)

    def retry_after(self, attempts: int) -> float:
        return min(self.max_retry, self.first_retry * 2 ** max(0, attempts - 1))


class OutboxSender:
    """Sends one platform's queued replies; `drain(chat)` after each event, `start()` / `stop()` around a run."""

    def __init__(
        self,
        store: Store,
        platform: str,
        send: SendReply,
        policy: OutboxPolicy = OutboxPolicy(),
        clock: Callable[[], datetime] = wall_clock,
        *,
        exclusive: bool = True,
    ) -> None:
        self.store = store
        self.platform = platform
        self.send = send
        self.clock = clock
        self.policy = policy
        self.exclusive = exclusive
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        # Sent (or discarded), but the "sent" mark has not reached the database yet: being written,
        # waiting for the next group commit, or failed (the database went away) and kept for later.
        self._unmarked: set[int] = set()
        self._marks = GroupCommit[int](self._write_marks)

    def _lock(self, chat_id: str) -> asyncio.Lock:
        lock = self._locks.get(chat_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[chat_id] = lock
        return lock

    @asynccontextmanager
    async def turn(self, chat_id: str) -> AsyncIterator[None]:
        """Hold the chat's queue for the block: nothing else sends its rows meanwhile (drains inside it do)."""
        key = (id(self), str(chat_id), asyncio.current_task())
        if _TURN.get() == key:
            yield
            return
        async with self._lock(str(chat_id)):
            token = _TURN.set(key)
            try:
                yield
            finally:
                _TURN.reset(token)

    async def drain(self, chat_id: str, ids: Collection[int] | None = None, *, settled: bool = False) -> int:
        """Send the chat's due replies (of `ids` only, if given) in order; returns how many went out.

        `settled`: only rows due for `policy.settle` seconds already (what another process queued
        just now is its own to send). Never raises for a failed send: the row waits for its retry
        and the background loop sends it.
        """
        chat_id = str(chat_id)
        sent = 0
        if self._unmarked:
            await self._mark_sent(())
        async with self.turn(chat_id):
            now = self.clock()
            due = now - timedelta(seconds=self.policy.settle) if settled else now
            async with self.store.transaction() as tx:
                rows = await tx.claim_outbox(
                    self.platform, chat_id, due, now + timedelta(seconds=self.policy.hold), ids
                )
            if rows:
                sent = await self._send_rows(chat_id, [_Claimed(r.id, r.attempts, reply_from_row(r.reply)) for r in rows])
        return sent

    async def send_held(self, chat_id: str, ids: Sequence[int], replies: Sequence[Reply]) -> int:
        """Send an event's replies that its own transaction claimed for this sender (`enqueue_held`:
        `ids` in order, one per reply); returns how many went out. Never raises for a failed send."""
        if not ids:
            return 0
        if self._unmarked:
            await self._mark_sent(())
        async with self.turn(str(chat_id)):
            return await self._send_rows(str(chat_id), [_Claimed(i, 1, r) for i, r in zip(ids, replies, strict=True)])

    async def _send_rows(self, chat_id: str, rows: list[_Claimed]) -> int:
        """Send claimed rows in order, each marked sent once it went; after a failure the rest wait.

        From a third of the hold on, the hold of the rows not sent yet is renewed (`_renew`)."""
        sent = 0
        held = {row.id: row.attempts for row in rows}
        async with self._holding(held):
            for index, row in enumerate(rows):
                outcome = await self._send_one(chat_id, row)
                if isinstance(outcome, Exception):
                    await self._defer(rows[index:], outcome)
                    break
                await self._mark_sent((row.id,))
                del held[row.id]
                sent += outcome
        return sent

    @asynccontextmanager
    async def _holding(self, held: dict[int, int]) -> AsyncIterator[None]:
        """Keep claimed rows (`held`: id -> the attempt count of this claim) held for the block,
        renewing from a third of the hold on (`_renew`); the block removes rows once they are done."""
        every = self.policy.hold / 3
        renewing: list[asyncio.Task[None]] = []
        timer = asyncio.get_running_loop().call_later(
            every, lambda: renewing.append(asyncio.create_task(self._renew(held, every)))
        )
        try:
            yield
        finally:
            timer.cancel()
            for task in renewing:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

    def holding(self, ids: Sequence[int]) -> AbstractAsyncContextManager[None]:
        """Keep an event's rows that its own transaction claimed (`enqueue_held`) held while the
        adapter shows them another way (WeChat's passive reply waits for the push's HTTP answer)."""
        return self._holding(dict.fromkeys(ids, 1))

    async def send_started(self, chat_id: str, replies: Sequence[Reply], send: Callable[[], Awaitable[T]]) -> T | None:
        """A message the bot starts itself (a check-in), in the chat's turn like an event's replies.

        It is queued in a transaction under the person's lock (`Store.serialized`, as an event's),
        and claimed there when the chat has nothing else queued: then `send` sends it at once, in
        this process's turn, and its rows only stood for the turn, so they go when `send` returns
        or raises (the caller's own retry stays the only one). Else earlier replies of the chat are
        queued or being sent (by this process or another), and it waits behind them like a reply,
        sent in order by the outbox: None.

        A check-in of the reminder loop (`services.delivery.HANDOVER`) is handed to the outbox in the
        same transaction, so a process killed mid-send leaves it to the outbox alone; a send that
        raises gives it back to the loop together with taking its rows out.
        """
        chat = str(chat_id)
        async with self.turn(chat):
            now = self.clock()
            handover = HANDOVER.get()
            async with self.store.serialized(self.platform, chat), self.store.transaction() as tx:
                ids, held = await tx.enqueue_held(
                    self.platform, chat, [reply_to_row(r) for r in replies], now, now + timedelta(seconds=self.policy.hold)
                )
                if handover is not None:
                    await handover.take(tx)  # the outbox owns the check-in from this commit on
            if not held:
                await self.drain_after_event(chat, ids)
                return None
            try:
                async with self.holding(ids):
                    outcome = await send()
            except BaseException:
                if handover is None or not handover.taken:
                    await self._mark_sent(ids)
                    raise
                async with self.store.transaction() as tx:  # not sent: the rows go, the claim comes back
                    await tx.outbox_sent(ids)
                    await handover.give_back(tx)
                raise
            await self._mark_sent(ids)
            return outcome

    async def _renew(self, held: dict[int, int], every: float) -> None:
        while held:
            try:
                async with self.store.transaction() as tx:
                    kept = await tx.renew_outbox(dict(held), self.clock() + timedelta(seconds=self.policy.hold))
                if lost := set(held) - set(kept) - self._unmarked:
                    log.warning("outbox: the hold of %d %s row(s) ran out during their send", len(lost), self.platform)
            except Exception as exc:  # noqa: BLE001 - the next turn tries again; the send goes on
                log_failure(log, "renewing an outbox hold failed", exc)
            await asyncio.sleep(every)

    async def _mark_sent(self, ids: Collection[int]) -> None:
        """Delete sent rows, and return once they are gone (group commit: the marks that arrive while
        one delete is being written go in the next one together).

        A delete that fails (the database away) raises, and its ids are kept and deleted first by the
        next drain, so the row is not sent again once its hold runs out: the common case of at least once."""
        self._unmarked.update(ids)
        await self._marks.add(tuple(ids))

    async def _write_marks(self, _: list[int]) -> None:
        """One group commit's delete: every row sent and not yet marked (earlier failed marks included)."""
        marking = set(self._unmarked)
        async with self.store.transaction() as tx:
            await tx.outbox_sent(marking)
        self._unmarked -= marking

    async def drain_after_event(self, chat_id: str, ids: Collection[int] | None) -> int:
        """After an event: send what it queued (`ids`) and what else of the chat is due.

        One process: the whole chat's queue. Several (`policy.settle` > 0): this event's rows, or,
        for an event that queued none (a redelivered update), only rows settled long enough to be
        nobody else's; another process's fresh rows are its own to send or to discard (a question
        it redraws in place would otherwise arrive a second time).
        """
        if self.policy.settle <= 0:
            return await self.drain(chat_id)
        if not ids:
            # A copy of an update applied elsewhere, or by an attempt whose drain failed (the database
            # went away): what that queued goes out once settled; wake the loop to look for it then.
            self._wake.set()
            return await self.drain(chat_id, settled=True)
        left, sent, pauses = set(ids), 0, iter(self.policy.behind)
        while True:
            went = await self.drain(chat_id, left)
            sent += went
            if went == len(left):
                break
            # Still queued and due (not deferred after a failed send): waiting behind an earlier row.
            now = self.clock()
            left = {row.id for row in await self.store.chat_outbox(self.platform, chat_id)
                    if row.id in left and row.due_at <= now}
            pause = next(pauses, None)
            if not left or pause is None:
                break
            await asyncio.sleep(pause)
        return sent

    @asynccontextmanager
    async def shown_elsewhere(self, chat_id: str, ids: Collection[int]) -> AsyncIterator[None]:
        """Hold an event's fresh rows while the adapter tries to show them another way (a question
        redrawn in place, a notice on the tapped button), then give back those still queued, due now.

        The turn keeps this process's loop away, but not another process's: where several share the
        database (`policy.settle` > 0), a call slower than `settle` (a loaded machine, a slow Bot API)
        let another process's loop find the row settled and send it while it was being redrawn, so the
        person saw the question twice. Claimed rows are not due, so no other process takes them; what
        was shown the other way is discarded inside the block, the rest goes to the drain after it.
        """
        held: list[int] = []
        if self.policy.settle > 0 and ids:
            now = self.clock()
            async with self.store.transaction() as tx:
                rows = await tx.claim_outbox(
                    self.platform, str(chat_id), now, now + timedelta(seconds=self.policy.hold), ids
                )
            held = [row.id for row in rows]
        try:
            yield
        finally:
            if held:
                try:
                    async with self.store.transaction() as tx:
                        await tx.defer_outbox(held, self.clock())
                except Exception as exc:  # noqa: BLE001 - they go out once their hold runs out
                    log_failure(log, "outbox: giving back held replies failed", exc)

    async def discard(self, ids: Sequence[int]) -> None:
        """The adapter showed these replies another way (a redrawn question): nothing left to send."""
        await self._mark_sent(ids)

    async def _send_one(self, chat_id: str, row: _Claimed) -> bool | Exception:
        """True when sent, False when given up as undeliverable, the exception when it is worth a retry."""
        try:
            await self.send(chat_id, row.reply)
        except Undeliverable as exc:
            log.warning("outbox: gave up reply %d on %s: %s", row.id, self.platform, exc)
            return False
        except Exception as exc:  # noqa: BLE001 - any failure is retried later; the reply stays queued
            return exc
        return True

    async def _defer(self, rows: list[_Claimed], exc: Exception) -> None:
        """The failed row waits for its back-off; the rows after it are given back to wait behind it."""
        failed = rows[0]
        wait = exc.seconds if isinstance(exc, RetryLater) else self.policy.retry_after(failed.attempts)
        wait = max(wait, self.policy.first_retry)
        now = self.clock()
        log.warning(
            "outbox: sending to a %s chat failed (%s, attempt %d); retrying in %.0fs",
            self.platform, type(exc).__name__, failed.attempts, wait,
        )
        async with self.store.transaction() as tx:
            await tx.defer_outbox([failed.id], now + timedelta(seconds=wait))
            await tx.defer_outbox([r.id for r in rows[1:]], now)
        self._wake.set()

    # --- the background loop ----------------------------------------------------------------

    async def resume(self, chat_id: str | None = None) -> int:
        """At start-up: what the last run left queued (held or waiting) is due now; send it.

        `chat_id` limits it to one chat (the local chat serves one person). Returns how many went out.
        """
        if self.exclusive:
            async with self.store.transaction() as tx:
                await tx.release_outbox(self.platform, self.clock(), chat_id)
        return await self.run_once(chat_id)

    async def start(self, chat_id: str | None = None) -> None:
        """`resume`, then keep retrying what fails in the background until `stop`."""
        await self.resume(chat_id)
        if self._task is None:
            self._task = asyncio.create_task(self._run(chat_id), name=f"outbox-{self.platform}")

    async def stop(self) -> None:
        """Stop retrying; what is still queued stays for the next start."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass

    async def run_once(self, chat_id: str | None = None) -> int:
        """Send every chat's due replies (or one chat's); returns how many went out."""
        settled = self.clock() - timedelta(seconds=self.policy.settle)
        chats = [chat_id] if chat_id is not None else await self.store.outbox_due(self.platform, settled)
        sent = 0
        for chat in chats:
            if self._busy(chat):
                continue  # an event of the chat is being handled: it sends the chat's queue when done
            sent += await self.drain(chat, settled=True)
        return sent

    def _busy(self, chat_id: str) -> bool:
        lock = self._locks.get(str(chat_id))
        return lock is not None and lock.locked()

    async def _run(self, chat_id: str | None) -> None:
        while True:
            try:
                await self._sleep_until_due()
                if not await self.run_once(chat_id):
                    # What looked due was being sent by the events that queued it (under load there is
                    # nearly always such a row): look again a little later, not at once.
                    await asyncio.sleep(self.policy.first_retry)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - a broken store now must not end the retries for good
                log_failure(log, "outbox pass failed", exc)
                await asyncio.sleep(self.policy.first_retry)

    async def _sleep_until_due(self) -> None:
        due = await self.store.next_outbox_due(self.platform)
        wait = self.policy.idle_poll
        if due is not None:
            wait = min(wait, max(0.0, (due - self.clock()).total_seconds() + self.policy.settle))
        self._wake.clear()
        if wait <= 0:
            return
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel that lands as
        # its timeout fires, and stop() then waits for ever (seen with a short idle_poll).
        try:
            async with asyncio.timeout(wait):
                await self._wake.wait()
        except TimeoutError:
            pass
