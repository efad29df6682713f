"""PTB's networking on aiohttp instead of httpx: the same Bot API calls for about half the CPU.

PTB makes every call through a `BaseRequest`; its default, `HTTPXRequest`, spends most of the
bot's CPU in httpx, httpcore and anyio (bench/README.md, "Telegram end to end"). aiohttp parses
HTTP in C and keeps a simpler connection pool, so the same calls cost much less. PTB documents
`BaseRequest` as the place to plug in another HTTP library; timeouts and errors keep PTB's meaning
(`TimedOut`, `NetworkError`), so retries in `TelegramSender` work unchanged.

Proxies come from the environment (`HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`), as with
PTB's default; HTTP proxies only (aiohttp has no SOCKS). They are looked up once per host, not with
aiohttp's `trust_env`, which reads ~/.netrc in a worker thread on every call.
"""
from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import aiohttp
import orjson
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import JSONDict, ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

# Calls without files go as one JSON body, which the Bot API accepts like a form: encoding each
# parameter to JSON and then URL-encoding the lot (as HTTPXRequest does) cost about twice as much,
# most of it percent-encoding the Chinese texts. orjson encodes and decodes the bodies: the standard
# library's json took about 6 % of the bot's CPU per update here, orjson a twentieth of that.
JSON_BODY = {"Content-Type": "application/json"}


def json_body(parameters: dict[str, Any]) -> bytes:
    """The parameters as UTF-8 JSON; what orjson refuses (a key that is not a string) as json would write it."""
    try:
        return orjson.dumps(parameters)
    except TypeError:
        return json.dumps(parameters, ensure_ascii=False).encode()


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool; PTB's default timeouts (5 s, 1 s for the pool, 20 s uploads)."""

    __slots__ = ("_connect", "_media_write", "_pool", "_pool_size", "_proxies", "_read", "_session", "_write")

    def __init__(
        self,
        connection_pool_size: int = 8,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read = read_timeout
        self._write = write_timeout
        self._connect = connect_timeout
        self._pool = pool_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._read

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size, limit_per_host=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector, headers={"User-Agent": self.USER_AGENT})
            self._proxies.clear()

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        uploads = request_data is not None and request_data.contains_files
        read = _chosen(read_timeout, self._read)
        if uploads:
            read = _longest(read, _chosen(write_timeout, self._media_write))
        timeout = aiohttp.ClientTimeout(
            connect=_total(_chosen(pool_timeout, self._pool), _chosen(connect_timeout, self._connect)),
            sock_connect=_chosen(connect_timeout, self._connect),
            sock_read=read,
        )
        kwargs: dict[str, Any] = {"timeout": timeout, "proxy": self._proxy_for(url)}
        if request_data is not None:
            if uploads:
                kwargs["data"] = _form(request_data)
            else:
                kwargs["data"] = json_body(request_data.parameters)
                kwargs["headers"] = JSON_BODY
        try:
            async with session.request(method, url, **kwargs) as response:
                return response.status, await response.read()
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    @staticmethod
    def parse_json_payload(payload: bytes) -> JSONDict:
        """Telegram's answer, read by orjson (PTB documents this method as the place to change the
        JSON library); what orjson cannot read goes to PTB's own, which says what was wrong."""
        try:
            parsed = orjson.loads(payload)
        except orjson.JSONDecodeError:
            return BaseRequest.parse_json_payload(payload)
        return parsed if isinstance(parsed, dict) else BaseRequest.parse_json_payload(payload)

    def _proxy_for(self, url: str) -> str | None:
        parts = urlsplit(url)
        key = (parts.scheme, parts.hostname or "")
        if key not in self._proxies:
            found = getproxies()
            proxy = found.get(parts.scheme) or found.get("all")
            self._proxies[key] = None if not proxy or proxy_bypass(key[1]) else proxy
        return self._proxies[key]


def _chosen(value: ODVInput[float], default: float | None) -> float | None:
    """PTB passes DEFAULT_NONE for "use the request's default" and None for "no limit"."""
    return default if isinstance(value, DefaultValue) else value


def _total(pool: float | None, connect: float | None) -> float | None:
    """aiohttp's `connect` covers waiting for a pooled connection and opening a new one."""
    if pool is None or connect is None:
        return None
    return pool + connect


def _longest(read: float | None, write: float | None) -> float | None:
    """aiohttp has no write timeout and its read timer runs while an upload is written: allow the longer."""
    if read is None or write is None:
        return None
    return max(read, write)


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Uploads go as multipart, the other parameters as form fields (each already JSON-encoded by PTB)."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form
