"""Serving an aiohttp application on 127.0.0.1 at a port the OS picks, as the fake platform APIs and
the endpoints under test do, so parallel test runs never collide on a port."""
from __future__ import annotations

from aiohttp import web


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """The running app's runner (`cleanup()` stops it) and its base URL, http://127.0.0.1:PORT."""
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        await web.TCPSite(runner, "127.0.0.1", 0).start()
    except BaseException:
        await runner.cleanup()
        raise
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"
