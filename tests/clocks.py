"""A clock for tests that builds the app or a store: each reading is one second after the last, like
real time moving on, so rows and files stamped one after the other keep their order and their names."""
from __future__ import annotations

from datetime import datetime, timedelta


class TickingClock:
    """Starts at `start`; every call moves it one second on and returns the new time."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now
