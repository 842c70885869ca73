"""A Redis lock store whose tickets are atomic, for more than one Rasa server.

Rasa 3.6's ``RedisLockStore`` changes a conversation's ticket lock by reading it, changing
it in Python and writing it back. Two servers that take a message of the same conversation
at the same moment both read the same lock, hand out the same ticket number, and one write
overwrites the other: both turns then run at once, and the SQL tracker store, which saves
"the events after the ones already stored", drops one of them (a shopper's message is
answered but vanishes from the conversation; seen in ``tests/scale``). Rasa's own fix
(a concurrent Redis lock store) exists only in Rasa Pro.

Here every read-change-write of a lock is one optimistic Redis transaction (``WATCH`` the
key, ``MULTI``/``EXEC`` the write, start again if another server changed it in between), so
a ticket is handed out once and a lock is deleted only if nobody took a ticket meanwhile.
The lock keeps Rasa's JSON format, so Rasa's waiting loop and ticket lifetimes apply as
they are.
"""

from __future__ import annotations

import json
from typing import Callable, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig
from redis import WatchError

Result = TypeVar("Result")
# What a change returns: the lock to store (None deletes it) and the caller's answer.
Change = Callable[[TicketLock | None], Tuple[TicketLock | None, Result]]


class AtomicRedisLockStore(RedisLockStore):
    """``RedisLockStore`` with every change of a lock made atomically (see module doc)."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores from their endpoint configuration alone.
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _atomically(self, conversation_id: str, change: Change[Result]) -> Result:
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    lock = TicketLock.from_dict(json.loads(stored)) if stored else None
                    new, result = change(lock)
                    pipe.multi()
                    if new is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, new.dumps())
                    pipe.execute()
                    return result
                except WatchError:
                    continue  # another server changed the lock first: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._atomically(conversation_id, issue)
        except Exception as error:  # as Rasa's own: the caller expects a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_expired_tickets()
            return lock, None

        self._atomically(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        self.cleanup(conversation_id, ticket_number)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back, and delete the lock in the same step if nobody waits."""

        def give_back(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if not lock.is_someone_waiting():
                    lock = None
            return lock, None

        self._atomically(conversation_id, give_back)
