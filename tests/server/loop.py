"""How free a server's event loop stays while one of its turns waits."""

from __future__ import annotations

import asyncio
from typing import Awaitable


async def ticks_during(work: Awaitable[object]) -> int:
    """How many 10 ms ticks another task of the loop got while ``work`` ran."""
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    await work
    ticker.cancel()
    return ticks
