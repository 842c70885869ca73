"""Handoff actions on a real store: tickets, places, waits, office hours, call-backs."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select

from actions.handoff import ActionAfterHandoff, ActionCalmApology, ActionHandoff, ActionWaitForAgent
from bot.handoff import reasons
from bot.handoff.models import Ticket
from bot.settings import get_settings
from bot.store.policies import write_policies
from tests.actions.conftest import make_tracker, run_action

ALWAYS = {"support_open": {day: "00:00-24:00" for day in range(1, 8)}}
NEVER = {"support_open": {}}


def _hours(store, hours) -> None:
    with store.unit_of_work() as session:
        write_policies(session, hours)


def _history(*turns):
    events = []
    for text, intent, label in turns:
        events.append({"event": "user", "text": text, "parse_data": {
            "intent": {"name": intent}, "sentiment": {"label": label, "score": 0}}})
        events.append({"event": "action", "name": "action_order_status"})
    return events


def test_handoff_opens_one_ticket_with_the_context(private_store) -> None:
    _hours(private_store, ALWAYS)
    tracker = make_tracker(text="REZALET!!!", intent="complaint",
                           slots={"handoff_reason": "angry", "verified_customer_id": 1,
                                  "last_order_id": "10045823"},
                           history=_history(("siparişim nerede", "order_status", "neutral")))
    first = run_action(ActionHandoff(), tracker)
    assert first.responses == ["utter_handoff_queued", "utter_handoff_context"]
    assert first.messages[0]["position"] == 1
    assert {"handoff_active": True, "handoff_reason": "angry"}.items() <= first.slots().items()
    again = run_action(ActionHandoff(), tracker)
    assert again.messages[0]["position"] == 1
    with private_store.unit_of_work() as session:
        [ticket] = session.execute(select(Ticket)).scalars().all()
        summary = json.loads(ticket.summary)
    assert ticket.priority == reasons.priority("angry")
    assert ticket.order_id == "10045823" and ticket.customer_id == "1"
    assert summary["bot_tried"] == ["action_order_status"]
    assert summary["intents"][0] == "order_status"


def test_out_of_hours_keeps_the_message_and_offers_a_call_back(private_store) -> None:
    _hours(private_store, NEVER)
    run = run_action(ActionHandoff(), make_tracker(text="temsilci", intent="human_handoff"))
    assert run.responses == ["utter_handoff_offline"]
    assert run.messages[0]["support_hours"]
    callback = run_action(ActionWaitForAgent(), make_tracker(
        text="beni 0532 111 22 33 numarasından arayın", slots={"handoff_active": True}))
    assert callback.responses == ["utter_callback_saved"]
    with private_store.unit_of_work() as session:
        assert session.execute(select(Ticket.callback_contact)).scalar_one() == "5321112233"


def test_at_night_the_waiting_shopper_hears_when_the_desk_opens(private_store) -> None:
    """Out of hours "en kısa sürede" would be a promise nobody keeps: the opening time."""
    opens = (datetime.now(get_settings().timezone) + timedelta(hours=2)).replace(minute=0)
    window = f"{opens:%H}:00-{opens:%H}:30"
    _hours(private_store, {"support_open": {day: window for day in range(1, 8)}})
    run_action(ActionHandoff(), make_tracker(text="temsilci", intent="human_handoff"))
    waiting = run_action(ActionWaitForAgent(), make_tracker(text="ne zaman bağlanacağım",
                                                            slots={"handoff_active": True}))
    assert waiting.responses == ["utter_handoff_waiting_offline"]
    assert waiting.messages[0]["next_open"].endswith(f"{opens:%H}:00")


def test_a_phone_in_the_request_is_kept_for_a_call_back(private_store) -> None:
    _hours(private_store, ALWAYS)
    run = run_action(ActionHandoff(), make_tracker(
        text="temsilciyle görüşmek istiyorum, numaram 0532 987 65 43", intent="human_handoff"))
    assert run.responses == ["utter_handoff_queued", "utter_handoff_context",
                             "utter_callback_saved"]
    with private_store.unit_of_work() as session:
        assert session.execute(select(Ticket.callback_contact)).scalar_one() == "5329876543"


def test_sensitive_topics_get_their_own_acknowledgement() -> None:
    legal = run_action(ActionCalmApology(), make_tracker(text="avukatıma gideceğim"))
    assert legal.responses == ["utter_apology_legal"]
    safety = run_action(ActionCalmApology(), make_tracker(text="şarj aleti patladı"))
    assert safety.responses == ["utter_apology_safety"]
    privacy = run_action(ActionCalmApology(), make_tracker(text="kişisel verilerim sızdırılmış"))
    assert privacy.responses == ["utter_apology_privacy"]
    charge = run_action(ActionCalmApology(), make_tracker(text="fazla para çekilmiş"))
    assert charge.responses == ["utter_apology_double_charge"]


def test_waiting_shopper_hears_the_place_and_nothing_once_an_agent_has_it(private_store) -> None:
    _hours(private_store, ALWAYS)
    run_action(ActionHandoff(), make_tracker(text="temsilci", intent="human_handoff"))
    waiting = run_action(ActionWaitForAgent(), make_tracker(text="hala bekliyorum",
                                                            slots={"handoff_active": True}))
    assert waiting.responses == ["utter_handoff_waiting"]
    with private_store.unit_of_work() as session:
        session.execute(select(Ticket)).scalar_one().status = "assigned"
    quiet = run_action(ActionWaitForAgent(), make_tracker(text="merhaba?",
                                                          slots={"handoff_active": True}))
    assert quiet.responses == []


def test_a_sensitive_matter_while_waiting_raises_the_ticket(private_store) -> None:
    _hours(private_store, ALWAYS)
    run_action(ActionHandoff(), make_tracker(text="temsilci", intent="human_handoff"))
    run_action(ActionWaitForAgent(), make_tracker(
        text="avukatıma gideceğim", slots={"handoff_active": True, "handoff_reason": "sensitive"}))
    with private_store.unit_of_work() as session:
        ticket = session.execute(select(Ticket)).scalar_one()
        assert (ticket.reason, ticket.priority) == ("sensitive", reasons.priority("sensitive"))


def test_no_open_ticket_gives_the_conversation_back(private_store) -> None:
    run = run_action(ActionWaitForAgent(), make_tracker(text="?", slots={"handoff_active": True}))
    assert run.slots() == {"handoff_active": False, "handoff_reason": None}


def test_apology_names_the_problem() -> None:
    damaged = run_action(ActionCalmApology(), make_tracker(text="KIRIK GELDİ REZALET!!!"))
    assert damaged.responses == ["utter_apology_damaged"]
    generic = run_action(ActionCalmApology(), make_tracker(text="sizden nefret ediyorum"))
    assert generic.responses == ["utter_apology_generic"]


def test_after_the_agent_the_bot_asks_for_a_rating() -> None:
    run = run_action(ActionAfterHandoff(), make_tracker(slots={"handoff_active": True,
                                                               "csat_asked": True}))
    assert run.responses == ["utter_ask_csat_human"]
    assert run.slots()["csat_task"] == "human" and run.slots()["handoff_active"] is False


def test_a_desk_open_until_24_00_is_open_in_the_last_minute_of_the_night(private_store) -> None:
    import asyncio

    from actions.common import get_shop

    tz = get_settings().timezone
    _hours(private_store, ALWAYS)
    around_the_clock = asyncio.run(get_shop().policies())
    _hours(private_store, {"support_open": {day: "00:00-23:59" for day in range(1, 8)}})
    a_minute_short = asyncio.run(get_shop().policies())
    last_minute = datetime(2026, 12, 3, 23, 59, 30, tzinfo=tz)
    assert around_the_clock.is_support_open(last_minute)
    assert not a_minute_short.is_support_open(last_minute)
    assert around_the_clock.is_support_open(last_minute.replace(hour=0, minute=0, second=0))
