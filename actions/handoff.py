"""Handing a conversation to people, and what the bot does while they have it."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, shop_now, store_session, stored_time
from actions.satisfaction import ask_csat
from bot.formatting import weekday_time
from bot.handoff import queue
from bot.identity import parse_contact, parse_order_number
from bot.privacy import mask_text
from bot.store.policies import ShopPolicies, get_policies
from bot.store.vocabulary import first_match

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


class ActionCalmApology(Action):
    """A calm, specific apology before an angry shopper is handed to a person."""

    def name(self) -> str:
        return "action_calm_apology"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        kind = first_match(tracker.latest_message.get("text"), "complaint_types") or "generic"
        dispatcher.utter_message(response=f"utter_apology_{kind}")
        return []


class ActionHandoff(Action):
    """Opens (or finds) the conversation's ticket and tells the shopper what happens next."""

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        reason = tracker.get_slot("handoff_reason") or "asked_for_human"
        now = shop_now()
        customer = tracker.get_slot("verified_customer_id")
        summary = summarise(tracker)
        try:
            with store_session(dispatcher) as session:
                policies = get_policies(session)
                ticket, created = queue.open_ticket(
                    session, conversation_id=tracker.sender_id,
                    channel=tracker.get_latest_input_channel() or "rest", reason=reason,
                    priority=queue.REASON_PRIORITY.get(reason, 1),
                    summary=json.dumps(summary, ensure_ascii=False),
                    sentiment_trail=sentiment_trail(tracker), now=stored_time(now),
                    customer_id=int(customer) if customer is not None else None,
                    order_id=summary["order_id"])
                place = queue.position(session, ticket)
                wait = queue.expected_wait(session, place, stored_time(now))
        except StoreUnavailable:
            return []
        logger.info("handoff (%s) of %s: ticket %s, place %s", reason, tracker.sender_id,
                    ticket.id, place)
        variables = policies.reply_variables()
        if policies.is_support_open(now):
            dispatcher.utter_message(response="utter_handoff_queued", position=place)
            if wait is not None:
                minutes = max(1, round(wait.total_seconds() / 60))
                dispatcher.utter_message(response="utter_handoff_wait", minutes=minutes)
            dispatcher.utter_message(response="utter_handoff_context")
        else:
            opening = next_opening(policies, now)
            dispatcher.utter_message(response="utter_handoff_offline",
                                     next_open=weekday_time(opening) if opening else "",
                                     **variables)
        # Any form in progress ends: the agent takes it from here.
        return [ActiveLoop(None), SlotSet("requested_slot", None),
                SlotSet("handoff_active", True), SlotSet("handoff_reason", reason)]


class ActionWaitForAgent(Action):
    """While people have the conversation: keep messages, tell the place, take call-backs."""

    def name(self) -> str:
        return "action_wait_for_agent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        text = tracker.latest_message.get("text") or ""
        contact = parse_contact(text)
        try:
            with store_session(dispatcher) as session:
                ticket = queue.open_ticket_of(session, tracker.sender_id)
                if ticket is None:
                    return [SlotSet("handoff_active", False), SlotSet("handoff_reason", None)]
                if contact is not None:
                    queue.leave_callback(session, tracker.sender_id, contact.value)
                place = queue.position(session, ticket)
        except StoreUnavailable:
            return []
        if contact is not None:
            dispatcher.utter_message(response="utter_callback_saved")
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
                *ask_csat(dispatcher, "human", "utter_ask_csat_human")]
