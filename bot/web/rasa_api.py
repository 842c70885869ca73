"""The console's side of Rasa's HTTP API: read a conversation, speak into it, hand it back.

Agent replies are `bot` events appended with ``execute_side_effects=true`` and the output
channel the conversation id itself names (:func:`bot.channels.identity.channel_of`, not the
tracker's "latest"): Rasa sends them out on the shopper's own channel only and keeps them
in the tracker, so the transcript and the shopper see the same conversation.
"""

from __future__ import annotations

import time
from typing import Any, Dict, List
from urllib.parse import quote

import aiohttp

from bot.channels.identity import channel_of

TIMEOUT = aiohttp.ClientTimeout(total=15)


class RasaUnavailable(Exception):
    """The Rasa server did not answer or refused the request."""


class RasaApi:
    def __init__(self, base_url: str, token: str) -> None:
        self._base = base_url.rstrip("/")
        self._token = token

    async def _request(self, method: str, path: str, params: Dict[str, str] | None = None,
                       body: Any = None) -> Any:
        query = {"token": self._token, **(params or {})}
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as client, client.request(
                    method, f"{self._base}{path}", params=query, json=body) as response:
                if response.status >= 400:
                    raise RasaUnavailable(f"{method} {path}: HTTP {response.status}")
                return await response.json()
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RasaUnavailable(str(error)) from error

    @staticmethod
    def _conversation(conversation_id: str) -> str:
        return f"/conversations/{quote(conversation_id, safe='')}"

    async def transcript(self, conversation_id: str) -> List[Dict[str, Any]]:
        """User, bot and agent messages in order, with their time and sentiment."""
        tracker = await self._request("GET", f"{self._conversation(conversation_id)}/tracker",
                                      {"include_events": "ALL"})
        return transcript_messages(tracker.get("events", []))

    async def latest_event_time(self, conversation_id: str) -> float | None:
        """When the conversation last changed: a cheap look, without its events."""
        tracker = await self._request("GET", f"{self._conversation(conversation_id)}/tracker",
                                      {"include_events": "NONE"})
        return tracker.get("latest_event_time")

    async def say(self, conversation_id: str, text: str, agent_name: str,
                  as_template: bool = False) -> None:
        """An agent's message, delivered on the shopper's channel and kept in the tracker.

        ``as_template``: WhatsApp's service window is closed, so the channel sends the
        shop's approved template instead of the text (which the transcript keeps)."""
        metadata: Dict[str, Any] = {"agent_name": agent_name}
        if as_template:
            metadata["whatsapp_template"] = True
        event = {"event": "bot", "text": text, "timestamp": time.time(), "metadata": metadata}
        await self._request("POST", f"{self._conversation(conversation_id)}/tracker/events",
                            {"output_channel": channel_of(conversation_id),
                             "execute_side_effects": "true"}, event)

    async def hand_back(self, conversation_id: str, ask_rating: bool) -> None:
        """The bot owns the conversation again; after a resolution it asks for a rating."""
        events = [{"event": "slot", "name": "handoff_active", "value": False},
                  {"event": "slot", "name": "handoff_reason", "value": None}]
        await self._request("POST", f"{self._conversation(conversation_id)}/tracker/events",
                            None, events)
        if ask_rating:
            await self._request(
                "POST", f"{self._conversation(conversation_id)}/trigger_intent",
                {"output_channel": channel_of(conversation_id)},
                {"name": "EXTERNAL_handoff_resolved"})


def transcript_messages(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """What people said and read, from a tracker's events.

    A pressed button reaches Rasa as its payload (``/inform{"rating":"5"}``); the agent reads
    the title the shopper saw, taken from the bot messages of the turn that offered it.
    """
    messages: List[Dict[str, Any]] = []
    offered: Dict[str, str] = {}
    for event in events:
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            offered.update((b["payload"], b["title"]) for b in buttons
                           if b.get("payload") and b.get("title"))
        if event.get("event") not in ("user", "bot") or not event.get("text"):
            continue
        metadata = event.get("metadata") or {}
        if metadata.get("is_external"):  # an intent the console triggered, not typed
            continue
        parse = event.get("parse_data") or {}
        data = event.get("data") or {}
        text = event["text"]
        if event["event"] == "user":  # buttons answer only the turn that offered them
            text, offered = offered.get(text, text), {}
        messages.append({
            "from": "agent" if metadata.get("agent_name") else event["event"],
            "agent_name": metadata.get("agent_name"),
            "text": text,
            # An agent's reply that went out as the WhatsApp template instead.
            "template": bool(metadata.get("whatsapp_template")),
            "at": event.get("timestamp"),
            "sentiment": (parse.get("sentiment") or {}).get("label"),
            # What the widget draws again after a reload: the offered buttons, a card.
            "buttons": data.get("buttons") or [],
            "custom": data.get("custom"),
        })
    return messages
