"""OCR of evidence images on this machine: RapidOCR on onnxruntime, its models inside the wheel (no download).

Reading is CPU-bound (~1 s per phone screenshot on a quiet 2-core machine) and needs a few hundred MB
while it runs, so it happens off the event loop in a small, bounded pool of child processes, each owning
one model. Images of one chat are read one at a time, in the order they came; every read has a time
limit, enforced by ending the worker process. A file that is not an image, is empty
or truncated, or is absurdly large gives a result with a `status` saying so, never an exception: the
evidence is kept either way and the bot just asks (issue 13, "Bad input").
"""

from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
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
    """Reads images in a bounded pool of child processes, one image at a time per chat, each with a time limit.

    Each worker process holds one model (~130 MB) and the detector's working memory (~250 MB per
    screenshot), so neither counts against the bot's own process; a read that runs past the limit is
    ended by killing its worker, which is started afresh for the next image.
    """

    def __init__(
        self,
        *,
        workers: int = 1,
        timeout_s: float = 30.0,
        startup_timeout_s: float = 120.0,
        engine_factory: Callable[[], OcrEngine] = rapidocr_engine,
    ) -> None:
        self._timeout_s = timeout_s
        self._workers = [_Worker(engine_factory, startup_timeout_s) for _ in range(workers)]
        self._idle: asyncio.Queue[_Worker] | None = None
        self._threads = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ocr")
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
        """Start every worker and load its model now rather than on the first screenshot."""
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._threads, worker.ensure_started) for worker in self._workers))

    def close(self) -> None:
        """Stop the worker processes."""
        for worker in self._workers:
            worker.stop()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def _read_now(self, path: Path) -> OcrResult:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        worker = await self._idle.get()
        loop = asyncio.get_running_loop()
        try:
            try:
                await loop.run_in_executor(self._threads, worker.ensure_started)
            except (OSError, EOFError, RuntimeError):
                log.exception("OCR worker did not start")
                worker.stop()
                return OcrResult("failed")
            started = time.perf_counter()
            try:
                return await asyncio.wait_for(loop.run_in_executor(self._threads, worker.roundtrip, path), self._timeout_s)
            except TimeoutError:
                log.warning("OCR timed out after %.0f s; restarting its worker", self._timeout_s)
                worker.stop()
                return OcrResult("timeout", elapsed_ms=(time.perf_counter() - started) * 1000)
            except (OSError, EOFError):  # the worker died (e.g. the model crashed the process)
                log.warning("OCR worker ended unexpectedly; restarting it")
                worker.stop()
                return OcrResult("failed")
        finally:
            self._idle.put_nowait(worker)

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


class _Worker:
    """One child process with one model, spoken to over a pipe: a path in, an `OcrResult` out."""

    def __init__(self, factory: Callable[[], OcrEngine], startup_timeout_s: float) -> None:
        self._factory = factory
        self._startup_timeout_s = startup_timeout_s
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._lock = threading.Lock()

    def ensure_started(self) -> None:
        """Start the process and wait until its model is loaded (not counted in a read's time limit)."""
        with self._lock:
            if self._process is not None and self._process.is_alive() and self._conn is not None:
                return
            self._close()
            context = multiprocessing.get_context("spawn")
            parent, child = context.Pipe()
            process = context.Process(target=_serve, args=(child, self._factory), daemon=True, name="ocr-worker")
            process.start()
            child.close()
            self._process, self._conn = process, parent
            if not parent.poll(self._startup_timeout_s) or parent.recv() != "ready":
                self._close()
                raise RuntimeError("OCR worker did not start in time")

    def roundtrip(self, path: Path) -> OcrResult:
        conn = self._conn
        if conn is None:
            raise EOFError("worker stopped")
        conn.send(str(path))
        result: OcrResult = conn.recv()
        return result

    def stop(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        if self._conn is not None:
            self._conn.close()
        self._process, self._conn = None, None


def _serve(conn: Connection, factory: Callable[[], OcrEngine]) -> None:
    """The worker process: load the model once, then read one path at a time until the pipe closes."""
    engine = factory()
    conn.send("ready")
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return
        conn.send(read_image(engine, Path(path)))


def read_image(engine: OcrEngine, path: Path) -> OcrResult:
    """OCR one file with a loaded model; any unreadable file becomes a status, never an exception."""
    started = time.perf_counter()
    try:
        image = load_for_ocr(path)
    except _TooLarge:
        return OcrResult("too_large")
    except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError, SyntaxError):
        return OcrResult("unreadable")
    try:
        raw, _ = engine(image.image)
    except Exception:  # a model failure must not lose the evidence or reach the person as a trace
        log.exception("OCR failed")
        return OcrResult("failed", width=image.width, height=image.height)
    finally:
        _release_freed_memory()
    lines = tuple(_line(item, image.scale) for item in raw or ())
    elapsed = (time.perf_counter() - started) * 1000
    return OcrResult("ok", lines, image.width, image.height, elapsed)


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
    # Python floats: the model gives numpy's, which the compiled engine's float fields refuse.
    xs = [float(point[0]) * scale for point in box]
    ys = [float(point[1]) * scale for point in box]
    return TextLine(str(text), min(xs), min(ys), max(xs), max(ys))
