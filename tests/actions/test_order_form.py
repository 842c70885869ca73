"""The ownership check: order number plus the order's e-mail or phone."""

from __future__ import annotations

import pytest

from actions.orders import ActionAskOrderId, ValidateOrderForm
from tests.actions.conftest import DOMAIN, Run, initial_slots, make_tracker, run_action

FORM = "order_form"
AYSE = "ayse.yilmaz@example.com"


class FormRun(Run):
    """A validation run plus what the form asks next, as Rasa's FormAction would decide."""

    def __init__(self, run: Run, before: dict) -> None:
        super().__init__(run.events, run)
        self.before = before

    def asks(self):
        slots = self.slots()
        if "requested_slot" in slots:  # the validation action chose
            return slots["requested_slot"]
        state = {**self.before, **slots}
        return next((s for s in DOMAIN["forms"][FORM]["required_slots"] if state.get(s) is None),
                    None)


def validate(slots=None, metadata=None, entities=None, **new_slots) -> FormRun:
    tracker = make_tracker(slots=slots, new_slots=new_slots, active_loop=FORM,
                           metadata=metadata, entities=entities)
    before = {**initial_slots(), **(slots or {}), **new_slots}
    return FormRun(run_action(ValidateOrderForm(), tracker), before)


def test_order_number_then_email_verifies() -> None:
    asked = validate(order_id="10045821")
    assert asked.slots()["order_id"] == "10045821"
    assert asked.asks() == "contact"
    done = validate(slots={"order_id": "10045821"}, contact="AYSE.Yilmaz@Example.com ")
    slots = done.slots()
    assert slots["verified_customer_id"] is not None
    assert slots["contact"] == AYSE
    assert done.asks() is None
    assert done.responses == []


@pytest.mark.parametrize("phone", ["0532 111 22 33", "+90 532 111 2233", "5321112233"])
def test_phone_in_any_form_verifies(phone: str) -> None:
    done = validate(slots={"order_id": "10045821"}, contact=f"numaram {phone}")
    assert done.slots()["verified_customer_id"] is not None


def test_the_whatsapp_number_of_the_order_verifies_it() -> None:
    done = validate(order_id="10045821", metadata={"whatsapp_phone": "905321112233"})
    assert done.slots()["verified_customer_id"] is not None
    assert done.asks() is None
    assert done.responses == []


@pytest.mark.parametrize("wa_id", ["5321112233", "15321112233", "4405321112233"])
def test_a_foreign_whatsapp_number_with_a_turkish_tail_proves_nothing(wa_id: str) -> None:
    asked = validate(order_id="10045821", metadata={"whatsapp_phone": wa_id})
    assert asked.slots().get("verified_customer_id") is None
    assert asked.asks() == "contact"


def test_another_whatsapp_number_is_asked_for_proof_without_a_failure() -> None:
    asked = validate(order_id="10045821", metadata={"whatsapp_phone": "905449998877"})
    slots = asked.slots()
    assert slots["order_id"] == "10045821"
    assert slots.get("verified_customer_id") is None
    assert slots.get("verification_failures") is None
    assert asked.asks() == "contact"
    assert asked.responses == []


def test_both_in_one_message_verifies() -> None:
    done = validate(order_id="10045822", contact=AYSE)
    assert done.slots()["verified_customer_id"] is not None
    assert done.asks() is None


def test_contact_first_is_kept_until_the_number_comes() -> None:
    first = validate(contact=AYSE)
    assert first.slots()["contact"] == AYSE and first.asks() == "order_id"
    done = validate(slots={"contact": AYSE}, order_id="no 10045821")
    assert done.slots()["verified_customer_id"] is not None


def test_unknown_order_and_wrong_email_get_the_same_answer() -> None:
    unknown = validate(slots={"order_id": "19999999"}, contact=AYSE)
    wrong = validate(slots={"order_id": "10045821"}, contact="mehmet.demir@example.com")
    assert unknown.responses == wrong.responses == ["utter_verification_failed"]
    for run in (unknown, wrong):
        slots = run.slots()
        assert slots["order_id"] is None and slots["contact"] is None
        assert slots["verification_failures"] == 1
        assert run.asks() == "order_id"
        assert "verified_customer_id" not in slots


def test_third_failure_locks_and_ends_the_form() -> None:
    first = validate(slots={"order_id": "10045821"}, contact="yanlis@example.com")
    assert first.slots()["verification_failures"] == 1
    # Another conversation, another contact: the order's failures are counted together.
    second = validate(slots={"order_id": "10045821"}, contact="baska@example.com")
    assert second.slots()["verification_failures"] == 2
    assert second.responses == ["utter_verification_failed"]
    third = validate(slots={"order_id": "10045821"}, contact="ucuncu@example.com")
    slots = third.slots()
    assert slots["verification_locked"] is True
    assert third.asks() is None
    assert third.responses == []  # action_order_status explains and offers a human


def test_a_locked_order_stays_locked_for_the_right_contact_in_a_new_conversation() -> None:
    for guess in ("a@example.com", "b@example.com", "c@example.com"):
        validate(slots={"order_id": "10045821"}, contact=guess)
    fresh = validate(slots={"order_id": "10045821"}, contact=AYSE)  # slots as after /restart
    assert fresh.slots()["verification_locked"] is True
    assert "verified_customer_id" not in fresh.slots()
    assert fresh.responses == []


def test_one_contact_tried_against_many_orders_is_locked() -> None:
    for number in ("10045821", "10045822", "19999999"):
        validate(slots={"order_id": number}, contact="0555 000 11 22")
    run = validate(slots={"order_id": "10045823"}, contact="+90 555 000 1122")
    assert run.slots()["verification_locked"] is True


def test_a_locked_conversation_asks_nothing() -> None:
    run = validate(slots={"verification_locked": True, "verification_failures": 3.0},
                   order_id="10045821")
    assert run.asks() is None


def test_a_verified_shopper_is_not_asked_again() -> None:
    first = validate(slots={"order_id": "10045821"}, contact=AYSE)
    customer = first.slots()["verified_customer_id"]
    again = validate(slots={"verified_customer_id": customer}, order_id="10045822")
    assert again.slots()["order_id"] == "10045822"
    assert again.asks() is None


def test_long_numbers_that_are_not_orders_are_not_told_the_length() -> None:
    for text in ("123456789", "20045821"):
        run = validate(order_id=text)
        assert run.responses == ["utter_invalid_order_id_shape"]
        assert run.slots()["order_id"] is None


def test_a_date_amount_or_iban_is_told_what_it_is_not() -> None:
    for text, response in [("12122026 tarihinde verdim", "utter_not_an_order_number"),
                           ("12500000 TL ödedim", "utter_not_an_order_number"),
                           ("TR33 0006 1005 1978 6457 8413 26", "utter_iban_not_needed")]:
        run = validate(order_id=text)
        assert run.responses == [response]
        assert run.slots()["order_id"] is None


def test_a_corrected_number_is_taken_without_scolding() -> None:
    run = validate(contact="yanlış yazdım, doğrusu 10045822",
                   entities=[{"entity": "order_id", "value": "10045822"}])
    assert "utter_invalid_contact" not in run.responses


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 5000, "1' OR '1'='1'; DROP TABLE orders; --", "😡📦🙏", "1004582"],
)
def test_bad_order_numbers_are_refused_politely(text: str) -> None:
    run = validate(order_id=text)
    assert run.responses == ["utter_invalid_order_id"]
    assert run.slots()["order_id"] is None
    assert run.asks() == "order_id"


@pytest.mark.parametrize(
    "text", ["", "ayse@", "x" * 5000, "' OR 1=1 --", "🙂🙂", "0532 111"],
)
def test_bad_contacts_are_refused_politely(text: str) -> None:
    run = validate(slots={"order_id": "10045821"}, contact=text)
    assert run.responses == ["utter_invalid_contact"]
    assert run.slots()["contact"] is None
    assert "verification_failures" not in run.slots()


def test_the_third_prompt_offers_a_way_out_unless_the_shopper_got_somewhere() -> None:
    prompt = DOMAIN["responses"]["utter_ask_order_id"][0]["text"]
    asked = [{"event": "bot", "text": prompt}, {"event": "bot", "text": prompt}]
    stuck = run_action(ActionAskOrderId(), make_tracker(history=asked, active_loop=FORM))
    assert stuck.responses == ["utter_ask_order_id_again"]
    # The e-mail given meanwhile is progress: no way out yet, and it is acknowledged.
    moving = run_action(ActionAskOrderId(), make_tracker(
        history=asked, new_slots={"contact": AYSE}, active_loop=FORM))
    assert moving.responses == ["utter_ask_order_id_after_contact"]
