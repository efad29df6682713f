"""The test-side update builders produce Bot API JSON with Telegram's id and entity conventions."""
from __future__ import annotations

import struct

import pytest

from tests.fakebotapi import DEFAULT_LANGUAGE, FakeBotApi
from tests.fakebotapi.media import image_size, solid_png


def test_ids_users_and_entities() -> None:
    server = FakeBotApi()
    first = server.text(10, "/start@fake_test_bot now", language_code="en")
    second = server.command(10, "help")
    other_chat = server.text(11, "hi")
    assert second["update_id"] == first["update_id"] + 1 < other_chat["update_id"]
    assert [first["message"]["message_id"], second["message"]["message_id"]] == [1, 2]
    assert other_chat["message"]["message_id"] == 1, "message ids count per chat"
    assert first["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 20}]
    assert first["message"]["from"]["language_code"] == "en"
    assert second["message"]["from"]["language_code"] == DEFAULT_LANGUAGE, "override is per message"
    assert "entities" not in other_chat["message"]
    assert server.users[10]["first_name"] == "User10"


def test_named_users_groups_and_pending_queue() -> None:
    server = FakeBotApi()
    alice = server.user(20, first_name="Alice", language_code="en-gb", username="alice")
    update = server.text(-100123, "hello group", user=20)
    assert update["message"]["from"] == alice
    assert update["message"]["chat"] == {"id": -100123, "type": "supergroup", "title": "Test group"}
    assert server.users[20]["language_code"] == "en-gb"
    with pytest.raises(ValueError):
        server.text(-5, "who am I?")
    assert server.pending_updates == [update]


def test_forward_origins() -> None:
    server = FakeBotApi()
    hidden = server.forwarded_text(1, "x", origin_name="银行客服", origin_date=1_700_000_000)["message"]
    channel = server.forwarded_text(1, "y", origin_chat={"id": -100777, "title": "News"})["message"]
    assert hidden["forward_origin"] == {"type": "hidden_user", "sender_user_name": "银行客服", "date": 1_700_000_000}
    assert hidden["forward_sender_name"] == "银行客服" and hidden["forward_date"] == 1_700_000_000
    assert channel["forward_origin"]["type"] == "channel"
    assert channel["forward_from_chat"]["id"] == -100777


def test_photo_sizes_and_files() -> None:
    server = FakeBotApi()
    app0 = b"\xff\xe0" + struct.pack(">H", 4) + b"JF"
    jpeg_header = b"\xff\xd8" + app0 + b"\xff\xc0" + struct.pack(">HBHH", 17, 8, 600, 800)
    photo = server.photo(1, jpeg_header + b"rest")["message"]["photo"]
    assert [(p["width"], p["height"]) for p in photo] == [(90, 68), (320, 240), (800, 600)]
    assert server.file_bytes(photo[-1]["file_id"]) == jpeg_header + b"rest"
    assert image_size(server.file_bytes(photo[0]["file_id"]) or b"") == (90, 68)
    assert len({p["file_id"] for p in photo}) == 3
    big = server.big_document(1)["message"]["document"]
    assert big["file_size"] == 25 * 1024 * 1024
    assert image_size(solid_png(3, 2)) == (3, 2)
