"""OCR service: real RapidOCR on a few rendered screenshots, and bad input, limits and ordering with a stand-in model."""

from __future__ import annotations

import asyncio
import threading
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


class StandIn:
    """A model that returns fixed lines, optionally waiting for a signal first; records overlap."""

    def __init__(
        self,
        lines: list[tuple[str, list[list[float]]]] | None = None,
        gate: threading.Event | None = None,
        barrier: threading.Barrier | None = None,
    ) -> None:
        self.lines = lines or []
        self.gate = gate
        self.barrier = barrier
        self.active = 0
        self.most_active = 0
        self.seen_sizes: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def __call__(self, image: Any, **kwargs: Any) -> tuple[list[Any] | None, Any]:
        with self._lock:
            self.active += 1
            self.most_active = max(self.most_active, self.active)
        self.seen_sizes.append(image.size)
        try:
            if self.gate is not None:
                self.gate.wait(5)
            elif self.barrier is not None:
                self.barrier.wait(5)  # both reads must be inside the model at once, or this breaks
            else:
                time.sleep(0.05)
            return [[box, text, 0.99] for text, box in self.lines], None
        finally:
            with self._lock:
                self.active -= 1


def _png(path: Path, size: tuple[int, int] = (100, 200)) -> Path:
    Image.new("RGB", size, "white").save(path)
    return path


@pytest.mark.parametrize(
    ("name", "content"),
    [("empty.png", b""), ("notes.png", b"just some text, not an image\n"), ("random.jpg", bytes(range(256)) * 40)],
)
async def test_not_an_image_or_empty_file_is_unreadable_not_an_error(tmp_path: Path, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    reader = ImageReader(engine_factory=StandIn)
    result = await reader.read(path, "chat")
    assert result.status == "unreadable"
    found = await read_evidence(reader, path, now=NOW, region="CN", chat_key="chat")
    assert found.problem == "unreadable"
    assert "打不开" in findings_summary(found, "zh")
    reader.close()


async def test_truncated_image_is_unreadable(tmp_path: Path) -> None:
    whole = render_call_log("ios_recents", seed=2).encoded(jpeg_quality=80)
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole[: len(whole) // 2])
    reader = ImageReader(engine_factory=StandIn)
    assert (await reader.read(path, "chat")).status == "unreadable"
    reader.close()


def test_fifty_megapixel_photo_is_downscaled_before_ocr(tmp_path: Path) -> None:
    path = tmp_path / "huge.jpg"
    Image.new("RGB", (8660, 5774), "white").save(path, quality=50)
    prepared = load_for_ocr(path)
    assert (prepared.width, prepared.height) == (8660, 5774)
    assert prepared.image.width * prepared.image.height <= MAX_OCR_PIXELS
    assert prepared.scale > 3


async def test_boxes_come_back_in_the_pixels_of_the_file_sent(tmp_path: Path) -> None:
    path = _png(tmp_path / "big.png", (4000, 3000))
    stand_in = StandIn([("138 0013 8000", [[10, 10], [110, 10], [110, 30], [10, 30]])])
    reader = ImageReader(engine_factory=lambda: stand_in)
    result = await reader.read(path, "chat")
    reader.close()
    [line] = result.lines
    scale = 4000 / stand_in.seen_sizes[0][0]
    assert (line.x0, line.x1) == pytest.approx((10 * scale, 110 * scale))
    assert result.width == 4000


async def test_slow_read_times_out_and_the_next_one_still_works(tmp_path: Path) -> None:
    gate = threading.Event()
    stand_in = StandIn(gate=gate)
    reader = ImageReader(timeout_s=0.2, engine_factory=lambda: stand_in)
    path = _png(tmp_path / "a.png")
    assert (await reader.read(path, "chat")).status == "timeout"
    gate.set()
    assert (await reader.read(path, "chat")).status == "ok"
    reader.close()


async def test_reading_runs_off_the_event_loop(tmp_path: Path) -> None:
    gate = threading.Event()
    reader = ImageReader(engine_factory=lambda: StandIn(gate=gate))
    read = asyncio.create_task(reader.read(_png(tmp_path / "a.png"), "chat"))
    started = time.perf_counter()
    await asyncio.sleep(0.05)  # the loop keeps running while the model works
    assert time.perf_counter() - started < 1
    assert not read.done()
    gate.set()
    assert (await read).status == "ok"
    reader.close()


async def test_one_image_at_a_time_per_chat_but_chats_in_parallel(tmp_path: Path) -> None:
    path = _png(tmp_path / "a.png")
    same = StandIn()
    reader = ImageReader(workers=2, engine_factory=lambda: same)
    await asyncio.gather(*(reader.read(path, "chat-1") for _ in range(4)))
    assert same.most_active == 1
    both = StandIn(barrier=threading.Barrier(2))
    reader2 = ImageReader(workers=2, engine_factory=lambda: both)
    results = await asyncio.gather(reader2.read(path, "chat-1"), reader2.read(path, "chat-2"))
    assert [r.status for r in results] == ["ok", "ok"]
    assert both.most_active == 2
    assert reader2._chat_locks == {}
    reader.close()
    reader2.close()


async def test_model_failure_is_reported_not_raised(tmp_path: Path) -> None:
    def broken() -> Any:
        def run(image: Any, **kwargs: Any) -> Any:
            raise RuntimeError("onnx session died")
        return run

    reader = ImageReader(engine_factory=broken)
    found = await read_evidence(reader, _png(tmp_path / "a.png"), now=datetime(2026, 12, 1, tzinfo=NOW.tzinfo),
                                region="CN", chat_key="chat")
    assert found.problem == "failed"
    reader.close()
