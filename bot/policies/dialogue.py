"""How a message is handled in the context of the conversation: a dialogue decision the
rules cannot express, made from the tracker alone (no model, no database).

- A rating answers the satisfaction question only if it looks like one and the question
  was the bot's last word; anything else is handled as what it is.
- Inside a form: a new task leaves the form and starts the task; "I don't have it" ends
  the form with another way; a question about the question is answered and the form
  resumes; a lost thread ("ne diyecektim") gets time, not a reprompt.
- Irony (praise next to a delay) is a late-delivery complaint, not small talk.
- A bare order number (with or without a contact) out of a form starts the order look-up.
- An order named with the words of another of its tasks than the classifier read is that
  task: its refund ("10045830 nolu siparişin param nerde"), its return ("10045828 nolu
  siparişimi iade edebilir miyim?").
- A cancel, return or refund question with no number in a verified chat is about the order
  just discussed: its form starts with that order (checked like a typed one).
- A message with a task and a shop question in a later clause gets both, question first.

Tasks start with the action ``entries`` in ``config.yml`` names for their intent; a filled
form runs the action ``submits`` names for it.
"""

from __future__ import annotations

from typing import Any, Dict, List, Set

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.names import MISSED_INTENTS
from bot.dialogue.requests import (
    answers,
    context_topic,
    follow_up_fact,
    read_clauses,
    task_clause,
    threshold,
)
from bot.text.contacts import set_aside_numbers
from bot.text.vocabulary import (
    SHORT_REPLY_WORDS,
    fact_of,
    first_match,
    framed_by,
    is_confused,
    is_irony,
    is_question,
    mentions,
    only_confusion,
    rating_in,
    shopping_words,
)

DEACTIVATE = "action_deactivate_loop"
STORE_RATING = "action_store_rating"
COMPLAINT = "action_handle_complaint"
ANSWER_FAQ = "action_answer_faq"
MISSING_DETAIL = "action_missing_detail"
DETAIL_HELP = "action_detail_help"
TAKE_YOUR_TIME = "action_take_your_time"
ORDER_FORM = "order_form"
# Intents that carry no task of their own: with an order number or contact, the message
# means "this order" ("yok yanlış, 10045824'ü soracaktım").
DETAIL_INTENTS = ("inform", "deny", "affirm", "greet", "nlu_fallback", "out_of_scope")
# Tasks never read as the second request of a message.
NOT_SECOND = ("goodbye", "complaint", "more_products", "similar_products")
# The task an order number or contact beside a shop question asks, unless its words name
# another (`detail_tasks`).
DETAIL_TASK = "order_status"
# Entities that name an order or its owner.
DETAIL_ENTITIES = ("order_id", "email", "phone")
# Slots whose answers the shopper may not have at hand.
DETAILS = ("order_id", "contact")
# Tasks about one order: asked with no number in a verified chat, they are about the order
# just discussed ("bunu iptal edebilir miyim?", "param ne zaman yatar?").
ORDER_TASKS = ("cancel_order", "return_request", "return_status")
# Shop questions that, about "this" order in a verified chat, are that order's task.
TOPIC_TASKS = {"return_policy": "return_request", "refund_time": "return_status"}
# Intents of a reply to the form's question: a question naming the detail instead of
# giving it asks about the question ("mail mi yazayım telefon mu?").
ANSWER_INTENTS = ("inform", "affirm", "deny", *MISSED_INTENTS)


def _words(key: str) -> Any:
    return shopping_words()[key]


def follows_up_answer(tracker: DialogueStateTracker, message: UserUttered) -> bool:
    """The message, one clause with no order detail, asks a fact of the topic just
    answered (or of the open form's), opening like a follow-up or with the classifier unsure
    of its intent: "peki iadeyi hangi kargoyla gönderecektim?" after the return policy."""
    parts = read_clauses(message.parse_data or {})
    if len(parts) > 1 or has_details(message):
        return False
    previous = context_topic(tracker.get_slot("faq_topic"), tracker.active_loop_name)
    unsure = (message.intent or {}).get("confidence", 1.0) < threshold("sure")
    return (unsure or framed_by(parts[0].text, _words("follow_up"))) and (
        follow_up_fact(previous, parts[0]) is not None)


def discussed_order_task(tracker: DialogueStateTracker, message: UserUttered,
                         details: Set[str]) -> str | None:
    """The order task (an intent of ``ORDER_TASKS``) that ``message`` asks about the order
    just discussed in a verified chat, if it names no order of its own: a cancel or return
    request, a refund question ("param ne zaman yatar?"), or the return policy asked of
    "this" order ("bunu iade edebilir miyim?")."""
    if (tracker.active_loop_name or "order_id" in details
            or tracker.get_slot("verified_customer_id") is None
            or not tracker.get_slot("last_order_id")):
        return None
    if follows_up_answer(tracker, message):
        return None  # a fact of the policy just told, not this order's state
    intent = message.intent_name
    text = message.text or ""
    if intent in ORDER_TASKS:
        return intent
    refund = is_question(text) and mentions(text, _words("refund_question"))
    if intent in ("inform", *MISSED_INTENTS):
        return "return_status" if refund else None
    topic = asked_faq_topic(message) if intent == "faq" else None
    if refund or topic == "refund_time":
        return "return_status"
    if topic in TOPIC_TASKS and mentions(text, _words("this_order")):
        return TOPIC_TASKS[topic]
    return None


def asked_faq_topic(message: UserUttered) -> str | None:
    """The topic the FAQ answer would take for a message: the selector's when it is sure,
    else the topic its words name ("iade süresi ne kadar" is the return window, even when
    the selector leans to the refund's days)."""
    told = answers(message.parse_data or {}, None)
    return told[0].topic if told else None


def named_order_task(message: UserUttered, details: Set[str]) -> str | None:
    """The task of the order a one-clause message names when its words ask another task of
    that order than the classifier read: where its refund is, not where the parcel is
    ("10045830 nolu siparişin param nerde"); its return, not the return policy or a return
    that does not exist yet ("10045828 nolu siparişimi iade edebilir miyim?")."""
    parse = message.parse_data or {}
    if "order_id" not in details or len(read_clauses(parse)) > 1:
        return None
    text = message.text or ""
    intent = message.intent_name
    words = first_match(text, "detail_tasks")
    if intent == "order_status" and words == "return_status":
        return "return_status"
    if intent == "return_status" and words != "return_status" and first_match(
            text, "task_words") == "return_request":
        return "return_request"
    if intent == "faq":
        topic = asked_faq_topic(message) or ""
        task = TOPIC_TASKS.get(topic)
        # A refund question about a named order is that order's refund; a fact of the
        # return policy ("10045824 iade kargosu ücretli mi") is answered as one.
        if task == "return_status" or (task and fact_of(topic, text) is None):
            return task
    return None


def csat_just_asked(tracker: DialogueStateTracker) -> bool:
    """Whether the satisfaction question came after the shopper's previous message (read
    from the raw events: only the latest two turns matter, never rewound)."""
    users = 0
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            users += 1
            if users == 2:
                return False
        elif users == 1 and isinstance(event, SlotSet) and event.key == "csat_pending":
            return bool(event.value)
    return False


def is_rating(message: UserUttered) -> bool:
    text = message.text or ""
    if any(e.get("entity") == "rating" for e in message.entities or []):
        return True
    if message.intent_name == "deny" or (
            len(text.split()) <= SHORT_REPLY_WORDS and mentions(text, _words("skip_rating"))):
        return True
    return rating_in(text) is not None


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class DialoguePolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "priority": 7,  # above RulePolicy (6), below the escalation policy
            "entries": {},  # intent -> the action that starts its task
            "submits": {},  # form -> the action that does the task once it is filled
        }

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn: the policy is the decisions above."""
        return self._resource

    def _predict(self, domain: Domain, action: str, in_form: bool,
                 events: List[Event] | None = None) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        # Inside a form RulePolicy's "continue the form" is a prediction that ignores the
        # user, and Rasa then weighs only such predictions: this one must be of that kind
        # to be weighed against it (and win by priority).
        return self._prediction(probabilities, events=events,
                                is_no_user_prediction=in_form)

    def _abstain(self, domain: Domain) -> PolicyPrediction:
        return self._prediction(self._default_predictions(domain))

    def decide(self, tracker: DialogueStateTracker) -> str | None:
        """The next action, or None to leave the decision to the rules."""
        if tracker.get_slot("handoff_active"):
            return None
        message = tracker.latest_message
        if not isinstance(message, UserUttered) or message.intent_name is None:
            return None
        ran = actions_since_user(tracker)
        if ran:
            return self.follow_up(tracker, message, ran)
        return self.first_step(tracker, message)

    def follow_up(self, tracker: DialogueStateTracker, message: UserUttered,
                  ran: List[str]) -> str | None:
        """After the first step this policy chose: the task, or listening."""
        entry = self.config["entries"].get(self.requested_task(message) or "")
        submits: Dict[str, str] = self.config["submits"]
        first, last = ran[0], ran[-1]
        if last in submits and tracker.active_loop_name is None and not tracker.get_slot(
                "requested_slot"):
            # A form filled by the message that started it (number and e-mail at once).
            return submits[last]
        if last in submits.values():
            return ACTION_LISTEN_NAME
        if last == DEACTIVATE:
            return entry
        if ran == [ANSWER_FAQ] and tracker.active_loop_name is None:
            # Two requests in one message: the task comes after the question's answer.
            task = self.second_task(message)
            if task:
                return self.config["entries"][task]
            return ACTION_LISTEN_NAME if message.intent_name != "faq" else None
        if last == DETAIL_HELP:
            return tracker.active_loop_name or ACTION_LISTEN_NAME
        if last in (STORE_RATING, TAKE_YOUR_TIME, MISSING_DETAIL, COMPLAINT):
            return ACTION_LISTEN_NAME
        second = self.config["entries"].get(self.second_task(message) or "")
        if first in (DEACTIVATE, ANSWER_FAQ) and last in (entry, second) and (
                not tracker.active_loop_name):
            return ACTION_LISTEN_NAME
        return None

    @staticmethod
    def misread_answer(tracker: DialogueStateTracker, message: UserUttered) -> bool:
        """A reply to the form's question that the classifier read as "no" without a word
        of refusal ("ayse.yilmaz" for an e-mail), or did not understand at all ("xyz",
        "abc123") though it asks nothing, or a number that is not the one asked (an IBAN, a
        date): the form should judge it as an answer (and count it, so the third prompt
        offers a way out)."""
        if tracker.active_loop_name is None or _details(message) or tracker.get_slot(
                "requested_slot") not in DETAILS:
            return False
        text = message.text or ""
        if set_aside_numbers(text):
            # An IBAN or a date offered for the number, whatever the classifier read: the
            # form says what it is not ("no IBAN is needed") and asks again.
            return True
        if message.intent_name == "deny":
            return not mentions(text, _words("decline"))
        return (message.intent_name in MISSED_INTENTS and not is_question(text)
                and len(text.split()) <= SHORT_REPLY_WORDS
                and not first_match(text, "faq_topics"))

    def requested_task(self, message: UserUttered) -> str | None:
        """The task a message asks for: its intent's, or, in a "no" that goes on to want
        something else ("ya boşver, iptal etmek istiyorum aslında"), the task it names."""
        if message.intent_name in self.config["entries"]:
            return message.intent_name
        text = message.text or ""
        if message.intent_name == "deny" and mentions(text, _words("wanting")):
            return first_match(text, "task_words")
        return None

    def second_task(self, message: UserUttered) -> str | None:
        """The task a message asks beside a shop question ("siparişim nerede, bir de kapıda
        ödeme var mı?"): the task one of its clauses asks, else the message's own intent,
        else the look-up of the order it names; in one clause, a task asked how or when."""
        entries: Dict[str, str] = self.config["entries"]
        parse = message.parse_data or {}
        if not answers(parse, None):
            return None
        if len(read_clauses(parse)) < 2:
            # "iadeyi nasıl yapıyorum?": how the task is done, then the task; with the
            # order named ("10045822 ne zaman gelir") the general answer is only noise.
            how = message.intent_name in entries and not has_details(message) and mentions(
                message.text or "", _words("task_questions"))
            return message.intent_name if how else None
        task = task_clause(parse, entries, NOT_SECOND)
        if task is None and message.intent_name in entries:
            task = message.intent_name
        if task is None and has_details(message):
            task = first_match(message.text, "detail_tasks") or DETAIL_TASK
        return task if task in entries else None

    def asks_shop(self, tracker: DialogueStateTracker, message: UserUttered) -> bool:
        """A shop question the classifier did not choose as the message's intent: a clause
        beside a task, a greeting or thanks; something the shop does not offer; a follow-up
        on the answer just given ("kim ödüyor?"); a question it missed."""
        parse = message.parse_data or {}
        previous = context_topic(tracker.get_slot("faq_topic"), tracker.active_loop_name)
        if message.intent_name not in self.config["entries"]:
            return bool(answers(parse, previous))
        # A task is the message's request unless another clause asks a question, it asks
        # for what the shop does not offer, or it follows up the answer just given: opening
        # like a follow-up ("peki kaç gün içinde iade etmem lazım?"), or with the classifier
        # unsure of the task ("hangi kargo?" after the return policy).
        if self.second_task(message) is not None or first_match(message.text,
                                                                "not_offered"):
            return True
        return follows_up_answer(tracker, message)

    def first_step(self, tracker: DialogueStateTracker, message: UserUttered) -> str | None:
        """Right after the shopper's message: whether the context changes its handling."""
        intent = message.intent_name
        text = message.text or ""
        entries: Dict[str, str] = self.config["entries"]
        details = _details(message)
        if not details and is_rating(message) and csat_just_asked(tracker):
            return STORE_RATING
        if is_irony(text):
            return COMPLAINT
        if only_confusion(text) and not details:
            return TAKE_YOUR_TIME
        loop = tracker.active_loop_name
        if loop:
            if is_confused(text) and not details:
                return TAKE_YOUR_TIME  # "bir dakika bakıyorum": not goodbye, not an answer
            if intent in MISSED_INTENTS and is_question(text) and first_match(text, "faq_topics"):
                return ANSWER_FAQ  # a shop question the classifier missed; the form resumes
            own = next((i for i, action in entries.items() if action == loop), None)
            # A problem named while the return form asks why is the answer, not a new task.
            answers = intent == "complaint" and tracker.get_slot("requested_slot") == (
                "return_reason")
            task = self.requested_task(message)
            if task in entries and task != own and not answers:
                if tracker.get_slot("requested_slot") in DETAILS and only_details(message):
                    return loop  # the form's answer, whatever the classifier read in it
                return DEACTIVATE
            if tracker.get_slot("requested_slot") in DETAILS and not details:
                if mentions(text, _words("no_order_number")):
                    return MISSING_DETAIL
                if mentions(text, _words("where_is_order_number")) or (
                        intent in ANSWER_INTENTS and is_question(text)
                        and mentions(text, _words("detail_words"))
                        and not first_match(text, "faq_topics")):
                    return DETAIL_HELP
                if self.misread_answer(tracker, message):
                    return loop
            return None
        if is_confused(text) and intent not in entries and intent not in (
                "faq", "human_handoff") and not self.asks_shop(tracker, message):
            return TAKE_YOUR_TIME  # "bakayım" beside a question is no lost thread
        task = discussed_order_task(tracker, message, details)
        if task in entries:
            return entries[task]  # the order is set with the prediction
        named = named_order_task(message, details)
        if named in entries:
            return entries[named]
        if intent in ("return_request", "faq", "inform", "nlu_fallback") and mentions(
                text, _words("return_code")) and "return_status" in entries:
            return entries["return_status"]  # "iade kodum neydi": the open return, again
        if details and self.second_task(message):
            return ANSWER_FAQ  # "10045822 nerede, bir de kargo ücreti ne kadar": both
        if (intent in DETAIL_INTENTS or (intent == "complaint" and not first_match(
                text, "complaint_types"))) and details:
            # An order number or a contact, unasked: that order's look-up (or its return's).
            task = first_match(text, "detail_tasks")
            return entries.get(task or "", ORDER_FORM)
        if self.second_task(message) or (
                intent != "faq" and not details and self.asks_shop(tracker, message)):
            return ANSWER_FAQ
        return None

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        action = self.decide(tracker)
        if action is None or action not in domain.action_names_or_texts:
            return self._abstain(domain)
        events: List[Event] = []
        message = tracker.latest_message
        if action == tracker.active_loop_name and isinstance(message, UserUttered) and (
                self.misread_answer(tracker, message)):
            # The text becomes the answer the form validates (and politely refuses).
            events = [SlotSet(tracker.get_slot("requested_slot"), message.text)]
        elif isinstance(message, UserUttered) and not actions_since_user(tracker) and (
                action == self.config["entries"].get(
                    discussed_order_task(tracker, message, _details(message)) or "")):
            # The task's form starts with the order just discussed, checked as if typed.
            events = [SlotSet("order_id", tracker.get_slot("last_order_id"))]
        return self._predict(domain, action, tracker.active_loop_name is not None, events)


def _details(message: UserUttered) -> Set[str]:
    """Which of an order number, e-mail and phone the message carries."""
    return {e.get("entity") for e in message.entities or []} & set(DETAIL_ENTITIES)


def only_details(message: UserUttered) -> bool:
    """The message is an order number or a contact and nothing more: the answer to the
    form's question, whatever the classifier made of its letters ("baska3@example.com"
    is no request for other products)."""
    text = message.text or ""
    spans = sorted((e["start"], e["end"]) for e in message.entities or []
                   if e.get("entity") in DETAIL_ENTITIES
                   and isinstance(e.get("start"), int) and isinstance(e.get("end"), int))
    if not spans:
        return False
    rest, position = [], 0
    for start, end in spans:
        rest.append(text[position:start])
        position = max(position, end)
    rest.append(text[position:])
    return not any(c.isalpha() for c in "".join(rest))


def has_details(message: UserUttered) -> bool:
    return any(e.get("entity") in DETAIL_ENTITIES for e in message.entities or [])


def actions_since_user(tracker: DialogueStateTracker) -> List[str]:
    """The actions run since the latest user message, in order."""
    ran: List[str] = []
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name != ACTION_LISTEN_NAME:
            ran.append(event.action_name)
    return ran[::-1]
