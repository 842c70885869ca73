"""The status report for a verified shopper, and the list of their recent orders."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from actions.orders import ActionAskOrderId, ActionOrderStatus, order_replies
from bot.shop.types import OrderDetails, TrackingEvent
from bot.store import orders
from bot.text.contacts import Contact
from tests.actions.conftest import make_tracker, run_action

TZ = ZoneInfo("Europe/Istanbul")
TODAY = date(2026, 11, 22)


@pytest.fixture()
def ayse_id(seeded_database) -> int:
    with seeded_database.unit_of_work() as session:
        found = orders.find_order_for_contact(
            session, 10045821, Contact("email", "ayse.yilmaz@example.com"))
    return found.customer_id


def status(customer_id, order_id, **slots):
    """The status report, in a chat where the satisfaction question was already asked."""
    tracker = make_tracker(slots={"verified_customer_id": customer_id, "order_id": order_id,
                                  "csat_asked": True, **slots})
    return run_action(ActionOrderStatus(), tracker)


def test_shipped_order_tells_carrier_tracking_event_and_eta(ayse_id: int) -> None:
    run = status(ayse_id, "10045821")
    assert run.responses == ["utter_order_in_transit", "utter_order_eta"]
    report = run.messages[0]
    assert report["order_id"] == "10045821"
    assert report["carrier"] and report["tracking_number"] and report["last_event"]
    assert run.messages[1]["eta"]
    assert run.slots() == {"order_id": None, "contact": None, "last_order_id": "10045821"}


def test_satisfaction_is_asked_once_after_a_report(ayse_id: int) -> None:
    first = status(ayse_id, "10045821", csat_asked=False)
    assert first.responses[-1] == "utter_ask_csat"
    assert first.slots()["csat_task"] == "order_status" and first.slots()["csat_pending"]
    assert "utter_ask_csat" not in status(ayse_id, "10045821").responses


def test_late_order_is_apologised_for_without_being_asked(ayse_id: int) -> None:
    run = status(ayse_id, "10045823")
    assert run.responses == ["utter_order_in_transit", "utter_order_late"]
    assert run.messages[1]["eta"]


@pytest.mark.parametrize(
    ("order_id", "expected"),
    [("10045822", ["utter_order_out_for_delivery"]),
     ("10045824", ["utter_order_delivered"]),
     ("10045825", ["utter_order_preparing"])],
)
def test_each_state_has_its_answer(ayse_id: int, order_id: str, expected) -> None:
    assert status(ayse_id, order_id).responses == expected


def test_preparing_order_promises_no_day_but_states_the_policy(ayse_id: int) -> None:
    message = status(ayse_id, "10045825").messages[0]
    assert message["dispatch_cutoff_hour"] == "14"
    assert "eta" not in message


def test_someone_elses_order_counts_as_a_failure(ayse_id: int) -> None:
    run = status(ayse_id, "10045826")
    assert run.responses == ["utter_order_not_found"]
    assert run.slots()["verification_failures"] == 1


def test_locked_conversation_says_so(ayse_id: int) -> None:
    run = status(None, None, verification_locked=True)
    assert run.responses == ["utter_verification_locked"]  # then the policy hands off


def test_verified_shopper_picks_from_recent_orders(ayse_id: int) -> None:
    run = run_action(ActionAskOrderId(), make_tracker(slots={"verified_customer_id": ayse_id}))
    assert run.responses == ["utter_ask_order_id_known_customer"]
    buttons = run.messages[0]["buttons"]
    assert 1 <= len(buttons) <= 5
    assert re.fullmatch(r'/inform\{"order_id":"1\d{7}"\}', buttons[0]["payload"])
    assert "TL" in buttons[0]["title"]


def test_unknown_shopper_is_asked_for_the_number() -> None:
    run = run_action(ActionAskOrderId(), make_tracker())
    assert run.responses == ["utter_ask_order_id"]


def _details(**changes) -> OrderDetails:
    fields = dict(
        order_id=10000001, customer_id=1, status="shipped",
        placed_at=datetime(2026, 11, 18, 9), cancelled_at=None, total=Decimal("10"),
        items=("A", "B", "C", "D", "E"), carrier="Aras Kargo", tracking_number="AR1",
        estimated_delivery=None, delivered_at=None,
        last_event=TrackingEvent(datetime(2026, 11, 21, 9), "Transfer merkezinde", "Ankara"),
    )
    fields.update(changes)
    return OrderDetails(**fields)


def test_no_estimate_in_the_data_means_no_day_is_promised() -> None:
    replies = order_replies(_details(), {}, TZ, TODAY)
    assert [name for name, _ in replies] == ["utter_order_in_transit", "utter_order_eta_unknown"]
    assert all("eta" not in variables for _, variables in replies)
    assert replies[0][1]["items"] == "A, B, C +2"


def test_late_is_decided_by_the_promised_day() -> None:
    on_time = order_replies(_details(estimated_delivery=TODAY), {}, TZ, TODAY)
    late = order_replies(_details(estimated_delivery=TODAY - timedelta(days=1)), {}, TZ, TODAY)
    assert on_time[-1][0] == "utter_order_eta"
    assert late[-1][0] == "utter_order_late"


def test_a_cancellation_at_23_30_utc_is_told_on_the_shops_day() -> None:
    """Seeded at 23:30 UTC: already the next day in Istanbul (UTC+3)."""
    late_evening = datetime(2026, 11, 21, 23, 30)
    replies = order_replies(_details(status="cancelled", cancelled_at=late_evening), {}, TZ,
                            TODAY)
    assert replies == [("utter_order_cancelled", replies[0][1])]
    assert replies[0][1]["cancelled_day"] == "22 Kasım"
