"""Notes, tags, prepared answers, finished tickets, history and search on real databases."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from bot.database.engine import Database
from bot.handoff import agents, desk, queue
from bot.schema import create_schema

T0 = datetime(2026, 11, 22, 10, 0)


@pytest.fixture()
def database(any_database: Database) -> Database:
    create_schema(any_database)
    with any_database.unit_of_work() as session:
        agents.create_agent(session, "zeynep", "Zeynep", "gizli-parola-1")
    return any_database


def _open(session, conversation: str, customer: str | None = None, order: str | None = None,
          last: str = "") -> queue.TicketView:
    ticket, _ = queue.open_ticket(
        session, conversation_id=conversation, channel="widget", reason="asked_for_human",
        summary=json.dumps({"last_message": last}, ensure_ascii=False), sentiment_trail=[],
        now=T0, customer_id=customer, order_id=order)
    return ticket


def test_notes_and_tags_stay_with_their_ticket(database: Database) -> None:
    with database.unit_of_work() as session:
        agent = agents.active_agents(session)[0]
        ticket = _open(session, "c1")
        other = _open(session, "c2")
        desk.add_note(session, ticket.id, agent.id, "Kargo firması arandı", T0)
        assert desk.set_tags(session, ticket.id, [" Kargo ", "kargo", "İade  talebi", ""]) == [
            "iade talebi", "kargo"]
    with database.unit_of_work() as session:
        [note] = desk.notes(session, ticket.id)
        assert (note.agent_name, note.text) == ("Zeynep", "Kargo firması arandı")
        assert desk.notes(session, other.id) == []
        assert desk.tags_of(session, [ticket.id, other.id]) == {
            ticket.id: ["iade talebi", "kargo"], other.id: []}
        assert desk.set_tags(session, ticket.id, []) == []
    assert desk.clean_tags([str(n) for n in range(20)]) == [str(n) for n in range(10)]


def test_prepared_answers_are_seeded_once_and_titles_are_unique(database: Database) -> None:
    with database.unit_of_work() as session:
        desk.seed_demo_canned(session)
        desk.seed_demo_canned(session)
        seeded = desk.canned_replies(session)
    assert len(seeded) == 4 and any("{customer_name}" in c.text for c in seeded)
    with database.unit_of_work() as session:
        saved = desk.save_canned(session, None, "Yeni", "Merhaba {customer_name}")
        assert desk.title_taken(session, "Yeni", None)
        assert not desk.title_taken(session, "Yeni", saved.id)
        assert desk.save_canned(session, saved.id, "Yeni", "Değişti").text == "Değişti"
        assert desk.save_canned(session, 9999, "x", "y") is None
        assert desk.delete_canned(session, saved.id) and not desk.delete_canned(session, saved.id)


def test_finished_tickets_history_and_search(database: Database) -> None:
    with database.unit_of_work() as session:
        agent = agents.active_agents(session)[0]
        old = _open(session, "c-old", customer="42", order="10045821", last="Kırık geldi")
        assert queue.claim(session, old.id, agent.id, T0)
        assert queue.resolve(session, old.id, agent.id, T0 + timedelta(minutes=5))
        new = _open(session, "c-new", customer="42", last="Yine sorun var")
        stranger = _open(session, "c-x", customer="7", last="100% memnun_değilim")
        desk.set_tags(session, stranger.id, ["fatura"])
        desk.add_note(session, new.id, agent.id, "Müşteri tekrar yazdı", T0)
    with database.unit_of_work() as session:
        assert [t.id for t in desk.finished(session)] == [old.id]
        assert desk.finished(session)[0].resolved_at == T0 + timedelta(minutes=5)
        assert [t.id for t in desk.history(session, queue.get_ticket(session, new.id))] == [
            old.id]
        assert [t.id for t in desk.search(session, "10045821")] == [old.id]
        assert [t.id for t in desk.search(session, "KIRIK")] == [old.id]  # summary words
        assert [t.id for t in desk.search(session, "fatura")] == [stranger.id]  # a tag
        assert [t.id for t in desk.search(session, "tekrar yazdı")] == [new.id]  # a note
        assert [t.id for t in desk.search(session, "100%")] == [stranger.id]  # % is a char
        assert [t.id for t in desk.search(session, "n_d")] == [stranger.id]  # _ too
        assert desk.search(session, "x_y") == []
