"""Persistence: storage protocols, the SQLite store and the content-addressed evidence files.

The PostgreSQL store is `storage.postgres.PostgresStore`, imported from there so that SQLite
deployments never load asyncpg.
"""

from storage.files import EvidenceFiles
from storage.migrate import MigrationError
from storage.protocols import (
    CaseEvent,
    CaseRow,
    EvidenceFileStore,
    EvidenceRow,
    InboundUpdate,
    JournaledUpdate,
    NewEvidence,
    NewReminder,
    OutboxRow,
    ReminderRow,
    ReminderStore,
    ReminderTx,
    SessionConflict,
    Store,
    StoredFile,
    StoreTx,
    User,
)
from storage.sqlite import SqliteStore

__all__ = [
    "CaseEvent",
    "CaseRow",
    "EvidenceFileStore",
    "EvidenceFiles",
    "EvidenceRow",
    "InboundUpdate",
    "JournaledUpdate",
    "MigrationError",
    "NewEvidence",
    "NewReminder",
    "OutboxRow",
    "ReminderRow",
    "ReminderStore",
    "ReminderTx",
    "SessionConflict",
    "SqliteStore",
    "Store",
    "StoreTx",
    "StoredFile",
    "User",
]
