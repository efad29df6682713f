"""What every store and its transactions share, whatever the database behind them."""
from __future__ import annotations

from types import TracebackType
from typing import Generic, TypeVar

Conn = TypeVar("Conn")
S = TypeVar("S", bound="OpenCloseStore")


class OpenCloseStore:
    """`async with Store(...) as store:` opens it and closes it at the end of the block."""

    async def open(self: S) -> S:
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self: S) -> S:
        return await self.open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class FinishableTx(Generic[Conn]):
    """Writes of one transaction on one connection; dead once the block exits."""

    def __init__(self, connection: Conn) -> None:
        self._connection: Conn | None = connection

    def finish(self) -> None:
        """Called by the store when the block exits, so a leaked tx cannot write later."""
        self._connection = None

    @property
    def _conn(self) -> Conn:
        if self._connection is None:
            raise RuntimeError("this transaction has already finished")
        return self._connection
