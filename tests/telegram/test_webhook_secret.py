"""The webhook endpoint never takes a POST without the secret, even if it were built with an empty one
(a forged update must not reach the bot because a setting was left blank)."""
from __future__ import annotations

import asyncio
from typing import Any, cast

from aiohttp.test_utils import make_mocked_request

from handlers.telegram.webhook import WebhookServer

JSON = {"Content-Type": "application/json"}


def refusal(secret: str, headers: dict[str, str]) -> int | None:
    server = WebhookServer(cast(Any, None), asyncio.Queue(), secret, "/hook")
    response = server._refusal(make_mocked_request("POST", "/hook", headers=headers))
    return None if response is None else response.status


def test_an_empty_secret_refuses_every_post() -> None:
    assert refusal("", JSON) == 403
    assert refusal("", {**JSON, "X-Telegram-Bot-Api-Secret-Token": ""}) == 403


def test_the_right_secret_is_taken_and_a_wrong_one_refused() -> None:
    assert refusal("s3cret", {**JSON, "X-Telegram-Bot-Api-Secret-Token": "s3cret"}) is None
    assert refusal("s3cret", {**JSON, "X-Telegram-Bot-Api-Secret-Token": "nope"}) == 403
