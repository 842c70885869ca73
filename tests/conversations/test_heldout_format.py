"""The held-out conversation scenarios follow the format the conversation runner plays, so
a mistake in a scenario file fails here, in a second, not as a puzzling failed chat.

Every order number a scenario names is either a demo order (so its facts exist) or clearly
unknown (so no generated order can answer for it by chance).
"""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any, Dict, Iterator, List, Set, Tuple

import pytest
import yaml

from bot.shop.types import ShopPolicies
from bot.store.seed import FIRST_GENERATED_ORDER, ORDER_COUNT

HERE = Path(__file__).parent
HELDOUT = HERE / "heldout"
DEMO = Path(__file__).parents[2] / "bot" / "store" / "data" / "demo.yml"

CONVERSATION_KEYS = {"name", "cause", "channel", "turns"}
TURN_KEYS = {"user", "payload", "expect"}
LIST_EXPECTATIONS = {"contains", "any", "not_contains", "buttons"}
EXPECT_KEYS = LIST_EXPECTATIONS | {"action", "not_action", "slots", "handoff"}
CHANNELS = {"rest"}
CAUSES = range(0, 12)
MIN_TURNS, MAX_TURNS = 2, 6
MIN_PER_CAUSE = 3
ORDER_FIELDS = {"carrier", "tracking_number", "status_label", "estimated_delivery", "total"}
NAME = re.compile(r"[a-z][a-z0-9_]*")
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
EIGHT_DIGITS = re.compile(r"(?<!\d)\d{8}(?!\d)")
# Generated orders start at FIRST_GENERATED_ORDER, each a few dozen numbers apart; a number
# this far past them can never be one.
UNKNOWN_FROM = FIRST_GENERATED_ORDER + ORDER_COUNT * 1000


def _load(path: Path) -> List[Dict[str, Any]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and set(document) == {"conversations"}, path
    conversations = document["conversations"]
    assert isinstance(conversations, list) and conversations, path
    return conversations


def _heldout() -> List[Tuple[Path, Dict[str, Any]]]:
    return [(path, conversation) for path in sorted(HELDOUT.glob("*.yml"))
            for conversation in _load(path)]


def _demo_orders() -> Set[str]:
    demo = yaml.safe_load(DEMO.read_text(encoding="utf-8"))
    return {str(order["number"]) for order in demo["orders"]}


def _strings(turn: Dict[str, Any]) -> Iterator[str]:
    """Every text of a turn a placeholder or an order number may stand in."""
    for key in ("user", "payload"):
        if key in turn:
            yield turn[key]
    expect = turn.get("expect") or {}
    for key in LIST_EXPECTATIONS & set(expect):
        yield from expect[key]
    for value in (expect.get("slots") or {}).values():
        if isinstance(value, str):
            yield value


def _placeholder_problem(body: str, demo: Set[str]) -> str | None:
    parts = body.split(":")
    policy_keys = {f.name for f in fields(ShopPolicies)} - {"support_open"}
    if parts[0] == "policy":
        return None if len(parts) == 2 and parts[1] in policy_keys else "unknown policy"
    if parts[0] == "order":
        if len(parts) != 3 or parts[2] not in ORDER_FIELDS:
            return "unknown order field"
        return None if parts[1] in demo else "not a demo order"
    if parts[0] == "return":
        if len(parts) != 3 or parts[2] != "code":
            return "unknown return field"
        return None if parts[1] in demo else "not a demo order"
    return "unknown placeholder kind"


HELDOUT_CONVERSATIONS = _heldout()
DEMO_ORDERS = _demo_orders()


def test_there_are_enough_heldout_conversations_for_every_cause() -> None:
    causes = [conversation.get("cause") for _, conversation in HELDOUT_CONVERSATIONS]
    assert len(causes) >= 45
    for cause in CAUSES:
        assert causes.count(cause) >= MIN_PER_CAUSE, f"cause {cause}: {causes.count(cause)}"


def test_names_are_unique_across_every_scenario_file() -> None:
    names = [conversation.get("name") for path in sorted(HERE.glob("*/*.yml"))
             for conversation in _load(path)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert not duplicates


@pytest.mark.parametrize(
    ("path", "conversation"), HELDOUT_CONVERSATIONS,
    ids=[str(c.get("name")) for _, c in HELDOUT_CONVERSATIONS],
)
def test_conversation_follows_the_format(path: Path, conversation: Dict[str, Any]) -> None:
    assert set(conversation) <= CONVERSATION_KEYS
    assert isinstance(conversation["name"], str) and NAME.fullmatch(conversation["name"])
    assert conversation["cause"] in CAUSES and isinstance(conversation["cause"], int)
    assert conversation.get("channel", "rest") in CHANNELS
    turns = conversation["turns"]
    assert MIN_TURNS <= len(turns) <= MAX_TURNS
    demo = DEMO_ORDERS
    for turn in turns:
        assert set(turn) <= TURN_KEYS
        assert ("user" in turn) != ("payload" in turn), "a turn is a message or a button"
        if "payload" in turn:
            assert turn["payload"].startswith("/")
        expect = turn.get("expect")
        assert isinstance(expect, dict) and expect, "every turn checks something"
        assert set(expect) <= EXPECT_KEYS, set(expect) - EXPECT_KEYS
        for key in LIST_EXPECTATIONS & set(expect):
            items = expect[key]
            assert isinstance(items, list) and items, key
            assert all(isinstance(item, str) and item.strip() for item in items), key
        for key in ("action", "not_action"):
            if key in expect:
                assert re.fullmatch(r"(action|utter|validate)_[a-z_]+|[a-z_]+_form",
                                    expect[key]), expect[key]
        if "slots" in expect:
            assert isinstance(expect["slots"], dict) and expect["slots"]
        if "handoff" in expect:
            assert isinstance(expect["handoff"], bool)
        for text in _strings(turn):
            assert isinstance(text, str)
            assert text.count("{") == text.count("}"), f"unbalanced braces: {text}"
            if "payload" not in turn or text != turn["payload"]:
                for body in PLACEHOLDER.findall(text):
                    problem = _placeholder_problem(body, demo)
                    assert problem is None, f"{{{body}}}: {problem}"
            for number in EIGHT_DIGITS.findall(text):
                known = number in demo
                unknown = int(number) < min(map(int, demo)) or int(number) >= UNKNOWN_FROM
                assert known or unknown, f"{number} may be a generated order"
