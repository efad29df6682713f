"""Benchmark: whole complaints over WeChat pushes against `bot.py wechat`, the time to each HTTP answer.

Run: `.venv/bin/python -m bench.wechat [--users 100] [--quick]`.
N people complete a complaint at the same time, each push signed and AES-encrypted as WeChat does
(wechatpy's WeChatCrypto), posted to the real `bot.py wechat` in its own process, which talks to the
fake WeChat API (tests/fakewechat) in this process. Each person sends the next push once the answer
to the last one arrived (the passive reply, or the custom message at the fake API). It prints pushes
per second, the time from posting a push to its HTTP answer (WeChat's 5-second limit), the time to
the full reply, and the bot's CPU per push (from /proc/<pid>/stat, so the bot's alone).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine  # noqa: E402
from tests.fakewechat import FakeWeChatApi  # noqa: E402
from tests.telegram.helpers import tiny_png  # noqa: E402
from tests.wechat.helpers import AES_KEY, TOKEN, Phone  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AMR = b"#!AMR\n" + bytes(range(64))


@dataclass
class Target:
    """What Phone needs of an endpoint: the push URL and the fake API."""

    url: str
    api: FakeWeChatApi


@dataclass
class Figures:
    answers: list[float] = field(default_factory=list)  # seconds to the HTTP answer
    replies: list[float] = field(default_factory=list)  # seconds to the expected reply


# (how, what, expected text): tap a menu option, say a text, or send media.
SCRIPT: list[tuple[str, str, str]] = [
    ("event", "subscribe", "反骚扰投诉助手"),
    ("tap", "📝 开始投诉", "你在哪里"),
    ("tap", "中国大陆", "发生了什么"),
    ("say", "1", "对方用的是哪个号码"),
    ("say", "138 0013 8000, 95555", "最近一次是什么时候"),
    ("say", "2026-11-20 14:30", "多久一次"),
    ("tap", "一天好几次", "你是对方的客户"),
    ("tap", "从没同意过，也不是客户", "明确要求对方"),
    ("tap", "没有", "录音/机器人"),
    ("tap", "录音或机器人", "哪家公司、说了什么"),
    ("voice", "您好，这里是XX贷款，您有一笔额度待领取", "造成了什么影响"),
    ("tap", "浪费时间", "现在请发送证据"),
    ("image", "", "共 1 份"),
    ("tap", "✅ 完成", "建议按下面的顺序投诉"),
    ("first", "", "通话时长"),
    ("say", "2", "你的联系方式"),
    ("tap", "跳过 »", "请核对一下"),
    ("confirm", "✅", "投诉已保存"),
]


async def complain(phone: Phone, figures: Figures, seed: int) -> None:
    for how, what, expected in SCRIPT:
        started = time.monotonic()
        if how == "event":
            answer = await phone.event(what)
        elif how == "tap":
            item = next(i for i in phone.last_menu() if i["content"] == what)
            answer = await phone.text(item["content"], item["id"])
        elif how == "confirm":
            item = next(i for i in phone.last_menu() if i["content"].startswith(what))
            answer = await phone.text(item["content"], item["id"])
        elif how == "first":
            item = phone.last_menu()[0]
            answer = await phone.text(item["content"], item["id"])
        elif how == "voice":
            answer = await phone.media("voice", AMR, "audio/amr", Format="amr", Recognition=what)
        elif how == "image":
            answer = await phone.media("image", tiny_png(seed), "image/png")
        else:
            answer = await phone.text(what)
        assert answer.status == 200, answer
        await phone.expect(expected, timeout=60)
        figures.answers.append(answer.seconds)
        figures.replies.append(time.monotonic() - started)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process, all its threads, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(users: int) -> None:
    api = await FakeWeChatApi().start()
    port = free_port()
    data_dir = tempfile.mkdtemp(prefix="bench-wechat-")
    env = {
        **os.environ,
        "DATA_DIR": data_dir,
        "WECHAT_TOKEN": TOKEN,
        "WECHAT_APP_ID": api.app_id,
        "WECHAT_APP_SECRET": api.app_secret,
        "WECHAT_ENCODING_AES_KEY": AES_KEY,
        "WECHAT_API_BASE_URL": api.url,
        "LOG_LEVEL": "WARNING",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "bot.py", "wechat", "--port", str(port), cwd=ROOT, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stderr is not None
        ready = await asyncio.wait_for(proc.stderr.readline(), 60)
        assert b"WeChat endpoint" in ready, ready
        target = Target(f"http://127.0.0.1:{port}/wechat", api)
        connector = aiohttp.TCPConnector(limit=users + 10)
        async with aiohttp.ClientSession(connector=connector) as session:
            warm = Figures()
            phones = [Phone(target, f"o_warm_{n}") for n in range(4)]  # type: ignore[arg-type]
            for phone in phones:
                phone.session = session
            await asyncio.gather(*(complain(p, warm, n) for n, p in enumerate(phones)))

            figures = Figures()
            phones = [Phone(target, f"o_person_{n}") for n in range(users)]  # type: ignore[arg-type]
            for phone in phones:
                phone.session = session
            cpu_before, wall_before = cpu_seconds(proc.pid), time.monotonic()
            await asyncio.gather(*(complain(p, figures, 100 + n) for n, p in enumerate(phones)))
            wall = time.monotonic() - wall_before
            cpu = cpu_seconds(proc.pid) - cpu_before
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = await proc.communicate()
        await api.stop()
    pushes = len(figures.answers)
    ms = 1000
    print(f"machine: {machine()}")
    print(f"{users} people at once, {len(SCRIPT)} pushes each (AES), bot.py wechat in its own process")
    print(f"  pushes                        {pushes:,}")
    print(f"  wall time, s                  {wall:.2f}")
    print(f"  pushes/s                      {pushes / wall:,.0f}")
    for name, values in (("HTTP answer", figures.answers), ("full reply", figures.replies)):
        print(f"  {name:<12} p50 / p95 / p99 / max, ms   "
              f"{percentile(values, .5) * ms:,.1f} / {percentile(values, .95) * ms:,.1f} / "
              f"{percentile(values, .99) * ms:,.1f} / {max(values) * ms:,.1f}")
    print(f"  HTTP answers over 5 s         {sum(v > 5 for v in figures.answers)}")
    print(f"  bot CPU, s                    {cpu:.2f}")
    print(f"  bot CPU per push, ms          {cpu / pushes * ms:.3f}")
    print(f"  bot CPU busy (CPU/wall)       {cpu / wall:.0%}")
    calls = {path.rsplit('/', 1)[-1]: count / pushes for path, count in sorted(api.calls.items())}
    print("  API calls per push            " + ", ".join(f"{k} {v:.2f}" for k, v in calls.items()))
    print(f"  token fetches                 {api.token_fetches}")
    if err.strip():
        print("bot stderr:\n" + err.decode()[-2000:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--quick", action="store_true", help="10 people")
    args = parser.parse_args()
    asyncio.run(run(10 if args.quick else args.users))


if __name__ == "__main__":
    main()
