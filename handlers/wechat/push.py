"""WeChat's push endpoint protocol through wechatpy: signatures, AES, parsing, passive replies.

Every request must carry WeChat's signature (SHA-1 of the token, timestamp and nonce); safe
mode (`encrypt_type=aes`) adds `msg_signature` over the encrypted body, and the passive reply is
encrypted back the same way. Anything that fails a check is refused before it is read further.
"""
from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import xmltodict
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.replies import TextReply
from wechatpy.utils import check_signature

MAX_BODY = 256 * 1024  # a push is a few hundred bytes of XML; nothing bigger is read


class Refused(Exception):
    """The request is not a genuine WeChat push (bad signature, undecryptable, unreadable)."""


@dataclass(frozen=True)
class Push:
    """One accepted push: who sent it, its decrypted XML and the ids it is known by.

    `key` is what the store records as processed: the MsgId, or for events (which have none)
    the sender and CreateTime, as WeChat's retries repeat both. `journal_id` is the same key as
    the 63-bit integer the update journal wants.
    """

    openid: str
    xml: str
    key: str
    arrived_ns: int

    @property
    def journal_id(self) -> int:
        return int.from_bytes(hashlib.sha256(self.key.encode()).digest()[:8], "big") >> 1

    @property
    def update_id(self) -> int:
        """The id the update journal knows it by (handlers/kit/journal.py)."""
        return self.journal_id

    @property
    def message(self) -> Any:
        """The wechatpy message or event object."""
        return parse_message(self.xml)

    def to_payload(self) -> dict[str, Any]:
        return {"xml": self.xml, "arrived_ns": self.arrived_ns}

    @classmethod
    def from_xml(cls, xml: str, arrived_ns: int | None = None) -> Push:
        fields = xmltodict.parse(xml).get("xml") or {}
        if not isinstance(fields, dict) or not fields.get("FromUserName") or not fields.get("MsgType"):
            raise Refused("not a push")
        openid = str(fields["FromUserName"])
        msg_id = str(fields.get("MsgId") or "").strip()
        key = f"m{msg_id}" if msg_id and msg_id != "0" else f"e{openid}:{fields.get('CreateTime', '')}"
        return cls(openid, xml, key, time.time_ns() if arrived_ns is None else arrived_ns)

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> Push:
        return cls.from_xml(str(payload["xml"]), int(payload.get("arrived_ns") or 0))


class PushCodec:
    """Checks, decrypts and parses pushes; encrypts passive replies in safe mode."""

    def __init__(self, token: str, aes_key: str | None = None, app_id: str | None = None) -> None:
        self.token = token
        self.crypto = WeChatCrypto(token, aes_key, app_id or "") if aes_key else None

    def signed(self, query: Mapping[str, str]) -> bool:
        try:
            check_signature(self.token, query.get("signature", ""), query.get("timestamp", ""), query.get("nonce", ""))
        except InvalidSignatureException:
            return False
        return True

    def echo(self, query: Mapping[str, str]) -> str:
        """The URL check WeChat makes when the server address is saved: echo `echostr` if signed."""
        if not self.signed(query) or "echostr" not in query:
            raise Refused("bad signature")
        return query["echostr"]

    def read(self, query: Mapping[str, str], body: bytes) -> Push:
        """The push a POST carries, decrypted in safe mode."""
        if not self.signed(query):
            raise Refused("bad signature")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refused("not UTF-8") from None
        if query.get("encrypt_type", "raw") == "aes":
            if self.crypto is None:
                raise Refused("encrypted push, but WECHAT_ENCODING_AES_KEY is not set")
            try:
                text = self.crypto.decrypt_message(text, query.get("msg_signature", ""), query["timestamp"], query["nonce"])
            except (InvalidSignatureException, InvalidAppIdException):
                raise Refused("bad message signature") from None
            except Exception:  # noqa: BLE001 - a body that does not decrypt is not from WeChat
                raise Refused("undecryptable") from None
        try:
            return Push.from_xml(text)
        except Refused:
            raise
        except Exception:  # noqa: BLE001 - expat and xmltodict raise several kinds
            raise Refused("unreadable XML") from None

    def reply(self, query: Mapping[str, str], push: Push, text: str) -> str:
        """A passive text reply to `push`, encrypted when the push was."""
        xml = TextReply(message=push.message, content=text).render()
        if self.crypto is not None and query.get("encrypt_type") == "aes":
            return str(self.crypto.encrypt_message(xml, query.get("nonce", ""), query.get("timestamp")))
        return str(xml)
