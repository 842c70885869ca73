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

When Redis cannot be reached, a server does not fail the turn: it takes the conversation's
lock in its own memory instead (as the one-process store does) and logs it, and asks Redis
again after a few seconds. Two servers could then each run a turn of one conversation at
once, as long as Redis is away; a shopper answered late or twice is better than a shopper
answered with an error.

The store takes one URL (``LOCK_STORE_URL``): ``redis://[user:password@]host:port/db``,
or ``rediss://`` for TLS, as Redis's own client reads it.

Taking a ticket, looking at a busy lock and giving the ticket back (a few Redis round trips
each) run in one worker thread, in the order the server asked for them, so the server's
other turns go on meanwhile and two messages of one conversation still take their tickets
in the order they came. A ticket taken on a free lock holds it at once: the transaction
that issued it has read the lock, so no second read is needed.

Both stores here also look at a busy lock far more often than Rasa's once a second
(``WAIT_SECONDS``): a shopper who sends a second message while the first is being answered
otherwise waits up to a second more than the turn takes. A look costs a dictionary read
(one process) or one Redis round trip.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, AsyncIterator, Callable, Tuple, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import (
    DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX,
    LOCK_LIFETIME,
    InMemoryLockStore,
    LockError,
    LockStore,
    RedisLockStore,
)
from rasa.utils.endpoints import EndpointConfig
from redis import WatchError

logger = logging.getLogger(__name__)

Result = TypeVar("Result")
# What a change returns: the lock to store (None deletes it) and the caller's answer.
Change = Callable[[TicketLock | None], Tuple[TicketLock | None, Result]]


class PromptWaiting(LockStore):
    """Waits for a busy conversation in short steps (mixed into a Rasa lock store)."""

    WAIT_SECONDS = 0.05

    def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
             wait_time_in_seconds: float = WAIT_SECONDS
             ) -> AbstractAsyncContextManager[TicketLock]:
        # Rasa's message processor calls ``lock(sender_id)``: this default is what it gets.
        return super().lock(conversation_id, lock_lifetime, wait_time_in_seconds)


class PromptInMemoryLockStore(PromptWaiting, InMemoryLockStore):
    """Rasa's one-process lock store, waiting in short steps."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores from their endpoint configuration; this one needs none.
        super().__init__()


class AtomicRedisLockStore(PromptWaiting, RedisLockStore):
    """``RedisLockStore`` with every change of a lock made atomically (see module doc)."""

    # Seconds a Redis call may take, and how long Redis is left alone after it failed.
    SOCKET_TIMEOUT = 2.0
    RETRY_AFTER = 5.0

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores from their endpoint configuration alone; Rasa's
        # own takes host, port and db apart and drops the URL's user name and TLS.
        self.red = redis.Redis.from_url(endpoint_config.url,
                                        socket_timeout=self.SOCKET_TIMEOUT,
                                        socket_connect_timeout=self.SOCKET_TIMEOUT)
        self.key_prefix = DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX
        self._local = PromptInMemoryLockStore(endpoint_config)
        self._redis_down_until = 0.0
        # One thread: tickets are taken in the order this server's messages came in.
        self._redis_calls = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lock-store")
        LockStore.__init__(self)

    async def _in_order(self, call: Callable[..., Result], *args: Any) -> Result:
        """``call`` off the event loop, after every Redis call this server asked before."""
        return await asyncio.get_running_loop().run_in_executor(self._redis_calls, call, *args)

    @asynccontextmanager
    async def lock(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = PromptWaiting.WAIT_SECONDS
                   ) -> AsyncIterator[TicketLock]:
        """Rasa's ``lock``, or this process's own while Redis cannot be reached."""
        taken: Tuple[int, TicketLock] | None = None
        if time.monotonic() >= self._redis_down_until:
            try:
                taken = await self._in_order(self._take_ticket, conversation_id,
                                             lock_lifetime)
            except LockError as error:
                if not isinstance(error.__cause__, (redis.ConnectionError, redis.TimeoutError)):
                    raise
                self._redis_down_until = time.monotonic() + self.RETRY_AFTER
                logger.error("Redis unreachable (%s): conversations are locked in this "
                             "process alone for %.0f s", error.__cause__, self.RETRY_AFTER)
        if taken is None:
            async with self._local.lock(conversation_id, lock_lifetime,
                                        wait_time_in_seconds) as local:
                yield local
            return
        ticket, lock = taken
        try:
            # The lock as the ticket left it is the conversation's now unless earlier
            # tickets wait: then look again until it is (no second round trip otherwise).
            yield (lock if not lock.is_locked(ticket)
                   else await self._acquire_lock(conversation_id, ticket, wait_time_in_seconds))
        finally:
            try:
                await self._in_order(self.cleanup, conversation_id, ticket)
            except redis.RedisError as error:  # the ticket expires with its lifetime
                logger.error("lock not given back (%s)", error)

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

    async def _acquire_lock(self, conversation_id: str, ticket: int,
                            wait_time_in_seconds: float) -> TicketLock:
        """Rasa's waiting loop, with each look at the lock off the event loop, in order."""
        while True:
            lock = await self._in_order(self.get_lock, conversation_id)
            if not lock:  # expired meanwhile
                break
            if not lock.is_locked(ticket):
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            await self._in_order(self.update_lock, conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        return self._take_ticket(conversation_id, lock_lifetime)[0]

    def _take_ticket(self, conversation_id: str, lock_lifetime: float
                     ) -> Tuple[int, TicketLock]:
        """A new ticket, and the lock as that ticket left it."""
        def issue(lock: TicketLock | None) -> Tuple[TicketLock, Tuple[int, TicketLock]]:
            lock = lock or self.create_lock(conversation_id)
            return lock, (lock.issue_ticket(lock_lifetime), lock)

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
        """Give the ticket back."""
        self._give_back(conversation_id, ticket_number, delete_if_idle=False)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Give the ticket back, and delete the lock in the same step if nobody waits.

        Rasa's version does this in three steps, between which another server's new ticket
        could be deleted with the lock.
        """
        self._give_back(conversation_id, ticket_number, delete_if_idle=True)

    def _give_back(self, conversation_id: str, ticket_number: int, delete_if_idle: bool) -> None:
        def give_back(lock: TicketLock | None) -> Tuple[TicketLock | None, None]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if delete_if_idle and not lock.is_someone_waiting():
                    lock = None
            return lock, None

        self._atomically(conversation_id, give_back)
