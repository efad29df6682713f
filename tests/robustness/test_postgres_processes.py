"""Two bot processes on one PostgreSQL database: a person's events are applied one at a time, once.

Each "process" here is a whole app of its own (its own connection pool, its own in-process locks),
as two `bot.py telegram` processes behind one webhook address are; they share only the database
and DATA_DIR. The real-process version of this, behind nginx, is tests/deploy/.
"""
from __future__ import annotations

import asyncio
import itertools
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.bootstrap import App, build_app
from app.settings import load_settings
from engine.events import Command, Event, FileInput, TextInput
from engine.replies import Reply
from services.conversation import Result, Who
from services.evidence_intake import file_item
from tests.clocks import TickingClock
from tests.robustness.people import evidence_file
from tests.robustness.walk import NOW, PLANS, walk_service
from tests.storage.postgres_server import create_database, drop_database

PEOPLE = 12
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def two_apps(data_dir: Path) -> AsyncIterator[tuple[App, App]]:
    url = await create_database()
    settings = load_settings({"DATA_DIR": str(data_dir), "DATABASE_URL": url})
    first = await build_app(settings, clock=TickingClock(NOW))
    second = await build_app(settings, clock=TickingClock(NOW))
    yield first, second
    await first.close()
    await second.close()
    await drop_database(url)


def person(n: int) -> Who:
    return Who("telegram", str(5000 + n), "zh-hans")


async def test_an_update_delivered_to_two_processes_at_once_is_applied_once(
    two_apps: tuple[App, App], tmp_path: Path
) -> None:
    first, second = two_apps
    shot = evidence_file(tmp_path / "phone", "shot.png", b"one screenshot")
    item = await file_item(shot.resolve(), received_at=NOW, filename=shot.name)
    doubled: list[tuple[Result, Result]] = []

    async def complain(n: int) -> list[Reply]:
        who, ids = person(n), itertools.count(1)

        async def both(event: Event) -> list[Reply]:
            update_id = n * 1000 + next(ids)
            pair = await asyncio.gather(
                first.service.handle_full(who, event, [update_id]), second.service.handle_full(who, event, [update_id])
            )
            doubled.append(pair)
            return pair[0].replies + pair[1].replies

        async def step() -> str | None:
            return (await first.service.state_of(await first.service.user_for(who))).step

        return await walk_service(both, step, first.service.engine, PLANS["cn_robocall"], lambda _: item)

    await asyncio.gather(*(complain(n) for n in range(PEOPLE)))

    assert doubled and all(sorted([a.duplicate, b.duplicate]) == [False, True] for a, b in doubled)
    for n in range(PEOPLE):
        user = await first.service.user_for(person(n))
        (case,) = await first.store.list_cases(user.id)
        assert case.status == "ready" and case.draft
        kinds = [e.kind for e in await first.store.case_events(case.id)]
        assert kinds.count("created") == 1 and kinds.count("ready") == 1
        assert len(await first.store.case_evidence(case.id)) == 1


async def test_two_updates_of_one_person_in_two_processes_at_once_both_count(
    two_apps: tuple[App, App], tmp_path: Path
) -> None:
    first, second = two_apps
    who, ids = person(0), itertools.count(1)

    async def send(event: Event) -> list[Reply]:
        return await first.service.handle(who, event, [next(ids)])

    async def step() -> str | None:
        return (await first.service.state_of(await first.service.user_for(who))).step

    await walk_service(send, step, first.service.engine, PLANS["cn_robocall"], lambda _: {}, stop_at="evidence")
    shots = [evidence_file(tmp_path / "phone", f"shot-{n}.png", f"screenshot {n}".encode()) for n in range(6)]
    items = [await file_item(p.resolve(), received_at=NOW, filename=p.name) for p in shots]

    for pair in (items[0:2], items[2:4], items[4:6]):
        await asyncio.gather(
            first.service.handle(who, FileInput((pair[0],)), [next(ids)]),
            second.service.handle(who, FileInput((pair[1],)), [next(ids)]),
        )
    await second.service.handle(who, TextInput("再来一条：您的贷款已到账"), [next(ids)])

    state = await first.service.state_of(await first.service.user_for(who))
    assert state.case_id is not None
    in_answer = sorted(i["sha256"] for i in state.answers["evidence"])
    in_table = sorted(r.sha256 for r in await first.store.case_evidence(state.case_id))
    assert len(in_answer) == 7 and in_answer == in_table


# A process that dies inside a person's event: it takes the person's lock, writes, and waits to be killed.
DIES_MID_EVENT = """
import asyncio, sys
from datetime import datetime, timezone
from storage.postgres import PostgresStore

async def main():
    async with PostgresStore(sys.argv[1], pool_size=2) as store:
        async with store.serialized("telegram", sys.argv[2]):
            async with store.transaction() as tx:
                user = await tx.get_or_create_user("telegram", sys.argv[2], "zh", datetime.now(timezone.utc))
                await tx.create_case(user.id, datetime.now(timezone.utc))
            print("inside", flush=True)
            await asyncio.sleep(3600)

asyncio.run(main())
"""


async def test_a_process_killed_mid_event_leaves_no_half_write_and_frees_the_person(
    two_apps: tuple[App, App], tmp_path: Path
) -> None:
    first, _ = two_apps
    who = person(7)
    url = first.settings.database_url
    assert url is not None
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", DIES_MID_EVENT, url, who.external_id, cwd=REPO_ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        assert await asyncio.wait_for(proc.stdout.readline(), 60) == b"inside\n"
        waiting = asyncio.ensure_future(first.service.handle(who, Command("start"), [1]))
        await asyncio.sleep(1.0)
        assert not waiting.done(), "the person's next event waits for the process holding the lock"
    finally:
        proc.kill()
        await proc.wait()
    replies = await asyncio.wait_for(waiting, 20)
    assert replies, "once the process is gone, the event goes through"
    user = await first.service.user_for(who)
    assert await first.store.list_cases(user.id) == [], "the killed process's case was rolled back"
