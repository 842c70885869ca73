"""The shop's policies, read from the ``policies`` table at answer time.

A shop owner changes a fee or a window in the database (or in ``data/policies.yml`` and
re-seeds); the next reply uses the new value without retraining anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Mapping, Tuple

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.formatting import money
from bot.store.models import Policy

POLICY_FILE = Path(__file__).parent / "data" / "policies.yml"


@dataclass(frozen=True)
class ShopPolicies:
    shop_name: str
    support_phone: str
    support_email: str
    support_address: str
    support_hours: str
    support_open: Mapping[int, str]
    dispatch_cutoff_hour: int
    delivery_days_min: int
    delivery_days_max: int
    carriers: str
    free_shipping_threshold: Decimal
    shipping_fee: Decimal
    cash_on_delivery_fee: Decimal
    cash_on_delivery_limit: Decimal
    max_installments: int
    installment_min_amount: Decimal
    return_window_days: int
    return_carrier: str
    return_shipping_note: str
    refund_days: int
    exchange_window_days: int
    warranty_years: int
    address_change_deadline: str
    coupon_limit: str

    def opening_hours(self, weekday: int) -> Tuple[time, time] | None:
        """Opening and closing time of the agent desk on an ISO weekday, None if closed."""
        span = self.support_open.get(weekday)
        if not span:
            return None
        start, end = (time.fromisoformat(part.strip()) for part in span.split("-"))
        return start, end

    def is_support_open(self, local_now: datetime) -> bool:
        hours = self.opening_hours(local_now.isoweekday())
        return bool(hours) and hours[0] <= local_now.time() < hours[1]

    def reply_variables(self) -> Dict[str, str]:
        """Every policy as text ready for a ``domain.yml`` response ("49,90", "14")."""
        variables: Dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, Decimal):
                variables[item.name] = money(value)
            elif not isinstance(value, Mapping):
                variables[item.name] = str(value)
        return variables


def _coerce(raw: Mapping[str, Any]) -> ShopPolicies:
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
    return _coerce({key: json.loads(value) for key, value in rows})
