"""The store's database goes down mid-conversation and comes back: polite answers meanwhile,
nothing half-written, and no restart needed (on PostgreSQL, as shops run it)."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy.engine import make_url

from actions.cancellation import ActionCancelOrder
from actions.orders import ActionOrderStatus
from bot.database.engine import Database
from bot.schema import seed_demo
from bot.settings import get_settings
from bot.store.models import Order
from tests.actions.conftest import make_tracker, run_action, use_store
from tests.actions.test_self_service import AYSE, DONE, customer_id
from tests.faults.tcp import Forwarder


@pytest.fixture()
def store_behind_a_cable(fresh_postgres, monkeypatch):
    """The seeded store, reached by the actions through a forwarder the test can cut."""
    settings = get_settings()
    seed_demo(fresh_postgres, datetime.now(settings.timezone).date(), settings.timezone)
    cable = Forwarder(("127.0.0.1", make_url(fresh_postgres.url).port or 5432))
    database = Database(make_url(fresh_postgres.url).set(port=cable.port)
                        .render_as_string(hide_password=False))
    use_store(monkeypatch, database)
    yield fresh_postgres, cable
    cable.cut()
    database.dispose()


def test_answers_politely_while_down_and_recovers_without_restart(store_behind_a_cable):
    direct, cable = store_behind_a_cable
    ayse = customer_id(direct, 10045825, AYSE)
    status = {"verified_customer_id": ayse, "order_id": "10045821", **DONE}
    cancel = {"verified_customer_id": ayse, "order_id": "10045825", "confirm_cancel": True,
              **DONE}
    assert run_action(ActionOrderStatus(), make_tracker(slots=status)).responses

    cable.cut()
    assert run_action(ActionOrderStatus(), make_tracker(slots=status)).responses == [
        "utter_store_unavailable"]
    assert run_action(ActionCancelOrder(), make_tracker(slots=cancel)).responses == [
        "utter_store_unavailable"]
    with direct.unit_of_work() as session:  # nothing was half-done
        assert session.get(Order, 10045825).status == "preparing"

    cable.restore()
    again = run_action(ActionOrderStatus(), make_tracker(slots=status))
    assert again.responses and "utter_store_unavailable" not in again.responses
    assert run_action(ActionCancelOrder(), make_tracker(slots=cancel)).responses[0] == (
        "utter_cancel_done")
    with direct.unit_of_work() as session:
        assert session.get(Order, 10045825).status == "cancelled"
