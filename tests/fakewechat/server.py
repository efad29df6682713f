"""The fake WeChat API (aiohttp): what the adapter calls, with the errors WeChat really gives.

It checks the access token on every call (a token it did not issue, or one `expire_token()`
revoked, gets 40001), keeps the 48-hour window per person (`close_window()` makes custom
messages to them fail with 45015), serves media uploaded with `add_media()`, and records every
message it accepted. `fail()` injects faults into the next calls of one path: an error code,
an HTTP status, or a delay.
"""
from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

from aiohttp import web

from tests.local_http import serve

APP_ID = "wx_test_app"
APP_SECRET = "test-app-secret"
# The most items WeChat takes in one menu message (the customer-service message docs; more is 45098).
MAX_MENU_ITEMS = 10


@dataclass
class Fault:
    """What the next `times` calls of a path get instead of (or before) a normal answer."""

    errcode: int | None = None
    status: int | None = None
    delay: float = 0.0
    times: int = 1


@dataclass(frozen=True)
class Sent:
    """A message WeChat accepted: a custom message ("text", "msgmenu", ...) or a template message."""

    openid: str
    msgtype: str
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic, compare=False)

    @property
    def text(self) -> str:
        """What the person reads: the text, or a menu's head with its items."""
        if self.msgtype == "text":
            return str(self.body["text"]["content"])
        if self.msgtype == "msgmenu":
            menu = self.body["msgmenu"]
            items = "\n".join(item["content"] for item in menu["list"])
            return f"{menu.get('head_content', '')}\n{items}\n{menu.get('tail_content', '')}"
        if self.msgtype == "template":
            return json.dumps(self.body.get("data"), ensure_ascii=False)
        return json.dumps(self.body, ensure_ascii=False)

    @property
    def menu(self) -> list[dict[str, str]]:
        return list(self.body["msgmenu"]["list"]) if self.msgtype == "msgmenu" else []


@dataclass
class FakeWeChatApi:
    """Start with `await start()` (or `async with`); `url` is the WECHAT_API_BASE_URL to give the bot."""

    app_id: str = APP_ID
    app_secret: str = APP_SECRET
    url: str = ""
    sent: list[Sent] = field(default_factory=list)
    menus: list[dict[str, Any]] = field(default_factory=list)
    token_fetches: int = 0
    calls: dict[str, int] = field(default_factory=dict)
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    closed_windows: set[str] = field(default_factory=set)
    _tokens: set[str] = field(default_factory=set)
    _arrived: dict[str, asyncio.Event] = field(default_factory=dict)
    _index: dict[str, list[Sent]] = field(default_factory=dict)
    _runner: web.AppRunner | None = None
    _changed: asyncio.Condition | None = None

    async def start(self) -> FakeWeChatApi:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self.token)
        app.router.add_post("/cgi-bin/stable_token", self.stable_token)
        app.router.add_get("/cgi-bin/media/get", self.media_get)
        app.router.add_post("/cgi-bin/message/custom/send", self.custom_send)
        app.router.add_post("/cgi-bin/message/template/send", self.template_send)
        app.router.add_post("/cgi-bin/menu/create", self.menu_create)
        self._runner, self.url = await serve(app)
        self._changed = asyncio.Condition()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeWeChatApi:
        return await self.start()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- test controls ----------------------------------------------------------------------

    def fail(self, path: str, fault: Fault) -> None:
        self.faults.setdefault(path, []).append(fault)

    def expire_token(self) -> None:
        """Every token issued so far is refused with 40001 from now on."""
        self._tokens.clear()

    def close_window(self, openid: str) -> None:
        self.closed_windows.add(openid)

    def open_window(self, openid: str) -> None:
        self.closed_windows.discard(openid)

    def add_media(self, data: bytes, content_type: str = "image/jpeg") -> str:
        media_id = "media_" + secrets.token_hex(8)
        self.media[media_id] = (data, content_type)
        return media_id

    def messages(self, openid: str) -> list[Sent]:
        return list(self._index.get(openid, ()))

    def texts(self, openid: str) -> list[str]:
        return [s.text for s in self.messages(openid)]

    async def wait_new(self, openid: str, timeout: float) -> None:
        """Return when a message to `openid` arrives (or after `timeout`); one waiter per person."""
        event = self._arrived.setdefault(openid, asyncio.Event())
        event.clear()
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            pass

    async def wait_for(self, openid: str, contains: str, *, after: int = 0, timeout: float = 5.0) -> Sent:
        """The first message to `openid` from index `after` on whose text contains `contains`."""
        assert self._changed is not None

        def found() -> Sent | None:
            return next((s for s in self.messages(openid)[after:] if contains in s.text), None)

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: found() is not None), timeout)
            except TimeoutError:
                raise AssertionError(f"no message containing {contains!r}; got {self.texts(openid)[after:]!r}") from None
        result = found()
        assert result is not None
        return result

    # --- handlers ---------------------------------------------------------------------------

    async def _fault(self, path: str) -> web.Response | None:
        self.calls[path] = self.calls.get(path, 0) + 1
        queue = self.faults.get(path)
        if not queue:
            return None
        fault = queue[0]
        fault.times -= 1
        if fault.times <= 0:
            queue.pop(0)
        if fault.delay:
            await asyncio.sleep(fault.delay)
        if fault.status is not None:
            return web.Response(status=fault.status, text="upstream trouble")
        if fault.errcode is not None:
            return _error(fault.errcode)
        return None

    def _issue(self) -> web.Response:
        token = "tok_" + secrets.token_hex(12)
        self._tokens.add(token)
        self.token_fetches += 1
        return web.json_response({"access_token": token, "expires_in": 7200})

    async def token(self, request: web.Request) -> web.Response:
        if (fault := await self._fault("/cgi-bin/token")) is not None:
            return fault
        q = request.query
        if q.get("appid") != self.app_id or q.get("secret") != self.app_secret:
            return _error(40125)
        return self._issue()

    async def stable_token(self, request: web.Request) -> web.Response:
        if (fault := await self._fault("/cgi-bin/stable_token")) is not None:
            return fault
        body = await request.json()
        if body.get("appid") != self.app_id or body.get("secret") != self.app_secret:
            return _error(40125)
        return self._issue()

    async def _refusal(self, request: web.Request) -> web.Response | None:
        """What an authorised call gets before it is done: a fault the test injected for its path, or
        40001 for a token WeChat did not issue (or has expired); None to go on."""
        if (fault := await self._fault(request.path)) is not None:
            return fault
        if request.query.get("access_token") not in self._tokens:
            return _error(40001)
        return None

    async def media_get(self, request: web.Request) -> web.Response:
        if (refused := await self._refusal(request)) is not None:
            return refused
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return _error(40007)
        data, content_type = found
        return web.Response(body=data, content_type=content_type)

    async def custom_send(self, request: web.Request) -> web.Response:
        if (refused := await self._refusal(request)) is not None:
            return refused
        body = await request.json()
        openid = body.get("touser", "")
        if openid in self.closed_windows:
            return _error(45015)
        if body["msgtype"] == "msgmenu" and not 1 <= len(body["msgmenu"].get("list") or []) <= MAX_MENU_ITEMS:
            # WeChat's answer to a menu of more than ten items: "msgmenu list size is out of limit".
            return _error(45098)
        await self._record(Sent(openid, body["msgtype"], body))
        return _error(0)

    async def template_send(self, request: web.Request) -> web.Response:
        if (refused := await self._refusal(request)) is not None:
            return refused
        body = await request.json()
        await self._record(Sent(body.get("touser", ""), "template", body))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": len(self.sent)})

    async def menu_create(self, request: web.Request) -> web.Response:
        if (refused := await self._refusal(request)) is not None:
            return refused
        self.menus.append(await request.json())
        return _error(0)

    async def _record(self, sent: Sent) -> None:
        assert self._changed is not None
        async with self._changed:
            self.sent.append(sent)
            self._index.setdefault(sent.openid, []).append(sent)
            self._changed.notify_all()
        if (event := self._arrived.get(sent.openid)) is not None:
            event.set()


def _error(code: int) -> web.Response:
    return web.json_response({"errcode": code, "errmsg": "ok" if code == 0 else f"fake error {code}"})
