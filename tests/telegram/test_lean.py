"""A tap is parsed with only the tapped button of its message's keyboard (inbox.lean): what the adapter
reads of the keyboard (the tapped label, whether there was one) stays, and the journaled JSON is untouched."""
from __future__ import annotations

import copy
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Update

from handlers.telegram.inbox import lean
from handlers.telegram.render import button_label

BOT = Bot("123:abc")
USER = {"id": 42, "is_bot": False, "first_name": "P", "language_code": "zh-hans"}
CHAT = {"id": 42, "type": "private", "first_name": "P"}


def tap(data: str | None, rows: list[list[dict[str, str]]]) -> dict[str, Any]:
    message = {"message_id": 7, "date": 0, "chat": CHAT, "text": "这个电话是什么时候打来的？",
               "reply_markup": {"inline_keyboard": rows}}
    query: dict[str, Any] = {"id": "q", "from": USER, "chat_instance": "c", "message": message}
    if data is not None:
        query["data"] = data
    return {"update_id": 5, "callback_query": query}


ROWS = [
    [{"text": "今天", "callback_data": "3|today"}, {"text": "昨天", "callback_data": "3|yesterday"}],
    [{"text": "打开网页", "url": "https://example.org"}],
    [{"text": "← 返回", "callback_data": "3|_back"}],
]


def markup_of(payload: dict[str, Any]) -> InlineKeyboardMarkup | None:
    update = Update.de_json(payload, BOT)
    assert update is not None and update.callback_query is not None
    message = update.callback_query.message
    markup = getattr(message, "reply_markup", None)
    return markup if isinstance(markup, InlineKeyboardMarkup) else None


def test_the_lean_tap_keeps_the_tapped_label_and_the_received_json_is_unchanged() -> None:
    for data in ("3|today", "3|yesterday", "3|_back"):
        payload = tap(data, ROWS)
        received = copy.deepcopy(payload)
        full, cut = markup_of(payload), markup_of(lean(payload))
        assert button_label(cut, data) == button_label(full, data) is not None
        assert cut is not None and [[b.callback_data for b in row] for row in cut.inline_keyboard] == [[data]]
        assert payload == received


def test_a_tap_whose_data_is_not_on_the_keyboard_still_shows_a_keyboard_without_a_label() -> None:
    for data in ("2|today", None):  # an older question's data; a button without callback data
        cut = markup_of(lean(tap(data, ROWS)))
        assert cut is not None and cut.inline_keyboard == ()
        assert button_label(cut, data) is None


def test_updates_without_a_tapped_keyboard_are_parsed_as_received() -> None:
    message = {"update_id": 6, "message": {"message_id": 8, "date": 0, "chat": CHAT, "from": USER, "text": "你好"}}
    no_keyboard = tap("3|today", ROWS)
    del no_keyboard["callback_query"]["message"]["reply_markup"]
    for payload in (message, no_keyboard):
        assert lean(payload) is payload
