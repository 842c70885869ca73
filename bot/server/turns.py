"""What a shopper hears when a part of the shop is down: never silence, never a 500.

Three changes to Rasa 3.6, made in the Rasa server process:

- **A deadline for actions.** Rasa waits up to five minutes for the action side and, if it
  fails, drops the action's events and says nothing. Here a call that has not answered
  within ``ACTION_TIMEOUT`` seconds (2 by default), or that cannot reach any action server,
  ends as the apology ``utter_service_unavailable`` with any open form closed and nothing
  more this turn (one apology, not one per action the rules would run next). The shopper
  hears it within three seconds. An action either answered or never ran its transaction
  to the end; one cut off by the deadline is never sent again (a cancellation must not run
  twice).
- **No silent in-memory conversations.** Rasa wraps the tracker store so that, when the
  database cannot be read, the turn goes on with an empty conversation (the shopper is
  greeted mid-task) and, when it cannot be written, the conversation moves into the
  process's memory. Here the store's errors reach the turn instead.
- **A turn that cannot be taken** (its conversation cannot be read, locked or saved) gets
  the same apology on the shopper's channel and raises :class:`MessageNotHandled`, so the
  channel tells its client to send the message again (REST: 503; WhatsApp: not recorded
  as handled, so Meta's retry is processed). Nothing of the turn is kept half-done: Rasa
  saves a turn's events at its end, in one go.
"""

from __future__ import annotations

import asyncio
import logging
from functools import cache
from typing import Any, Dict, List

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.agent import Agent
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActiveLoop, Event, FollowupAction, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException

from bot.settings import get_settings

logger = logging.getLogger(__name__)
UNAVAILABLE = "utter_service_unavailable"
_rasa_run_action = RemoteAction.run
_rasa_handle_message = Agent.handle_message


class MessageNotHandled(Exception):
    """The shopper's message was answered with an apology and not taken into the
    conversation: its sender should deliver it again."""


@cache
def _deadline() -> float:
    return get_settings().action_timeout


def _unavailable_events() -> List[Event]:
    """Any open form closed, and nothing more this turn."""
    return [ActiveLoop(None), SlotSet("requested_slot", None),
            FollowupAction("action_listen")]


async def _run_action(self: RemoteAction, output_channel: OutputChannel, nlg: Any,
                      tracker: DialogueStateTracker, domain: Domain) -> List[Event]:
    """``RemoteAction.run`` within the deadline, or the apology."""
    try:
        return await asyncio.wait_for(
            _rasa_run_action(self, output_channel, nlg, tracker, domain), _deadline())
    except ActionExecutionRejection:
        raise  # the action declined (a form's validation): Rasa's own flow goes on
    except asyncio.TimeoutError:
        logger.error("action %s: no answer within %.1f s", self.name(), _deadline())
    except RasaException as error:  # unreachable, or the action side failed
        logger.error("action %s failed: %s", self.name(), error.__cause__ or error)
    apology = await self._utter_responses([{"response": UNAVAILABLE}], output_channel, nlg,
                                          tracker)
    return [*apology, *_unavailable_events()]


async def apologise(agent: Agent, message: UserMessage) -> None:
    """The apology on the message's own channel, without its conversation."""
    tracker = DialogueStateTracker(message.sender_id, agent.domain.slots if agent.domain
                                   else [])
    draft: Dict[str, Any] | None = await agent.nlg.generate(
        UNAVAILABLE, tracker, message.output_channel.name())
    if draft:
        await message.output_channel.send_response(message.sender_id, draft)


async def _handle_message(self: Agent, message: UserMessage) -> Any:
    """``Agent.handle_message``; a turn that fails is apologised for and handed back."""
    try:
        return await _rasa_handle_message(self, message)
    except Exception as error:
        # The sender id can be a phone number: it stays out of the log.
        logger.error("a %s message was not handled: %r", message.input_channel, error)
        try:
            await apologise(self, message)
        except Exception as failure:  # the channel itself may be what failed
            logger.error("apology not delivered: %r", failure)
        raise MessageNotHandled() from error


def _tracker_store_as_configured(store: TrackerStore | None, domain: Domain) -> TrackerStore:
    """Rasa's ``Agent._create_tracker_store`` without the in-memory fallback around it."""
    if store is None:  # no tracker store configured at all: Rasa's default
        return InMemoryTrackerStore(domain)
    store.domain = domain
    return store


def keep_turns_answered() -> None:
    """Apply the three changes of the module doc."""
    RemoteAction.run = _run_action
    Agent.handle_message = _handle_message
    Agent._create_tracker_store = staticmethod(_tracker_store_as_configured)
