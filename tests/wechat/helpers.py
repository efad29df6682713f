"""Test helpers: the real WeChat endpoint on a data dir, and a person's phone that pushes to it.

Pushes are XML signed with the token, and in safe mode encrypted, by wechatpy's own WeChatCrypto,
posted over HTTP to the aiohttp server `bot.py wechat` runs. What the person sees is the passive
replies plus the custom messages the fake WeChat API accepted, in the order they arrived.
"""
from __future__ import annotations

import hashlib
import itertools
import time
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any
from xml.sax.saxutils import escape

import aiohttp
import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.replies import deserialize_reply

from app.bootstrap import App, build_app
from app.settings import load_settings
from handlers.wechat.api import ApiPolicy
from handlers.wechat.app import WeChatBot, WeChatOptions
from handlers.wechat.send import SendPolicy
from services.outbox import OutboxPolicy
from tests.fakewechat import FakeWeChatApi
from tests.local_http import serve
from tests.restartable import Restartable

CN = timezone(timedelta(hours=8))
FIXED_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=CN)
TOKEN = "test-wechat-token"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"  # 43 characters, as WeChat issues them
ACCOUNT = "gh_test_account"
FAST_API = ApiPolicy(attempts=3, backoff=0.02, max_backoff=0.05, timeout=5.0)
FAST_SEND = SendPolicy(busy_attempts=2, busy_backoff=0.02)
FAST_OUTBOX = OutboxPolicy(first_retry=0.05, max_retry=0.2, hold=5.0)


_MSG_IDS = itertools.count(int(time.time()))


def signature(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


class Endpoint(Restartable[WeChatBot]):
    """The WeChat bot under test on a real port; stop() and start() on the same data dir is a restart."""

    def __init__(self, api: FakeWeChatApi, data_dir: Any, **overrides: Any) -> None:
        self.api = api
        self.data_dir = data_dir
        self.overrides: dict[str, Any] = {"api": FAST_API, "send": FAST_SEND, "outbox": FAST_OUTBOX, **overrides}
        self.env: dict[str, str] = {}
        self.app: App | None = None
        self.bot: WeChatBot | None = None
        self.url = ""
        self._stack: AsyncExitStack | None = None
        self.now = FIXED_NOW

    def clock(self) -> datetime:
        return self.now

    @property
    def settings_env(self) -> dict[str, str]:
        return {
            "DATA_DIR": str(self.data_dir),
            "WECHAT_TOKEN": TOKEN,
            "WECHAT_APP_ID": self.api.app_id,
            "WECHAT_APP_SECRET": self.api.app_secret,
            "WECHAT_ENCODING_AES_KEY": AES_KEY,
            "WECHAT_API_BASE_URL": self.api.url,
            **self.env,
        }

    async def start(self, **overrides: Any) -> WeChatBot:
        settings = load_settings(self.settings_env)
        self.app = await build_app(settings, clock=self.clock)
        options = WeChatOptions.from_settings(settings, self.app, **{**self.overrides, **overrides})
        self.bot = WeChatBot(self.app, options)
        self._stack = AsyncExitStack()
        await self._stack.enter_async_context(self.bot.running())
        runner, base = await serve(self.bot.web_app("/wechat"))
        self._stack.push_async_callback(runner.cleanup)
        self.url = f"{base}/wechat"
        return self.bot


@dataclass
class Answer:
    status: int
    body: str
    passive: str | None
    seconds: float
    answered_at: float = 0.0  # time.monotonic() when the answer came back


class Phone:
    """One person's WeChat: builds pushes as WeChat does and reads what comes back."""

    def __init__(self, endpoint: Endpoint, openid: str = "o_person_1", *, aes: bool = True) -> None:
        self.endpoint = endpoint
        self.openid = openid
        self.aes = aes
        self.crypto = WeChatCrypto(TOKEN, AES_KEY, endpoint.api.app_id)
        self.msg_id = next(_MSG_IDS) * 1_000_000  # MsgIds are unique across people, as WeChat's are
        self.create_time = 1_790_000_000
        self.seen: list[tuple[float, str]] = []  # passive replies, with when they came
        self.seen_index = 0
        self.session: aiohttp.ClientSession | None = None  # shared by many phones in the benchmark

    # --- building and posting pushes --------------------------------------------------------

    def xml(self, msg_type: str, fields: dict[str, str], *, event: bool = False) -> str:
        self.create_time += 1
        parts = [
            f"<ToUserName><![CDATA[{ACCOUNT}]]></ToUserName>",
            f"<FromUserName><![CDATA[{self.openid}]]></FromUserName>",
            f"<CreateTime>{self.create_time}</CreateTime>",
            f"<MsgType><![CDATA[{msg_type}]]></MsgType>",
        ]
        parts += [f"<{k}>{escape(v)}</{k}>" for k, v in fields.items()]
        if not event:
            self.msg_id += 1
            parts.append(f"<MsgId>{self.msg_id}</MsgId>")
        return "<xml>" + "".join(parts) + "</xml>"

    def signed_query(self, body: str) -> tuple[dict[str, str], str]:
        timestamp, nonce = str(int(time.time())), "n" + str(self.msg_id)
        query = {"signature": signature(TOKEN, timestamp, nonce), "timestamp": timestamp, "nonce": nonce, "openid": self.openid}
        if not self.aes:
            return query, body
        encrypted = self.crypto.encrypt_message(body, nonce, timestamp)
        fields = {k: v for k, v in _xml_fields(encrypted).items()}
        query.update(encrypt_type="aes", msg_signature=fields["MsgSignature"])
        return query, f"<xml><ToUserName><![CDATA[{ACCOUNT}]]></ToUserName><Encrypt><![CDATA[{fields['Encrypt']}]]></Encrypt></xml>"

    async def post(
        self, xml: str, query: dict[str, str] | None = None, body: str | None = None, url: str | None = None
    ) -> Answer:
        """Post a push (to `url`: another process of the bot, else the endpoint)."""
        if query is None or body is None:
            query, body = self.signed_query(xml)
        url = url or self.endpoint.url
        started = time.monotonic()
        if self.session is not None:
            async with self.session.post(url, params=query, data=body.encode()) as resp:
                text, status = await resp.text(), resp.status
        else:
            async with aiohttp.ClientSession() as session, session.post(url, params=query, data=body.encode()) as resp:
                text, status = await resp.text(), resp.status
        passive = self.read_passive(query, text) if status == 200 and text != "success" else None
        if passive is not None:
            self.seen.append((started, passive))  # before any custom message of this push
        now = time.monotonic()
        return Answer(status, text, passive, now - started, now)

    def read_passive(self, query: dict[str, str], text: str) -> str:
        if query.get("encrypt_type") == "aes":
            fields = _xml_fields(text)
            assert fields["MsgSignature"] == signature(TOKEN, fields["TimeStamp"], fields["Nonce"], fields["Encrypt"])
            text = self.crypto.decrypt_message(text, fields["MsgSignature"], fields["TimeStamp"], fields["Nonce"])
        reply = deserialize_reply(text)
        assert reply.target == self.openid and reply.source == ACCOUNT
        return str(reply.content)

    async def text(self, content: str, menu_id: str | None = None) -> Answer:
        fields = {"Content": content}
        if menu_id is not None:
            fields["bizmsgmenuid"] = menu_id
        return await self.post(self.xml("text", fields))

    async def media(self, kind: str, data: bytes, content_type: str = "image/jpeg", **extra: str) -> Answer:
        media_id = self.endpoint.api.add_media(data, content_type)
        fields = {"MediaId": media_id, **extra}
        if kind == "image":
            fields["PicUrl"] = "http://mmbiz.example/pic"
        return await self.post(self.xml(kind, fields))

    async def event(self, name: str, key: str | None = None) -> Answer:
        fields = {"Event": name}
        if key is not None:
            fields["EventKey"] = key
        return await self.post(self.xml("event", fields, event=True))

    # --- what the person sees ---------------------------------------------------------------

    def inbox(self) -> list[str]:
        """Everything the person saw, in order: passive replies and custom messages."""
        return self._ordered()

    async def expect(self, contains: str, timeout: float = 5.0) -> str:
        """Wait until something not seen by an earlier expect contains `contains`; returns it."""
        deadline = time.monotonic() + timeout
        while True:
            everything = self._ordered()
            for index in range(self.seen_index, len(everything)):
                if contains in everything[index]:
                    self.seen_index = index + 1
                    return everything[index]
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"nothing containing {contains!r}; new: {everything[self.seen_index:]!r}")
            await self.endpoint.api.wait_new(self.openid, min(left, 0.05))

    def _ordered(self) -> list[str]:
        events = [(at, text) for at, text in self.seen]
        events += [(s.at, s.text) for s in self.endpoint.api.messages(self.openid)]
        return [text for _, text in sorted(events, key=lambda e: e[0])]

    def last_menu(self) -> list[dict[str, str]]:
        menus = [s for s in self.endpoint.api.messages(self.openid) if s.msgtype == "msgmenu"]
        assert menus, f"no menu sent; got {self.inbox()!r}"
        return menus[-1].menu

    async def tap(self, label: str, expect: str | None = None) -> Answer:
        """Tap the option `label` of the newest menu, as WeChat sends it back."""
        item = next((i for i in self.last_menu() if i["content"] == label), None)
        assert item is not None, f"no {label!r} in {self.last_menu()!r}"
        answer = await self.text(item["content"], item["id"])
        if expect is not None:
            await self.expect(expect)
        return answer

    async def say(self, content: str, expect: str) -> Answer:
        answer = await self.text(content)
        await self.expect(expect)
        return answer


def _xml_fields(xml: str) -> dict[str, str]:
    return {k: str(v) for k, v in (xmltodict.parse(xml)["xml"] or {}).items()}
