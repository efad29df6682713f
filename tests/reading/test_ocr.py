"""OCR service: real RapidOCR on a few rendered screenshots, and bad input, limits and ordering with a stand-in model."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from bench.screenshots import NOW, render_call_log, render_sms
from engine.reading import findings_summary
from services.reading import ImageReader, read_evidence
from services.reading.ocr import MAX_OCR_PIXELS, load_for_ocr
from tests.reading import standins


@pytest.fixture(scope="module")
def real_reader() -> Any:
    reader = ImageReader(timeout_s=120)
    yield reader
    reader.close()


async def test_call_log_screenshot_numbers_and_times_are_read(real_reader: ImageReader, tmp_path: Path) -> None:
    screen = render_call_log("android_list", seed=0)
    path = tmp_path / "calls.png"
    path.write_bytes(screen.encoded())
    found = await read_evidence(real_reader, path, now=NOW, region="CN", chat_key="chat-1")
    assert found.layout == "call_log"
    assert {seen.number for seen in found.numbers} == screen.numbers
    assert [(c.number, c.when and c.when.at) for c in found.calls] == [(r.number, r.at) for r in screen.rows]
    assert "次来电" in findings_summary(found, "zh")


async def test_sms_screenshot_sent_as_scaled_jpeg_gives_sender_text_and_time(real_reader: ImageReader, tmp_path: Path) -> None:
    screen = render_sms("thread", seed=1, dark=True)
    path = tmp_path / "sms.jpg"
    path.write_bytes(screen.encoded(jpeg_quality=70, scale=0.75))
    found = await read_evidence(real_reader, path, now=NOW, region="CN", chat_key="chat-1")
    assert found.layout == "sms"
    assert [m.sender for m in found.messages] == [r.number for r in screen.rows]
    assert [m.when and m.when.at for m in found.messages] == [r.at for r in screen.rows]
    for message, row in zip(found.messages, screen.rows, strict=True):
        assert row.text is not None
        assert message.text.replace(" ", "") == row.text.replace(" ", "")


def _png(path: Path, size: tuple[int, int] = (100, 200)) -> Path:
    Image.new("RGB", size, "white").save(path)
    return path


def _span(result: Any) -> tuple[float, float]:
    started, ended = result.lines[0].text.split()
    return float(started), float(ended)


@pytest.fixture(scope="module")
def stand_in_reader() -> Any:
    reader = ImageReader(engine_factory=standins.one_number)
    yield reader
    reader.close()


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.png", b""), ("notes.png", b"just some text, not an image\n"), ("random.jpg", bytes(range(256)) * 40)],
)
async def test_not_an_image_or_empty_file_is_unreadable_not_an_error(
    stand_in_reader: ImageReader, tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert (await stand_in_reader.read(path, "chat")).status == "unreadable"
    found = await read_evidence(stand_in_reader, path, now=NOW, region="CN", chat_key="chat")
    assert found.problem == "unreadable"
    assert "打不开" in findings_summary(found, "zh")


async def test_truncated_image_is_unreadable(stand_in_reader: ImageReader, tmp_path: Path) -> None:
    whole = render_call_log("ios_recents", seed=2).encoded(jpeg_quality=80)
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole[: len(whole) // 2])
    assert (await stand_in_reader.read(path, "chat")).status == "unreadable"


def test_fifty_megapixel_photo_is_downscaled_before_ocr(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (8660, 5774), "white").save(path, quality=50)
    prepared = load_for_ocr(path)
    assert (prepared.width, prepared.height) == (8660, 5774)
    assert prepared.image.width * prepared.image.height <= MAX_OCR_PIXELS
    assert prepared.scale > 3


async def test_boxes_come_back_in_the_pixels_of_the_file_sent(stand_in_reader: ImageReader, tmp_path: Path) -> None:
    result = await stand_in_reader.read(_png(tmp_path / "big.png", (4000, 3000)), "chat")
    number, size = result.lines
    width = int(size.text.split()[1].split("x")[0])
    assert width < 4000
    assert (number.x0, number.x1) == pytest.approx((10 * 4000 / width, 110 * 4000 / width))
    assert result.width == 4000


async def test_slow_read_times_out_and_the_next_one_gets_a_fresh_worker(tmp_path: Path) -> None:
    path = _png(tmp_path / "a.png")
    slow = ImageReader(timeout_s=1.0, engine_factory=standins.sleepy)
    await slow.warm_up()
    started = time.perf_counter()
    assert (await slow.read(path, "chat")).status == "timeout"
    assert time.perf_counter() - started < 30
    assert (await slow.read(path, "chat")).status == "timeout"  # a new worker, which again takes too long
    slow.close()


async def test_reading_runs_off_the_event_loop(tmp_path: Path) -> None:
    reader = ImageReader(engine_factory=standins.clock)
    await reader.warm_up()
    read = asyncio.create_task(reader.read(_png(tmp_path / "a.png"), "chat"))
    ticks = 0
    while not read.done():
        await asyncio.sleep(0.05)  # the loop keeps running while the model works
        ticks += 1
    assert (await read).status == "ok"
    assert ticks >= 5
    reader.close()


async def test_one_image_at_a_time_per_chat_but_chats_in_parallel(tmp_path: Path) -> None:
    path = _png(tmp_path / "a.png")
    reader = ImageReader(workers=2, engine_factory=standins.clock)
    await reader.warm_up()
    same = sorted(map(_span, await asyncio.gather(reader.read(path, "chat-1"), reader.read(path, "chat-1"))))
    assert same[0][1] <= same[1][0]  # the second began after the first ended
    first, second = map(_span, await asyncio.gather(reader.read(path, "chat-1"), reader.read(path, "chat-2")))
    assert first[0] < second[1] and second[0] < first[1]  # they overlapped
    assert reader._chat_locks == {}
    reader.close()


async def test_model_failure_is_reported_not_raised(tmp_path: Path) -> None:
    reader = ImageReader(engine_factory=standins.broken)
    found = await read_evidence(reader, _png(tmp_path / "a.png"), now=datetime(2026, 12, 1, tzinfo=NOW.tzinfo),
                                region="CN", chat_key="chat")
    assert found.problem == "failed"
    reader.close()
