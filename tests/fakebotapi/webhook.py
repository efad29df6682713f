"""Telegram's side of a webhook: POST every queued update to the bot, and run a method call answered in the body.

The Bot API ("Making requests when getting updates", core.telegram.org/bots/api): a bot may answer a
webhook request with a method call, `{"method": "answerCallbackQuery", ...}` as JSON or as a form;
Telegram then runs it, and the bot can never learn whether it succeeded or what it returned. An update
counts as delivered once its POST is answered 200; any other answer, or none, and it is sent again.
Up to `max_connections` requests are in flight at once (setWebhook's default is 40).

    async with server.push_to(f"http://127.0.0.1:{port}/hook", secret="...") as pusher:
        server.text(42, "hi")          # POSTed to the bot instead of waiting for getUpdates
"""
from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

import aiohttp

from .methods import ApiError, coerce_params
from .records import Call

if TYPE_CHECKING:
    from .server import FakeBotApi

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# How a method call run from a webhook answer shows in `server.calls` (a bot's own calls say POST or GET).
WEBHOOK_ANSWER = "webhook answer"


def answer_params(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The method call in a webhook answer's body (JSON or URL-encoded form), or None when it has none."""
    if not body.strip():
        return None
    try:
        if content_type.startswith("application/x-www-form-urlencoded"):
            raw: Any = dict(parse_qsl(body.decode("utf-8")))
            from_form = True
        else:
            raw = json.loads(body)
            from_form = False
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("method"), str):
        return None
    return {"method": raw.pop("method"), **coerce_params(raw, from_form=from_form)}


@dataclass
class WebhookPusher:
    """Delivers every update queued on `server` to `url` until it is answered 200."""

    server: FakeBotApi
    url: str
    secret: str | None = None
    max_connections: int = 40
    retry_after: float = 0.2
    delivered: list[int] = field(default_factory=list)
    failures: int = 0
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)
    _session: aiohttp.ClientSession | None = None
    _enqueue: Any = None

    async def __aenter__(self) -> WebhookPusher:
        connector = aiohttp.TCPConnector(limit=self.max_connections)
        self._session = aiohttp.ClientSession(connector=connector)
        state = self.server.state
        self._enqueue = state.enqueue
        state.enqueue = self._push  # type: ignore[method-assign]
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.state.enqueue = self._enqueue  # type: ignore[method-assign]
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        assert self._session is not None
        await self._session.close()

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        task = asyncio.get_running_loop().create_task(self._deliver(update))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update

    async def _deliver(self, update: dict[str, Any]) -> None:
        assert self._session is not None
        headers = {SECRET_HEADER: self.secret} if self.secret else {}
        while not self._session.closed:
            try:
                async with self._session.post(self.url, json=update, headers=headers) as response:
                    body = await response.read()
                    if response.status == 200:
                        self.delivered.append(update["update_id"])
                        self.server.state.deliveries.append(update)
                        self.server.state.changes.notify()
                        await self.run_answer(body, response.headers.get("Content-Type", ""))
                        return
            except aiohttp.ClientError:
                pass
            self.failures += 1
            await asyncio.sleep(self.retry_after)

    async def run_answer(self, body: bytes, content_type: str) -> Call | None:
        """Run the method call a webhook answer carries, as Telegram does; its outcome stays unknown to the bot."""
        params = answer_params(body, content_type)
        if params is None:
            return None
        name = params.pop("method")
        state = self.server.state
        resolved = self.server.methods.resolve(name)
        call = Call(method=resolved[0] if resolved else name, params=params, time=state.now(),
                    http_method=WEBHOOK_ANSWER, outcome="pending")
        state.record_call(call)
        if resolved is None or resolved[0] in ("getUpdates", "setWebhook", "deleteWebhook"):
            call.outcome = "error 400"
        else:
            try:
                await resolved[1](params)
                call.outcome = "ok"
            except ApiError as exc:
                call.outcome = f"error {exc.status}"
        state.changes.notify()
        return call
