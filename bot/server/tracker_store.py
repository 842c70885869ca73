"""Rasa's SQL tracker store, without the costs of every turn it need not pay.

Each turn loads the conversation and saves the events it added, a large share of a turn
(``docs/performance.md`` has the figures). Three parts of that are overhead, not work:

- **Connections on SQLite.** SQLAlchemy 1.4 does not pool file databases, so Rasa opened a
  new SQLite connection for every load and every save. Here they are pooled.
- **Waiting for the disk on every commit.** In SQLite's rollback-journal mode each commit
  writes, syncs and deletes a journal file; PostgreSQL syncs its log before answering a
  commit. Here SQLite runs in WAL mode with ``synchronous=NORMAL`` and
  PostgreSQL sessions with ``synchronous_commit=off``: a commit returns once its events are
  in the database's log, which is synced moments later. A Rasa server that crashes or
  restarts loses nothing, nor does a PostgreSQL that is stopped or restarted, and the
  database is never corrupted; a crash of the operating system, of the power or of
  PostgreSQL itself can lose the last moments' events (PostgreSQL: at most three times
  ``wal_writer_delay``, 0.6 s by default). That is the trade for a chat transcript. The
  shop's own data (orders, returns, the agent queue) is not written here and keeps full
  durability (``bot/database/engine.py``).
- **Saving event by event through the ORM.** Rasa adds one ORM object a new event and
  flushes them through the unit of work; here the same rows go in as one multi-row insert.
- **Reading the conversation back to publish it.** With an event broker, Rasa loaded the
  whole conversation again on every save to find the new events; here the events just
  inserted are published, after their commit.
- **Counting stored events before each save.** Rasa finds a tracker's new events by
  counting, in the database, the events of its latest session. A tracker loaded or
  saved here remembers how many of its events are stored (a turn holds the conversation's
  lock from load to save, so nothing else writes in between) and a save starts after
  them; any other tracker (a copy, one with a maximal event history) is counted as Rasa
  counts. (Rasa's
  count, of the latest session only, also made a save of a tracker holding every session
  write its older events again.)
- **Waiting for the database on the event loop.** Rasa's SQL store is synchronous inside
  async methods: while one turn waits for the database, the server's other turns wait
  too. Loads and saves run in a worker thread here, so the waits of concurrent turns
  overlap.
- **Building an ORM object per event read.** Only the events' JSON is needed; it is read
  as plain rows with Rasa's own query.

Which events are new, how rows look, and how conversations are read back are Rasa's own:
a tracker written by either class reads the same through the other
(``tests/server/test_tracker_store.py``).
"""

from __future__ import annotations

import asyncio
import itertools
import json
from typing import Any, Dict, Iterator, List

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.database.engine import engine_options

# The attribute a loaded tracker carries: how many of its events are stored.
STORED = "_asistan_stored_events"

# What each backend runs on a new connection so that commits do not wait for the disk.
COMMIT_SETTINGS = {
    "sqlite": ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=NORMAL"),
    "postgresql": ("SET synchronous_commit TO OFF",),
}


def _remember_stored(tracker: DialogueStateTracker) -> None:
    """Note on a tracker just loaded or saved that all its events are stored, unless a
    maximal event history drops its oldest events (its length then no longer counts)."""
    if tracker.events.maxlen is None:
        setattr(tracker, STORED, len(tracker.events))


class QuickCommitSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` with pooled connections, commits that do not wait for the disk
    and one insert a save."""

    engine: sa.engine.Engine  # Rasa's first, then ours

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        url = self.engine.url
        backend = url.get_backend_name()
        self.engine.dispose()  # connections opened before the settings below are dropped
        if url.database not in (None, "", ":memory:"):
            # The shop engine's options: pooled SQLite connections, and a database that is
            # down fails within seconds and is found again when it is back (an in-memory
            # database must keep the engine that created its tables).
            self.engine = sa.create_engine(url, **engine_options(str(url)))
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        statements = COMMIT_SETTINGS.get(backend, ())

        def apply_settings(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            for statement in statements:
                cursor.execute(statement)
            cursor.close()
            if backend == "postgresql":
                dbapi_connection.commit()  # psycopg2 opened a transaction for the SET

        sa.event.listen(self.engine, "connect", apply_settings)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool
                        ) -> DialogueStateTracker | None:
        """Rasa's ``_retrieve``, off the event loop and without ORM objects; the tracker
        remembers how many stored events it holds."""
        events = await asyncio.to_thread(self._read, sender_id, fetch_events_from_all_sessions)
        if not (self.domain and events):
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        _remember_stored(tracker)
        return tracker

    def _read(self, sender_id: str, fetch_events_from_all_sessions: bool
              ) -> List[Dict[str, Any]]:
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions)
            rows = session.execute(query.with_entities(self.SQLEvent.data).statement)
            return [json.loads(data) for (data,) in rows]

    def _additional_events(self, session: Any, tracker: DialogueStateTracker
                           ) -> Iterator[Event]:
        """The events not stored yet: after those the tracker was loaded with, or
        Rasa's count of the stored ones."""
        stored = getattr(tracker, STORED, None)
        if stored is None:
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, None)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``save``, off the event loop: the events not stored yet, now in one
        statement, then the same events to the event broker (Rasa published them first,
        having read the whole conversation back to find them; here a message reaches the
        analytics only once its conversation has it)."""
        events = await asyncio.to_thread(self._write, tracker)
        _remember_stored(tracker)
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, events, tracker.sender_id)

    def _write(self, tracker: DialogueStateTracker) -> List[Event]:
        """The tracker's new events inserted and committed; they are returned."""
        with self.session_scope() as session:
            events = list(self._additional_events(session, tracker))
            rows = []
            for event in events:
                data = event.as_dict()
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": data.get("parse_data", {}).get("intent", {}).get(
                        INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:
                session.execute(sa.insert(self.SQLEvent.__table__), rows)
            session.commit()
        return events
