"""OCR of evidence images on this machine: RapidOCR on onnxruntime, its models inside the wheel (no download).

Reading is CPU-bound (~1 s per phone screenshot here), so it runs off the event loop in a small, bounded
thread pool (onnxruntime releases the GIL); each worker thread owns one model. Images of one chat are read
one at a time, in the order they came; every read has a time limit. A file that is not an image, is empty
or truncated, or is absurdly large gives a result with a `status` saying so, never an exception: the
evidence is kept either way and the bot just asks (issue 13, "Bad input").
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from PIL import Image, UnidentifiedImageError

from engine.reading.extract import TextLine

log = logging.getLogger(__name__)

OcrStatus = Literal["ok", "unreadable", "too_large", "timeout", "failed"]

# Phone screenshots are 2-4 MP; anything bigger is downscaled to this many pixels before OCR (the
# detector works on a ~736 px short side anyway, and decoding less is faster and lighter).
MAX_OCR_PIXELS = 4_200_000
# Beyond this the file is refused unread: decoding it alone would cost gigabytes.
MAX_IMAGE_PIXELS = 120_000_000


@dataclass(frozen=True)
class OcrResult:
    """The recognised lines of one image (pixel boxes of the image as sent), or why there are none."""

    status: OcrStatus
    lines: tuple[TextLine, ...] = ()
    width: int = 0
    height: int = 0
    elapsed_ms: float = 0.0


class OcrEngine(Protocol):
    """What RapidOCR's callable offers: (results, timings) for an image; results None when no text."""

    def __call__(self, image: Any, **kwargs: Any) -> tuple[list[Any] | None, Any]: ...


# RapidOCR scales an image so its long side is at most this before detection and cuts the text lines for
# recognition from that copy. 1280 (instead of the default 2000) keeps phone text 20-30 px high, which
# reads as well in bench/ocr.py, and needs ~25 % less CPU and ~250 MB less memory per screenshot. The
# detector's "min side" is lowered too, or it would scale the copy back up to 736 px wide.
MAX_SIDE = 1280
DET_MIN_SIDE = 480


def rapidocr_engine(threads: int = 2) -> OcrEngine:
    """A RapidOCR model on onnxruntime; no angle classifier (screenshots are upright, and it costs time)."""
    from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]

    engine: OcrEngine = RapidOCR(
        intra_op_num_threads=threads,
        inter_op_num_threads=1,
        use_cls=False,
        max_side_len=MAX_SIDE,
        det_limit_side_len=DET_MIN_SIDE,
    )
    return engine


def _release_freed_memory() -> None:
    """Give the C heap's freed pages back to the system after a read (glibc keeps them otherwise)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class ImageReader:
    """Reads images through a bounded worker pool, one image at a time per chat, each with a time limit."""

    def __init__(
        self,
        *,
        workers: int = 1,
        timeout_s: float = 30.0,
        engine_factory: Callable[[], OcrEngine] = rapidocr_engine,
    ) -> None:
        self._workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
        self._timeout_s = timeout_s
        self._engine_factory = engine_factory
        self._local = threading.local()
        self._chat_locks: dict[str, tuple[asyncio.Lock, int]] = {}

    async def read(self, path: str | Path, chat_key: str) -> OcrResult:
        """OCR one image file; waits behind earlier images of the same chat."""
        lock = self._acquire_chat(chat_key)
        try:
            async with lock:
                return await self._read_now(Path(path))
        finally:
            self._release_chat(chat_key)

    async def warm_up(self) -> None:
        """Load the model now rather than on the first screenshot (each worker thread holds its own)."""
        loop = asyncio.get_running_loop()
        futures = [loop.run_in_executor(self._pool, self._engine) for _ in range(self._workers)]
        await asyncio.gather(*futures)

    def close(self) -> None:
        """Stop the workers (a read still running finishes in the background)."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def _read_now(self, path: Path) -> OcrResult:
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        future = loop.run_in_executor(self._pool, self._read_blocking, path)
        try:
            result = await asyncio.wait_for(future, self._timeout_s)
        except TimeoutError:
            # The worker thread cannot be interrupted; it finishes this image and the pool stays bounded.
            log.warning("OCR timed out after %.0f s", self._timeout_s)
            return OcrResult("timeout", elapsed_ms=(time.perf_counter() - started) * 1000)
        return result

    def _read_blocking(self, path: Path) -> OcrResult:
        started = time.perf_counter()
        try:
            image = load_for_ocr(path)
        except _TooLarge:
            return OcrResult("too_large")
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError, SyntaxError):
            return OcrResult("unreadable")
        try:
            raw, _ = self._engine()(image.image)
        except Exception:  # a model failure must not lose the evidence or reach the person as a trace
            log.exception("OCR failed")
            return OcrResult("failed", width=image.width, height=image.height)
        finally:
            _release_freed_memory()
        lines = tuple(_line(item, image.scale) for item in raw or ())
        elapsed = (time.perf_counter() - started) * 1000
        return OcrResult("ok", lines, image.width, image.height, elapsed)

    def _engine(self) -> OcrEngine:
        engine: OcrEngine | None = getattr(self._local, "engine", None)
        if engine is None:
            engine = self._engine_factory()
            self._local.engine = engine
        return engine

    def _acquire_chat(self, chat_key: str) -> asyncio.Lock:
        lock, users = self._chat_locks.get(chat_key, (asyncio.Lock(), 0))
        self._chat_locks[chat_key] = (lock, users + 1)
        return lock

    def _release_chat(self, chat_key: str) -> None:
        lock, users = self._chat_locks[chat_key]
        if users <= 1:
            del self._chat_locks[chat_key]
        else:
            self._chat_locks[chat_key] = (lock, users - 1)


@dataclass(frozen=True)
class PreparedImage:
    """An RGB image ready for OCR, and the factor from its pixels back to the file's pixels."""

    image: Image.Image
    width: int
    height: int
    scale: float


class _TooLarge(Exception):
    pass


def load_for_ocr(path: Path) -> PreparedImage:
    """Open, check and (if huge) downscale an image; raises for a file that is not a whole image."""
    with Image.open(path) as opened:
        width, height = opened.size
        if width * height > MAX_IMAGE_PIXELS or width <= 0 or height <= 0:
            raise _TooLarge
        factor = min(1.0, (MAX_OCR_PIXELS / (width * height)) ** 0.5)
        if factor < 1.0 and opened.format == "JPEG":
            # Decode at 1/2, 1/4 or 1/8 scale straight from the JPEG: a 50 MP photo never sits in memory whole.
            opened.draft("RGB", (max(1, int(width * factor)), max(1, int(height * factor))))
        opened.load()  # raises OSError on a truncated file
        image = opened.convert("RGB")
    if image.width * image.height > MAX_OCR_PIXELS:
        shrink = (MAX_OCR_PIXELS / (image.width * image.height)) ** 0.5
        image = image.resize((max(1, int(image.width * shrink)), max(1, int(image.height * shrink))), Image.Resampling.LANCZOS)
    return PreparedImage(image, width, height, width / image.width)


def _line(item: Any, scale: float) -> TextLine:
    box, text, _score = item[0], item[1], item[2]
    xs = [point[0] * scale for point in box]
    ys = [point[1] * scale for point in box]
    return TextLine(str(text), min(xs), min(ys), max(xs), max(ys))
