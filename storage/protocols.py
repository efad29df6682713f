"""Storage ports: the row types and the small protocols the application layer depends on.

Every implementation (SQLite, PostgreSQL) must pass the contract suite in
tests/storage, which is written against these protocols only.

Contract notes that the type signatures cannot say:
- Timestamps go in as timezone-aware datetimes (naive ones are rejected with ValueError)
  and come back as aware datetimes in UTC.
- Reads see committed data only, except inside the task that holds an open transaction,
  which also sees its own uncommitted writes.
- Isolation between users is enforced by `get_case` / `list_cases`; the per-case reads
  (`case_answers`, `case_evidence`, `case_events`) trust a case id the caller obtained there.
- A transaction is one atomic unit: commit when the block exits, rollback when it raises.
  Transactions never nest; opening one inside another in the same task raises RuntimeError.
- The update journal keeps an update from `journal_updates` until it is forgotten or pruned;
  journaling an update that is already there changes nothing (its attempts count stays).
- Every `save_session` raises the session's version by one; with `expected_version` it saves only
  if the stored version is still that one (no row counts as version 0), else raises
  SessionConflict and the transaction must end (it rolls back).
- The outbox gives a chat's replies back in the order they were queued: `claim_outbox` takes due
  rows from the oldest on and stops before the first that is not due, so a reply waiting for its
  retry holds back the ones after it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class User:
    """A person on one platform; (platform, external_id) is unique."""

    id: int
    platform: str
    external_id: str
    lang: str
    timezone: str | None


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One complaint case; answers, evidence and events hang off it."""

    id: int
    user_id: int
    status: str
    jurisdiction: str | None
    issue_type: str | None
    channel: str | None
    reference: str | None
    filed_at: datetime | None
    draft: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """Metadata of one evidence file attached to a case; the bytes live in the file store."""

    id: int
    case_id: int
    sha256: str
    kind: str
    mime: str
    size: int
    filename: str | None
    stored_path: str
    caption: str | None
    origin: dict[str, Any] | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class CaseEvent:
    """An entry in a case's history (created, drafted, filed, reminder answered, ...)."""

    id: int
    case_id: int
    at: datetime
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class StoredFile:
    """Where the evidence file store put some bytes; rel_path is what the database keeps."""

    sha256: str
    size: int
    rel_path: str


@dataclass(frozen=True, slots=True)
class NewEvidence:
    """What `StoreTx.add_evidence` needs; `received_at` is the `at` passed with it."""

    sha256: str
    kind: str
    mime: str
    size: int
    stored_path: str
    filename: str | None = None
    caption: str | None = None
    origin: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ReminderRow:
    """A message the bot will start itself about a case (a check-in, a note, a nudge to file).

    `due_at` is wall-clock time, what the delivery loop compares with its clock; `sched_at` is the
    same moment in schedule time (they differ only when REMINDER_TIME_SCALE is not 1).
    """

    id: int
    case_id: int
    user_id: int
    kind: str
    due_at: datetime
    sched_at: datetime
    status: str
    attempts: int
    data: dict[str, Any]
    created_at: datetime
    claimed_at: datetime | None
    sent_at: datetime | None
    closed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NewReminder:
    """What `ReminderTx.add_reminder` needs; the row starts as 'pending'."""

    case_id: int
    user_id: int
    kind: str
    due_at: datetime
    sched_at: datetime
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InboundUpdate:
    """A platform update as it arrived, for `StoreTx.journal_updates`; `payload` is its JSON object."""

    update_id: int
    chat_id: str | None
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class JournaledUpdate:
    """An update in the journal: received, and not yet known to be handled.

    `attempts` counts the start-ups that replayed it (`StoreTx.claim_journal`).
    """

    update_id: int
    chat_id: str | None
    payload: dict[str, Any]
    received_at: datetime
    attempts: int


class SessionConflict(Exception):
    """The session was saved by someone else since it was read: the save is refused."""


@dataclass(frozen=True, slots=True)
class OutboxRow:
    """A reply waiting to be sent: `reply` is its JSON object, `due_at` when it may be tried next."""

    id: int
    platform: str
    chat_id: str
    reply: dict[str, Any]
    created_at: datetime
    due_at: datetime
    attempts: int


class StoreTx(Protocol):
    """The writes, all inside one transaction opened by `Store.transaction()`."""

    async def get_or_create_user(
        self, platform: str, external_id: str, lang: str, at: datetime
    ) -> User: ...

    async def set_user_lang(self, user_id: int, lang: str) -> None: ...

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None: ...

    async def save_session(
        self, user_id: int, state: dict[str, Any], at: datetime, expected_version: int | None = None
    ) -> int:
        """Replace the state; returns the new version (raises SessionConflict, see the notes above)."""
        ...

    async def create_case(
        self, user_id: int, at: datetime, jurisdiction: str | None = None
    ) -> int: ...

    async def update_case(self, case_id: int, at: datetime, **fields: Any) -> None: ...

    async def save_answer(self, case_id: int, step_id: str, value: Any, at: datetime) -> None: ...

    async def add_evidence(
        self, case_id: int, record: NewEvidence, at: datetime
    ) -> tuple[int, bool]: ...

    async def add_event(
        self, case_id: int, kind: str, data: dict[str, Any], at: datetime
    ) -> int: ...

    async def mark_processed(self, platform: str, update_id: int | str, at: datetime) -> bool: ...

    async def prune_processed(self, before: datetime) -> int: ...

    async def delete_case(self, case_id: int) -> list[str]: ...

    async def journal_updates(
        self, platform: str, updates: Sequence[InboundUpdate], at: datetime
    ) -> int: ...

    async def forget_updates(self, platform: str, update_ids: Collection[int]) -> int: ...

    async def renew_journal(self, platform: str, update_ids: Collection[int], at: datetime) -> int:
        """Several processes: stamp updates this process still has in hand (queued or being handled)
        as claimed at `at`, so another process's sweep leaves them alone while it lives."""
        ...

    async def forget_chat_updates(
        self, platform: str, chat_id: str, up_to: int | None = None
    ) -> int: ...

    async def claim_journal(
        self,
        platform: str,
        at: datetime | None = None,
        *,
        claimed_before: datetime | None = None,
        received_before: datetime | None = None,
    ) -> list[JournaledUpdate]:
        """Count a replay for the platform's rows and stamp them claimed `at`; with `claimed_before`,
        only rows never claimed or claimed before it; with `received_before`, only rows received
        before it. A row another transaction is claiming is skipped."""
        ...

    async def prune_journal(self, before: datetime) -> int: ...

    async def enqueue_replies(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime
    ) -> list[int]:
        """Queue replies for a chat, due at once; returns their ids in order."""
        ...

    async def enqueue_held(
        self, platform: str, chat_id: str, replies: Sequence[dict[str, Any]], at: datetime, hold_until: datetime
    ) -> tuple[list[int], bool]:
        """Queue replies that the caller sends itself as soon as this transaction commits.

        When the chat has nothing else queued, the rows are claimed here (held until `hold_until`,
        one attempt counted, as `claim_outbox` would), which spares the sender a claim of its own;
        else they are due at once, behind the chat's earlier rows. Returns their ids in order and
        whether they are held."""
        ...

    async def renew_outbox(self, held: Mapping[int, int], hold_until: datetime) -> list[int]:
        """Extend the hold of rows still being sent (`held`: id -> the attempt count the sender's
        claim left on it) to `hold_until`; a row another sender has claimed since (its count moved
        on) or that is gone is left alone. Returns the ids whose hold was extended."""
        ...

    async def claim_outbox(
        self,
        platform: str,
        chat_id: str,
        now: datetime,
        hold_until: datetime,
        ids: Collection[int] | None = None,
    ) -> list[OutboxRow]:
        """Take the chat's due rows (of `ids` only, if given) in order, hold them until `hold_until`
        and count an attempt on each; stops before the chat's first row that is not due."""
        ...

    async def outbox_sent(self, ids: Collection[int]) -> int:
        """Sent (or given up): the rows go."""
        ...

    async def defer_outbox(self, ids: Collection[int], due_at: datetime) -> int:
        """Try these rows again at `due_at` (a failed send, or rows given back unsent)."""
        ...

    async def bring_forward_outbox(self, platform: str, chat_id: str, now: datetime) -> int:
        """The person wrote again: make due now the chat's rows that wait for a retry or for them
        (deferred), but never a row a sender holds; returns how many. Atomic against a claim: a row
        claimed meanwhile (by any process) is no longer deferred and is left alone."""
        ...

    async def release_outbox(self, platform: str, now: datetime, chat_id: str | None = None) -> int:
        """At a start: make every held or deferred row of the platform (or chat) due now."""
        ...

    async def forget_chat_outbox(self, platform: str, chat_id: str) -> int:
        """/delete: drop every reply still queued for the chat (they may quote the erased case)."""
        ...


class Store(Protocol):
    """Reads, a few self-contained user writes, and the door to a write transaction."""

    def transaction(self) -> AbstractAsyncContextManager[StoreTx]: ...

    def serialized(self, platform: str, key: str) -> AbstractAsyncContextManager[None]:
        """Around one event of one person: the same person's events of every process wait for it."""
        ...

    async def get_or_create_user(
        self, platform: str, external_id: str, lang: str, at: datetime
    ) -> User: ...

    async def user_with_session(
        self, platform: str, external_id: str, lang: str, at: datetime
    ) -> tuple[User, dict[str, Any] | None, int]:
        """`get_or_create_user` and the user's `load_session_version` together: one read for a known user."""
        ...

    async def get_user(self, user_id: int) -> User | None: ...

    async def set_user_lang(self, user_id: int, lang: str) -> None: ...

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None: ...

    async def load_session(self, user_id: int) -> dict[str, Any] | None: ...

    async def load_session_version(self, user_id: int) -> tuple[dict[str, Any] | None, int]:
        """The saved state with its version (0 when there is none)."""
        ...

    async def list_cases(self, user_id: int) -> list[CaseRow]: ...

    async def get_case(self, case_id: int, user_id: int) -> CaseRow | None: ...

    async def case_answers(self, case_id: int) -> dict[str, Any]: ...

    async def case_evidence(self, case_id: int) -> list[EvidenceRow]: ...

    async def case_events(self, case_id: int) -> list[CaseEvent]: ...

    async def is_processed(self, platform: str, update_id: int | str) -> bool: ...

    async def chat_outbox(self, platform: str, chat_id: str) -> list[OutboxRow]:
        """Every queued reply of the chat, in order, whether due or not."""
        ...

    async def outbox_due(self, platform: str, now: datetime) -> list[str]:
        """The chats of the platform with a row due at `now`."""
        ...

    async def next_outbox_due(self, platform: str) -> datetime | None:
        """When the platform's earliest queued row falls due."""
        ...

    async def scrub(self) -> None:
        """After /delete: leave no copy of the erased rows in the store's pages and journals.

        SQLite overwrites the freed space at once; PostgreSQL frees the rows at once and leaves
        their bytes in free space until the nightly `compact()` (README.md, Erasure)."""
        ...


class ReminderTx(StoreTx, Protocol):
    """Reminder writes, inside the same transaction as the case writes they go with.

    Status moves only forward along pending -> claimed -> sent -> answered (plus cancelled and
    failed), and each method changes a row only from the states it names, so a stale or
    repeated call changes nothing and says so by its return value.
    """

    async def add_reminder(self, reminder: NewReminder, at: datetime) -> int: ...

    async def cancel_reminders(
        self, case_id: int, at: datetime, kinds: Collection[str] | None = None
    ) -> int: ...

    async def claim_reminders(
        self,
        now: datetime,
        limit: int,
        platforms: Collection[str],
        *,
        lease_expired_before: datetime | None = None,
        max_attempts: int = 5,
        user_ids: Collection[int] | None = None,
    ) -> list[ReminderRow]: ...

    async def finish_reminder(self, reminder_id: int, status: str, at: datetime) -> bool: ...

    async def return_reminder(self, reminder_id: int) -> bool:
        """A reminder marked sent when its check-in was handed to the outbox, whose send then failed
        before it went: claimed again (as it was), so the loop's retry and lease cover it."""
        ...

    async def defer_reminder(
        self, reminder_id: int, due_at: datetime, sched_at: datetime
    ) -> bool: ...

    async def answer_reminder(self, reminder_id: int, at: datetime) -> bool: ...


class ReminderStore(Store, Protocol):
    """A Store that also keeps the reminder schedule."""

    def transaction(self) -> AbstractAsyncContextManager[ReminderTx]: ...

    async def get_reminder(self, reminder_id: int, user_id: int) -> ReminderRow | None: ...

    async def case_reminders(self, case_id: int) -> list[ReminderRow]: ...

    async def next_reminder_due(
        self, platforms: Collection[str], user_ids: Collection[int] | None = None
    ) -> datetime | None: ...


class EvidenceFileStore(Protocol):
    """Content-addressed storage of evidence bytes, named by hash and never by the user."""

    async def put_file(self, src: Path) -> StoredFile: ...

    async def put_bytes(self, data: bytes) -> StoredFile: ...

    def open_path(self, rel_path: str) -> Path: ...

    async def remove(self, rel_path: str) -> None: ...

    def new_temp_path(self) -> Path: ...

    async def adopt_temp(self, tmp_path: Path, sha256: str, size: int) -> StoredFile: ...

    async def discard_temp(self, tmp_path: Path) -> None: ...
