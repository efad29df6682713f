"""The WeChat API client (aiohttp): one shared access token, retries, and errors sorted by what to do.

wechatpy's own client is synchronous (requests), which would block the event loop that must answer
every push within 5 seconds, so calls go through aiohttp here and wechatpy only parses and signs.

The access token is fetched once (`/cgi-bin/stable_token`), cached with its expiry and shared by
every caller; it is fetched again a few minutes before it expires, and at once when WeChat says it
is invalid or expired (40001, 40014, 42001), after which the call is retried once. Network errors
and 5xx answers are retried with backoff. Everything else raises WeChatError with its code, which
callers sort with `holds()` (keep the message for later) and `busy()` (try again later).
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

TOKEN_INVALID = frozenset({40001, 40014, 42001})
# 45015: more than 48 hours since the person's last message; 45047: too many messages since it.
OUTSIDE_WINDOW = frozenset({45015, 45047})
# System busy and the API frequency limits: the same call may well work a little later.
BUSY = frozenset({-1, 45009, 45011, 45033})
# The person unfollowed the account or never followed it: nothing can reach them.
UNREACHABLE = frozenset({43004, 40003})


class WeChatError(Exception):
    """WeChat answered with an error code (logged by code only: the message may echo an openid)."""

    def __init__(self, code: int, message: str = "") -> None:
        super().__init__(f"WeChat error {code}")
        self.code = code
        self.message = message

    @property
    def holds(self) -> bool:
        """The message may not go out now, but will once the person writes again."""
        return self.code in OUTSIDE_WINDOW

    @property
    def busy(self) -> bool:
        """A limit or an outage: the message goes out later."""
        return self.code in BUSY

    @property
    def unreachable(self) -> bool:
        return self.code in UNREACHABLE


class ServerError(aiohttp.ClientError):
    """WeChat answered 5xx. (aiohttp's own error would carry the URL, and with it the access token.)"""

    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status


class TooBig(Exception):
    """A media file is larger than the bot accepts."""

    def __init__(self, size: int | None) -> None:
        super().__init__("media too big")
        self.size = size


@dataclass(frozen=True)
class ApiPolicy:
    """Timing of retries and of the token's early refresh; tests shrink the delays."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    timeout: float = 15.0
    refresh_margin: float = 300.0


class WeChatApi:
    """Every call the adapter makes to WeChat goes through here; `start()` before use, `close()` after."""

    def __init__(
        self,
        base_url: str,
        app_id: str,
        app_secret: str,
        policy: ApiPolicy = ApiPolicy(),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.app_id = app_id
        self.app_secret = app_secret
        self.policy = policy
        self.monotonic = monotonic
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._expires_at = 0.0
        self._token_lock = asyncio.Lock()
        self.token_fetches = 0

    async def start(self) -> WeChatApi:
        if self._session is None:
            timeout = aiohttp.ClientTimeout(total=self.policy.timeout)
            self._session = aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=32))
        return self

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None:
            raise RuntimeError("WeChatApi.start() was not called")
        return self._session

    # --- the access token -------------------------------------------------------------------

    async def token(self, *, force: bool = False, stale: str | None = None) -> str:
        """The shared access token; fetched when missing, close to expiry, or refused as `stale`."""
        async with self._token_lock:
            fresh = self._token is not None and self.monotonic() < self._expires_at - self.policy.refresh_margin
            if fresh and not force:
                return self._token  # type: ignore[return-value]
            if force and stale is not None and self._token is not None and self._token != stale:
                return self._token  # another call already replaced the refused token
            body = {"grant_type": "client_credential", "appid": self.app_id, "secret": self.app_secret}
            if force:
                body["force_refresh"] = True  # type: ignore[assignment]
            data = await self._request("POST", "/cgi-bin/stable_token", json_body=body)
            token = data.get("access_token")
            if not isinstance(token, str) or not token:
                raise WeChatError(int(data.get("errcode") or -1), "no access_token in the answer")
            self._token = token
            self._expires_at = self.monotonic() + float(data.get("expires_in") or 7200)
            self.token_fetches += 1
            return token

    # --- calls ------------------------------------------------------------------------------

    async def call(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """POST `body` (or GET without one) with the token; a refused token is replaced and the call retried once."""
        token = await self.token()
        try:
            return await self._request("POST" if body is not None else "GET", path, token=token, json_body=body)
        except WeChatError as exc:
            if exc.code not in TOKEN_INVALID:
                raise
            log.info("access token refused (%d); fetching a new one", exc.code)
            token = await self.token(force=True, stale=token)
            return await self._request("POST" if body is not None else "GET", path, token=token, json_body=body)

    async def send_custom(self, openid: str, message: dict[str, Any]) -> None:
        """A customer-service message (`message` is {"msgtype": ..., <type>: {...}})."""
        await self.call("/cgi-bin/message/custom/send", {"touser": openid, **message})

    async def send_template(self, openid: str, template_id: str, data: dict[str, Any]) -> None:
        await self.call("/cgi-bin/message/template/send", {"touser": openid, "template_id": template_id, "data": data})

    async def create_menu(self, menu: dict[str, Any]) -> None:
        await self.call("/cgi-bin/menu/create", menu)

    async def _request(
        self, method: str, path: str, *, token: str | None = None, json_body: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """One API call, retried on network errors and 5xx; WeChatError for an errcode other than 0."""
        params = {"access_token": token} if token else None
        payload = json.dumps(json_body, ensure_ascii=False).encode("utf-8") if json_body is not None else None
        headers = {"Content-Type": "application/json; charset=utf-8"} if payload is not None else None
        attempt = 0
        while True:
            try:
                async with self.session.request(method, self.base_url + path, params=params, data=payload, headers=headers) as resp:
                    if resp.status >= 500:
                        raise ServerError(resp.status)
                    data = json.loads(await resp.read() or b"{}")
            except (TimeoutError, aiohttp.ClientError, json.JSONDecodeError) as exc:
                attempt += 1
                if attempt >= self.policy.attempts:
                    raise
                delay = min(self.policy.backoff * 2 ** (attempt - 1), self.policy.max_backoff)
                log.warning("%s failed (%s), retrying in %.2fs", path, type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            code = int(data.get("errcode") or 0) if isinstance(data, dict) else -1
            if code != 0:
                log.warning("%s: WeChat error %d", path, code)
                raise WeChatError(code, str(data.get("errmsg") or ""))
            return data

    async def download(self, media_id: str, dest: Path, max_bytes: int) -> str | None:
        """Fetch temporary media into `dest`; returns its Content-Type. TooBig past `max_bytes`.

        A video answers with JSON naming its URL instead of the bytes; that URL is fetched then.
        """
        token = await self.token()
        for attempt in range(2):
            url = self.base_url + "/cgi-bin/media/get"
            async with self.session.get(url, params={"access_token": token, "media_id": media_id}) as resp:
                if resp.status >= 500:
                    raise ServerError(resp.status)
                kind = resp.headers.get("Content-Type", "")
                if "json" in kind or "text/plain" in kind:
                    data = json.loads(await resp.read() or b"{}")
                    if isinstance(data, dict) and data.get("video_url"):
                        return await self._fetch_url(str(data["video_url"]), dest, max_bytes)
                    code = int(data.get("errcode") or -1) if isinstance(data, dict) else -1
                    if code in TOKEN_INVALID and attempt == 0:
                        token = await self.token(force=True, stale=token)
                        continue
                    raise WeChatError(code)
                await _save(resp, dest, max_bytes)
                return kind or None
        raise WeChatError(-1)

    async def _fetch_url(self, url: str, dest: Path, max_bytes: int) -> str | None:
        async with self.session.get(url) as resp:
            if resp.status >= 400:
                raise ServerError(resp.status)
            await _save(resp, dest, max_bytes)
            return resp.headers.get("Content-Type")


async def _save(resp: aiohttp.ClientResponse, dest: Path, max_bytes: int) -> None:
    """Stream a body to `dest`, stopping as soon as it passes `max_bytes`."""
    if resp.content_length is not None and resp.content_length > max_bytes:
        raise TooBig(resp.content_length)
    size = 0
    with dest.open("wb") as fh:
        async for chunk in resp.content.iter_chunked(256 * 1024):
            size += len(chunk)
            if size > max_bytes:
                raise TooBig(None)
            fh.write(chunk)
