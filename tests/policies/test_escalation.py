"""The escalation policy on real Rasa trackers: every trigger, and calm complaints that stay."""

from __future__ import annotations

from typing import List, Tuple

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.escalation import EscalationPolicy
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
Turn = Tuple[str, str, str]  # text, intent, sentiment label


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> EscalationPolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("policy"))
    return EscalationPolicy.create(EscalationPolicy.get_default_config(), storage,
                                   Resource("escalation"),
                                   ExecutionContext(GraphSchema({}), "test"))


def tracker(turns: List[Turn], after: List | None = None, slots=None) -> DialogueStateTracker:
    events = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    for key, value in (slots or {}).items():
        events.append(SlotSet(key, value))
    for index, (text, intent, label) in enumerate(turns):
        events.append(UserUttered(text, {"name": intent, "confidence": 0.9},
                                  parse_data={"intent": {"name": intent, "confidence": 0.9},
                                              "entities": [], "text": text,
                                              "sentiment": {"label": label, "score": 0.0}}))
        if index < len(turns) - 1:
            events += [ActionExecuted("utter_anything_else"), ActionExecuted("action_listen")]
    events += after or []
    return DialogueStateTracker.from_events("shopper", events, DOMAIN.slots)


def predicted(policy: EscalationPolicy, tracker_: DialogueStateTracker) -> str | None:
    prediction = policy.predict_action_probabilities(tracker_, DOMAIN)
    if max(prediction.probabilities) == 0:
        return None
    assert prediction.policy_priority == 8
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index]


def reason_set(policy, tracker_) -> str | None:
    events = policy.predict_action_probabilities(tracker_, DOMAIN).events
    return next((e.value for e in events if isinstance(e, SlotSet)), None)


CALM = ("siparişim nerede", "order_status", "neutral")


def test_asking_for_a_human_hands_off_at_once(policy) -> None:
    asked = tracker([CALM, ("temsilciye bağla", "human_handoff", "neutral")])
    assert predicted(policy, asked) == "action_handoff"
    assert reason_set(policy, asked) == "asked_for_human"


def test_anger_gets_an_apology_first_then_a_person(policy) -> None:
    angry = tracker([("REZALET!!! paramı iade edin", "complaint", "angry")])
    assert predicted(policy, angry) == "action_calm_apology"
    apologised = tracker([("REZALET!!!", "complaint", "angry")],
                         after=[ActionExecuted("action_calm_apology")])
    assert predicted(policy, apologised) == "action_handoff"


def test_frustration_two_negative_turns_of_three(policy) -> None:
    turns = [("ürün beklediğim gibi değil", "complaint", "negative"), CALM,
             ("hala cevap yok, memnun değilim", "complaint", "negative")]
    assert predicted(policy, tracker(turns)) == "action_handoff"
    assert reason_set(policy, tracker(turns)) == "frustration"


def test_one_calm_complaint_stays_with_the_bot(policy) -> None:
    turns = [CALM, ("ürün kırık geldi, ne yapabilirim?", "complaint", "negative")]
    assert predicted(policy, tracker(turns)) is None


def test_two_misses_in_a_row(policy) -> None:
    turns = [("asdf", "nlu_fallback", "neutral"), ("qwe zxc", "out_of_scope", "neutral")]
    assert reason_set(policy, tracker(turns)) == "repeated_fallback"
    assert predicted(policy, tracker(turns[:1])) is None


def test_the_same_question_a_third_time(policy) -> None:
    turns = [CALM, ("10045821", "inform", "neutral"), CALM, ("evet", "affirm", "neutral"), CALM]
    assert reason_set(policy, tracker(turns)) == "repeated_question"
    assert predicted(policy, tracker(turns[:3])) is None


def test_different_shop_questions_are_different_questions(policy) -> None:
    def faq(text: str, topic: str) -> UserUttered:
        return UserUttered(text, {"name": "faq", "confidence": 0.9}, [], parse_data={
            "intent": {"name": "faq"}, "sentiment": {"label": "neutral"},
            "response_selector": {"faq": {"response": {"intent_response_key": topic}}}})
    done = [ActionExecuted("action_answer_faq"), ActionExecuted("action_listen")]
    events = [ActionExecuted("action_listen"), faq("kargo ücreti", "faq/shipping_cost"),
              *done, faq("taksit var mı", "faq/installments"), *done,
              faq("iade süresi", "faq/return_policy")]
    assert predicted(policy, DialogueStateTracker.from_events("shopper", events,
                                                              DOMAIN.slots)) is None
    events += [*done, faq("kargo ne kadar", "faq/shipping_cost"), *done,
               faq("kargo ücreti kaç", "faq/shipping_cost")]  # the third time: a person
    assert reason_set(policy, DialogueStateTracker.from_events(
        "shopper", events, DOMAIN.slots)) == "repeated_question"


def test_different_orders_are_different_questions(policy) -> None:
    def cancel(order: str) -> UserUttered:
        return UserUttered(f"{order} iptal", {"name": "cancel_order", "confidence": 0.9},
                           [{"entity": "order_id", "value": order}],
                           parse_data={"intent": {"name": "cancel_order"},
                                       "sentiment": {"label": "neutral"}})
    done = [ActionExecuted("action_cancel_order"), ActionExecuted("action_listen")]
    events = [ActionExecuted("action_listen"), cancel("10045825"), *done,
              cancel("10045825"), *done, cancel("10045821")]
    assert predicted(policy, DialogueStateTracker.from_events("shopper", events,
                                                              DOMAIN.slots)) is None
    events += [*done, cancel("10045821")]  # now 10045821 is asked a second time only
    assert predicted(policy, DialogueStateTracker.from_events("shopper", events,
                                                              DOMAIN.slots)) is None


def test_after_the_handoff_the_bot_listens(policy) -> None:
    done = tracker([("temsilci", "human_handoff", "neutral")],
                   after=[ActionExecuted("action_handoff")])
    assert predicted(policy, done) == "action_listen"


@pytest.mark.parametrize("text", ["kartımdan iki kere çekim yapılmış",
                                  "şarj aleti prizde alev aldı",
                                  "tüketici hakem heyetine başvuracağım",
                                  "hesabımdan çifte ödeme alınmış",
                                  "kvkk kapsamında verilerimi silin"])
def test_sensitive_topics(policy, text: str) -> None:
    sensitive = tracker([(text, "complaint", "negative")])
    assert reason_set(policy, sensitive) == "sensitive"
    # A calm, specific acknowledgement comes before the queue message.
    assert predicted(policy, sensitive) == "action_calm_apology"


@pytest.mark.parametrize("text", ["orada canlı biri var mı, bota yazmak istemiyorum",
                                  "robotla konuşmak istemiyorum"])
def test_refusing_the_assistant_asks_for_a_person(policy, text: str) -> None:
    refusal = tracker([(text, "bot_challenge", "negative")])
    assert reason_set(policy, refusal) == "asked_for_human"


def test_confusion_is_neither_anger_nor_a_miss(policy) -> None:
    lost = ("dur ne diyecektim", "nlu_fallback", "angry")
    assert predicted(policy, tracker([lost])) is None
    assert predicted(policy, tracker([lost, ("bi saniye ne soracaktım", "nlu_fallback",
                                              "negative")])) is None


def test_ironic_praise_about_a_delay_counts_as_negative(policy) -> None:
    irony = ("ne hızlı kargo ama, bir haftadır yolda, bravo", "thank", "positive")
    assert predicted(policy, tracker([irony, ("hala gelmedi", "complaint", "negative")])) == (
        "action_handoff")


def test_asking_for_a_person_with_a_phone_number(policy) -> None:
    asked = tracker([("temsilciyle görüşmek istiyorum numaram 0532 987 65 43", "inform",
                      "neutral")])
    assert predicted(policy, asked) == "action_handoff"
    assert reason_set(policy, asked) == "asked_for_human"


def test_locked_verification_after_an_order_action(policy) -> None:
    locked = tracker([CALM], after=[ActionExecuted("action_order_status"),
                                    SlotSet("verification_locked", True)])
    assert predicted(policy, locked) == "action_handoff"
    assert reason_set(policy, locked) == "verification_failed"


def test_while_an_agent_has_it_messages_wait_for_the_agent(policy) -> None:
    waiting = tracker([("merhaba?", "greet", "neutral")], slots={"handoff_active": True})
    assert predicted(policy, waiting) == "action_wait_for_agent"
    done = tracker([("merhaba?", "greet", "neutral")], slots={"handoff_active": True},
                   after=[ActionExecuted("action_wait_for_agent")])
    assert predicted(policy, done) == "action_listen"


def test_a_sensitive_matter_while_waiting_is_acknowledged_then_kept(policy) -> None:
    threat = ("hala bekliyorum, avukatıma gideceğim", "complaint", "angry")
    waiting = tracker([threat], slots={"handoff_active": True})
    assert predicted(policy, waiting) == "action_calm_apology"
    acknowledged = tracker([threat], slots={"handoff_active": True},
                           after=[ActionExecuted("action_calm_apology")])
    assert predicted(policy, acknowledged) == "action_wait_for_agent"


def test_abstains_otherwise(policy) -> None:
    assert predicted(policy, tracker([CALM])) is None
    assert predicted(policy, tracker([CALM], after=[ActionExecuted("order_form")])) is None


def test_what_people_handled_does_not_count_again(policy) -> None:
    angry_then_back = tracker(
        [("REZALET!!!", "complaint", "angry"), ("hala bekliyorum", "complaint", "negative")],
        after=[ActionExecuted("action_handoff"), ActionExecuted("action_listen"),
               SlotSet("handoff_active", False),
               UserUttered("", {"name": "EXTERNAL_handoff_resolved"},
                           parse_data={"intent": {"name": "EXTERNAL_handoff_resolved"}})])
    assert predicted(policy, angry_then_back) is None
