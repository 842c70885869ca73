"""When to hand a conversation to people: a dialogue decision, made after every message.

The policy reads the tracker only (intents, the `sentiment` of each parse, slots) and
either abstains or predicts, with a priority above the rules:

- the shopper asks for a human: hand off, in any state;
- an angry message: first a calm, specific apology (`action_calm_apology`), then hand off;
- sensitive topics (safety, legal threats, personal data, double charges): an acknowledgement
  of the kind first;
- frustration building: negative turns in the recent window, misunderstood messages in a
  row, the same question asked again and again, or a locked ownership check.

Sentiment is read in context (:func:`sentiment_label`): confusion is not anger.

While an agent owns the conversation (`handoff_active`), every message goes to
`action_wait_for_agent`, which keeps it for the agent. Thresholds are in `config.yml`;
the words that mark sensitive topics are data (`bot/text/data/shopping_words.yml`,
`bot/nlu/data/sentiment_words.yml`).
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.dialogue.names import EXTERNAL_PREFIX, MISSED_INTENTS
from bot.handoff.reasons import HandoffReason, sensitive_kind
from bot.nlu.sentiment import SHOUT_MIN_LETTERS, is_profane, is_threat, lexicon
from bot.policies.dialogue import csat_just_asked, is_rating
from bot.text.vocabulary import is_confused, is_irony, mentions, shopping_words

HANDOFF = "action_handoff"
APOLOGY = "action_calm_apology"
WAIT = "action_wait_for_agent"
AFTER_HANDOFF = "action_after_handoff"
MISSES = MISSED_INTENTS
NEGATIVE = ("negative", "angry")
# Turns that are answers, not questions: repeating them is not frustration.
NOT_QUESTIONS = ("inform", "affirm", "deny", "greet", "thank", "goodbye", "more_products")


def _turns_in_context(tracker: DialogueStateTracker) -> List[Tuple[UserUttered, bool]]:
    """The shopper's turns since people last had the conversation (what they already handled
    does not count toward a new handoff; intents sent by the console are skipped), each with
    whether a form was asking for something when it came: an answer the classifier did not
    recognise ("ayse yilmaz" for an e-mail) is the form's to judge, not a misunderstood
    message."""
    turns: List[Tuple[UserUttered, bool]] = []
    in_form = False
    for event in tracker.applied_events():
        if isinstance(event, ActiveLoop):
            in_form = event.name is not None
        elif isinstance(event, ActionExecuted) and event.action_name in (HANDOFF,
                                                                         AFTER_HANDOFF):
            turns = []
        elif isinstance(event, UserUttered) and not (event.intent_name or "").startswith(
                EXTERNAL_PREFIX):
            turns.append((event, in_form))
    return turns


def sentiment_label(event: UserUttered) -> str:
    """The message's sentiment read in context: a shopper who lost their thread is
    confused, not angry; irony about a delay is negative whatever its words."""
    if is_confused(event.text or ""):
        return "neutral"
    text = event.text or ""
    label = (event.parse_data or {}).get("sentiment", {}).get("label", "neutral")
    # Irony is a complaint the dialogue answers (an apology and the order), not rage; and
    # a message that moves the task on (an order number, a contact) is not rage without a
    # mark of it ("aa pardon, 10045825'i soracaktım").
    if is_irony(text) or (label == "angry" and _gives_detail(event) and not _marked_angry(
            text)):
        return "negative"
    return label


def _gives_detail(event: UserUttered) -> bool:
    return any(e.get("entity") in ("order_id", "email", "phone") for e in event.entities or [])


def _marked_angry(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    shouting = len(letters) >= SHOUT_MIN_LETTERS and all(c.isupper() for c in letters)
    return (shouting or "!!" in text or is_profane(text) or is_threat(text)
            or mentions(text, lexicon().anger_words))


def _missed(turn: Tuple[UserUttered, bool]) -> bool:
    event, in_form = turn
    return event.intent_name in MISSES and not in_form and not is_confused(event.text or "")


def _question(event: UserUttered) -> tuple[str | None, tuple[str, ...]]:
    """A question's identity: its intent (for shop questions, the FAQ topic) and what it
    named. "Cancel 10045825" twice is the same question; cancelling two different orders,
    or asking about shipping, then payment, then returns, is not."""
    values = sorted(str(e.get("value")) for e in (event.entities or []))
    selector = ((event.parse_data or {}).get("response_selector") or {}).get(
        event.intent_name or "") or {}
    topic = (selector.get("response") or {}).get("intent_response_key")
    return topic or event.intent_name, tuple(values)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=False
)
class EscalationPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            "priority": 8,  # above the dialogue policy (7) and RulePolicy (6): escalation
            # overrides forms, rules and the dialogue's own decisions
            "negative_turns": 2,  # this many negative or angry turns...
            "window": 3,  # ...among the last this many user turns
            "fallbacks_in_a_row": 2,
            "same_question": 3,  # the same intent asked this many times in the window
            "question_window": 6,
        }

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain,
              **kwargs: Any) -> Resource:
        """Nothing to learn: the policy is the rules above."""
        return self._resource

    def reason(self, tracker: DialogueStateTracker) -> str | None:
        """Why the latest user message calls for people, if it does."""
        context = _turns_in_context(tracker)
        turns = [turn for turn, _ in context]
        if not turns or turns[-1] is not tracker.latest_message:
            return None  # the latest "message" came from the console, not the shopper
        latest = turns[-1]
        intent = latest.intent_name
        text = latest.text or ""
        if intent == "human_handoff" or mentions(text, shopping_words()["refuse_bot"]) or (
                intent in ("inform", *MISSES) and mentions(text,
                                                           shopping_words()["ask_for_human"])):
            return HandoffReason.ASKED_FOR_HUMAN.value
        if is_rating(latest) and csat_just_asked(tracker):
            return None  # "puan vermek istemiyorum" declines a question; it is not anger
        if sensitive_kind(text):
            return HandoffReason.SENSITIVE.value
        if sentiment_label(latest) == "angry":
            return HandoffReason.ANGRY.value
        recent = turns[-self.config["window"]:]
        if sum(1 for t in recent if sentiment_label(t) in NEGATIVE) >= self.config[
                "negative_turns"]:
            return HandoffReason.FRUSTRATION.value
        in_a_row = context[-self.config["fallbacks_in_a_row"]:]
        if len(in_a_row) == self.config["fallbacks_in_a_row"] and all(
                _missed(t) for t in in_a_row):
            return HandoffReason.REPEATED_FALLBACK.value
        asked = [_question(t) for t in turns[-self.config["question_window"]:]]
        if intent not in NOT_QUESTIONS and intent not in MISSES and asked.count(
                _question(latest)) >= self.config["same_question"]:
            return HandoffReason.REPEATED_QUESTION.value
        return None

    def _predict(self, domain: Domain, action: str, reason: str | None = None,
                 in_form: bool = False) -> PolicyPrediction:
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        events = [SlotSet("handoff_reason", reason)] if reason else []
        # Inside a form, weighed against RulePolicy's "continue the form" (which ignores
        # the user): see bot/policies/dialogue.py.
        return self._prediction(probabilities, events=events, is_no_user_prediction=in_form)

    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Dict[str, Any] | None = None,
                                     **kwargs: Any) -> PolicyPrediction:
        latest_action = tracker.latest_action_name
        in_form = tracker.active_loop_name is not None
        if tracker.get_slot("handoff_active"):
            # A person has the conversation: keep each message for them, then listen. A
            # sensitive matter raised while waiting ("... avukatıma gideceğim") is
            # acknowledged first, as it would have been before the handoff, and the ticket
            # waits with that reason's priority (`action_wait_for_agent` raises it).
            if latest_action == ACTION_LISTEN_NAME and self._raises_sensitive(tracker):
                return self._predict(domain, APOLOGY, HandoffReason.SENSITIVE.value,
                                     in_form=in_form)
            return self._predict(domain, WAIT if latest_action in (ACTION_LISTEN_NAME, APOLOGY)
                                 else ACTION_LISTEN_NAME, in_form=in_form)
        if latest_action == APOLOGY:
            return self._predict(domain, HANDOFF, in_form=in_form)
        if latest_action == HANDOFF:
            return self._predict(domain, ACTION_LISTEN_NAME, in_form=in_form)
        if latest_action == ACTION_LISTEN_NAME:
            reason = self.reason(tracker)
            if reason in (HandoffReason.ANGRY.value, HandoffReason.SENSITIVE.value):
                return self._predict(domain, APOLOGY, reason, in_form=in_form)
            if reason:
                return self._predict(domain, HANDOFF, reason, in_form=in_form)
        elif tracker.get_slot("verification_locked") and not tracker.get_slot(
                "handoff_reason") and self._just_ran_an_order_action(tracker):
            return self._predict(domain, HANDOFF, HandoffReason.VERIFICATION_FAILED.value,
                                 in_form=in_form)
        return self._prediction(self._default_predictions(domain))

    @staticmethod
    def _raises_sensitive(tracker: DialogueStateTracker) -> bool:
        """The shopper's latest message (not one the console sent) names a sensitive topic."""
        latest = tracker.latest_message
        if latest is None or (latest.intent_name or "").startswith(EXTERNAL_PREFIX):
            return False
        return sensitive_kind(latest.text) is not None

    @staticmethod
    def _just_ran_an_order_action(tracker: DialogueStateTracker) -> bool:
        """The lock was just reported by an order action (not an old lock, long ago)."""
        for event in reversed(tracker.applied_events()):
            if isinstance(event, ActionExecuted):
                return event.action_name in ("action_order_status", "action_cancel_order",
                                             "action_open_return", "action_return_status")
        return False
