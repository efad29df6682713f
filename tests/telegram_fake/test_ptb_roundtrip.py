"""A real PTB Application polling the fake server: messages, buttons, downloads, uploads."""
from __future__ import annotations

import pytest
from telegram import MessageOriginHiddenUser, MessageOriginUser
from telegram.error import BadRequest

from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.media import solid_png
from tests.fakebotapi.ptb import polling
from tests.telegram_fake.tinybot import Seen, build_tiny_bot, eventually


async def test_echo_round_trip(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        fake_bot_api.text(42, "你好", language_code="zh-hans")
        reply = await fake_bot_api.wait_for_message(42, timeout=2)
    assert reply.text == "echo: 你好"
    assert reply.method == "sendMessage"
    assert seen.updates[0].effective_user.language_code == "zh-hans"
    assert seen.updates[0].effective_chat.type == "private"
    assert fake_bot_api.calls_to("getMe"), "Application.initialize must call getMe"


async def test_callback_is_answered_and_message_edited(fake_bot_api: FakeBotApi) -> None:
    async with polling(build_tiny_bot(fake_bot_api, Seen())):
        fake_bot_api.command(7, "start")
        question = await fake_bot_api.wait_for_message(7, timeout=2)
        assert question.callback_data == ["answer:yes", "answer:no"]
        press = fake_bot_api.press(7, "No")
        answer = await fake_bot_api.wait_for_callback_answer(press, timeout=2)
        edit = await fake_bot_api.wait_for_edit(7, question.message_id, timeout=2)
    assert answer.text == "noted" and answer.data == "answer:no"
    assert answer.message_id == question.message_id
    assert edit.text == "You chose no"
    assert question.text == "You chose no" and question.original_text == "Continue?"
    assert question.reply_markup is None, "editMessageText without reply_markup drops the keyboard"
    with pytest.raises(ValueError):
        fake_bot_api.callback(7, question.message_id, "answer:yes")  # no keyboard left to press


async def test_photo_download_returns_the_served_bytes(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    image = solid_png(1000, 700, grey=30)
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        update = fake_bot_api.photo(5, image, caption="screenshot")
        reply = await fake_bot_api.wait_for_message(5, timeout=2)
    assert seen.downloads == [image]
    assert reply.text == f"got {len(image)} bytes"
    sizes = seen.updates[0].effective_message.photo
    assert len(sizes) == 3 and (sizes[-1].width, sizes[-1].height) == (1000, 700)
    assert sizes[0].width < sizes[1].width < sizes[2].width
    assert update["message"]["caption"] == "screenshot"


async def test_album_shares_media_group_id(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    images = [solid_png(40, 30, grey=g) for g in (10, 20, 30)]
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        fake_bot_api.album(9, images, caption="three shots")
        for _ in images:
            await fake_bot_api.wait_for_message(9, timeout=2)
    groups = {u.effective_message.media_group_id for u in seen.updates}
    assert len(groups) == 1 and None not in groups
    assert sorted(seen.downloads) == sorted(images)
    assert [u.effective_message.caption for u in seen.updates] == ["three shots", None, None]


async def test_bot_uploads_a_document(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.user(11, first_name="Li", language_code="zh-hans")
    app = build_tiny_bot(fake_bot_api, Seen())
    async with polling(app):
        await app.bot.send_document(11, b"%PDF-1.4 fake", filename="complaint.pdf", caption="draft")
        await app.bot.send_chat_action(11, "typing")
    [document] = fake_bot_api.documents
    assert (document.chat_id, document.filename, document.data) == (11, "complaint.pdf", b"%PDF-1.4 fake")
    assert document.mime_type == "application/pdf" and document.caption == "draft"
    assert fake_bot_api.sent(11)[0].document is document
    assert [a.action for a in fake_bot_api.chat_actions] == ["typing"]


async def test_user_files_and_the_20mb_limit(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    app = build_tiny_bot(fake_bot_api, seen)
    async with polling(app):
        fake_bot_api.document(3, b"col1,col2\n", "calls.csv", "text/csv")
        fake_bot_api.voice(3, b"OggS-voice")
        fake_bot_api.big_document(3)
        await eventually(lambda: len(seen.updates) == 3)
        document, voice, big = (u.effective_message for u in seen.updates)
        csv_file = await document.document.get_file()
        assert bytes(await csv_file.download_as_bytearray()) == b"col1,col2\n"
        assert bytes(await (await voice.voice.get_file()).download_as_bytearray()) == b"OggS-voice"
        assert big.document.file_size > 20 * 1024 * 1024
        with pytest.raises(BadRequest, match="(?i)file is too big"):
            await big.document.get_file()
    assert document.document.file_name == "calls.csv" and voice.voice.mime_type == "audio/ogg"


async def test_other_update_kinds_parse_in_ptb(fake_bot_api: FakeBotApi) -> None:
    seen = Seen()
    fake_bot_api.user(99, first_name="Scammer")
    async with polling(build_tiny_bot(fake_bot_api, seen)):
        fake_bot_api.forwarded_text(4, "Your parcel is held", origin_name="Courier", origin_date=1_700_000_000)
        fake_bot_api.forwarded_text(4, "Pay now", origin_user=99)
        fake_bot_api.audio(4, b"ID3-audio", title="call")
        fake_bot_api.video(4, b"mp4-video")
        fake_bot_api.sticker(4)
        fake_bot_api.location(4, 39.9, 116.4)
        fake_bot_api.contact(4, "+8613800138000", "Zhang")
        await eventually(lambda: len(seen.updates) == 7)
    hidden, visible, audio, video, sticker, location, contact = (u.effective_message for u in seen.updates)
    assert isinstance(hidden.forward_origin, MessageOriginHiddenUser)
    assert hidden.forward_origin.sender_user_name == "Courier"
    assert int(hidden.forward_origin.date.timestamp()) == 1_700_000_000
    assert isinstance(visible.forward_origin, MessageOriginUser)
    assert visible.forward_origin.sender_user.first_name == "Scammer"
    assert audio.audio.title == "call" and video.video.mime_type == "video/mp4"
    assert sticker.sticker.emoji == "👍"
    assert (location.location.latitude, location.location.longitude) == (39.9, 116.4)
    assert contact.contact.phone_number == "+8613800138000"
    message_ids = [m.message_id for m in (hidden, visible, audio, video, sticker, location, contact)]
    assert message_ids == sorted(message_ids) and len(set(message_ids)) == 7
