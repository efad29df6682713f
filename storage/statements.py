"""The SQL both stores run, each statement written once.

SQLite takes the statements as they are here, with `?` placeholders; the PostgreSQL store takes
`POSTGRES`, the same statements with the placeholders numbered (`$1`, `$2`, ...), made once at
import. Only statements whose text is the same on both belong here; where the backends really
differ (PostgreSQL's arrays and SKIP LOCKED claims, SQLite's IN lists) each store keeps its own.
A `{column}` in a statement is filled in by the caller from a fixed set of column names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache

from storage.rows import (
    CASE_COLUMNS,
    EVENT_COLUMNS,
    EVIDENCE_COLUMNS,
    OUTBOX_COLUMNS,
    REMINDER_COLUMNS,
    USER_COLUMNS,
)

_SAVE_SESSION = (
    "INSERT INTO sessions (user_id, state, updated_at, version) VALUES (?, ?, ?, 1) "
    "ON CONFLICT (user_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, "
    "version = sessions.version + 1"
)
_FORGET_CHAT_UPDATES = "DELETE FROM update_journal WHERE platform = ? AND chat_id = ?"
_RELEASE_OUTBOX = "UPDATE outbox SET due_at = ?, deferred = 0 WHERE platform = ? AND due_at > ?"


@dataclass(frozen=True)
class Statements:
    """Every statement the two stores share, by what it does."""

    # users
    insert_user: str = (
        "INSERT INTO users (platform, external_id, lang, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (platform, external_id) DO NOTHING"
    )
    user_by_key: str = f"SELECT {USER_COLUMNS} FROM users WHERE platform = ? AND external_id = ?"
    user_by_id: str = f"SELECT {USER_COLUMNS} FROM users WHERE id = ?"
    user_session_by_key: str = (
        "SELECT u.id, u.platform, u.external_id, u.lang, u.timezone, s.state, s.version "
        "FROM users u LEFT JOIN sessions s ON s.user_id = u.id WHERE u.platform = ? AND u.external_id = ?"
    )
    set_user_lang: str = "UPDATE users SET lang = ? WHERE id = ?"
    set_user_timezone: str = "UPDATE users SET timezone = ? WHERE id = ?"
    # sessions: (user_id, state, updated_at)
    save_session: str = _SAVE_SESSION + " RETURNING version"
    # A save that read version N: insert when there was no row (N = 0), else update only if still N.
    # On PostgreSQL at READ COMMITTED a concurrent save holds the row lock; this one waits, then
    # checks the version again on the row as committed, so of two saves from N only the first succeeds.
    save_first_session: str = _SAVE_SESSION + " WHERE sessions.version = 0 RETURNING version"
    save_session_version: str = (
        "UPDATE sessions SET state = ?, updated_at = ?, version = version + 1 "
        "WHERE user_id = ? AND version = ? RETURNING version"
    )
    load_session: str = "SELECT state FROM sessions WHERE user_id = ?"
    load_session_version: str = "SELECT state, version FROM sessions WHERE user_id = ?"
    # cases and what hangs on them
    insert_case: str = (
        "INSERT INTO cases (user_id, jurisdiction, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id"
    )
    list_cases: str = f"SELECT {CASE_COLUMNS} FROM cases WHERE user_id = ? ORDER BY created_at DESC, id DESC"
    get_case: str = f"SELECT {CASE_COLUMNS} FROM cases WHERE id = ? AND user_id = ?"
    delete_case: str = "DELETE FROM cases WHERE id = ?"
    save_answer: str = (
        "INSERT INTO answers (case_id, step_id, value, answered_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (case_id, step_id) DO UPDATE "
        "SET value = excluded.value, answered_at = excluded.answered_at"
    )
    case_answers: str = "SELECT step_id, value FROM answers WHERE case_id = ? ORDER BY step_id"
    # No row back when the case has this file already.
    insert_evidence: str = (
        "INSERT INTO evidence (case_id, sha256, kind, mime, size, filename, stored_path, caption, "
        "origin, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (case_id, sha256) DO NOTHING RETURNING id"
    )
    evidence_id: str = "SELECT id FROM evidence WHERE case_id = ? AND sha256 = ?"
    case_evidence: str = f"SELECT {EVIDENCE_COLUMNS} FROM evidence WHERE case_id = ? ORDER BY id"
    delete_case_evidence: str = "DELETE FROM evidence WHERE case_id = ? RETURNING stored_path"
    insert_event: str = "INSERT INTO case_events (case_id, at, kind, data) VALUES (?, ?, ?, ?) RETURNING id"
    case_events: str = f"SELECT {EVENT_COLUMNS} FROM case_events WHERE case_id = ? ORDER BY at, id"
    # platform updates: applied once, journaled until handled
    mark_processed: str = (
        "INSERT INTO processed_updates (platform, update_id, at) VALUES (?, ?, ?) "
        "ON CONFLICT (platform, update_id) DO NOTHING"
    )
    is_processed: str = "SELECT 1 FROM processed_updates WHERE platform = ? AND update_id = ?"
    prune_processed: str = "DELETE FROM processed_updates WHERE at < ?"
    forget_chat_updates: str = _FORGET_CHAT_UPDATES
    forget_chat_updates_up_to: str = _FORGET_CHAT_UPDATES + " AND update_id <= ?"
    prune_journal: str = "DELETE FROM update_journal WHERE received_at < ?"
    # reminders
    insert_reminder: str = (
        "INSERT INTO reminders (case_id, user_id, kind, due_at, sched_at, data, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id"
    )
    get_reminder: str = f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE id = ? AND user_id = ?"
    case_reminders: str = f"SELECT {REMINDER_COLUMNS} FROM reminders WHERE case_id = ? ORDER BY sched_at, id"
    finish_reminder: str = "UPDATE reminders SET status = ?, {column} = ? WHERE id = ? AND status = 'claimed'"
    return_reminder: str = "UPDATE reminders SET status = 'claimed', sent_at = NULL WHERE id = ? AND status = 'sent'"
    defer_reminder: str = (
        "UPDATE reminders SET status = 'pending', due_at = ?, sched_at = ?, claimed_at = NULL "
        "WHERE id = ? AND status = 'claimed'"
    )
    answer_reminder: str = (
        "UPDATE reminders SET status = 'answered', closed_at = ? WHERE id = ? AND status IN ('sent', 'claimed')"
    )
    # the outbox
    chat_outbox: str = f"SELECT {OUTBOX_COLUMNS} FROM outbox WHERE platform = ? AND chat_id = ? ORDER BY id"
    outbox_due: str = "SELECT DISTINCT chat_id FROM outbox WHERE platform = ? AND due_at <= ? ORDER BY chat_id"
    next_outbox_due: str = "SELECT min(due_at) FROM outbox WHERE platform = ?"
    # (hold_until, platform, chat_id, now, platform, chat_id, now): due rows up to the first not due.
    claim_outbox: str = (
        "UPDATE outbox SET due_at = ?, attempts = attempts + 1, deferred = 0 "
        "WHERE platform = ? AND chat_id = ? AND due_at <= ? AND id < coalesce(("
        "SELECT min(id) FROM outbox WHERE platform = ? AND chat_id = ? AND due_at > ?), 9223372036854775807)"
    )
    # (hold_until, id, attempts): only while the row is still the sender's own claim.
    renew_outbox: str = "UPDATE outbox SET due_at = ? WHERE id = ? AND attempts = ?"
    release_outbox: str = _RELEASE_OUTBOX
    # (now, platform, chat_id): rows no sender holds (deferred) due now; a row claimed since is not deferred.
    bring_forward_outbox: str = "UPDATE outbox SET due_at = ?, deferred = 0 WHERE platform = ? AND chat_id = ? AND deferred = 1"
    release_chat_outbox: str = _RELEASE_OUTBOX + " AND chat_id = ?"
    forget_chat_outbox: str = "DELETE FROM outbox WHERE platform = ? AND chat_id = ?"

    def numbered(self) -> Statements:
        """The same statements with PostgreSQL's numbered placeholders."""
        return replace(self, **{f.name: numbered(getattr(self, f.name)) for f in fields(self)})


_MARK = re.compile(r"\?")


@lru_cache(maxsize=512)
def numbered(sql: str) -> str:
    """`?` placeholders as `$1`, `$2`, ... in order (no statement here has a `?` in a literal).

    Cached: the PostgreSQL store numbers the few statements it builds with `?` on every call."""
    counter = iter(range(1, sql.count("?") + 1))
    return _MARK.sub(lambda _: f"${next(counter)}", sql)


SQLITE = Statements()
POSTGRES = SQLITE.numbered()
