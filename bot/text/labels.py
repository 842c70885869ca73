"""The Turkish names of codes people read: order and return states, ticket states, channels,
sentiment, intents, the bot's actions, report tasks (``data/labels.yml``).

The console receives them as JSON and the owner's report reads them in its template, so a
code is named once for both.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Dict

import yaml

LABELS_FILE = Path(__file__).parent / "data" / "labels.yml"


@lru_cache(maxsize=1)
def labels() -> Dict[str, Dict[str, str]]:
    """Kind (``order_status``, ``intents``...) -> code -> name."""
    raw = yaml.safe_load(LABELS_FILE.read_text("utf-8"))
    return {kind: {str(code): str(name) for code, name in names.items()}
            for kind, names in raw.items()}


def label(kind: str, code: str) -> str:
    """The name of ``code``; the code itself when it has none."""
    return labels().get(kind, {}).get(code, code)
