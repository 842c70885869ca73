"""The agent queue on real databases: ordering, positions, waits, claims, persistence."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from bot.database.engine import Database
from bot.handoff import agents, queue, reasons
from bot.handoff.models import Agent
from bot.schema import create_schema

T0 = datetime(2026, 11, 22, 10, 0)


@pytest.fixture()
def desk(any_database: Database) -> Database:
    create_schema(any_database)
    with any_database.unit_of_work() as session:
        agents.create_agent(session, "zeynep", "Zeynep", "gizli-parola-1")
        agents.create_agent(session, "emre", "Emre", "gizli-parola-2")
    return any_database


def _open(session, conversation: str, minutes: int = 0, reason="asked_for_human"):
    return queue.open_ticket(session, conversation_id=conversation, channel="rest",
                             reason=reason, summary="özet",
                             sentiment_trail=["neutral", "angry"],
                             now=T0 + timedelta(minutes=minutes))


def _agent_ids(database):
    with database.unit_of_work() as session:
        return [a.id for a in agents.active_agents(session)]


def test_one_open_ticket_per_conversation(desk: Database) -> None:
    with desk.unit_of_work() as session:
        first, created = _open(session, "c1")
        again, created_again = _open(session, "c1", reason="angry")
    assert created and not created_again and again.id == first.id
    assert again.priority == reasons.priority("angry") > first.priority
    assert again.reason == "angry"
    assert again.sentiment_trail == ("neutral", "angry")


def test_a_more_urgent_reason_raises_the_open_ticket_only(desk: Database) -> None:
    with desk.unit_of_work() as session:
        first, _ = _open(session, "c1")
        assert queue.raise_priority(session, "c1", "sensitive")
        assert not queue.raise_priority(session, "c1", "asked_for_human")
        raised = queue.open_ticket_of(session, "c1")
    assert raised is not None and raised.id == first.id and raised.reason == "sensitive"
    assert raised.priority == reasons.priority("sensitive") > first.priority


def test_order_and_positions(desk: Database) -> None:
    with desk.unit_of_work() as session:
        calm, _ = _open(session, "calm", minutes=0)
        later, _ = _open(session, "later", minutes=5)
        angry, _ = _open(session, "angry", minutes=10, reason="angry")
        assert [t.conversation_id for t in queue.waiting(session)] == ["angry", "calm", "later"]
        assert [queue.position(session, t) for t in (angry, calm, later)] == [1, 2, 3]


def test_only_one_of_two_concurrent_claims_wins(desk: Database) -> None:
    zeynep, emre = _agent_ids(desk)
    with desk.unit_of_work() as session:
        ticket, _ = _open(session, "race")
    results = []
    barrier = threading.Barrier(2)

    def take(agent_id: int) -> None:
        barrier.wait()
        with desk.unit_of_work() as session:
            results.append(queue.claim(session, ticket.id, agent_id, T0))

    threads = [threading.Thread(target=take, args=(a,)) for a in (zeynep, emre)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, True]
    with desk.unit_of_work() as session:
        taken = queue.get_ticket(session, ticket.id)
        assert taken.status == "assigned" and taken.agent_id in (zeynep, emre)
        assert queue.position(session, taken) == 0


def test_wait_estimate_comes_from_history(desk: Database) -> None:
    zeynep, _ = _agent_ids(desk)
    now = T0 + timedelta(hours=1)
    with desk.unit_of_work() as session:
        assert queue.expected_wait(session, 1, now) is None  # no history: no promise
        for index, minutes in enumerate((2, 4, 6)):
            ticket, _ = _open(session, f"past{index}")
            queue.claim(session, ticket.id, zeynep, T0 + timedelta(minutes=minutes))
        assert queue.expected_wait(session, 1, now) == timedelta(minutes=4)
        assert queue.expected_wait(session, 3, now) == timedelta(minutes=12)


def test_only_the_assigned_agent_resolves_or_transfers(desk: Database) -> None:
    zeynep, emre = _agent_ids(desk)
    with desk.unit_of_work() as session:
        ticket, _ = _open(session, "c")
        assert queue.claim(session, ticket.id, zeynep, T0)
        assert not queue.resolve(session, ticket.id, emre, T0)
        assert queue.transfer(session, ticket.id, zeynep, emre)
        assert not queue.resolve(session, ticket.id, zeynep, T0)
        assert queue.resolve(session, ticket.id, emre, T0)
        assert queue.open_ticket_of(session, "c") is None
        again, created = _open(session, "c")
        assert created and again.id != ticket.id


def test_callback_contact_is_kept(desk: Database) -> None:
    with desk.unit_of_work() as session:
        _open(session, "night")
        assert queue.leave_callback(session, "night", "5321112233")
        assert queue.open_ticket_of(session, "night").callback_contact == "5321112233"
        assert not queue.leave_callback(session, "nobody", "x")


def test_queue_survives_a_restart(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    first = Database(url)
    create_schema(first)
    with first.unit_of_work() as session:
        _open(session, "a", minutes=0)
        waiting, _ = _open(session, "b", minutes=1)
    first.dispose()
    second = Database(url)
    with second.unit_of_work() as session:
        assert queue.position(session, queue.open_ticket_of(session, "b")) == 2
    second.dispose()


def test_passwords_and_sessions(desk: Database) -> None:
    with desk.unit_of_work() as session:
        assert agents.authenticate(session, "zeynep", "yanlış") is None
        assert agents.authenticate(session, "kimse", "gizli-parola-1") is None
        zeynep = agents.authenticate(session, "zeynep", "gizli-parola-1")
        token, csrf = agents.start_session(session, zeynep.id, T0)
    with desk.unit_of_work() as session:
        found = agents.find_session(session, token, T0 + timedelta(hours=1))
        assert found.agent.username == "zeynep" and found.csrf_token == csrf
        assert agents.find_session(session, token, T0 + timedelta(hours=9)) is None
        assert agents.find_session(session, "forged", T0) is None
        agents.end_session(session, token)
    with desk.unit_of_work() as session:
        assert agents.find_session(session, token, T0) is None
        stored = session.execute(select(Agent.password_hash)).scalars().first()
        assert stored.startswith("scrypt$") and "gizli" not in stored
