"""The website chat widget's public routes: the script a shop embeds, its assets, its history.

A shop pastes ``<script src="https://ASISTAN-HOST:8080/widget.js" async></script>``; the
script then talks socket.io with Rasa directly (``Settings.chat_public_url``). These routes
need no login and are fetched from the shops' own domains, so they send
``Access-Control-Allow-Origin: *``; no cookie is involved, the session id the widget's
channel issued (see :mod:`bot.channels.identity`) is the only key. ``/`` is a demo
storefront with the snippet pasted in, as a shop would.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any, Dict
from urllib.parse import urlsplit

from aiohttp import web

from bot.channels.identity import widget_session_issued
from bot.channels.widget_messages import widget_messages
from bot.database.engine import Database
from bot.handoff import queue
from bot.settings import Settings
from bot.web.events import Hub, session_topic, stream, ticket_topic
from bot.web.rasa_api import RasaApi, RasaUnavailable

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static" / "widget"
ASSETS: Dict[str, Path] = {
    "widget.css": STATIC / "widget.css",
    "socket.io.min.js": STATIC / "vendor" / "socket.io.min.js",
}
SOCKET_PATH = "/socket.io"
PUBLIC_PATHS = frozenset({"/", "/widget.js"})
PUBLIC_PREFIX = "/widget/"
CORS = {"Access-Control-Allow-Origin": "*"}
# Shops should get a fixed widget at once, so browsers revalidate (cheap: ETag/304).
ASSET_HEADERS = {**CORS, "Cache-Control": "no-cache"}


def is_public(path: str) -> bool:
    """True for the storefront and the widget's routes, which shoppers use without a login."""
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIX)


def _json_error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status, headers=CORS)


def storefront_csp(chat_public_url: str) -> str:
    """The demo page's policy: its own origin, plus Rasa's socket.io over HTTP and WebSocket."""
    parts = urlsplit(chat_public_url)
    origin = f"{parts.scheme}://{parts.netloc}"
    socket = f"{'wss' if parts.scheme == 'https' else 'ws'}://{parts.netloc}"
    return (f"default-src 'self'; connect-src 'self' {origin} {socket}; "
            "img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")


def _history_entry(message: Dict[str, Any]) -> Dict[str, Any]:
    """A user's text, or a bot's or agent's message as the socket.io events it was sent as."""
    if message["from"] == "user":
        return {"from": "user", "text": message["text"], "at": message["at"]}
    return {"from": message["from"], "at": message["at"], "events": widget_messages(message)}


class WidgetRoutes:
    """Handlers bound to the settings and the Rasa client they need."""

    def __init__(self, settings: Settings, rasa: RasaApi, database: Database,
                 hub: Hub) -> None:
        self._settings = settings
        self._rasa = rasa
        self._database = database
        self._hub = hub

    async def storefront(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(
            STATIC / "storefront.html",
            headers={"Content-Type": "text/html; charset=utf-8",
                     "Content-Security-Policy":
                     storefront_csp(self._settings.chat_public_url)})

    async def script(self, request: web.Request) -> web.FileResponse:
        return web.FileResponse(STATIC / "widget.js", headers={
            **ASSET_HEADERS, "Content-Type": "text/javascript; charset=utf-8"})

    async def asset(self, request: web.Request) -> web.FileResponse:
        path = ASSETS.get(request.match_info["name"])
        if path is None:
            raise web.HTTPNotFound(headers=CORS)
        kind = "text/css" if path.suffix == ".css" else "text/javascript"
        return web.FileResponse(path, headers={**ASSET_HEADERS,
                                               "Content-Type": f"{kind}; charset=utf-8"})

    async def config(self, request: web.Request) -> web.Response:
        return web.json_response({"socket_url": self._settings.chat_public_url,
                                  "socket_path": SOCKET_PATH}, headers=CORS)

    async def history(self, request: web.Request) -> web.Response:
        """The conversation so far, so a reload shows what was said (also by an agent)."""
        session_id = request.match_info["session_id"]
        if not widget_session_issued(session_id, self._settings.rasa_token):
            return _json_error(400, "invalid session id")
        try:
            transcript = await self._rasa.transcript(session_id)
        except RasaUnavailable as error:
            logger.warning("widget history unavailable: %s", error)
            return _json_error(503, "assistant unavailable")
        messages = [_history_entry(m) for m in transcript]
        return web.json_response({"messages": messages},
                                 headers={**CORS, "Cache-Control": "no-store"})

    async def state(self, request: web.Request) -> web.Response:
        """Who answers this chat now, for the widget's header."""
        session_id = request.match_info["session_id"]
        if not widget_session_issued(session_id, self._settings.rasa_token):
            return _json_error(400, "invalid session id")
        return web.json_response(await conversation_state(self._database, session_id),
                                 headers={**CORS, "Cache-Control": "no-store"})

    async def events(self, request: web.Request) -> web.StreamResponse:
        """While people have the chat: who answers (pushed as it changes) and an agent's
        typing."""
        session_id = request.match_info["session_id"]
        if not widget_session_issued(session_id, self._settings.rasa_token):
            return _json_error(400, "invalid session id")
        first = {"type": "state", **await conversation_state(self._database, session_id)}
        with self._hub.subscription([session_topic(session_id)]) as inbox:
            return await stream(request, inbox, [first], headers=CORS)

    async def typing(self, request: web.Request) -> web.Response:
        """The shopper is writing: the agent who has the chat sees it. Nothing else learns
        anything from this route (it answers the same whether or not a ticket is open)."""
        session_id = request.match_info["session_id"]
        if not widget_session_issued(session_id, self._settings.rasa_token):
            return _json_error(400, "invalid session id")
        ticket_id = self._hub.open_tickets.get(session_id)
        if ticket_id is not None:
            self._hub.publish(ticket_topic(ticket_id), {"type": "typing"})
        return web.Response(status=204, headers=CORS)


async def conversation_state(database: Database, conversation_id: str) -> Dict[str, Any]:
    """The assistant, the agents' queue (with the shopper's place) or a named agent."""
    def read() -> Dict[str, Any]:
        with database.unit_of_work() as session:
            ticket = queue.open_ticket_of(session, conversation_id)
            place = queue.position(session, ticket) if ticket else 0
        if ticket is None:
            return {"state": "assistant"}
        if ticket.agent_name and not place:
            return {"state": "agent", "agent_name": ticket.agent_name}
        return {"state": "queue", "place": place}
    return await asyncio.to_thread(read)


def add_routes(app: web.Application, settings: Settings, rasa: RasaApi,
               database: Database, hub: Hub) -> None:
    """Register the public routes; `is_public` must cover every path added here."""
    routes = WidgetRoutes(settings, rasa, database, hub)
    app.add_routes([
        web.get("/", routes.storefront),
        web.get("/widget.js", routes.script),
        web.get("/widget/config", routes.config),
        web.get("/widget/history/{session_id}", routes.history),
        web.get("/widget/state/{session_id}", routes.state),
        web.get("/widget/events/{session_id}", routes.events),
        web.post("/widget/typing/{session_id}", routes.typing),
        web.get("/widget/{name}", routes.asset),
    ])
