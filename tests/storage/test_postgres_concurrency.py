"""PostgreSQL only: several bot processes share one database, and never claim the same reminder twice."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import asyncpg

from storage import InboundUpdate, NewReminder
from storage.postgres import PostgresStore
from tests.storage.builders import T0, make_case, make_user

REPO_ROOT = Path(__file__).resolve().parents[2]
ROWS = 500

# A bot process's claim loop, cut down: wait for "go", then claim small batches from several
# coroutines until nothing is due, and print every id it claimed.
CLAIMER = textwrap.dedent(
    """
    import asyncio, json, sys
    from datetime import datetime, timezone
    from storage.postgres import PostgresStore

    NOW = datetime(2026, 11, 27, 7, 0, tzinfo=timezone.utc)

    async def claim_until_empty(store, claimed):
        while True:
            async with store.transaction() as tx:
                rows = await tx.claim_reminders(NOW, 7, ["telegram"])
            if not rows:
                return
            claimed += [r.id for r in rows]
            await asyncio.sleep(0)

    async def main():
        async with PostgresStore(sys.argv[1], pool_size=3) as store:
            print("ready", flush=True)
            sys.stdin.readline()
            claimed = []
            await asyncio.gather(*(claim_until_empty(store, claimed) for _ in range(3)))
        print(json.dumps(claimed), flush=True)

    asyncio.run(main())
    """
)


async def schedule_due_reminders(url: str, count: int) -> list[int]:
    """`count` reminders of one case, all due before the claimers' clock."""
    async with PostgresStore(url) as store:
        user = await make_user(store)
        case_id = await make_case(store, user)
        async with store.transaction() as tx:
            return [
                await tx.add_reminder(
                    NewReminder(case_id, user.id, "checkin", T0 + timedelta(seconds=n), T0), T0
                )
                for n in range(count)
            ]


async def test_two_processes_claim_500_due_reminders_each_exactly_once(postgres_url: str) -> None:
    ids = await schedule_due_reminders(postgres_url, ROWS)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-c", CLAIMER, postgres_url, cwd=REPO_ROOT, env=env,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for child in children:
        assert child.stdout is not None
        ready = await asyncio.wait_for(child.stdout.readline(), timeout=60)
        assert ready == b"ready\n", (await child.stderr.read()).decode() if child.stderr else ready
    outputs = await asyncio.wait_for(
        asyncio.gather(*(child.communicate(b"go\n") for child in children)), timeout=120
    )

    claimed: list[list[int]] = []
    for child, (out, err) in zip(children, outputs):
        assert child.returncode == 0, err.decode()
        claimed.append(json.loads(out.decode().splitlines()[-1]))
    every_claim = claimed[0] + claimed[1]
    assert sorted(every_claim) == sorted(ids), "each row claimed exactly once, none missed"
    assert all(claimed), f"both processes took part: {[len(c) for c in claimed]}"
    conn = await asyncpg.connect(postgres_url)
    try:
        assert await conn.fetch("SELECT status, attempts, count(*) FROM reminders GROUP BY 1, 2") == [
            ("claimed", 1, ROWS)
        ]
    finally:
        await conn.close()


async def test_a_claim_skips_rows_another_process_is_claiming_instead_of_waiting(
    postgres_url: str,
) -> None:
    ids = await schedule_due_reminders(postgres_url, 10)
    now = T0 + timedelta(hours=1)
    async with PostgresStore(postgres_url) as first, PostgresStore(postgres_url) as second:
        async with first.transaction() as tx:
            held = [r.id for r in await tx.claim_reminders(now, 4, ["telegram"])]
            async with second.transaction() as other:
                meanwhile = await asyncio.wait_for(other.claim_reminders(now, 10, ["telegram"]), timeout=5)

    assert held == ids[:4]
    assert [r.id for r in meanwhile] == ids[4:]


async def test_processes_starting_at_once_replay_each_journaled_update_once(postgres_url: str) -> None:
    rows = [InboundUpdate(n, str(n % 7), {"update_id": n}) for n in range(1, 301)]
    async with PostgresStore(postgres_url) as store:
        async with store.transaction() as tx:
            await tx.journal_updates("telegram", rows, T0)
    stores = [await PostgresStore(postgres_url, pool_size=2).open() for _ in range(4)]
    try:

        async def start_up(store: PostgresStore) -> list[int]:
            async with store.transaction() as tx:
                claimed = await tx.claim_journal("telegram", T0, claimed_before=T0 - timedelta(minutes=10))
            return [u.update_id for u in claimed]

        claims = await asyncio.gather(*(start_up(s) for s in stores))
    finally:
        for store in stores:
            await store.close()
    everything = sorted(n for claim in claims for n in claim)
    assert everything == list(range(1, 301))


async def test_one_sweep_at_a_time_takes_a_killed_process_rows(postgres_url: str) -> None:
    """Two processes sweeping at once never split the stale rows between them: while one sweep's
    transaction is open, another process's sweep takes nothing, not even a row the first skipped
    because it was locked at that moment (a forget in flight), so one person's rows are never
    handled side by side by two processes."""
    rows = [InboundUpdate(n, str(n % 3), {"update_id": n}) for n in range(1, 11)]
    later = T0 + timedelta(minutes=5)
    async with PostgresStore(postgres_url) as first, PostgresStore(postgres_url) as second:
        async with first.transaction() as tx:
            await tx.journal_updates("wechat", rows, T0)
        locker = await asyncpg.connect(postgres_url)
        try:
            async with first.transaction() as tx:
                async with locker.transaction():
                    await locker.execute("SELECT 1 FROM update_journal WHERE update_id = 5 FOR UPDATE")
                    swept = await tx.claim_journal("wechat", later, claimed_before=later, received_before=later)
                async with second.transaction() as other:
                    meanwhile = await asyncio.wait_for(
                        other.claim_journal("wechat", later, claimed_before=later, received_before=later), timeout=5
                    )
        finally:
            await locker.close()
    assert [u.update_id for u in swept] == [n for n in range(1, 11) if n != 5]
    assert meanwhile == []
