"""One bot process of bench.scaling: `bot.py telegram --webhook-url ...` with Telegram's send limits raised.

Run by bench.scaling (not by hand): `python -m bench.webhook_child telegram --webhook-url URL --port N`,
with the same environment `bot.py telegram` reads. Everything is `bot.py telegram` as deployed
(webhook server, journal, outbox, background loops, PostgreSQL) except the limits Telegram sets a
bot (30 messages/s overall, one a second per chat): with them the benchmark would measure the
limiter, not the processes (bench.telegram_e2e raises them the same way).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bot  # noqa: E402
from app.settings import Settings  # noqa: E402
from bench.telegram_child import UNLIMITED  # noqa: E402
from engine.model import Flow  # noqa: E402
from handlers.telegram import app as telegram_app  # noqa: E402


class BenchOptions(telegram_app.TelegramOptions):
    """TelegramOptions whose send policy is UNLIMITED unless the caller names one."""

    @classmethod
    def from_settings(cls, settings: Settings, flow: Flow | None = None, **overrides: Any) -> telegram_app.TelegramOptions:
        return super().from_settings(settings, flow, **{"send": UNLIMITED, **overrides})


def main(argv: list[str]) -> int:
    telegram_app.TelegramOptions = BenchOptions  # type: ignore[misc]
    return bot.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
