"""Fallbacks that never loop, FAQ answers from policy data, the way to a human."""

from __future__ import annotations

from actions.faq import ActionAnswerFaq
from actions.support import ActionFallback
from bot.store.models import Policy
from tests.actions.conftest import make_tracker, run_action


def _turn(text: str, intent: str, action: str):
    return [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
        {"event": "action", "name": action},
    ]


def test_a_miss_asks_to_rephrase_and_stays_in_the_tracker() -> None:
    run = run_action(ActionFallback(), make_tracker(text="asdf qwe", intent="nlu_fallback"))
    assert run.responses == ["utter_ask_rephrase"]
    assert run.events == [{"event": "followup", "name": "action_listen", "timestamp": None}]


def test_out_of_scope_says_what_the_bot_does() -> None:
    run = run_action(ActionFallback(), make_tracker(text="hava nasıl", intent="out_of_scope"))
    assert run.responses == ["utter_out_of_scope"]


def test_faq_answer_uses_current_policy_data(seeded_database) -> None:
    selector = {"faq": {"response": {"utter_action": "utter_faq/shipping_cost"}}}
    tracker = make_tracker(text="kargo ücretli mi", intent="faq", response_selector=selector)
    before = run_action(ActionAnswerFaq(), tracker)
    assert before.responses == ["utter_faq/shipping_cost"]
    assert before.messages[0]["shipping_fee"] == "49,90"
    with seeded_database.unit_of_work() as session:
        session.merge(Policy(key="free_shipping_threshold", value="750"))
    try:
        after = run_action(ActionAnswerFaq(), tracker)
        assert after.messages[0]["free_shipping_threshold"] == "750"
    finally:
        with seeded_database.unit_of_work() as session:
            session.merge(Policy(key="free_shipping_threshold", value="500"))


def _faq(text: str, topic: str, intent: str = "faq", **slots):
    selector = {"faq": {"response": {"utter_action": f"utter_faq/{topic}"}}}
    return run_action(ActionAnswerFaq(), make_tracker(text=text, intent=intent, slots=slots,
                                                      response_selector=selector))


def test_a_follow_up_gets_the_fact_it_asks(seeded_database) -> None:
    run = _faq("peki iade kargosunu kim ödüyor?", "shipping_cost", faq_topic="return_policy")
    assert run.responses == ["utter_fact_return_policy_shipping"]
    assert "ücretsiz" in run.messages[0]["return_shipping_note"]
    # Misread by the classifier, still the fact of the topic just answered.
    misread = _faq("peki ek ücret var mı?", "shipping_cost", intent="nlu_fallback",
                   faq_topic="cash_on_delivery")
    assert misread.responses == ["utter_fact_cash_on_delivery_fee"]


def test_two_questions_in_one_message_get_two_answers_in_order(seeded_database) -> None:
    run = _faq("Havale ile ödeyebilir miyim, bir de fatura kurumsal kesiliyor mu?", "invoice")
    assert run.responses == ["utter_fact_payment_methods_transfer", "utter_fact_invoice_corporate"]
    assert run.slots()["faq_topic"] == "invoice"


def test_what_the_shop_does_not_offer_is_said_honestly(seeded_database) -> None:
    run = _faq("hediye paketi yapıyor musunuz?", "shipping_time")
    assert run.responses == ["utter_not_offered_gift_wrap"]
    fallback = run_action(ActionFallback(), make_tracker(text="yurt dışına gönderim var mı",
                                                         intent="out_of_scope"))
    assert fallback.responses == ["utter_not_offered_international_shipping"]


def test_faq_without_a_selected_answer_asks_to_rephrase() -> None:
    run = run_action(ActionAnswerFaq(), make_tracker(text="?", intent="faq"))
    assert run.responses == ["utter_ask_rephrase"]


def test_a_day_s_hours_come_from_the_opening_hours(seeded_database) -> None:
    saturday = _faq("cumartesi açık mısınız?", "working_hours")
    assert saturday.responses == ["utter_fact_working_hours_day"]
    assert (saturday.messages[0]["day"], saturday.messages[0]["hours"]) == (
        "cumartesi", "10:00-16:00")
    sunday = _faq("ya pazar?", "contact", faq_topic="working_hours")
    assert sunday.responses == ["utter_fact_working_hours_day_closed"]
    assert sunday.messages[0]["day"] == "pazar"


def test_an_unsure_topic_is_not_answered_as_if_known(seeded_database) -> None:
    selector = {"faq": {"response": {"utter_action": "utter_faq/shipping_cost",
                                     "confidence": 0.3}}}
    run = run_action(ActionAnswerFaq(), make_tracker(
        text="kargo sigortalı mı gönderiliyor", intent="faq", response_selector=selector))
    assert run.responses == ["utter_not_in_data"]
