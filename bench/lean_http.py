"""HTTP/1.1 in a few lines on raw asyncio protocols, for the benchmark's own side (not the product).

bench.scaling's driver plays Telegram (the webhook POSTs) and the Bot API (the bots' calls) in one
process, and every microsecond it spends is taken from the two cores the bots and PostgreSQL share.
aiohttp's client and server build a request object, a header multidict, a response object and a
task per message; here a message is framed by `Content-Length` only (what both peers send: nginx
and the bots' aiohttp client), read from one bytearray, and answered with one write. Keep-alive is
the rule; a peer's `Connection: close` is honoured. Chunked bodies are refused (nothing here sends
them), so a surprise shows as an error, not as a hang.
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           411: "Length Required", 500: "Internal Server Error", 502: "Bad Gateway"}


class FramingError(ValueError):
    """A message this framing does not read (no Content-Length on a body, chunked, a bad start line)."""


@dataclass(slots=True)
class Message:
    """One request or response: its start line split in three, the headers we read, and the body."""

    start: tuple[str, str, str]  # (method, target, version) or (version, status, reason)
    content_type: str
    close: bool
    body: bytes
    headers: dict[str, str]


def take_message(buffer: bytearray) -> Message | None:
    """The first whole message in `buffer`, removed from it; None while it is incomplete."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = buffer[:end].decode("latin-1").split("\r\n")
    start = lines[0].split(" ", 2)
    if len(start) != 3:
        raise FramingError(f"bad start line {lines[0]!r}")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise FramingError("chunked bodies are not read here")
    length = int(headers.get("content-length", "0"))
    total = end + 4 + length
    if len(buffer) < total:
        return None
    body = bytes(buffer[end + 4:total])
    del buffer[:total]
    close = headers.get("connection", "").lower() == "close" or start[0] == "HTTP/1.0"
    return Message((start[0], start[1], start[2]), headers.get("content-type", ""), close, body, headers)


def response_bytes(status: int, body: bytes = b"", content_type: str = "application/json") -> bytes:
    head = f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}\r\nContent-Length: {len(body)}\r\n"
    if body:
        head += f"Content-Type: {content_type}\r\n"
    return head.encode("latin-1") + b"\r\n" + body


class ServerProtocol(asyncio.Protocol):
    """Answers each request on a connection in order with `handle(request) -> response bytes`, at once.

    `handle` runs inline (no task): it must not wait for anything.
    """

    def __init__(self, handle: Callable[[Message], bytes]) -> None:
        self.handle = handle
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not asyncio.Transport subclasses

    def data_received(self, data: bytes) -> None:
        assert self.transport is not None
        self.buffer += data
        while True:
            try:
                request = take_message(self.buffer)
            except FramingError:
                self.transport.write(response_bytes(400))
                self.transport.close()
                return
            if request is None:
                return
            self.transport.write(self.handle(request))
            if request.close:
                self.transport.close()
                return


async def serve(handle: Callable[[Message], bytes], host: str = "127.0.0.1") -> tuple[asyncio.Server, int]:
    """A server on a free port of `host`; returns it and the port."""
    server = await asyncio.get_running_loop().create_server(lambda: ServerProtocol(handle), host, 0)
    return server, int(server.sockets[0].getsockname()[1])


class _ClientProtocol(asyncio.Protocol):
    """One keep-alive connection: one request at a time, its response handed to the waiting future."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.waiter: asyncio.Future[Message] | None = None
        self.closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.Transport, transport)  # uvloop's are not asyncio.Transport subclasses

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        waiter = self.waiter
        try:
            response = take_message(self.buffer)
        except FramingError as exc:
            self._fail(exc)
            return
        if response is not None and waiter is not None and not waiter.done():
            self.waiter = None
            waiter.set_result(response)
            if response.close:
                self._fail(ConnectionResetError("closed by the server"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc or ConnectionResetError("connection closed"))

    def _fail(self, exc: Exception) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(exc)


class ClientPool:
    """Keep-alive connections to one host:port, at most `limit` at once; `request()` sends prepared bytes."""

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.host, self.port = host, port
        self.idle: list[_ClientProtocol] = []
        self.slots = asyncio.Semaphore(limit)

    async def request(self, data: bytes) -> Message:
        """Send one whole request (start line, headers and body) and return the response.

        Raises OSError (ConnectionError included) when the connection fails or closes first.
        """
        async with self.slots:
            conn = await self._connection()
            assert conn.transport is not None
            conn.waiter = asyncio.get_running_loop().create_future()
            conn.transport.write(data)
            try:
                response = await conn.waiter
            except BaseException:
                conn.closed = True  # its answer may still come: the connection is not reused
                conn.transport.close()
                raise
            if not conn.closed:
                self.idle.append(conn)
            return response

    async def _connection(self) -> _ClientProtocol:
        while self.idle:
            conn = self.idle.pop()
            if not conn.closed:
                return conn
        _, conn = await asyncio.get_running_loop().create_connection(_ClientProtocol, self.host, self.port)
        return conn

    def close(self) -> None:
        for conn in self.idle:
            if conn.transport is not None:
                conn.transport.close()
        self.idle.clear()
