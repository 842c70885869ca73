"""Fallbacks that never loop, FAQ answers from policy data, the way to a human."""

from __future__ import annotations

from actions.faq import ActionAnswerFaq
from actions.support import ActionFallback, ActionOfferHuman
from bot.store.models import Policy
from tests.actions.conftest import make_tracker, run_action


def _turn(text: str, intent: str, action: str):
    return [
        {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}},
        {"event": "action", "name": action},
    ]


def test_first_miss_asks_to_rephrase_second_offers_a_human() -> None:
    first = run_action(ActionFallback(), make_tracker(text="asdf qwe", intent="nlu_fallback"))
    assert first.responses == ["utter_ask_rephrase"]
    assert first.events == [{"event": "rewind", "timestamp": None}]
    history = _turn("asdf qwe", "nlu_fallback", "action_fallback")
    second = run_action(ActionFallback(),
                        make_tracker(text="zxcv", intent="nlu_fallback", history=history))
    assert second.responses == ["utter_fallback_offer_help"]


def test_out_of_scope_says_what_the_bot_does_then_offers_a_human() -> None:
    first = run_action(ActionFallback(), make_tracker(text="hava nasıl", intent="out_of_scope"))
    assert first.responses == ["utter_out_of_scope"]
    history = _turn("hava nasıl", "out_of_scope", "action_fallback")
    second = run_action(ActionFallback(), make_tracker(text="dolar kaç", intent="out_of_scope",
                                                       history=history))
    assert second.responses == ["utter_fallback_offer_help"]


def test_a_miss_after_an_understood_turn_starts_over() -> None:
    history = _turn("asdf", "nlu_fallback", "action_fallback") + _turn(
        "merhaba", "greet", "utter_greet")
    run = run_action(ActionFallback(), make_tracker(text="qqq", intent="nlu_fallback",
                                                    history=history))
    assert run.responses == ["utter_ask_rephrase"]


def test_faq_answer_uses_current_policy_data(seeded_database) -> None:
    selector = {"faq": {"response": {"utter_action": "utter_faq/shipping_cost"}}}
    tracker = make_tracker(text="kargo ücreti ne kadar", intent="faq", response_selector=selector)
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


def test_faq_without_a_selected_answer_asks_to_rephrase() -> None:
    run = run_action(ActionAnswerFaq(), make_tracker(text="?", intent="faq"))
    assert run.responses == ["utter_ask_rephrase"]


def test_offer_human_gives_the_shop_contacts() -> None:
    run = run_action(ActionOfferHuman(), make_tracker(intent="human_handoff"))
    assert run.responses == ["utter_contact_human"]
    assert run.messages[0]["support_email"] == "destek@asistanmarket.com.tr"
