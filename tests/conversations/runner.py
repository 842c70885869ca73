"""Plays the YAML conversation scenarios (docs/dialogue.md) against the running product.

Each conversation gets a new sender and a store restored to the freshly seeded demo shop
(SQLite's backup API copies a template seeded once, in milliseconds, into the live store
while the servers keep their connections). Replies are matched after Turkish folding;
facts are written as placeholders that are resolved from the store through ``ShopBackend``,
so a scenario checks the bot against the data, not against a copy of it.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, Iterable, List, Tuple

import requests
import yaml

from bot.channels.identity import rest_conversation
from bot.database.engine import Database
from bot.handoff import queue
from bot.settings import Settings, get_settings
from bot.store.backend import SqlShopBackend
from bot.text.contacts import Contact
from bot.text.formatting import day, money
from bot.text.turkish import fold

HERE = Path(__file__).parent
PARTS = ("dev", "heldout")
DEMO = Path(__file__).parents[2] / "bot" / "store" / "data" / "demo.yml"
# The words the bot uses for each order status (domain.yml's utter_order_* responses).
STATUS_LABELS = yaml.safe_load((HERE / "status_labels.yml").read_text("utf-8"))
PLACEHOLDER = re.compile(r"\{(order|return|policy):([^}]+)\}")
TRACKER_WAIT_SECONDS = 5
EXPECTATION_KEYS = {"contains", "any", "not_contains", "action", "not_action", "buttons",
                    "slots", "handoff"}


@dataclass
class Conversation:
    name: str
    cause: int
    turns: List[Dict[str, Any]]
    part: str
    source: str


@dataclass
class Result:
    conversation: Conversation
    failures: List[str] = field(default_factory=list)
    transcript: List[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.failures


def load(paths: Iterable[Path], part: str) -> List[Conversation]:
    conversations = []
    for path in sorted(paths):
        for item in (yaml.safe_load(path.read_text("utf-8")) or {}).get("conversations", []):
            conversations.append(Conversation(item["name"], int(item.get("cause", 0)),
                                              item["turns"], part, path.name))
    return conversations


def load_part(part: str) -> List[Conversation]:
    folder = HERE / part
    return load(folder.glob("*.yml"), part) if folder.is_dir() else []


def problems(conversations: List[Conversation]) -> List[str]:
    """Mistakes in the scenario files themselves: duplicate names, unknown keys."""
    found, seen = [], set()
    for conversation in conversations:
        if conversation.name in seen:
            found.append(f"duplicate name {conversation.name}")
        seen.add(conversation.name)
        for turn in conversation.turns:
            if ("user" in turn) == ("payload" in turn):
                found.append(f"{conversation.name}: a turn needs user or payload")
            unknown = set(turn.get("expect") or {}) - EXPECTATION_KEYS
            if unknown:
                found.append(f"{conversation.name}: unknown expectations {sorted(unknown)}")
    return found


def folded(text: str) -> str:
    return fold(str(text))


class Facts:
    """Placeholder values read from the freshly seeded store through ``ShopBackend``."""

    def __init__(self, store_url: str, settings: Settings | None = None) -> None:
        self.database = Database(store_url)
        self.shop = SqlShopBackend(self.database)
        self.tz = (settings or get_settings()).timezone
        demo = yaml.safe_load(DEMO.read_text("utf-8"))
        emails = [customer["email"] for customer in demo["customers"]]
        self.contact = {str(order["number"]): Contact("email", emails[order["customer"]])
                        for order in demo["orders"]}
        self.cache: Dict[str, str] = {}

    def close(self) -> None:
        self.database.dispose()

    async def _value(self, kind: str, key: str) -> str:
        if kind == "policy":
            return (await self.shop.policies()).reply_variables()[key]
        order_id, _, name = key.partition(":")
        details = await self.shop.order_for_contact(order_id, self.contact[order_id])
        assert details is not None, f"no demo order {order_id}"
        if kind == "return":
            returns = await self.shop.returns(details.customer_id, order_id)
            assert returns, f"no return for {order_id}"
            return str(getattr(returns[0], name))
        if name == "status_label":
            return STATUS_LABELS["late" if details.is_late(self._today()) else details.status]
        if name == "estimated_delivery":
            assert details.estimated_delivery is not None, f"{order_id} has no estimate"
            return day(details.estimated_delivery)
        if name == "total":
            return money(details.total)
        return str(getattr(details, name))

    def _today(self) -> Any:
        return datetime.now(timezone.utc).astimezone(self.tz).date()

    def resolve(self, text: str) -> str:
        """``text`` with every placeholder replaced by the store's value. Return codes are
        read each time (they exist only after the conversation opened the return)."""
        def one(match: re.Match) -> str:
            kind, key = match.group(1), match.group(2)
            if kind != "return" and match.group(0) in self.cache:
                return self.cache[match.group(0)]
            value = asyncio.run(self._value(kind, key))
            if kind != "return":
                self.cache[match.group(0)] = value
            return value
        return PLACEHOLDER.sub(one, str(text))


class Player:
    """Plays conversations over REST on one running product."""

    def __init__(self, settings: Settings, template_store: Path) -> None:
        self.settings = settings
        self.url = f"{settings.rasa_url}/webhooks/rest/webhook"
        self.live_store = Path(settings.database_url.removeprefix("sqlite:///"))
        self.template_store = template_store
        self.facts = Facts(settings.database_url, settings)
        self.own = Database(settings.database_url)

    def close(self) -> None:
        self.facts.close()
        self.own.dispose()

    def reset_store(self) -> None:
        """The live store becomes the freshly seeded template again (tickets included)."""
        source = sqlite3.connect(self.template_store)
        target = sqlite3.connect(self.live_store, timeout=30)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()

    def _tracker(self, sender: str, turns: int) -> Dict[str, Any]:
        """The conversation once the server has stored the ``turns``-th message's turn (the
        reply may come back before the turn is saved)."""
        deadline = time.monotonic() + TRACKER_WAIT_SECONDS
        while True:
            response = requests.get(
                f"{self.settings.rasa_url}/conversations/{sender}/tracker",
                params={"token": self.settings.rasa_token}, timeout=30)
            response.raise_for_status()
            tracker = response.json()
            events = tracker["events"]
            users = sum(1 for e in events if e.get("event") == "user")
            settled = events and events[-1].get("name") == "action_listen"
            if (users >= turns and settled) or time.monotonic() > deadline:
                return tracker
            time.sleep(0.05)

    def _has_ticket(self, sender: str) -> bool:
        with self.own.unit_of_work() as session:
            return queue.open_ticket_of(session, sender) is not None

    def play(self, conversation: Conversation) -> Result:
        self.reset_store()
        result = Result(conversation)
        sender = f"conv-{uuid.uuid4().hex[:10]}"
        conversation_id = rest_conversation(sender)  # the server's name for the REST sender
        offered: List[Dict[str, Any]] = []
        seen_events = 0
        for number, turn in enumerate(conversation.turns, 1):
            message = turn.get("user", turn.get("payload"))
            where = f"turn {number} ({message!r})"
            if "payload" in turn and not any(b.get("payload") == message for b in offered):
                result.failures.append(f"{where}: button {message!r} was not offered")
            response = requests.post(self.url, json={"sender": sender, "message": message},
                                     timeout=60)
            if response.status_code != 200:
                result.failures.append(f"{where}: HTTP {response.status_code}")
                break
            replies = response.json()
            offered = [b for reply in replies for b in reply.get("buttons") or []]
            reply = reply_text(replies)
            result.transcript += [f"> {message}", *[f"< {line}" for line in reply.splitlines()]]
            tracker = self._tracker(conversation_id, number)
            events = tracker["events"][seen_events:]
            seen_events = len(tracker["events"])
            actions = [e.get("name") for e in events if e.get("event") == "action"]
            intents = [(e.get("parse_data") or {}).get("intent", {}).get("name")
                       for e in events if e.get("event") == "user"]
            ran = ", ".join(a for a in actions if a != "action_listen")
            result.transcript.append(f"  ({', '.join(map(str, intents))}) [{ran}]")
            try:
                failures = self.check(turn.get("expect") or {}, reply, offered, actions,
                                      tracker, conversation_id)
            except AssertionError as missing:  # a fact the store does not hold (yet)
                failures = [f"no such fact in the store: {missing}"]
            result.failures += [f"{where}: {failure}" for failure in failures]
        return result

    def check(self, expect: Dict[str, Any], reply: str, offered: List[Dict[str, Any]],
              actions: List[str], tracker: Dict[str, Any], sender: str) -> List[str]:
        failures = []
        text = folded(reply)
        for item in expect.get("contains", []):
            if folded(self.facts.resolve(item)) not in text:
                failures.append(f"missing {self.facts.resolve(item)!r}")
        options = [self.facts.resolve(item) for item in expect.get("any", [])]
        if options and not any(folded(option) in text for option in options):
            failures.append(f"none of {options}")
        for item in expect.get("not_contains", []):
            if folded(self.facts.resolve(item)) in text:
                failures.append(f"must not say {self.facts.resolve(item)!r}")
        for name in _listed(expect.get("action")):
            if name not in actions:
                failures.append(f"{name} did not run")
        for name in _listed(expect.get("not_action")):
            if name in actions:
                failures.append(f"{name} ran")
        titles = [folded(b.get("title", "")) for b in offered]
        for title in expect.get("buttons", []):
            if not any(folded(title) in t for t in titles):
                failures.append(f"no button {title!r}")
        for slot, value in (expect.get("slots") or {}).items():
            actual = tracker["slots"].get(slot)
            if _slot_text(actual) != _slot_text(value):
                failures.append(f"slot {slot} is {actual!r}, not {value!r}")
        if "handoff" in expect and self._has_ticket(sender) != bool(expect["handoff"]):
            failures.append("a ticket was expected" if expect["handoff"] else "a ticket opened")
        return failures


def _listed(value: Any) -> List[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _slot_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return "" if value is None else str(value)


def reply_text(replies: List[Dict[str, Any]]) -> str:
    """Every bot message of the turn: texts, button titles and card titles."""
    lines = []
    for reply in replies:
        if reply.get("text"):
            lines.append(reply["text"])
        lines += [button.get("title", "") for button in reply.get("buttons") or []]
        card = (reply.get("custom") or {}).get("product") or {}
        if card:
            lines.append(str(card.get("name", "")))
            lines += [button.get("title", "") for button in card.get("buttons") or []]
    return "\n".join(lines)


def pass_rates(results: List[Result]) -> Dict[str, Tuple[int, int]]:
    """(passed, played) per part."""
    rates: Dict[str, Tuple[int, int]] = {}
    for part in PARTS:
        played = [r for r in results if r.conversation.part == part]
        if played:
            rates[part] = (sum(r.passed for r in played), len(played))
    return rates
