"""Server-sent events for the console and the widget: pushed, never polled by the browser.

One process serves the console (``bot.ops.processes``), so an in-process hub carries what
happens in it (claims, replies, notes, typing, who has a chat open) at once. What happens
elsewhere (a ticket opened by the action server, a shopper's message in Rasa) one watcher
per process notices: each second one query for the open tickets, and for each chat that a
console has open one look at its tracker's latest event time (``include_events=NONE``), then
it publishes what changed. Browsers then fetch only what changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import Counter, defaultdict
from typing import Any, AsyncIterator, Awaitable, Callable, DefaultDict, Dict, Iterable, Set

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bot.database.engine import Database
from bot.handoff import queue
from bot.handoff.models import Ticket
from bot.web.rasa_api import RasaApi, RasaUnavailable

logger = logging.getLogger(__name__)
WATCH_SECONDS = 1.0
KEEPALIVE_SECONDS = 10.0  # also how soon a closed browser's stream is noticed
QUEUE_TOPIC = "queue"
_CLOSED: Dict[str, Any] = {"type": "closed"}


def ticket_topic(ticket_id: int) -> str:
    return f"ticket:{ticket_id}"


def session_topic(conversation_id: str) -> str:
    return f"session:{conversation_id}"


class Hub:
    """Topics to subscribers' queues, and which agents have which chat open."""

    def __init__(self) -> None:
        self._subscribers: DefaultDict[str, Set[asyncio.Queue]] = defaultdict(set)
        self._viewers: DefaultDict[int, Counter] = defaultdict(Counter)
        # conversation id -> open ticket id, as the watcher last saw the queue
        self.open_tickets: Dict[str, int] = {}

    def publish(self, topic: str, event: Dict[str, Any]) -> None:
        for inbox in list(self._subscribers.get(topic, ())):
            if inbox.qsize() < 100:  # a stalled browser misses events, never the server
                inbox.put_nowait(event)

    def has_subscribers(self, topic: str) -> bool:
        return bool(self._subscribers.get(topic))

    def topics(self, prefix: str) -> Iterable[str]:
        return [t for t, subscribers in self._subscribers.items()
                if subscribers and t.startswith(prefix)]

    @contextlib.contextmanager
    def subscription(self, topics: Iterable[str]) -> Any:
        inbox: asyncio.Queue = asyncio.Queue()
        names = list(topics)
        for topic in names:
            self._subscribers[topic].add(inbox)
        try:
            yield inbox
        finally:
            for topic in names:
                self._subscribers[topic].discard(inbox)
                if not self._subscribers[topic]:
                    del self._subscribers[topic]

    @contextlib.contextmanager
    def viewing(self, ticket_id: int, agent_name: str) -> Any:
        """An agent has the chat open while this lasts; the chat's viewers hear who."""
        self._viewers[ticket_id][agent_name] += 1
        self._publish_viewers(ticket_id)
        try:
            yield
        finally:
            self._viewers[ticket_id][agent_name] -= 1
            self._viewers[ticket_id] += Counter()  # drops names at zero
            if not self._viewers[ticket_id]:
                del self._viewers[ticket_id]
            self._publish_viewers(ticket_id)

    def viewers(self, ticket_id: int) -> list[str]:
        return sorted(self._viewers.get(ticket_id, ()))

    def _publish_viewers(self, ticket_id: int) -> None:
        self.publish(ticket_topic(ticket_id), {"type": "viewers",
                                               "agents": self.viewers(ticket_id)})

    def close(self) -> None:
        """Ends every stream (the server is stopping)."""
        for subscribers in list(self._subscribers.values()):
            for inbox in list(subscribers):
                inbox.put_nowait(_CLOSED)


async def stream(request: web.Request, inbox: asyncio.Queue,
                 first: Iterable[Dict[str, Any]] = (),
                 headers: Dict[str, str] | None = None) -> web.StreamResponse:
    """Writes ``first``, then every event of ``inbox`` until the browser or server leaves."""
    response = web.StreamResponse(headers={
        "Content-Type": "text/event-stream", "Cache-Control": "no-store",
        "X-Accel-Buffering": "no", **(headers or {})})
    await response.prepare(request)
    with contextlib.suppress(ConnectionResetError):  # the browser left
        for event in first:
            await _send(response, event)
        while True:
            try:
                event = await asyncio.wait_for(inbox.get(), KEEPALIVE_SECONDS)
            except asyncio.TimeoutError:
                await response.write(b": keepalive\n\n")
                continue
            if event is _CLOSED:
                break
            await _send(response, event)
    return response


async def _send(response: web.StreamResponse, event: Dict[str, Any]) -> None:
    data = json.dumps(event, ensure_ascii=False, separators=(",", ":"))
    await response.write(f"event: {event['type']}\ndata: {data}\n\n".encode())


StateOf = Callable[[str], Awaitable[Dict[str, Any]]]


class Watcher:
    """Notices changes made by other processes and publishes them (see the module's doc)."""

    def __init__(self, hub: Hub, database: Database, rasa: RasaApi, state_of: StateOf) -> None:
        self._hub, self._database, self._rasa, self._state_of = hub, database, rasa, state_of
        self._queue_seen: tuple = ()
        self._latest_seen: Dict[int, float | None] = {}

    async def run(self) -> None:
        while True:
            try:
                await self.check()
            except (SQLAlchemyError, RasaUnavailable) as error:
                logger.warning("event watcher: %s", type(error).__name__)
            except Exception:  # noqa: BLE001  (the console must keep its live updates)
                logger.exception("event watcher failed; trying again")
            await asyncio.sleep(WATCH_SECONDS)

    def _open_tickets(self) -> tuple:
        with self._database.unit_of_work() as session:
            rows = session.execute(
                select(Ticket.id, Ticket.conversation_id, Ticket.status, Ticket.agent_id,
                       Ticket.priority).where(Ticket.status.in_(queue.OPEN))
                .order_by(Ticket.id)).all()
        return tuple(tuple(row) for row in rows)

    async def check(self) -> None:
        tickets = await asyncio.to_thread(self._open_tickets)
        if tickets != self._queue_seen:
            self._queue_seen = tickets
            self._hub.open_tickets = {row[1]: row[0] for row in tickets}
            self._hub.publish(QUEUE_TOPIC, {"type": "queue"})
            for topic in self._hub.topics("session:"):
                conversation_id = topic.split(":", 1)[1]
                self._hub.publish(topic, {"type": "state",
                                          **await self._state_of(conversation_id)})
        watched = [int(t.split(":", 1)[1]) for t in self._hub.topics("ticket:")]
        conversations = {ticket_id: conversation for conversation, ticket_id in
                         self._hub.open_tickets.items()}
        for ticket_id in watched:
            conversation = conversations.get(ticket_id)
            if conversation is None:
                continue
            latest = await self._rasa.latest_event_time(conversation)
            if ticket_id in self._latest_seen and self._latest_seen[ticket_id] != latest:
                self._hub.publish(ticket_topic(ticket_id), {"type": "transcript"})
            self._latest_seen[ticket_id] = latest
        for ticket_id in set(self._latest_seen) - set(watched):
            del self._latest_seen[ticket_id]


@contextlib.asynccontextmanager
async def running(watcher: Watcher) -> AsyncIterator[None]:
    task = asyncio.create_task(watcher.run())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
