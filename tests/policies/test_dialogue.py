"""The dialogue policy on real Rasa trackers: each decision, and abstaining otherwise."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.policies.dialogue import DialoguePolicy
from bot.settings import PROJECT_ROOT

DOMAIN = Domain.load(str(PROJECT_ROOT / "domain.yml"))
CONFIG = next(p for p in yaml.safe_load((PROJECT_ROOT / "config.yml").read_text("utf-8"))[
    "policies"] if p["name"].endswith("DialoguePolicy"))


@pytest.fixture(scope="module")
def policy(tmp_path_factory) -> DialoguePolicy:
    storage = LocalModelStorage(tmp_path_factory.mktemp("policy"))
    config = {**DialoguePolicy.get_default_config(),
              **{k: v for k, v in CONFIG.items() if k != "name"}}
    return DialoguePolicy.create(config, storage, Resource("dialogue"),
                                 ExecutionContext(GraphSchema({}), "test"))


def said(text: str, intent: str, entities: List[Dict[str, Any]] | None = None) -> UserUttered:
    return UserUttered(text, {"name": intent, "confidence": 0.9}, entities or [],
                       parse_data={"intent": {"name": intent, "confidence": 0.9},
                                   "entities": entities or [], "text": text})


def order(number: str) -> Dict[str, Any]:
    return {"entity": "order_id", "value": number, "start": 0, "end": len(number)}


def tracker(*events) -> DialogueStateTracker:
    start = [ActionExecuted("action_session_start"), ActionExecuted("action_listen")]
    return DialogueStateTracker.from_events("shopper", start + list(events), DOMAIN.slots)


def in_form(form: str, slot: str, message: UserUttered, *after) -> DialogueStateTracker:
    return tracker(said("siparişim nerede", "order_status"), ActionExecuted(form),
                   ActiveLoop(form), SlotSet("requested_slot", slot),
                   ActionExecuted("action_listen"), message, *after)


def predicted(policy: DialoguePolicy, tracker_: DialogueStateTracker) -> str | None:
    prediction = policy.predict_action_probabilities(tracker_, DOMAIN)
    if max(prediction.probabilities) == 0:
        return None
    assert prediction.policy_priority == 7
    return DOMAIN.action_names_or_texts[prediction.max_confidence_index]


def after_status(message: UserUttered) -> DialogueStateTracker:
    """The order status was told and the rating asked; then ``message``."""
    return tracker(said("10045821", "inform", [order("10045821")]),
                   ActionExecuted("action_order_status"), SlotSet("csat_pending", True),
                   ActionExecuted("action_listen"), message)


def test_a_rating_only_right_after_the_question(policy) -> None:
    assert predicted(policy, after_status(said("5", "inform"))) == "action_store_rating"
    assert predicted(policy, after_status(said("geç", "deny"))) == "action_store_rating"
    # A second order number is a request, not a rating.
    second = after_status(said("peki 10045823 ne durumda", "inform", [order("10045823")]))
    assert predicted(policy, second) == "order_form"
    assert predicted(policy, after_status(said("kargo ücreti ne kadar", "faq"))) is None


def test_a_new_task_inside_a_form_leaves_it(policy) -> None:
    moved = in_form("order_form", "order_id", said("boşver kulaklık bakıyorum",
                                                   "product_recommendation"))
    assert predicted(policy, moved) == "action_deactivate_loop"
    left = in_form("order_form", "order_id", said("boşver kulaklık bakıyorum",
                                                  "product_recommendation"),
                   ActionExecuted("action_deactivate_loop"), ActiveLoop(None))
    assert predicted(policy, left) == "action_suggest_products"
    # The form's own request and shop questions stay with the form and the rules.
    assert predicted(policy, in_form("order_form", "order_id",
                                     said("kargom nerede", "order_status"))) is None
    assert predicted(policy, in_form("order_form", "order_id",
                                     said("iade ücretli mi", "faq"))) is None


def test_no_detail_or_a_question_about_it(policy) -> None:
    assert predicted(policy, in_form("order_form", "order_id", said(
        "numaramı bilmiyorum", "deny"))) == "action_missing_detail"
    assert predicted(policy, in_form("order_form", "order_id", said(
        "sipariş numarası nerede yazar?", "faq"))) == "action_detail_help"
    helped = in_form("order_form", "order_id", said("sipariş numarası nerede yazar?", "faq"),
                     ActionExecuted("action_detail_help"))
    assert predicted(policy, helped) == "order_form"


def test_irony_confusion_and_unasked_details(policy) -> None:
    assert predicted(policy, tracker(said("ne hızlı kargo ama, bir haftadır yolda, bravo",
                                          "thank"))) == "action_handle_complaint"
    assert predicted(policy, tracker(said("dur ne diyecektim", "nlu_fallback"))) == (
        "action_take_your_time")
    assert predicted(policy, tracker(said("10045821", "inform", [order("10045821")]))) == (
        "order_form")


def test_a_task_with_a_shop_question_gets_both(policy) -> None:
    both = said("siparişim nerede, bir de kapıda ödeme var mı?", "order_status")
    assert predicted(policy, tracker(both)) == "action_answer_faq"
    assert predicted(policy, tracker(both, ActionExecuted("action_answer_faq"))) == "order_form"


def test_abstains_otherwise(policy) -> None:
    assert predicted(policy, tracker(said("merhaba", "greet"))) is None
    assert predicted(policy, tracker(said("siparişim nerede", "order_status"))) is None
    assert predicted(policy, tracker(said("temsilci", "human_handoff"),
                                     SlotSet("handoff_active", True))) is None


def test_a_misread_answer_goes_to_the_form_as_the_answer(policy) -> None:
    misread = in_form("order_form", "contact", said("ayse.yilmaz", "deny"))
    prediction = policy.predict_action_probabilities(misread, DOMAIN)
    assert DOMAIN.action_names_or_texts[prediction.max_confidence_index] == "order_form"
    assert prediction.events == [SlotSet("contact", "ayse.yilmaz")]
    # A real "no" stays a no: the rules stop the form.
    assert predicted(policy, in_form("order_form", "contact", said("vazgeçtim", "deny"))) is None


def test_a_detail_alone_answers_the_form_whatever_its_letters_read_as(policy) -> None:
    email = "baska3@example.com"  # "başka": the classifier may hear "other products"
    alone = said(email, "more_products", [{"entity": "email", "value": email,
                                           "start": 0, "end": len(email)}])
    assert predicted(policy, in_form("order_form", "contact", alone)) == "order_form"
    # With words of a new request beside it, the shopper moved on.
    moved = said(f"{email} boşver, başka ürün göster", "more_products", [
        {"entity": "email", "value": email, "start": 0, "end": len(email)}])
    assert predicted(policy, in_form("order_form", "contact", moved)) == (
        "action_deactivate_loop")


def verified_on(number: str, message: UserUttered) -> DialogueStateTracker:
    """A verified chat about order ``number`` (just told), then ``message``."""
    return tracker(said(number, "inform", [order(number)]),
                   ActionExecuted("action_order_status"),
                   SlotSet("verified_customer_id", "7"), SlotSet("last_order_id", number),
                   ActionExecuted("action_listen"), message)


def test_an_order_task_without_a_number_is_about_the_order_discussed(policy) -> None:
    for message, form in [(said("bunu iptal edebilir miyim", "cancel_order"), "cancel_form"),
                          (said("iade etmek istiyorum", "return_request"), "return_form"),
                          (said("iadem ne oldu", "return_status"), "return_status_form")]:
        prediction = policy.predict_action_probabilities(verified_on("10045825", message),
                                                         DOMAIN)
        assert DOMAIN.action_names_or_texts[prediction.max_confidence_index] == form
        assert prediction.events == [SlotSet("order_id", "10045825")]


def test_a_refund_question_is_about_the_order_discussed(policy) -> None:
    refund = said("param ne zaman hesabıma geçer?", "faq")
    refund.parse_data["response_selector"] = {
        "faq": {"response": {"intent_response_key": "faq/refund_time"}}}
    prediction = policy.predict_action_probabilities(verified_on("10045826", refund), DOMAIN)
    assert DOMAIN.action_names_or_texts[prediction.max_confidence_index] == (
        "return_status_form")
    assert prediction.events == [SlotSet("order_id", "10045826")]
    # Before anyone is verified, or about another order, it stays what it is.
    assert predicted(policy, tracker(refund)) is None
    other = said("10045827 iadesi ne oldu", "return_status", [order("10045827")])
    assert policy.predict_action_probabilities(verified_on("10045826", other),
                                               DOMAIN).events == []


def test_a_question_about_the_detail_asked_is_answered(policy) -> None:
    assert predicted(policy, in_form("order_form", "contact", said(
        "mail mi yazayım telefon mu?", "inform"))) == "action_detail_help"


def test_an_answer_the_classifier_did_not_understand_is_the_forms_to_judge(policy) -> None:
    gibberish = in_form("order_form", "order_id", said("abc123", "nlu_fallback"))
    prediction = policy.predict_action_probabilities(gibberish, DOMAIN)
    assert DOMAIN.action_names_or_texts[prediction.max_confidence_index] == "order_form"
    assert prediction.events == [SlotSet("order_id", "abc123")]
    # A question it did not understand is no answer: the rules handle it.
    assert predicted(policy, in_form("order_form", "order_id",
                                     said("hava nasıl olacak yarın?", "out_of_scope"))) is None


def test_a_no_that_wants_another_task_starts_it(policy) -> None:
    moved = said("ya boşver, iptal etmek istiyorum aslında", "deny")
    assert predicted(policy, in_form("order_form", "order_id", moved)) == (
        "action_deactivate_loop")
    left = in_form("order_form", "order_id", moved, ActionExecuted("action_deactivate_loop"),
                   ActiveLoop(None))
    assert predicted(policy, left) == "cancel_form"
    # A plain "no" only stops the form (the rules).
    assert predicted(policy, in_form("order_form", "order_id", said("boşver iptal et",
                                                                    "deny"))) is None


def test_a_shop_question_beside_thanks_or_unasked_is_answered(policy) -> None:
    thanks = said("teşekkürler, bir de iade süresi kaç gündü?", "thank")
    assert predicted(policy, tracker(thanks)) == "action_answer_faq"
    assert predicted(policy, tracker(thanks, ActionExecuted("action_answer_faq"))) == (
        "action_listen")
    # A follow-up the classifier missed, on the answer just given, needs no opener.
    answered = [SlotSet("faq_topic", "return_policy"), ActionExecuted("action_listen")]
    assert predicted(policy, tracker(*answered, said("kaç gündü?", "nlu_fallback"))) == (
        "action_answer_faq")
    # A task stays a task, whatever was answered before ("kargo" is a fact of returns).
    assert predicted(policy, tracker(*answered, said("kargom nerede", "order_status"))) is None
    # Asked when or how, in words of a shop question: the general answer, then the task.
    when = said("kargom ne zaman gelir", "order_status")
    assert predicted(policy, tracker(when)) == "action_answer_faq"
    assert predicted(policy, tracker(when, ActionExecuted("action_answer_faq"))) == (
        "order_form")
    assert predicted(policy, tracker(said("telefonla sipariş verebilir miyim",
                                          "out_of_scope"))) == "action_answer_faq"


def test_a_follow_up_of_the_policy_told_is_no_question_about_the_order(policy) -> None:
    """After the return policy and then an order's status, "peki iadeyi hangi kargoyla..."
    asks the policy's carrier, not that order's return."""
    told = tracker(SlotSet("faq_topic", "return_policy"),
                   said("10045821", "inform", [order("10045821")]),
                   ActionExecuted("action_order_status"),
                   SlotSet("verified_customer_id", "7"), SlotSet("last_order_id", "10045821"),
                   ActionExecuted("action_listen"),
                   said("peki iadeyi hangi kargoyla gönderecektim", "return_status"))
    prediction = policy.predict_action_probabilities(told, DOMAIN)
    assert DOMAIN.action_names_or_texts[prediction.max_confidence_index] == (
        "action_answer_faq")
    assert prediction.events == []


def test_a_named_order_with_words_of_another_of_its_tasks_is_that_task(policy) -> None:
    refund = said("peki 10045830 nolu siparisin param nerde", "order_status",
                  [order("10045830")])
    assert predicted(policy, tracker(refund)) == "return_status_form"
    can_i = said("10045828 nolu siparişimi iade edebilir miyim", "faq", [order("10045828")])
    can_i.parse_data["response_selector"] = {
        "faq": {"response": {"intent_response_key": "faq/return_policy"}}}
    assert predicted(policy, tracker(can_i)) == "return_form"
    misread = said("iyi akşamlar 10045828 siparişimi iade edebilir miyim", "return_status",
                   [order("10045828")])
    assert predicted(policy, tracker(misread)) == "return_form"
    # A fact of the policy is answered as one; where the parcel is stays the look-up.
    fact = said("10045824 iade kargosu ücretli mi", "faq", [order("10045824")])
    fact.parse_data["response_selector"] = can_i.parse_data["response_selector"]
    assert predicted(policy, tracker(fact)) != "return_form"
    assert predicted(policy, tracker(said("10045822 nerede", "order_status",
                                          [order("10045822")]))) is None


def test_a_number_that_is_not_the_one_asked_goes_to_the_form(policy) -> None:
    iban = in_form("return_status_form", "order_id",
                   said("IBAN'a mı yatacak TR330006100519786457841326", "out_of_scope"))
    prediction = policy.predict_action_probabilities(iban, DOMAIN)
    assert DOMAIN.action_names_or_texts[prediction.max_confidence_index] == (
        "return_status_form")
    assert prediction.events == [SlotSet("order_id",
                                         "IBAN'a mı yatacak TR330006100519786457841326")]


def test_the_topic_of_a_refund_question_is_the_one_its_words_name(policy) -> None:
    """"iade süresi ne kadar" after an order's status asks the return window (the selector
    unsure between it and the refund's days): the policy answers it, no return look-up."""
    window = said("iade süresi ne kadar", "faq")
    window.parse_data["response_selector"] = {"faq": {"response": {
        "intent_response_key": "faq/refund_time", "confidence": 0.76}}}
    assert predicted(policy, verified_on("10045824", window)) is None
