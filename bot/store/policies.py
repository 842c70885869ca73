"""The shop's policies, read from the ``policies`` table at answer time.

A shop owner changes a fee or a window in the database (or in ``data/policies.yml`` and
re-seeds); the next reply uses the new value without retraining anything. A key that a
newer release adds and the shop's table does not have yet takes the value shipped in
``data/policies.yml``, so an upgrade never breaks a running shop's answers.
"""

from __future__ import annotations

import json
from dataclasses import fields
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Mapping

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shop.types import ShopPolicies
from bot.store.models import Policy

POLICY_FILE = Path(__file__).parent / "data" / "policies.yml"


def coerce_policies(raw: Mapping[str, Any]) -> ShopPolicies:
    """Turn loosely typed values (YAML or JSON) into the dataclass's field types."""
    values: Dict[str, Any] = {}
    for item in fields(ShopPolicies):
        value = raw[item.name]
        if item.type == "Decimal":
            value = Decimal(str(value))
        elif item.type == "int":
            value = int(value)
        elif item.type == "Mapping[int, str]":
            value = {int(day): str(span) for day, span in value.items()}
        else:
            value = str(value)
        values[item.name] = value
    return ShopPolicies(**values)


def load_policy_file(path: Path = POLICY_FILE) -> Dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@lru_cache(maxsize=1)
def _shipped_defaults() -> Dict[str, Any]:
    return load_policy_file()


def write_policies(session: Session, raw: Mapping[str, Any]) -> None:
    """Store (insert or replace) policy values; unknown keys are refused."""
    known = {item.name for item in fields(ShopPolicies)}
    unknown = set(raw) - known
    if unknown:
        raise ValueError(f"unknown policy keys: {sorted(unknown)}")
    for key, value in raw.items():
        session.merge(Policy(key=key, value=json.dumps(value, default=str, ensure_ascii=False)))


def get_policies(session: Session) -> ShopPolicies:
    rows = session.execute(select(Policy.key, Policy.value)).all()
    stored = {key: json.loads(value) for key, value in rows}
    return coerce_policies({**_shipped_defaults(), **stored})
