"""Wiring in one place: flows, channel knowledge, storage and the conversation service."""
from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from app.logsafe import install_redaction, url_without_password
from app.settings import Settings
from engine import COMPILED
from engine.engine import Engine
from engine.loader import FlowError, load_flow
from engine.model import Flow
from services.channel_advice import CatalogAdvisor
from services.complaint_drafter import CatalogDrafter
from knowledge.catalog import Catalog, CatalogError, load_catalog
from knowledge.regions import regions_from
from services.reading import ImageReader
from services.conversation import ConversationService, utcnow
from services.delivery import Outboxes
from services.commands import Commands, command_list
from services.export import EvidenceExporter, remove_exports
from services.followup import FollowUp
from services.followup.scheduler import ReminderScheduler, SchedulerConfig
from services.rules_command import rules_command
from services.followup.due import TimeScale
from storage.files import EvidenceFiles
from storage.sqlite import SqliteStore

if TYPE_CHECKING:
    from storage.postgres import PostgresStore

log = logging.getLogger(__name__)


# Loggers that write SQL parameters, whole updates or request bodies at DEBUG: the libraries', and the
# SQLite statements the store runs on the event loop instead of aiosqlite's thread (storage/sqlite_conn.py).
LIBRARY_LOGGERS = (
    "aiosqlite", "asyncpg", "telegram", "httpx", "httpcore", "aiohttp", "tornado", "hpack", "wechatpy",
    "urllib3", "PIL", "fontTools", "reportlab", "asyncio", "storage.sqlite_conn",
)


class DefinitionError(Exception):
    """flows.yaml or channels.yaml cannot be used; the message lists every problem."""


@dataclass
class App:
    settings: Settings
    flow: Flow
    catalog: Catalog
    store: SqliteStore | PostgresStore
    files: EvidenceFiles
    service: ConversationService
    outboxes: Outboxes
    followup: FollowUp
    scheduler: ReminderScheduler

    async def start_background(self, users: Collection[int] | None = None) -> None:
        """Start the reminder loop; it delivers through the outboxes registered so far (and later).

        `users` limits it to some people (the local chat serves one); adapters leave it None.
        """
        self.scheduler.start(users)

    async def stop_background(self) -> None:
        """Stop the reminder loop after the reminder it is sending; unsent claims go back to pending."""
        await self.scheduler.stop()

    async def close(self) -> None:
        await self.stop_background()
        if self.service.image_reader is not None:
            self.service.image_reader.close()
        await self.store.close()


def load_definitions(settings: Settings) -> tuple[Flow, Catalog]:
    """Load and check both definition files, reporting every problem of both at once."""
    problems: list[str] = []
    flow = catalog = None
    try:
        flow = load_flow(settings.flows_path)
    except FlowError as exc:
        problems += [str(p) for p in exc.problems]
    try:
        catalog = load_catalog(settings.channels_path)
    except CatalogError as exc:
        problems += [str(p) for p in exc.problems]
    if problems or flow is None or catalog is None:
        raise DefinitionError("\n".join(problems))
    return flow, catalog


def setup_logging(settings: Settings) -> None:
    """Logs go to stderr (stdout belongs to the local chat), with phone numbers and tokens masked."""
    logging.basicConfig(
        level=getattr(logging, settings.log_level, logging.WARNING),
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name in LIBRARY_LOGGERS:
        logging.getLogger(name).setLevel(logging.NOTSET if settings.log_libraries else logging.WARNING)
    install_redaction(settings.secrets)


def private_folder(path: Path) -> None:
    """DATA_DIR holds people's cases and files: only the bot's own user may enter it, whatever the umask."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)


async def open_store(settings: Settings) -> SqliteStore | PostgresStore:
    """SQLite in DATA_DIR, unless DATABASE_URL names the PostgreSQL server several bot processes share."""
    if settings.database_url is None:
        return await SqliteStore(settings.data_dir).open()
    # Imported here so that SQLite deployments never load asyncpg.
    from storage.postgres import PostgresStore

    log.info("storage: PostgreSQL at %s", url_without_password(settings.database_url))
    store = await PostgresStore(settings.database_url).open()
    try:
        await store.check_shared_data_dir(settings.data_dir)
    except BaseException:
        await store.close()
        raise
    return store


async def build_app(settings: Settings, clock: Callable[[], datetime] = utcnow) -> App:
    flow, catalog = load_definitions(settings)
    private_folder(settings.data_dir)
    store = await open_store(settings)
    files = EvidenceFiles(settings.data_dir / "evidence")
    # Nothing is downloading yet: a partial download here was left by a crash (it may hold the
    # first megabytes of someone's file).
    await asyncio.to_thread(files.clean_temp)
    commands = Commands()
    engine = Engine(flow, CatalogAdvisor(catalog), commands_help=commands.help_text, regions=regions_from(catalog))
    log.info("engine: %s", "compiled (mypyc)" if COMPILED else "interpreted (no build of these sources: ./run.sh makes one)")
    service = ConversationService(store, files, engine, CatalogDrafter(catalog), clock=clock, commands=commands)
    if settings.ocr_enabled:
        # The model loads in the worker thread on the first screenshot, not at start-up.
        service.image_reader = ImageReader()
    export_dir = settings.data_dir / "exports"

    async def erase_exports(user_id: int, case_id: int) -> None:
        await asyncio.to_thread(remove_exports, export_dir, user_id, case_id)
        await asyncio.to_thread(files.clean_temp)

    service.erase_hooks.append(erase_exports)
    followup = FollowUp(service, store, catalog, TimeScale(settings.reminder_time_scale))
    commands.add(command_list(
        followup=followup,
        export=EvidenceExporter(catalog, export_dir, settings.cjk_font_path),
        rules=rules_command(catalog),
    ))
    outboxes = Outboxes()
    config = SchedulerConfig(rate_per_second=settings.reminder_rate_per_second)
    scheduler = ReminderScheduler(store, outboxes, followup, clock, config)
    return App(settings, flow, catalog, store, files, service, outboxes, followup, scheduler)
