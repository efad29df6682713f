"""FakeBotApi: a local HTTP server speaking the Telegram Bot API, for tests of real PTB code."""
from __future__ import annotations

import json
import socket
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from aiohttp import web

from .methods import ApiError, BotMethods, coerce_params
from .records import Call, CallbackAnswer, ChatAction, Edit, SentDocument, SentMessage, UploadedFile
from .state import BotState, WaitTimeout
from .updates import UpdateBuilder
from .webhook import WebhookPusher

DEFAULT_TOKEN = "123456789:AAFakeTokenForTests_abcdefghijklmnopq"
MAX_UPLOAD = 50 * 1024 * 1024
_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    drop: bool


def _error_response(status: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


class FakeBotApi(UpdateBuilder):
    """Serves `{url}/bot{token}/{method}` and `{url}/file/bot{token}/{path}` on 127.0.0.1.

    Use as `async with FakeBotApi() as server:`; point PTB at `server.base_url` and
    `server.base_file_url`. Queue user actions with the UpdateBuilder methods (text, callback,
    photo, ...) and assert on what the bot did with sent(), wait_for_message() and friends.
    """

    def __init__(self, token: str = DEFAULT_TOKEN, *, host: str = "127.0.0.1") -> None:
        self.token = token
        self.host = host
        self.state = BotState(token)
        self.methods = BotMethods(self.state)
        self.url = ""
        self._failures: dict[str, deque[_Failure]] = {}
        self._consumed_messages: set[int] = set()
        self._consumed_edits: set[int] = set()
        self._runner: web.AppRunner | None = None

    # lifecycle -----------------------------------------------------------------------------
    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Bind a free port on the host and start serving."""
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        site = web.SockSite(self._runner, sock)
        await site.start()
        self.url = f"http://{self.host}:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        """End long polls at once, then close the server."""
        self.state.closing = True
        self.state.changes.notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """For ApplicationBuilder.base_url(): PTB appends the token, then "/method"."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """For ApplicationBuilder.base_file_url(): PTB appends the token, then "/file_path"."""
        return f"{self.url}/file/bot"

    def push_to(self, url: str, secret: str | None = None, **options: Any) -> WebhookPusher:
        """Webhook delivery (as `async with`): updates queued from now on are POSTed to `url`, and a
        method call in the answer's body is run as Telegram runs it (webhook.py)."""
        return WebhookPusher(self, url, secret, **options)

    # error injection -----------------------------------------------------------------------
    def fail_next(
        self, method: str, status: int = 500, *, retry_after: int | None = None, times: int = 1,
        description: str | None = None,
    ) -> None:
        """Answer the next `times` calls of `method` ("*" for any) with an HTTP error.

        status=429 carries parameters.retry_after (default 1), which PTB raises as RetryAfter.
        """
        if status == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = (
                f"Too Many Requests: retry after {retry_after}" if status == 429
                else _DEFAULT_DESCRIPTIONS.get(status, "Internal Server Error")
            )
        self._queue_failure(method, _Failure(status, description, retry_after, drop=False), times)

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Close the connection without an answer on the next `times` calls of `method`."""
        self._queue_failure(method, _Failure(0, "", None, drop=True), times)

    def _queue_failure(self, method: str, failure: _Failure, times: int) -> None:
        self._failures.setdefault(method.lower(), deque()).extend([failure] * times)

    def _take_failure(self, method: str) -> _Failure | None:
        for key in (method.lower(), "*"):
            queued = self._failures.get(key)
            if queued:
                return queued.popleft()
        return None

    # HTTP handlers -------------------------------------------------------------------------
    async def _not_found(self, request: web.Request) -> web.Response:
        return _error_response(404, "Not Found")

    async def _download(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(401, "Unauthorized")
        stored = self.state.files.by_path(request.match_info["path"])
        if stored is None or stored.data is None or not stored.downloadable:
            return _error_response(404, "Not Found")
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return _error_response(401, "Unauthorized")
        name = request.match_info["method"]
        try:
            params = await self._read_params(request)
        except ValueError:
            return _error_response(400, "Bad Request: can't parse request body")
        resolved = self.methods.resolve(name)
        call = Call(method=resolved[0] if resolved else name, params=params, time=self.state.now(),
                    http_method=request.method, outcome="pending")
        self.state.record_call(call)
        response = await self._answer(request, call, resolved)
        self.state.changes.notify()
        return response

    async def _answer(
        self, request: web.Request, call: Call, resolved: tuple[str, Any] | None
    ) -> web.StreamResponse:
        if resolved is None:
            call.outcome = "error 404"
            return _error_response(404, "Not Found")
        failure = self._take_failure(call.method)
        if failure is not None and failure.drop:
            call.outcome = "dropped"
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=500)
        if failure is not None:
            call.outcome = f"injected {failure.status}"
            parameters = {"retry_after": failure.retry_after} if failure.retry_after else None
            return _error_response(failure.status, failure.description, parameters)
        try:
            result = await resolved[1](call.params)
        except ApiError as exc:
            call.outcome = f"error {exc.status}"
            return _error_response(exc.status, exc.description, exc.parameters)
        call.outcome = "ok"
        if call.method == "getUpdates":
            if request.transport is None or request.transport.is_closing():
                call.outcome = "abandoned"
            else:
                self.state.deliveries.extend(json.loads(json.dumps(result)))
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    async def _read_params(request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.method not in ("POST", "PUT") or not request.can_read_body:
            return coerce_params(raw, from_form=True)
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            raw.update(body)
            return coerce_params(raw, from_form=False)
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                raw[key] = UploadedFile(value.filename, value.content_type, value.file.read())
            else:
                raw[key] = value
        return coerce_params(raw, from_form=True)

    # what the bot did ----------------------------------------------------------------------
    @property
    def calls(self) -> list[Call]:
        """Every API call in arrival order (outcome "pending" while a long poll waits)."""
        return self.state.calls

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.state.calls if c.method.lower() == method.lower()]

    def sent(self, chat_id: int | None = None) -> list[SentMessage]:
        """Messages the bot sent (to `chat_id`, or all), oldest first; includes deleted ones."""
        return [m for m in self.state.messages if chat_id is None or m.chat_id == chat_id]

    def texts(self, chat_id: int) -> list[str]:
        """Shortcut: the current text (or caption) of each message sent to `chat_id`."""
        return [m.text if m.text is not None else (m.caption or "") for m in self.sent(chat_id)]

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        sent = self.state.sent_message(chat_id, message_id)
        if sent is None:
            raise KeyError(f"no message {message_id} from the bot in chat {chat_id}")
        return sent

    @property
    def edits(self) -> list[Edit]:
        return self.state.edits

    @property
    def callback_answers(self) -> list[CallbackAnswer]:
        return self.state.callback_answers

    @property
    def documents(self) -> list[SentDocument]:
        return self.state.documents

    @property
    def chat_actions(self) -> list[ChatAction]:
        return self.state.chat_actions

    @property
    def deliveries(self) -> list[dict[str, Any]]:
        """Every update as handed out by getUpdates, in order; repeats mean redelivery."""
        return self.state.deliveries

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates queued but not yet confirmed by a later getUpdates offset."""
        return list(self.state.pending)

    @property
    def commands(self) -> dict[tuple[str, str], list[dict[str, Any]]]:
        """setMyCommands results keyed by (scope, language_code); scope "default", "chat:42", ..."""
        return self.state.commands

    def commands_for(self, language_code: str = "", scope: str = "default") -> list[dict[str, Any]] | None:
        return self.state.commands.get((scope, language_code))

    @property
    def webhook_url(self) -> str:
        return self.state.webhook_url

    def file_bytes(self, file_id: str) -> bytes | None:
        stored = self.state.files.by_id(file_id)
        return stored.data if stored else None

    # waiting -------------------------------------------------------------------------------
    async def wait_for_message(
        self, chat_id: int, predicate: Callable[[SentMessage], bool] | None = None, timeout: float = 5.0
    ) -> SentMessage:
        """The oldest message to `chat_id` matching `predicate` not yet returned by this helper.

        Each message is handed out once, so successive calls walk a conversation in order.
        """
        def probe() -> SentMessage | None:
            for sent in self.state.messages:
                fresh = sent.chat_id == chat_id and id(sent) not in self._consumed_messages
                if fresh and (predicate is None or predicate(sent)):
                    return sent
            return None

        found = await self.state.changes.until(probe, timeout)
        if found is None:
            raise WaitTimeout(f"no matching message to chat {chat_id} within {timeout}s; "
                              f"sent so far: {self.texts(chat_id)!r}")
        self._consumed_messages.add(id(found))
        return found

    async def wait_for_edit(
        self, chat_id: int, message_id: int | None = None, predicate: Callable[[Edit], bool] | None = None,
        timeout: float = 5.0,
    ) -> Edit:
        """The oldest edit in `chat_id` (of `message_id`, if given) not yet returned; each once."""
        def probe() -> Edit | None:
            for edit in self.state.edits:
                if edit.chat_id != chat_id or id(edit) in self._consumed_edits:
                    continue
                if (message_id is None or edit.message_id == message_id) and (predicate is None or predicate(edit)):
                    return edit
            return None

        found = await self.state.changes.until(probe, timeout)
        if found is None:
            raise WaitTimeout(f"no matching edit in chat {chat_id} within {timeout}s")
        self._consumed_edits.add(id(found))
        return found

    async def wait_for_calls(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Wait until `count` calls of `method` have been answered; returns all of them."""
        def probe() -> list[Call] | None:
            done = [c for c in self.calls_to(method) if c.outcome != "pending"]
            return done if len(done) >= count else None

        if count <= 0:
            return [c for c in self.calls_to(method) if c.outcome != "pending"]

        found = await self.state.changes.until(probe, timeout)
        if found is None:
            got = len([c for c in self.calls_to(method) if c.outcome != "pending"])
            raise WaitTimeout(f"{method}: {got} of {count} calls within {timeout}s")
        return found

    async def wait_for_callback_answer(self, update: dict[str, Any], timeout: float = 5.0) -> CallbackAnswer:
        """Wait for the bot to answer the callback query queued as `update`."""
        query_id = update["callback_query"]["id"]

        def probe() -> CallbackAnswer | None:
            return next((a for a in self.state.callback_answers if a.callback_query_id == query_id), None)

        found = await self.state.changes.until(probe, timeout)
        if found is None:
            raise WaitTimeout(f"callback query {query_id} not answered within {timeout}s")
        return found

    async def wait_until_confirmed(self, timeout: float = 5.0) -> None:
        """Wait until every queued update was fetched and confirmed by a later offset.

        PTB confirms on its next poll, right after fetching, so this says nothing about handlers
        having finished; wait for their visible effects for that.
        """
        if await self.state.changes.until(lambda: not self.state.pending, timeout) is None:
            raise WaitTimeout(f"{len(self.state.pending)} updates still unconfirmed after {timeout}s")
