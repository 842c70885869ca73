"""Cancellations, returns, refund status, complaints and CSAT on a real store."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from actions.cancellation import ActionCancelOrder, ValidateCancelForm
from actions.complaints import ActionHandleComplaint
from actions.returns import (
    ActionAskReturnItems,
    ActionOpenReturn,
    ActionReturnStatus,
    ValidateReturnForm,
    ValidateReturnStatusForm,
)
from actions.satisfaction import ActionStoreRating
from bot.records.ratings import SatisfactionRating
from bot.store import orders
from bot.store.models import Order, Return
from bot.text.contacts import Contact
from tests.actions.conftest import make_tracker, run_action

AYSE = Contact("email", "ayse.yilmaz@example.com")
MEHMET = Contact("email", "mehmet.demir@example.com")
DONE = {"csat_asked": True}  # the satisfaction question was already asked in these chats


def customer_id(database, order_id: int, contact: Contact) -> str:
    with database.unit_of_work() as session:
        return orders.find_order_for_contact(session, order_id, contact).customer_id


def requested(run, form_slots, before):
    slots = run.slots()
    if "requested_slot" in slots:
        return slots["requested_slot"]
    state = {**before, **slots}
    return next((s for s in form_slots if state.get(s) is None), None)


# --- cancellation -------------------------------------------------------------------------

def test_cancel_asks_for_confirmation_only_when_possible(private_store) -> None:
    ayse = customer_id(private_store, 10045825, AYSE)
    preparing = run_action(ValidateCancelForm(), make_tracker(
        slots={"verified_customer_id": ayse}, new_slots={"order_id": "10045825"},
        active_loop="cancel_form"))
    assert preparing.slots()["requested_slot"] == "confirm_cancel"
    shipped = run_action(ValidateCancelForm(), make_tracker(
        slots={"verified_customer_id": ayse}, new_slots={"order_id": "10045821"},
        active_loop="cancel_form"))
    assert shipped.slots()["requested_slot"] is None


def test_cancel_confirmed_then_again_is_idempotent(private_store) -> None:
    ayse = customer_id(private_store, 10045825, AYSE)
    slots = {"verified_customer_id": ayse, "order_id": "10045825", "confirm_cancel": True}
    first = run_action(ActionCancelOrder(), make_tracker(slots=slots))
    assert first.responses == ["utter_cancel_done", "utter_ask_csat"]
    assert first.slots()["csat_task"] == "cancel_order"
    second = run_action(ActionCancelOrder(), make_tracker(slots={**slots, **DONE}))
    assert second.responses == ["utter_cancel_already"]
    with private_store.unit_of_work() as session:
        assert session.get(Order, 10045825).status == "cancelled"


def test_shipped_order_is_not_cancelled_and_a_return_is_offered(private_store) -> None:
    ayse = customer_id(private_store, 10045821, AYSE)
    run = run_action(ActionCancelOrder(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045821", **DONE}))
    assert run.responses == ["utter_cancel_shipped"]
    assert run.messages[0]["return_window_days"] == "14"
    with private_store.unit_of_work() as session:
        assert session.get(Order, 10045821).status == "shipped"


def test_unconfirmed_cancel_changes_nothing(private_store) -> None:
    ayse = customer_id(private_store, 10045825, AYSE)
    run = run_action(ActionCancelOrder(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045825", **DONE}))
    assert run.responses == []
    with private_store.unit_of_work() as session:
        assert session.get(Order, 10045825).status == "preparing"


def test_cancel_someone_elses_order_is_a_failed_check(private_store) -> None:
    ayse = customer_id(private_store, 10045825, AYSE)
    run = run_action(ActionCancelOrder(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045826", "confirm_cancel": True}))
    assert run.responses == ["utter_order_not_found"]


# --- returns ------------------------------------------------------------------------------

def test_return_form_asks_items_then_reason(private_store) -> None:
    ayse = customer_id(private_store, 10045824, AYSE)
    form = ["order_id", "contact", "return_items", "return_reason"]
    before = {"verified_customer_id": ayse}
    run = run_action(ValidateReturnForm(), make_tracker(
        slots=before, new_slots={"order_id": "10045824"}, active_loop="return_form"))
    nxt = requested(run, form, {**before, "order_id": "10045824"})
    assert nxt in ("return_items", "return_reason")  # one item: chosen for the shopper
    ask = run_action(ActionAskReturnItems(), make_tracker(
        slots={**before, "order_id": "10045824"}))
    assert ask.responses == ["utter_ask_return_items"]
    assert all("return_items" in b["payload"] for b in ask.messages[0]["buttons"])


@pytest.mark.parametrize(("typed", "reason"), [("beden küçük geldi", "size"),
                                               ("kutusu kırık geldi", "damaged"),
                                               ("damaged", "damaged")])
def test_typed_reasons_are_understood(private_store, typed: str, reason: str) -> None:
    ayse = customer_id(private_store, 10045824, AYSE)
    run = run_action(ValidateReturnForm(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045824", "return_items": "all"},
        new_slots={"return_reason": typed}, active_loop="return_form"))
    assert run.slots()["return_reason"] == reason


def test_forged_items_are_refused(private_store) -> None:
    ayse = customer_id(private_store, 10045824, AYSE)
    run = run_action(ValidateReturnForm(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045824"},
        new_slots={"return_items": "999999"}, active_loop="return_form"))
    assert run.responses == ["utter_invalid_return_items"]
    assert run.slots()["return_items"] is None


def test_eligible_return_is_opened_once_and_damage_is_prioritised(private_store) -> None:
    ayse = customer_id(private_store, 10045824, AYSE)
    slots = {"verified_customer_id": ayse, "order_id": "10045824", "return_items": "all",
             "return_reason": "damaged"}
    first = run_action(ActionOpenReturn(), make_tracker(slots=slots))
    # An apology for the damage: no rating question in the same turn.
    assert first.responses == ["utter_return_opened", "utter_return_priority"]
    opened = first.messages[0]
    assert opened["code"].startswith("IADE-") and opened["return_carrier"] == "Yurtiçi Kargo"
    assert opened["refund_days"] == "10"
    again = run_action(ActionOpenReturn(), make_tracker(slots={**slots, **DONE}))
    # Asked again: the same code and drop-off steps, no second return.
    assert again.responses == ["utter_return_exists_order"]
    assert again.messages[0]["code"] == opened["code"]
    with private_store.unit_of_work() as session:
        count = len(session.execute(select(Return).where(Return.order_id == 10045824)).all())
    assert count == 1


@pytest.mark.parametrize(
    ("order_id", "contact", "response"),
    [("10045828", MEHMET, "utter_return_blocked_window_closed"),
     ("10045821", AYSE, "utter_return_blocked_not_delivered")],
)
def test_ineligible_returns_are_explained(private_store, order_id, contact, response) -> None:
    owner = customer_id(private_store, int(order_id), contact)
    run = run_action(ActionOpenReturn(), make_tracker(slots={
        "verified_customer_id": owner, "order_id": order_id, **DONE}))
    assert run.responses == [response]


def test_verified_shopper_gets_every_return_without_a_number(private_store) -> None:
    mehmet = customer_id(private_store, 10045827, MEHMET)
    form = run_action(ValidateReturnStatusForm(), make_tracker(
        slots={"verified_customer_id": mehmet}, active_loop="return_status_form"))
    assert form.slots()["requested_slot"] is None
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": mehmet, **DONE}))
    assert "utter_refund_overdue" in run.responses
    assert "utter_return_status_received" in run.responses
    overdue = run.messages[run.responses.index("utter_refund_overdue")]
    assert overdue["refund_amount"] and overdue["promised_day"]


def test_return_status_of_one_order(private_store) -> None:
    mehmet = customer_id(private_store, 10045827, MEHMET)
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": mehmet, "order_id": "10045827", **DONE}))
    assert run.responses == ["utter_return_status_refunded"]
    assert run.messages[0]["paid_day"]


def test_no_returns(private_store) -> None:
    ayse = customer_id(private_store, 10045821, AYSE)
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": ayse, **DONE}))
    assert run.responses == ["utter_no_returns"]
    # Asked about one order: that order is named, and it becomes the order discussed.
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045821", **DONE}))
    assert run.responses == ["utter_no_returns_order"]
    assert run.messages[0]["order_id"] == "10045821"
    assert run.slots()["last_order_id"] == "10045821"


def test_return_status_of_someone_elses_order_is_a_failed_check(private_store) -> None:
    """Ayşe asks about Mehmet's return: the look-up's answer, nothing of his order, and
    it never becomes the order discussed."""
    ayse = customer_id(private_store, 10045821, AYSE)
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": ayse, "order_id": "10045829", **DONE}))
    assert run.responses == ["utter_order_not_found"]
    assert "last_order_id" not in run.slots()


def test_a_told_return_is_the_topic_of_a_follow_up(private_store) -> None:
    mehmet = customer_id(private_store, 10045829, MEHMET)
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": mehmet, "order_id": "10045829", **DONE}))
    assert run.slots()["faq_topic"] == "refund_time"


def test_refund_of_a_cancelled_order_is_about_that_order(private_store) -> None:
    """Mehmet has returns on other orders; asked about his cancelled order, none is told."""
    mehmet = customer_id(private_store, 10045826, MEHMET)
    run = run_action(ActionReturnStatus(), make_tracker(
        slots={"verified_customer_id": mehmet, "order_id": "10045826", **DONE}))
    assert run.responses == ["utter_refund_cancelled_order"]
    assert run.messages[0]["order_id"] == "10045826" and run.messages[0]["cancelled_day"]


# --- complaints and satisfaction ----------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "kind"),
    [("ürün kırık geldi", "damaged"), ("yanlış ürün gönderilmiş", "wrong_item"),
     ("paketten bir ürün eksik çıktı", "missing_item"),
     ("kartımdan iki kere çekim yapılmış", "double_charge"),
     ("hiç memnun kalmadım", "other")],
)
def test_complaints_are_named(text: str, kind: str) -> None:
    run = run_action(ActionHandleComplaint(), make_tracker(text=text, intent="complaint"))
    assert run.responses == [f"utter_complaint_{kind}"]


@pytest.mark.parametrize("text", ["kargom 10 gündür gelmedi",
                                  "ne hızlı kargo ama, bir haftadır yolda, bravo"])
def test_a_late_delivery_is_an_apology_and_the_order_lookup(text: str) -> None:
    run = run_action(ActionHandleComplaint(), make_tracker(text=text, intent="complaint"))
    assert run.responses == ["utter_complaint_late_delivery_lookup"]
    assert any(e.get("event") == "followup" and e.get("name") == "order_form"
               for e in run.events)


def test_complaint_after_tracking_is_tied_to_the_order() -> None:
    run = run_action(ActionHandleComplaint(), make_tracker(
        text="kutu kırık geldi", intent="complaint",
        slots={"verified_customer_id": 1, "last_order_id": "10045824"}))
    assert run.responses == ["utter_complaint_damaged", "utter_complaint_linked"]
    assert run.slots()["order_id"] == "10045824" and run.slots()["return_reason"] == "damaged"


@pytest.mark.parametrize(("text", "score"), [("5", 5), ("4 puan", 4), ("1", 1),
                                           ("4 puan veriyorum", 4), ("⭐⭐⭐", 3),
                                           ("4/5", 4), ("beş", 5)])
def test_rating_is_stored_with_conversation_and_task(private_store, text, score) -> None:
    run = run_action(ActionStoreRating(), make_tracker(
        text=text, slots={"csat_pending": True, "csat_task": "order_status"}))
    assert run.responses == ["utter_csat_thanks_low" if score <= 2 else "utter_csat_thanks"]
    with private_store.unit_of_work() as session:
        stored = session.execute(select(SatisfactionRating)).scalar_one()
    assert (stored.conversation_id, stored.task, stored.score) == (
        "test-shopper", "order_status", score)


def test_skipping_the_rating_stores_nothing(private_store) -> None:
    run = run_action(ActionStoreRating(), make_tracker(
        text='/inform{"rating":"skip"}', entities=[{"entity": "rating", "value": "skip"}],
        slots={"csat_pending": True}))
    assert run.responses == ["utter_csat_skipped"]
    with private_store.unit_of_work() as session:
        assert session.execute(select(SatisfactionRating)).first() is None


def test_a_low_rating_of_a_person_is_about_them(private_store) -> None:
    run = run_action(ActionStoreRating(), make_tracker(
        text="1", slots={"csat_pending": True, "csat_task": "human"}))
    assert run.responses == ["utter_csat_thanks_low_human"]


def test_not_a_rating_is_not_stored(private_store) -> None:
    run = run_action(ActionStoreRating(), make_tracker(text="10045821",
                                                       slots={"csat_pending": True}))
    assert run.responses == ["utter_anything_else"]
    with private_store.unit_of_work() as session:
        assert session.execute(select(SatisfactionRating)).first() is None
