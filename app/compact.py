"""`bot.py compact`: the nightly rewrite that takes erased text out of PostgreSQL's table files.

/delete makes the erased rows unreadable at once (a plain VACUUM, which blocks nobody) but leaves
their bytes in the pages' free space; this rewrites the tables so the files no longer hold them.
Run it from a timer (deploy/robocall-bot-compact.timer) on one machine or several: the processes
take turns, a second one finds the work being done and ends.
"""
from __future__ import annotations

import argparse

from app.bootstrap import setup_logging
from app.cli import refuse
from app.settings import load_settings

# The exit status when a table stayed busy through every attempt (a long transaction on it).
TABLES_LEFT = 1


async def run_compact(args: argparse.Namespace) -> int:
    settings = load_settings()
    setup_logging(settings)
    if settings.database_url is None:
        print("Nothing to compact: on SQLite /delete overwrites the freed pages at once (secure_delete).")
        return 0
    # Imported here so that SQLite deployments never load asyncpg.
    from storage.postgres import PostgresStore

    if args.attempts < 1 or args.pause < 0:
        return refuse("--attempts must be 1 or more and --pause 0 or more")
    async with PostgresStore(settings.database_url) as store:
        left = await store.compact(attempts=args.attempts, pause=args.pause)
    if left is None:
        print("Another process is compacting the database now; nothing done here.")
    elif left:
        print(
            f"Not compacted, busy through {args.attempts} attempt(s): {', '.join(left)}. "
            "Their erased rows are unreadable but still in free space; the next run tries again."
        )
        return TABLES_LEFT
    else:
        print("Compacted: the tables a /delete touches were rewritten without the erased rows.")
    return 0
