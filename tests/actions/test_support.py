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
