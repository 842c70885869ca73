"""What the two forwarding services (the action gateway and the proxy) share.

Each keeps one outgoing HTTP client for its whole life, so calls to the servers behind it
reuse pooled connections instead of opening one per request.
"""

from __future__ import annotations

from typing import Any, AsyncIterator

import aiohttp
from aiohttp import web

CLIENT = web.AppKey("client", aiohttp.ClientSession)


def keep_client(app: web.Application, **options: Any) -> None:
    """Open ``app[CLIENT]`` (an ``aiohttp.ClientSession(**options)``) when ``app`` starts
    and close it when ``app`` stops."""

    async def client_context(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(**options) as client:
            app[CLIENT] = client
            yield

    app.cleanup_ctx.append(client_context)
