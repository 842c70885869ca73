"""The action gateway: Rasa's one action endpoint, in front of the action servers.

Rasa 3.6 waits up to five minutes for an action server and, if it fails, drops the
action's events and says nothing: a shopper would wait in silence. The gateway gives every
call a deadline (``ACTION_TIMEOUT``, 2 s by default) and, when no action server answers
in time, answers for them with ``utter_service_unavailable`` and closes any open form, so
the shopper hears within three seconds that something is wrong and what to do. Nothing is
half-done: an action either answered or never ran its transaction to the end.

With several action servers (the production profile) it spreads calls round-robin. A call
that could not connect is tried on the next server; one that timed out is not, because it
may have changed something (a cancellation) and must not run twice.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any, Dict, List, Sequence

import aiohttp
from aiohttp import web

from bot.forwarding import CLIENT, keep_client
from bot.settings import Settings

logger = logging.getLogger(__name__)
UNAVAILABLE = "utter_service_unavailable"
SERVERS = web.AppKey("servers", "Servers")


def unavailable_answer() -> Dict[str, Any]:
    """What Rasa receives instead of an action's result when no action server answered:
    the apology, any open form closed, and nothing more this turn (one apology, not one
    per action the rules would have run next)."""
    return {
        "events": [{"event": "active_loop", "name": None},
                   {"event": "slot", "name": "requested_slot", "value": None},
                   {"event": "followup", "name": "action_listen"}],
        "responses": [{"response": UNAVAILABLE}],
    }


class Servers:
    """The action servers, taken in turn."""

    def __init__(self, urls: Sequence[str]) -> None:
        self.urls = list(urls)
        self._turn = itertools.cycle(range(len(self.urls)))

    def in_turn(self) -> List[str]:
        """Every server once, starting with the next one in the rotation."""
        start = next(self._turn)
        return self.urls[start:] + self.urls[:start]


async def webhook(request: web.Request) -> web.Response:
    body = await request.read()
    client = request.app[CLIENT]
    for url in request.app[SERVERS].in_turn():
        try:
            async with client.post(url, data=body,
                                   headers={"Content-Type": "application/json"}) as answer:
                return web.Response(body=await answer.read(), status=answer.status,
                                    content_type="application/json")
        except asyncio.TimeoutError:  # aiohttp's read timeouts are TimeoutErrors too
            logger.error("action server %s too slow", url)
            break
        except aiohttp.ClientConnectorError as error:  # never reached it: try the next
            logger.error("action server %s unreachable: %s", url, error)
        except aiohttp.ClientError as error:  # reached, then lost: it may have acted
            logger.error("action server %s failed: %s", url, error)
            break
    return web.json_response(unavailable_answer())


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(settings: Settings) -> web.Application:
    app = web.Application(client_max_size=8 * 1024 * 1024)  # trackers can be long
    app[SERVERS] = Servers(settings.action_server_urls)

    keep_client(app, timeout=aiohttp.ClientTimeout(total=settings.action_timeout))
    app.add_routes([web.post("/webhook", webhook), web.get("/health", health)])
    return app


def main(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level)
    web.run_app(create_app(settings), host=settings.host, port=settings.gateway_port,
                access_log=None, print=None)
