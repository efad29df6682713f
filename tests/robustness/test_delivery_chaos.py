"""Random kills of `bot.py telegram` and random failures of the Bot API while people write: every input
gets its reply (once, but for the documented at-least-once window) or a clear request to send it again.

Seeded, so a failure replays exactly. Each input is `/case N` with its own N, whose answer ("I can't find
case #N") names the input it belongs to. The bot runs as a real process with its production timings and
is SIGKILLed at random moments, mostly while replies are being sent or retried; the fake Bot API fails
sends with 500s, resets connections, asks for flood waits, and fails getUpdates.
"""
from __future__ import annotations

import asyncio
import os
import random
import re
import sys
from pathlib import Path

from tests.fakebotapi import FakeBotApi
from tests.telegram.helpers import CHAT

ROOT = Path(__file__).resolve().parents[2]
SEED = 20261201
ROUNDS = 8
RESEND = "没能保存"


async def start_bot(env: dict[str, str]) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "telegram", cwd=ROOT, env={**os.environ, **env},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )


def inject(server: FakeBotApi, rnd: random.Random) -> None:
    roll = rnd.random()
    if roll < 0.3:
        server.fail_next("sendMessage", rnd.choice([500, 502]), times=rnd.randint(1, 6))
    elif roll < 0.5:
        server.drop_next("sendMessage", times=rnd.randint(1, 3))
    elif roll < 0.6:
        server.fail_next("sendMessage", 429, retry_after=1)
    elif roll < 0.7:
        server.fail_next("getUpdates", 502, times=2)


def answers(server: FakeBotApi) -> list[int]:
    """The case number each reply names, in the order the replies were sent."""
    found = []
    for text in server.texts(CHAT):
        match = re.search(r"#(\d{4})", text)
        if match:
            found.append(int(match.group(1)))
    return found


async def test_random_kills_and_bot_api_failures_never_cost_a_reply(fake_bot_api: FakeBotApi, tmp_path: Path) -> None:
    server, rnd = fake_bot_api, random.Random(SEED)
    env = {"DATA_DIR": str(tmp_path / "data"), "TELEGRAM_BOT_TOKEN": server.token, "TELEGRAM_API_BASE_URL": server.url}
    sent: list[int] = []
    kills = 0
    proc = await start_bot(env)
    try:
        for _ in range(ROUNDS):
            inject(server, rnd)
            for _ in range(rnd.randint(1, 2)):
                sent.append(1000 + len(sent))
                server.command(CHAT, f"case {sent[-1]}")
            await asyncio.sleep(rnd.uniform(0.2, 1.5))
            if rnd.random() < 0.7:
                proc.kill()
                await proc.wait()
                kills += 1
                proc = await start_bot(env)

        def settled() -> bool:
            got = set(answers(server))
            return all(n in got for n in sent) or (RESEND in " ".join(server.texts(CHAT)))

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 90
        while not settled() and loop.time() < deadline:
            await asyncio.sleep(0.2)
    finally:
        proc.kill()
        await proc.wait()

    assert settled(), f"not settled: sent {sent}, got {answers(server)}"
    got = answers(server)
    asked_again = sum(RESEND in t for t in server.texts(CHAT))
    missing = [n for n in sent if n not in got]
    assert len(missing) <= asked_again, f"lost without a word: {missing} (seed {SEED}, {kills} kills)"
    doubled = len(got) - len(set(got))
    assert doubled <= kills, f"{doubled} duplicates from {kills} kills: {got}"
    firsts = sorted(set(got), key=got.index)
    assert firsts == sorted(firsts), f"one chat's replies out of order: {got}"
    assert kills >= 3 and len(sent) >= 8
