"""What people send: media of every kind, oversize files, and things that are not evidence."""
from __future__ import annotations

import hashlib
import json

from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT, MP3, MP4, OGG, BotRunner, next_message, tiny_png

ACCEPTED_ZH = "截图或照片"


async def start_case(server: FakeBotApi, chat_id: int = CHAT) -> None:
    server.command(chat_id, "new")
    await next_message(server, "你在哪里", chat_id=chat_id)


async def test_a_sticker_gets_a_friendly_note_on_what_is_accepted(bot: BotRunner) -> None:
    server = bot.server
    server.sticker(CHAT)
    note = await next_message(server, "贴纸")
    assert ACCEPTED_ZH in (note.text or "") and "PDF" in (note.text or "")
    server.location(CHAT)
    assert ACCEPTED_ZH in ((await next_message(server, "位置")).text or "")
    server.contact(9090, "+86 138 0013 8000", language_code="en")
    card = await next_message(server, "contact cards", chat_id=9090)
    assert "screenshots or photos" in (card.text or "")


async def test_a_25_mb_file_gets_the_size_message_without_being_downloaded(bot: BotRunner) -> None:
    server = bot.server
    await start_case(server)
    server.big_document(CHAT)
    message = await next_message(server, "太大")
    assert "25.0 MB" in (message.text or "") and "20.0 MB" in (message.text or "")
    assert server.calls_to("getFile") == []
    assert bot.rows("select count(*) from evidence") == [(0,)]


async def test_the_apis_file_is_too_big_answer_gets_the_size_message_too(runner: BotRunner) -> None:
    await runner.start(max_download_bytes=100 * 1024 * 1024)  # as if a self-hosted server allowed more
    server = runner.server
    await start_case(server)
    server.big_document(CHAT, file_name="通话录音.mp4")
    await next_message(server, "太大")
    assert [c.outcome for c in server.calls_to("getFile")] == ["error 400"]
    assert not list((runner.data_dir / "evidence" / "tmp").glob("*"))


async def test_voice_audio_video_and_a_captioned_photo_become_evidence_of_the_right_kind(bot: BotRunner) -> None:
    server = bot.server
    await start_case(server)
    server.voice(CHAT, OGG)
    await next_message(server, "已把它保存为证据（共 1 份）")
    server.audio(CHAT, MP3, file_name="录音.mp3")
    await next_message(server, "共 2 份")
    server.video(CHAT, MP4, caption="录屏")
    await next_message(server, "共 3 份")
    server.photo(CHAT, tiny_png(7), caption="来电记录")
    fourth = await next_message(server, "共 4 份")
    rows = bot.rows("select sha256, kind, filename, caption from evidence order by id")
    assert [r[1] for r in rows] == ["audio", "audio", "video", "image"]
    assert rows[1][2] == "录音.mp3" and rows[2][3] == "录屏" and rows[3][3] == "来电记录"
    assert [r[0] for r in rows] == [hashlib.sha256(b).hexdigest() for b in (OGG, MP3, MP4, tiny_png(7))]
    assert "你在哪里" in (fourth.text or "") and fourth.buttons, "each receipt asks the current question again, in one message"


async def test_a_forwarded_message_keeps_its_original_sender_and_date(bot: BotRunner) -> None:
    server = bot.server
    await start_case(server)
    server.user(777, first_name="客服", last_name="小王", username="fake_bank_cs")
    server.forwarded_text(CHAT, "您的账户存在风险，请转账到安全账户", origin_user=777, origin_date=1_700_000_000)
    await next_message(server, "已把它保存为证据")
    (kind, origin, size), = bot.rows("select kind, origin, size from evidence")
    assert kind == "forward" and size == len("您的账户存在风险，请转账到安全账户".encode())
    assert json.loads(origin) == {
        "type": "user", "date": "2023-11-14T22:13:20+00:00", "sender": "客服 小王 (@fake_bank_cs)", "sender_id": 777,
    }


async def test_a_file_without_a_case_starts_one_and_leaves_no_temporary_behind(bot: BotRunner) -> None:
    server = bot.server
    server.photo(CHAT, tiny_png(9))
    await next_message(server, "收到 1 份证据")
    assert bot.rows("select count(*) from evidence") == [(1,)]
    assert not list((bot.data_dir / "evidence" / "tmp").glob("*")), "the download was moved into the store"


async def test_an_album_arriving_at_once_is_one_event_even_with_other_chats_in_between(bot: BotRunner) -> None:
    server = bot.server
    await start_case(server)
    await start_case(server, chat_id=5150)
    server.album(CHAT, [tiny_png(11), tiny_png(12)])
    server.photo(5150, tiny_png(13))
    await next_message(server, "共 1 份", chat_id=5150)
    await next_message(server, "已把它保存为证据（共 2 份）")
    assert len([m for m in server.sent(CHAT) if "保存为证据" in (m.text or "")]) == 1


async def test_a_message_right_after_an_album_waits_for_the_album(bot: BotRunner) -> None:
    server = bot.server
    await start_case(server)
    server.album(CHAT, [tiny_png(21), tiny_png(22)])
    server.text(CHAT, "1")
    await next_message(server, "发生了什么")
    texts = server.texts(CHAT)
    saved = next(i for i, t in enumerate(texts) if "保存为证据（共 2 份）" in t)
    assert saved < next(i for i, t in enumerate(texts) if "发生了什么" in t)
    assert bot.rows("select jurisdiction from cases") == [("CN",)]
