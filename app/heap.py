"""The start-up heap kept out of the garbage collector's full passes.

What start-up builds (the modules, the flow, the catalog, the templates, phonenumbers' and dateparser's
tables: about 100,000 objects) lives as long as the process. CPython's full (generation-2) collection
walks every tracked object each time, which took 50–300 ms of the event loop here, every 10–20 s under
light load: every update in flight meanwhile waited it out, and those were most of the slowest 1 %
(bench/README.md, "reply latency"). `gc.freeze()` moves what is alive now to a permanent generation that
collections skip (https://docs.python.org/3/library/gc.html#gc.freeze), so a full pass walks only what
was made since: a few thousand objects, well under a millisecond.

Called once per process, by the long-running modes once the app is built (app/cli.py). Objects frozen
are still freed by reference counting; only a cycle among them would never be reclaimed, and start-up's
objects are kept for the life of the process anyway.
"""
from __future__ import annotations

import gc


def freeze_startup_heap() -> int:
    """Collect start-up's garbage, then freeze what is left; returns how many objects are frozen.

    Once per process: a second call (a test building several apps in one process) freezes nothing more.
    """
    if gc.get_freeze_count() == 0:
        gc.collect()
        gc.freeze()
    return gc.get_freeze_count()
