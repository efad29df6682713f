"""What the Telegram and WeChat bots under test share: a bot on a data dir that a test stops and starts
again (a restart), and peeks into its SQLite database."""
from __future__ import annotations

import sqlite3
from contextlib import AsyncExitStack
from pathlib import Path
from types import TracebackType
from typing import Any, Generic, TypeVar

from app.bootstrap import App

BotT = TypeVar("BotT")
SelfT = TypeVar("SelfT", bound="Restartable[Any]")


class Restartable(Generic[BotT]):
    """A subclass's `start` builds `app` and enters the bot's running contexts on `_stack`; `stop`
    unwinds them and closes the app, so a start after it is a restart on the same data. `async with`
    gives the bot not yet started and stops it when the block ends, started or not (a fixture's
    clean-up)."""

    data_dir: Path
    app: App | None = None
    _stack: AsyncExitStack | None = None

    async def start(self) -> BotT:
        raise NotImplementedError

    async def stop(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
            self._stack = None
        if self.app is not None:
            await self.app.close()
            self.app = None

    async def __aenter__(self: SelfT) -> SelfT:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def restart(self) -> BotT:
        await self.stop()
        return await self.start()

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "bot.sqlite3")

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return conn.execute(sql, args).fetchall()
