"""What the Telegram and WeChat bots under test share: a bot on a data dir that a test stops and starts
again (a restart), and peeks into its SQLite database."""
from __future__ import annotations

import sqlite3
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any, Generic, TypeVar

from app.bootstrap import App

BotT = TypeVar("BotT")


class Restartable(Generic[BotT]):
    """A subclass's `start` builds `app` and enters the bot's running contexts on `_stack`; `stop`
    unwinds them and closes the app, so a start after it is a restart on the same data."""

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

    async def restart(self) -> BotT:
        await self.stop()
        return await self.start()

    def db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.data_dir / "bot.sqlite3")

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.db() as conn:
            return conn.execute(sql, args).fetchall()
