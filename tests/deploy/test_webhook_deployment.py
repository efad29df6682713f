"""The deployment of deploy/, run for real: bot processes in webhook mode behind nginx, on one PostgreSQL.

Fifty people complain at the same time through nginx to three `bot.py telegram --webhook-url`
processes; one update in four reaches two processes at the same moment, and one process is
SIGKILLed mid-run and started again (systemd's Restart=always). Every complaint must complete,
every update be applied once, and each person see their questions in order, none twice.
"""
from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bench.telegram_people import Mailboxes, Person, WrongTurn, script_for
from tests.deploy.cluster import (
    SECRET,
    SECRET_HEADER,
    WebhookPusher,
    assert_every_complaint_completed,
    bot_env,
    deployment,
    nginx_binary,
    read_outcome,
)
from tests.fakebotapi import FakeBotApi
from tests.fakebotapi.records import SentMessage

PEOPLE = 50
PROCESSES = 3
CHAT_BASE = 7_000_000
# A reply the killed process had committed but not yet sent is sent by another process once the
# killed one's hold on it runs out (5 s, plus the 5 s a fresh row is left to its own process; see
# services/outbox.py); like a real person, someone who hears nothing for longer than that taps /start,
# which shows the question they are on. Updates the killed process had taken are replayed from the
# journal when it starts again, so until then silence is expected.
SILENCE = 20.0

pytestmark = pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed (./test.sh installs it)")


class PatientPerson(Person):
    """A scripted person who, after SILENCE seconds without an answer, taps /start once and goes on."""

    nudges: int = 0
    nudged_at: tuple[float, ...] = ()
    back_up: asyncio.Event | None = None
    silence: float = SILENCE

    async def run(self, think: object = None) -> list:  # type: ignore[type-arg]
        try:
            return await self._run()
        except WrongTurn as exc:
            raise WrongTurn(f"{exc}\n{transcript(self.server, self.chat_id)}") from None

    async def _run(self) -> list:  # type: ignore[type-arg]
        box = self.mail.box(self.chat_id)
        self.answered: set[str] = set()
        for kind, arg in self.script:
            while not box.empty():
                self._track(box.get_nowait())
            if self.question is not None and self.question.original_text:
                self.answered.add(self.question.original_text)
            expect: Callable[[Any], bool] = not_again(self._act(kind, arg), set(self.answered))
            while True:
                waiting = asyncio.ensure_future(self._reply(box, expect))
                try:
                    await asyncio.wait_for(asyncio.shield(waiting), self.silence)
                    break
                except TimeoutError:
                    if self.back_up is not None and not self.back_up.is_set():
                        await self.back_up.wait()
                        try:
                            await asyncio.wait_for(asyncio.shield(waiting), self.silence)
                            break
                        except TimeoutError:
                            pass
                    waiting.cancel()
                    self.nudges += 1
                    self.nudged_at += (time.monotonic(),)
                    if self.nudges > 2:
                        raise WrongTurn(f"chat {self.chat_id}: no answer to {kind} {arg!r}") from None
                    self.server.command(self.chat_id, "start", language_code=self.language_code)
                    expect = asks_question
        return self.timings

    def _track(self, record: Any) -> None:
        """A second copy of a question already answered (the outbox delivers at least once) is not the
        question on screen: tapping it would be a wrong turn no person takes."""
        if isinstance(record, SentMessage) and record.original_text in getattr(self, "answered", ()):
            return
        super()._track(record)


def not_again(acted: Callable[[Any], bool], answered: set[str]) -> Callable[[Any], bool]:
    """The reply to an update, but not a question already answered sent again (the outbox delivers at least once)."""
    return lambda record: acted(record) and not (isinstance(record, SentMessage) and record.original_text in answered)


def not_nudged(pairs: list[tuple[float, float]], nudged_at: tuple[float, ...]) -> list[tuple[float, float]]:
    """The doubled pairs a person's own /start does not explain: /start shows the question on screen
    again (by design), so a pair whose second copy came after a nudge is the answer to it, one pair per nudge."""
    left = sorted(nudged_at)
    unexplained = []
    for first, second in sorted(pairs, key=lambda pair: pair[1]):
        nudge = next((n for n in left if n <= second), None)
        if nudge is None:
            unexplained.append((first, second))
        else:
            left.remove(nudge)
    return unexplained


def asks_question(record: object) -> bool:
    return isinstance(record, SentMessage) and bool(record.buttons)


def transcript(server: FakeBotApi, chat_id: int) -> str:
    """What the person did and the bot said, in order, to read when something went wrong."""
    lines = [(u["update_id"], f"person #{u['update_id']}: " + str(u.get("message", {}).get("text")
              or u.get("callback_query", {}).get("data"))) for u in server.state.pending
             if (u.get("message") or u.get("callback_query", {}).get("message") or {}).get("chat", {}).get("id") == chat_id]
    said = [f"  bot at {m.time:.1f}: {(m.original_text or '')[:50]!r} {m.callback_data if m.original_reply_markup else ''}"
            + (f" (edited at {', '.join(f'{e.time:.1f}' for e in m.edits)})" if m.edits else "")
            for m in server.state.messages if m.chat_id == chat_id]
    return "\n".join([line for _, line in sorted(lines)] + said)


def doubled_questions(server: FakeBotApi, chat_id: int) -> list[tuple[float, float]]:
    """When the bot sent a chat the same question twice in a row: (first, second) send times."""
    asked = [m for m in server.state.messages if m.chat_id == chat_id and m.original_reply_markup]
    return [(a.time, b.time) for a, b in itertools.pairwise(asked) if a.original_text == b.original_text]


async def test_nginx_refuses_a_webhook_without_the_secret_and_a_bot_ignores_an_unknown_chat_type(
    tmp_path: Path, postgres_url: str
) -> None:
    async with FakeBotApi() as server:
        async with deployment(bot_env(server, postgres_url, tmp_path / "data"), tmp_path, 1) as running:
            async with WebhookPusher(server, running.nginx.url) as pusher:
                update = {"update_id": 1, "message": {"message_id": 1, "date": int(time.time()), "text": "/start",
                                                      "chat": {"id": 42, "type": "private"},
                                                      "from": {"id": 42, "is_bot": False, "first_name": "A"}}}
                assert await pusher.post(update, {}) == 403
                assert await pusher.post(update, {SECRET_HEADER: "wrong"}) == 403
                strange = {"update_id": 2, "message": {"message_id": 2, "date": int(time.time()), "text": "hi",
                                                       "chat": {"id": -5, "type": "a_chat_type_from_the_future"},
                                                       "from": {"id": 43, "is_bot": False, "first_name": "B"}}}
                assert await pusher.post(strange, {SECRET_HEADER: SECRET}) == 200
                server.command(44, "start")
                await server.wait_for_message(44, timeout=20)
            conn = await asyncpg.connect(postgres_url)
            try:
                processed = {r[0] for r in await conn.fetch("SELECT update_id FROM processed_updates")}
                users = {r[0] for r in await conn.fetch("SELECT external_id FROM users")}
            finally:
                await conn.close()
    assert running.codes == [0]
    assert "1" not in processed and users == {"44"}, "the refused update never reached the bot"
    assert [m.chat_id for m in server.state.messages] == [44], "nothing was sent to the strange chat"
    assert "Traceback" not in running.bots[0].log_path.read_text()


async def test_three_processes_behind_nginx_complete_fifty_complaints_with_redeliveries_and_a_killed_process(
    tmp_path: Path, postgres_url: str
) -> None:
    async with FakeBotApi() as server:
        async with deployment(bot_env(server, postgres_url, tmp_path / "data"), tmp_path, PROCESSES) as running:
            bots = running.bots
            mail = Mailboxes(server)
            people = [PatientPerson(server, mail, CHAT_BASE + n, *script_for(n)) for n in range(PEOPLE)]
            back_up = asyncio.Event()
            kill_time = [0.0]
            for person in people:
                person.back_up = back_up
            total = sum(len(p.script) for p in people)
            async with WebhookPusher(server, running.nginx.url, redeliver=lambda u: u["update_id"] % 4 == 0) as pusher:

                async def kill_one_midway() -> None:
                    while len(pusher.delivered) < total * 0.4:
                        await asyncio.sleep(0.02)
                    bots[1].kill()
                    killed = kill_time[0] = time.monotonic()
                    await asyncio.sleep(1.0)
                    await bots[1].start()
                    back_up.set()
                    print(f"restarted in {time.monotonic() - killed:.1f} s")

                await asyncio.gather(kill_one_midway(), *(p.run() for p in people))
                delivered = set(pusher.delivered)
            await asyncio.sleep(1.0)  # the journal forgets handled updates in batches
            outcome = await read_outcome(postgres_url)

    assert bots[1].starts == 2 and running.codes == [0, 0, 0]
    assert_every_complaint_completed(server, outcome, people)
    assert delivered <= outcome.processed, "every update was applied"
    assert outcome.journaled == 0, "nothing is left in the journal"
    # The one doubling allowed: a reply the killed process had sent but not yet marked sent goes out
    # again after the restart (the outbox delivers at least once); nothing else may send one twice.
    # A question shown again because its person tapped /start is no doubling: they asked for it.
    doubled = {p.chat_id: not_nudged(doubled_questions(server, p.chat_id), p.nudged_at) for p in people}
    by_kill = [pair for pairs in doubled.values() for pair in pairs if pair[0] <= kill_time[0] <= pair[1]]
    others = {chat: pairs for chat, pairs in doubled.items() if any(not a <= kill_time[0] <= b for a, b in pairs)}
    assert others == {}, f"a question was sent twice in a row: {others}\n" + "\n".join(
        transcript(server, chat) for chat in others)
    assert len(by_kill) <= 3, "only replies in flight in the killed process went out twice"
    assert sum(p.nudges for p in people) <= 5, "only people caught by the kill had to ask again"
