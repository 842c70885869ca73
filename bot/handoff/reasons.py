"""The one registry of handoff reasons: their names here, their priority in the queue and
their Turkish label in ``data/reasons.yml`` (a shop may reorder priorities). The escalation
policy, the queue, the console and the report all read it; and which sensitive topic a
message raises, the reason both the policy and the acknowledgement read."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

from bot.nlu.sentiment import is_threat
from bot.text.vocabulary import first_match

REASONS_FILE = Path(__file__).parent / "data" / "reasons.yml"


class HandoffReason(str, enum.Enum):
    ASKED_FOR_HUMAN = "asked_for_human"
    ANGRY = "angry"
    SENSITIVE = "sensitive"
    FRUSTRATION = "frustration"
    REPEATED_FALLBACK = "repeated_fallback"
    REPEATED_QUESTION = "repeated_question"
    VERIFICATION_FAILED = "verification_failed"


@dataclass(frozen=True)
class ReasonInfo:
    priority: int
    label: str


@lru_cache(maxsize=1)
def registry() -> Dict[str, ReasonInfo]:
    """Every reason's priority and label; the file must cover exactly the reasons above."""
    raw = yaml.safe_load(REASONS_FILE.read_text("utf-8"))
    names = {reason.value for reason in HandoffReason}
    if set(raw) != names:
        raise ValueError(f"{REASONS_FILE} must list exactly {sorted(names)}")
    return {name: ReasonInfo(int(entry["priority"]), str(entry["label"]))
            for name, entry in raw.items()}


def priority(reason: str) -> int:
    """A reason's queue priority; an unknown reason (an old ticket's) is served last."""
    info = registry().get(reason)
    return info.priority if info else 0


def labels() -> Dict[str, str]:
    return {name: info.label for name, info in registry().items()}


def sensitive_kind(text: str | None) -> str | None:
    """The sensitive topic a message raises (`sensitive` in the words, then the sentiment
    model's legal threats, then a charge taken twice or wrongly), if any: it is handed to
    people after the acknowledgement of its kind."""
    if not text:
        return None
    kind = first_match(text, "sensitive")
    if kind is None and is_threat(text):
        kind = "legal"
    if kind is None and first_match(text, "complaint_types") == "double_charge":
        kind = "double_charge"
    return kind
