"""The Redis lock store hands out each ticket once, however many servers ask at once, and
both lock stores let a waiting turn in promptly.

Against the Redis server on this machine (db 1, a fresh conversation id per test).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
import uuid
from typing import Iterator, List

import pytest
from rasa.core import lock_store as rasa_lock_store
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from bot.server.lock_store import AtomicRedisLockStore, PromptInMemoryLockStore, PromptWaiting
from tests.server.loop import ticks_during

REDIS = EndpointConfig(url="redis://127.0.0.1:6379/1")


def new_store() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(REDIS)


@pytest.fixture()
def conversation() -> Iterator[str]:
    conversation_id = f"lock-test-{uuid.uuid4().hex}"
    yield conversation_id
    new_store().delete_lock(conversation_id)


def test_a_change_made_by_another_server_meanwhile_is_not_overwritten(conversation: str) -> None:
    store, other = new_store(), new_store()
    store.issue_ticket(conversation)
    calls = 0

    def issue_while_the_other_server_issues_too(lock):
        nonlocal calls
        calls += 1
        if calls == 1:  # between our read and our write, the other server takes a ticket
            other.issue_ticket(conversation)
        return lock, lock.issue_ticket(60)

    mine = store._atomically(conversation, issue_while_the_other_server_issues_too)
    assert calls == 2  # the first attempt was thrown away and made again on fresh data
    numbers = [t.number for t in store.get_lock(conversation).tickets]
    assert len(set(numbers)) == 3 and numbers[-1] == mine


def test_servers_asking_at_once_never_share_a_ticket(conversation: str) -> None:
    stores = [new_store() for _ in range(4)]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        tickets = list(pool.map(lambda n: stores[n % 4].issue_ticket(conversation), range(80)))
    assert len(set(tickets)) == len(tickets)


def test_a_lock_is_not_deleted_under_a_new_ticket(conversation: str) -> None:
    store = new_store()
    first = store.issue_ticket(conversation)
    second = store.issue_ticket(conversation)
    store.cleanup(conversation, first)
    assert store.get_lock(conversation).now_serving == second
    store.cleanup(conversation, second)
    assert store.get_lock(conversation) is None


def test_turns_of_one_conversation_never_overlap_across_servers(conversation: str) -> None:
    inside: List[str] = []
    overlaps: List[List[str]] = []
    guard = threading.Lock()

    async def turn(store: AtomicRedisLockStore, name: str) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            with guard:
                inside.append(name)
                if len(inside) > 1:
                    overlaps.append(list(inside))
            await asyncio.sleep(0.005)
            with guard:
                inside.remove(name)

    def server(number: int) -> None:
        store = new_store()

        async def run() -> None:
            await asyncio.gather(*(turn(store, f"{number}-{n}") for n in range(10)))

        asyncio.run(run())

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        list(pool.map(server, range(3)))
    assert overlaps == []
    assert new_store().get_lock(conversation) is None


def test_finish_serving_keeps_the_lock_and_cleanup_deletes_it(conversation: str) -> None:
    store = new_store()
    ticket = store.issue_ticket(conversation)
    store.finish_serving(conversation, ticket)
    assert not store.get_lock(conversation).tickets
    ticket = store.issue_ticket(conversation)
    store.cleanup(conversation, ticket)
    assert store.get_lock(conversation) is None


@pytest.mark.parametrize("endpoint", [
    EndpointConfig(type="bot.server.lock_store.PromptInMemoryLockStore", url=""),
    EndpointConfig(type="bot.server.lock_store.AtomicRedisLockStore",
                   url="redis://127.0.0.1:6379/1"),
], ids=["in-memory", "redis"])
def test_a_waiting_turn_looks_again_within_50_ms_not_rasas_second(
        endpoint: EndpointConfig, conversation: str,
        monkeypatch: pytest.MonkeyPatch) -> None:
    store = LockStore.create(endpoint)  # as Rasa builds it from endpoints.yml
    assert isinstance(store, (PromptInMemoryLockStore, AtomicRedisLockStore))
    waits: List[float] = []
    real_sleep = asyncio.sleep

    async def recorded_sleep(seconds: float) -> None:
        waits.append(seconds)
        await real_sleep(0)

    monkeypatch.setattr(rasa_lock_store.asyncio, "sleep", recorded_sleep)
    order: List[str] = []

    async def first() -> None:
        async with store.lock(conversation):  # the arguments Rasa's processor passes
            order.append("first in")
            while not waits:  # hold the lock until the second turn has waited once
                await real_sleep(0.001)
            order.append("first out")

    async def second() -> None:
        await real_sleep(0.005)
        async with store.lock(conversation):
            order.append("second in")

    async def both() -> None:
        await asyncio.gather(first(), second())

    asyncio.run(both())
    assert order == ["first in", "first out", "second in"]
    assert waits and set(waits) == {PromptWaiting.WAIT_SECONDS}


def test_the_url_keeps_password_user_and_tls() -> None:
    store = AtomicRedisLockStore(EndpointConfig(url="rediss://shop:s3cret@redis.example:6380/2"))
    pool = store.red.connection_pool
    assert pool.connection_class.__name__ == "SSLConnection"
    assert {key: pool.connection_kwargs[key] for key in ("host", "port", "db", "username",
                                                         "password")} == {
        "host": "redis.example", "port": 6380, "db": 2, "username": "shop",
        "password": "s3cret"}


def test_without_redis_a_turn_is_locked_in_this_process(
        conversation: str, caplog: pytest.LogCaptureFixture) -> None:
    from tools.loopback import free_port

    store = AtomicRedisLockStore(EndpointConfig(url=f"redis://127.0.0.1:{free_port()}/1"))
    order: List[str] = []

    async def turn(name: str) -> None:
        async with store.lock(conversation):
            order.append(f"{name} in")
            await asyncio.sleep(0.01)
            order.append(f"{name} out")

    async def both() -> None:
        await asyncio.gather(turn("first"), turn("second"))

    asyncio.run(both())
    assert order == ["first in", "first out", "second in", "second out"]
    assert "Redis unreachable" in caplog.text


def test_taking_and_giving_back_a_ticket_leave_the_event_loop_free(
        conversation: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A slow Redis delays this turn only; the server's other turns go on."""
    store = new_store()
    real_atomically = store._atomically

    def slow_atomically(*args):  # type: ignore[no-untyped-def]
        time.sleep(0.2)
        return real_atomically(*args)

    monkeypatch.setattr(store, "_atomically", slow_atomically)

    async def turn() -> None:
        async with store.lock(conversation):
            pass

    assert asyncio.run(ticks_during(turn())) >= 20  # 0.4 s of taking and giving back, ticking


def test_no_redis_call_runs_on_the_event_loop_and_a_free_lock_takes_one_transaction(
        conversation: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = new_store()
    threads: List[str] = []
    real_execute = store.red.connection_pool.connection_class.send_command

    def recorded(connection, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real_execute(connection, *args, **kwargs)

    monkeypatch.setattr(store.red.connection_pool.connection_class, "send_command", recorded)
    looks: List[str] = []
    real_get_lock = store.get_lock
    monkeypatch.setattr(store, "get_lock", lambda c: looks.append(c) or real_get_lock(c))

    async def turns() -> None:
        async with store.lock(conversation):
            pass  # a free lock: held as soon as the ticket is taken
        assert not looks

        async def held() -> None:
            async with store.lock(conversation):
                await asyncio.sleep(0.1)

        async def waiting() -> None:
            await asyncio.sleep(0.02)
            async with store.lock(conversation):
                pass

        await asyncio.gather(held(), waiting())
        assert looks  # the waiting turn looked at the busy lock again

    asyncio.run(turns())
    assert threads and all(name.startswith("lock-store") for name in threads), set(threads)
