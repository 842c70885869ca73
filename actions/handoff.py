"""Handing a conversation to people, and what the bot does while they have it."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Dict, List, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.common import (
    StoreUnavailable,
    answered_if_down,
    own_database,
    shop,
    shop_now,
    stored_time,
)
from actions.satisfaction import HUMAN_TASK, ask_csat
from bot.handoff import queue
from bot.handoff.reasons import HandoffReason, sensitive_kind
from bot.shop.types import ShopPolicies
from bot.text.contacts import parse_contact, parse_order_number
from bot.text.formatting import weekday_time
from bot.text.masking import mask_text
from bot.text.vocabulary import first_match

logger = logging.getLogger(__name__)
# Actions worth telling the agent about: what the bot already tried.
TRIED = ("action_order_status", "action_cancel_order", "action_open_return",
         "action_return_status", "action_suggest_products", "action_answer_faq",
         "action_fallback", "action_handle_complaint")


def summarise(tracker: Tracker) -> Dict[str, Any]:
    """What the agent reads first: intents, the order, what the bot tried, the last words."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    tried: List[str] = []
    for event in tracker.events:
        name = event.get("name") if event.get("event") == "action" else None
        if name in TRIED and name not in tried:
            tried.append(name)
    order = tracker.get_slot("last_order_id") or tracker.get_slot("order_id")
    return {
        "intents": [(e.get("parse_data") or {}).get("intent", {}).get("name") for e in users],
        "order_id": parse_order_number(order),
        "bot_tried": tried,
        "last_message": mask_text(users[-1].get("text") or "")[:500] if users else "",
    }


def sentiment_trail(tracker: Tracker) -> List[str]:
    return [((e.get("parse_data") or {}).get("sentiment") or {}).get("label", "neutral")
            for e in tracker.events if e.get("event") == "user"]


def next_opening(policies: ShopPolicies, local_now: datetime) -> datetime | None:
    """When the agent desk next opens, within a week."""
    for days in range(8):
        day = local_now + timedelta(days=days)
        hours = policies.opening_hours(day.isoweekday())
        if hours is None:
            continue
        opening = day.replace(hour=hours[0].hour, minute=hours[0].minute, second=0,
                              microsecond=0)
        if opening > local_now:
            return opening
    return None


def apology_kind(tracker: Tracker) -> str:
    """What the apology names: the sensitive topic (safety, legal, personal data, a double
    charge), else the problem described."""
    text = tracker.latest_message.get("text") or ""
    return sensitive_kind(text) or first_match(text, "complaint_types") or "generic"


class ActionCalmApology(Action):
    """A calm, specific apology before an angry shopper is handed to a person."""

    def name(self) -> str:
        return "action_calm_apology"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        dispatcher.utter_message(response=f"utter_apology_{apology_kind(tracker)}")
        return []


def _enqueue(session: Session, ticket_fields: Dict[str, Any], now: datetime,
             callback: str | None = None) -> Tuple[queue.TicketView, int, timedelta | None]:
    """The conversation's ticket (opened if new) with any call-back contact the request
    carried ("temsilci istiyorum, numaram 0532..."), its place and the expected wait."""
    ticket, _ = queue.open_ticket(session, now=now, **ticket_fields)
    if callback is not None:
        queue.leave_callback(session, ticket_fields["conversation_id"], callback)
    place = queue.position(session, ticket)
    return ticket, place, queue.expected_wait(session, place, now)


def _waiting(session: Session, conversation_id: str, callback: str | None,
             reason: str | None) -> queue.TicketView | None:
    """The open ticket with any call-back contact kept on it, raised to the handoff's
    reason when that became more urgent while waiting (a sensitive matter), and its current
    place."""
    if reason is not None:
        queue.raise_priority(session, conversation_id, reason)
    ticket = queue.open_ticket_of(session, conversation_id)
    if ticket is not None and callback is not None:
        queue.leave_callback(session, conversation_id, callback)
    return ticket


class ActionHandoff(Action):
    """Opens (or finds) the conversation's ticket and tells the shopper what happens next."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reason = tracker.get_slot("handoff_reason") or HandoffReason.ASKED_FOR_HUMAN.value
        now = shop_now()
        customer = tracker.get_slot("verified_customer_id")
        summary = summarise(tracker)
        callback = _contact_in(tracker)
        ticket_fields = {
            "conversation_id": tracker.sender_id,
            "channel": tracker.get_latest_input_channel() or "rest", "reason": reason,
            "summary": json.dumps(summary, ensure_ascii=False),
            "sentiment_trail": sentiment_trail(tracker),
            "customer_id": str(customer) if customer is not None else None,
            "order_id": summary["order_id"],
        }
        try:
            with answered_if_down(dispatcher):
                policies = await shop().policies()
                ticket, place, wait = await own_database().run(
                    _enqueue, ticket_fields, stored_time(now), callback)
        except StoreUnavailable:
            return []
        logger.info("handoff (%s): ticket %s, place %s", reason, ticket.id, place)
        variables = policies.reply_variables()
        if policies.is_support_open(now):
            dispatcher.utter_message(response="utter_handoff_queued", position=place)
            if wait is not None:
                minutes = max(1, round(wait.total_seconds() / 60))
                dispatcher.utter_message(response="utter_handoff_wait", minutes=minutes)
            dispatcher.utter_message(response="utter_handoff_context")
            if callback is not None:
                dispatcher.utter_message(response="utter_callback_saved")
        else:
            opening = next_opening(policies, now)
            dispatcher.utter_message(response="utter_handoff_offline",
                                     next_open=weekday_time(opening) if opening else "",
                                     **variables)
        # Any form in progress ends: the agent takes it from here.
        return [ActiveLoop(None), SlotSet("requested_slot", None),
                SlotSet("handoff_active", True), SlotSet("handoff_reason", reason)]


def _contact_in(tracker: Tracker) -> str | None:
    contact = parse_contact(tracker.latest_message.get("text") or "")
    return contact.value if contact is not None else None


class ActionWaitForAgent(Action):
    """While people have the conversation: keep messages, tell the place, take call-backs."""

    def name(self) -> str:
        return "action_wait_for_agent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        callback = _contact_in(tracker)
        try:
            with answered_if_down(dispatcher):
                ticket = await own_database().run(_waiting, tracker.sender_id, callback,
                                                  tracker.get_slot("handoff_reason"))
                place = (await own_database().run(queue.position, ticket)
                         if ticket is not None else 0)
                policies = await shop().policies() if place and callback is None else None
        except StoreUnavailable:
            return []
        if ticket is None:
            return [SlotSet("handoff_active", False), SlotSet("handoff_reason", None)]
        now = shop_now()
        if callback is not None:
            dispatcher.utter_message(response="utter_callback_saved")
        elif policies is not None and not policies.is_support_open(now):
            # At night "en kısa sürede" would be a promise: say when the desk opens.
            opening = next_opening(policies, now)
            dispatcher.utter_message(response="utter_handoff_waiting_offline",
                                     next_open=weekday_time(opening) if opening else "")
        elif place:
            dispatcher.utter_message(response="utter_handoff_waiting", position=place)
        # With an agent in the conversation the bot stays silent: the agent answers.
        return []


class ActionAfterHandoff(Action):
    """The agent gave the conversation back: ask how the human help was."""

    def name(self) -> str:
        return "action_after_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        return [SlotSet("handoff_active", False), SlotSet("handoff_reason", None),
                *ask_csat(dispatcher, HUMAN_TASK, "utter_ask_csat_human")]
