"""The fake Telegram of bench.scaling on lean_http: the Bot API the bots call, and the webhook POSTs to nginx.

Same state, same methods and the same records as tests/fakebotapi (so `Mailboxes`, the people and every
check work unchanged: each reply is validated as the fake validates it, each tap must be answered once);
only the transport is lean. `LeanBotApi` serves `/bot<token>/<method>` with JSON or form bodies (the bots'
aiohttp client sends JSON) and runs each method inline: the fake's methods answer at once, except
getUpdates, which a webhook deployment never calls (the fake refuses it while a webhook is set).
`LeanPusher` POSTs each queued update with orjson on keep-alive connections, retries it until answered
200 (as Telegram does), and runs the method call an answer carries, as Telegram does (a tap's
answerCallbackQuery). Uploads (multipart) are refused: the webhook bench sends none.
"""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import orjson

from bench.lean_http import ClientPool, Message, response_bytes, serve
from tests.fakebotapi import WEBHOOK_ANSWER, FakeBotApi
from tests.fakebotapi.methods import ApiError, coerce_params
from tests.fakebotapi.records import Call

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def finished(awaitable: Awaitable[Any]) -> Any:
    """The result of an awaitable that completes without waiting (ApiError and the like propagate)."""
    steps = awaitable.__await__()
    try:
        next(steps)
    except StopIteration as done:
        return done.value
    steps.close()
    raise RuntimeError("a fake Bot API method waited: the lean server runs only methods that answer at once")


def error_bytes(status: int, description: str, parameters: dict[str, Any] | None = None) -> bytes:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return response_bytes(status, orjson.dumps(body))


class LeanBotApi:
    """`fake`'s Bot API on a lean_http server; `fake.url` is set to it (bench.scaling never starts
    the fake's own aiohttp server), so `tests.deploy.cluster.bot_env(fake, ...)` points the bots here."""

    def __init__(self, fake: FakeBotApi) -> None:
        self.fake = fake
        self.prefix = f"/bot{fake.token}/"
        self._server: asyncio.Server | None = None

    async def __aenter__(self) -> LeanBotApi:
        self._server, port = await serve(self.handle)
        self.fake.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    def handle(self, request: Message) -> bytes:
        verb, target, _ = request.start
        path, _, query = target.partition("?")
        if not path.startswith("/bot"):
            return error_bytes(404, "Not Found")
        if not path.startswith(self.prefix):
            return error_bytes(401, "Unauthorized")
        try:
            params = self._params(query, request)
        except ValueError:
            return error_bytes(400, "Bad Request: can't parse request body")
        name = path[len(self.prefix):]
        state = self.fake.state
        resolved = self.fake.methods.resolve(name)
        call = Call(method=resolved[0] if resolved else name, params=params, time=state.now(),
                    http_method=verb, outcome="pending")
        state.record_call(call)
        if resolved is None:
            call.outcome = "error 404"
            return error_bytes(404, "Not Found")
        try:
            result = finished(resolved[1](params))
        except ApiError as exc:
            call.outcome = f"error {exc.status}"
            return error_bytes(exc.status, exc.description, exc.parameters)
        call.outcome = "ok"
        state.changes.notify()
        return response_bytes(200, orjson.dumps({"ok": True, "result": result}))

    @staticmethod
    def _params(query: str, request: Message) -> dict[str, Any]:
        raw: dict[str, Any] = dict(parse_qsl(query)) if query else {}
        if not request.body:
            return coerce_params(raw, from_form=True)
        if request.content_type.startswith("application/json"):
            body = orjson.loads(request.body)  # orjson.JSONDecodeError is a ValueError
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            return coerce_params({**raw, **body}, from_form=False)
        if request.content_type.startswith("application/x-www-form-urlencoded"):
            raw.update(parse_qsl(request.body.decode("utf-8")))
            return coerce_params(raw, from_form=True)
        raise ValueError(f"the lean fake Bot API reads JSON and form bodies only, not {request.content_type!r}")


class LeanPusher:
    """Telegram's side of the webhook: each update queued on `fake` is POSTed to `url` until answered 200."""

    def __init__(self, fake: FakeBotApi, url: str, secret: str, max_connections: int = 200,
                 retry_after: float = 0.2) -> None:
        self.fake = fake
        self.retry_after = retry_after
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        self.pool = ClientPool(host, port, max_connections)
        self.head = (f"POST {parts.path} HTTP/1.1\r\nHost: {host}:{port}\r\n{SECRET_HEADER}: {secret}\r\n"
                     "Content-Type: application/json\r\nContent-Length: ").encode("latin-1")
        self.delivered = 0
        self.failures = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._enqueue: Any = None

    async def __aenter__(self) -> LeanPusher:
        state = self.fake.state
        self._enqueue = state.enqueue
        state.enqueue = self._push  # type: ignore[method-assign]
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.fake.state.enqueue = self._enqueue  # type: ignore[method-assign]
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self.pool.close()

    def _push(self, update: dict[str, Any]) -> dict[str, Any]:
        task = asyncio.get_running_loop().create_task(self._deliver(orjson.dumps(update)))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return update

    async def _deliver(self, body: bytes) -> None:
        request = self.head + b"%d\r\n\r\n" % len(body) + body
        while True:
            try:
                response = await self.pool.request(request)
            except OSError:
                pass
            else:
                if response.start[1] == "200":
                    self.delivered += 1
                    self.run_answer(response)
                    return
            self.failures += 1
            await asyncio.sleep(self.retry_after)

    def run_answer(self, response: Message) -> Call | None:
        """Run the method call a webhook answer carries, as Telegram does (tests/fakebotapi/webhook.py)."""
        if not response.body.strip():
            return None
        try:
            raw = orjson.loads(response.body)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(raw, dict) or not isinstance(raw.get("method"), str):
            return None
        name = raw.pop("method")
        params = coerce_params(raw, from_form=False)
        state = self.fake.state
        resolved = self.fake.methods.resolve(name)
        call = Call(method=resolved[0] if resolved else name, params=params, time=state.now(),
                    http_method=WEBHOOK_ANSWER, outcome="pending")
        state.record_call(call)
        if resolved is None or resolved[0] in ("getUpdates", "setWebhook", "deleteWebhook"):
            call.outcome = "error 400"
        else:
            try:
                finished(resolved[1](params))
                call.outcome = "ok"
            except ApiError as exc:
                call.outcome = f"error {exc.status}"
        state.changes.notify()
        return call
