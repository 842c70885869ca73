"""A small reverse proxy in front of several Rasa servers (the production profile).

Plain HTTP (the REST channel, the WhatsApp webhook, the HTTP API) goes round-robin: every
Rasa server reads and writes the same tracker store, and the Redis lock store serialises
the turns of one conversation wherever they land.

socket.io needs one thing more. A WebSocket is one connection, so it stays where it was
opened; but a client that starts with HTTP long-polling sends each poll as a new request,
and the engine.io session lives in one process. The proxy therefore remembers which server
answered each session's handshake and sends that session's polls there ("sticky" by
session id). Messages between processes (an agent's reply emitted by server A to a shopper
connected to server B) travel through the widget channel's Redis message queue.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from typing import Dict, List, Sequence

import aiohttp
from aiohttp import web

from bot.forwarding import CLIENT, keep_client
from bot.settings import Settings

logger = logging.getLogger(__name__)
# Hop-by-hop headers are the proxy's own business, never forwarded.
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "upgrade", "host",
               "content-length", "proxy-connection", "te", "trailer"}
UPSTREAMS = web.AppKey("upstreams", "Upstreams")


class Upstreams:
    """The Rasa servers, taken in turn, and which one holds each socket.io session."""

    def __init__(self, urls: Sequence[str], sessions_kept: int = 50_000) -> None:
        self.urls = list(urls)
        self._turn = itertools.cycle(self.urls)
        self._sessions: Dict[str, str] = {}
        self._kept = sessions_kept

    def pick(self, request: web.Request) -> str:
        sid = request.query.get("sid")
        if sid and sid in self._sessions:
            return self._sessions[sid]
        return next(self._turn)

    def remember(self, sid: str, url: str) -> None:
        if len(self._sessions) >= self._kept:  # forget the oldest sessions first
            for old in list(self._sessions)[: self._kept // 10]:
                del self._sessions[old]
        self._sessions[sid] = url


def _handshake_sid(body: bytes) -> str | None:
    """The session id in an engine.io polling handshake (``0{"sid": ...}``)."""
    if not body.startswith(b"0{"):
        return None
    try:
        end = body.index(b"}") + 1
        return json.loads(body[1:end]).get("sid")
    except ValueError:
        return None


def _forwarded_headers(request: web.Request) -> Dict[str, str]:
    return {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}


async def _websocket(request: web.Request, upstream: str) -> web.StreamResponse:
    client = request.app[CLIENT]
    target = upstream.replace("http", "ws", 1) + request.rel_url.path_qs
    async with client.ws_connect(target, headers={
            k: v for k, v in _forwarded_headers(request).items()
            if not k.lower().startswith("sec-websocket")}) as backend:
        browser = web.WebSocketResponse()
        await browser.prepare(request)

        async def pump(source, sink) -> None:  # type: ignore[no-untyped-def]
            async for message in source:
                if message.type == aiohttp.WSMsgType.TEXT:
                    await sink.send_str(message.data)
                elif message.type == aiohttp.WSMsgType.BINARY:
                    await sink.send_bytes(message.data)
                else:
                    break

        directions = [asyncio.ensure_future(pump(browser, backend)),
                      asyncio.ensure_future(pump(backend, browser))]
        await asyncio.wait(directions, return_when=asyncio.FIRST_COMPLETED)
        for direction in directions:
            direction.cancel()
        await browser.close()
        return browser


async def forward(request: web.Request) -> web.StreamResponse:
    upstreams = request.app[UPSTREAMS]
    upstream = upstreams.pick(request)
    if request.headers.get("Upgrade", "").lower() == "websocket":
        return await _websocket(request, upstream)
    try:
        async with request.app[CLIENT].request(
                request.method, upstream + request.rel_url.path_qs,
                headers=_forwarded_headers(request), data=await request.read(),
                allow_redirects=False) as answer:
            body = await answer.read()
            headers = {k: v for k, v in answer.headers.items()
                       if k.lower() not in HOP_HEADERS}
    except (aiohttp.ClientError, asyncio.TimeoutError) as error:
        logger.error("Rasa server %s unreachable: %s", upstream, error)
        return web.json_response({"error": "assistant unavailable"}, status=502)
    if request.path.startswith("/socket.io") and "sid" not in request.query:
        sid = _handshake_sid(body)
        if sid:
            upstreams.remember(sid, upstream)
    return web.Response(body=body, status=answer.status, headers=headers)


def create_app(upstream_urls: List[str]) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)
    app[UPSTREAMS] = Upstreams(upstream_urls)

    # Long-polls wait up to 25 s on the server; a turn never takes minutes.
    keep_client(app, timeout=aiohttp.ClientTimeout(total=120), auto_decompress=False)
    app.router.add_route("*", "/{tail:.*}", forward)
    return app


def main(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    web.run_app(create_app(settings.rasa_instance_urls), host=settings.host,
                port=settings.rasa_port, access_log=None, print=None)
