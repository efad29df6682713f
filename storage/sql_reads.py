"""The reads both stores make the same way, written once.

A store says how to run one query (`_fetch`), how a time is written (`_time`), how rows are
decoded (`ROWS`) and which statements it runs (`SQL`, storage/statements.py); the reads here are
then the same on both. A store's own reads (where the SQL differs) stay in sqlite.py and postgres.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, ClassVar

from storage.codec import decode_json
from storage.protocols import CaseEvent, CaseRow, EvidenceRow, OutboxRow, ReminderRow, StoreTx, User
from storage.rows import RowDecoder
from storage.statements import Statements


class SqlReads:
    """Reads outside any transaction (inside one, through it), and the one-write conveniences."""

    SQL: ClassVar[Statements]
    ROWS: ClassVar[RowDecoder]

    def _time(self, at: datetime) -> Any:
        """A time as the driver takes it."""
        raise NotImplementedError

    async def _fetch(self, sql: str, *args: Any) -> Sequence[Sequence[Any]]:
        """Every row the query returns."""
        raise NotImplementedError

    def transaction(self) -> AbstractAsyncContextManager[StoreTx]:
        raise NotImplementedError

    async def get_or_create_user(self, platform: str, external_id: str, lang: str, at: datetime) -> User:
        """Find the user, or create it with `lang`; a known user costs one read, no write."""
        rows = await self._fetch(self.SQL.user_by_key, platform, str(external_id))
        if rows:
            return self.ROWS.user(rows[0])
        async with self.transaction() as tx:
            return await tx.get_or_create_user(platform, external_id, lang, at)

    async def user_with_session(
        self, platform: str, external_id: str, lang: str, at: datetime
    ) -> tuple[User, dict[str, Any] | None, int]:
        """The user (created with `lang` if new) and their saved state with its version (None, 0 for none)."""
        rows = await self._fetch(self.SQL.user_session_by_key, platform, str(external_id))
        if not rows:
            user = await self.get_or_create_user(platform, external_id, lang, at)
            return (user, *await self.load_session_version(user.id))
        row = rows[0]
        state = decode_json(row[5]) if row[5] is not None else None
        return self.ROWS.user(row[:5]), state, int(row[6] or 0)

    async def get_user(self, user_id: int) -> User | None:
        """The user with this id, or None."""
        rows = await self._fetch(self.SQL.user_by_id, user_id)
        return self.ROWS.user(rows[0]) if rows else None

    async def set_user_lang(self, user_id: int, lang: str) -> None:
        """Change the user's language in a transaction of its own."""
        async with self.transaction() as tx:
            await tx.set_user_lang(user_id, lang)

    async def set_user_timezone(self, user_id: int, tz: str | None) -> None:
        """Change the user's time zone in a transaction of its own."""
        async with self.transaction() as tx:
            await tx.set_user_timezone(user_id, tz)

    async def load_session(self, user_id: int) -> dict[str, Any] | None:
        """The user's saved conversation state, or None."""
        rows = await self._fetch(self.SQL.load_session, user_id)
        return decode_json(rows[0][0]) if rows else None

    async def load_session_version(self, user_id: int) -> tuple[dict[str, Any] | None, int]:
        """The saved state with its version (0 when there is none)."""
        rows = await self._fetch(self.SQL.load_session_version, user_id)
        return (decode_json(rows[0][0]), int(rows[0][1])) if rows else (None, 0)

    async def list_cases(self, user_id: int) -> list[CaseRow]:
        """The user's cases, newest first."""
        return [self.ROWS.case(row) for row in await self._fetch(self.SQL.list_cases, user_id)]

    async def get_case(self, case_id: int, user_id: int) -> CaseRow | None:
        """The case if it belongs to this user; None otherwise (other users' cases stay hidden)."""
        rows = await self._fetch(self.SQL.get_case, case_id, user_id)
        return self.ROWS.case(rows[0]) if rows else None

    async def case_answers(self, case_id: int) -> dict[str, Any]:
        """Step id -> answered value for one case."""
        return {step_id: decode_json(value) for step_id, value in await self._fetch(self.SQL.case_answers, case_id)}

    async def case_evidence(self, case_id: int) -> list[EvidenceRow]:
        """The case's evidence in the order it arrived."""
        return [self.ROWS.evidence(row) for row in await self._fetch(self.SQL.case_evidence, case_id)]

    async def case_events(self, case_id: int) -> list[CaseEvent]:
        """The case's history, oldest first."""
        return [self.ROWS.event(row) for row in await self._fetch(self.SQL.case_events, case_id)]

    async def is_processed(self, platform: str, update_id: int | str) -> bool:
        """Whether this platform update id was already claimed by mark_processed."""
        return bool(await self._fetch(self.SQL.is_processed, platform, str(update_id)))

    async def chat_outbox(self, platform: str, chat_id: str) -> list[OutboxRow]:
        """Every queued reply of the chat, in order, whether due or not."""
        return [self.ROWS.outbox(row) for row in await self._fetch(self.SQL.chat_outbox, platform, str(chat_id))]

    async def outbox_due(self, platform: str, now: datetime) -> list[str]:
        """The chats of the platform with a row due at `now`."""
        return [row[0] for row in await self._fetch(self.SQL.outbox_due, platform, self._time(now))]

    async def next_outbox_due(self, platform: str) -> datetime | None:
        """When the platform's earliest queued row falls due."""
        rows = await self._fetch(self.SQL.next_outbox_due, platform)
        return self.ROWS.optional_time(rows[0][0]) if rows else None

    async def get_reminder(self, reminder_id: int, user_id: int) -> ReminderRow | None:
        """The reminder if it belongs to this user; None otherwise (forged ids find nothing)."""
        rows = await self._fetch(self.SQL.get_reminder, reminder_id, user_id)
        return self.ROWS.reminder(rows[0]) if rows else None

    async def case_reminders(self, case_id: int) -> list[ReminderRow]:
        """Every reminder of a case, in schedule order, whatever its status."""
        return [self.ROWS.reminder(row) for row in await self._fetch(self.SQL.case_reminders, case_id)]
