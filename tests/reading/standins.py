"""Stand-in OCR models for the worker-process tests: module-level, so a spawned worker can load them."""

from __future__ import annotations

import time
from typing import Any

Box = list[list[float]]
_BOX: Box = [[10, 10], [110, 10], [110, 30], [10, 30]]


def one_number() -> Any:
    """Reads one phone number at a fixed box, and reports the size of the image it was given."""
    def run(image: Any, **kwargs: Any) -> tuple[list[Any], None]:
        return [[_BOX, "138 0013 8000", 0.99], [[[0, 40], [1, 40], [1, 41], [0, 41]], f"size {image.width}x{image.height}", 0.99]], None
    return run


def sleepy() -> Any:
    """Never finishes in time."""
    def run(image: Any, **kwargs: Any) -> tuple[list[Any], None]:
        time.sleep(600)
        return [], None
    return run


def clock() -> Any:
    """Takes 1.5 s and says when it started and ended, so tests can see which reads overlapped."""
    def run(image: Any, **kwargs: Any) -> tuple[list[Any], None]:
        started = time.time()
        time.sleep(1.5)
        return [[_BOX, f"{started:.3f} {time.time():.3f}", 0.99]], None
    return run


def broken() -> Any:
    """Fails inside the model."""
    def run(image: Any, **kwargs: Any) -> tuple[list[Any], None]:
        raise RuntimeError("onnx session died")
    return run
