"""The shop backend's types as JSON, both ways.

:class:`bot.shop.http.HttpShopBackend` reads a shop's answers with :func:`load`; a shop's
API (and the reference server in ``tools/shop_api.py``) writes them as :func:`dump` does:
money as a decimal string ("1299.90"), moments and days in ISO 8601, enums by value, tuples
as lists. docs/shop-api.md describes every shape.
"""

from __future__ import annotations

import dataclasses
import enum
import types
from collections.abc import Mapping as MappingABC
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Dict, Mapping, Tuple, TypeVar, Union, get_args, get_origin, get_type_hints

T = TypeVar("T")


def dump(value: Any) -> Any:
    """A value of the shop backend's types as plain JSON data."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {item.name: dump(getattr(value, item.name)) for item in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, MappingABC):
        return {str(key): dump(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [dump(item) for item in value]
    return value


def load(kind: Any, data: Any) -> Any:
    """``data`` read as ``kind``; raises ``ValueError`` (or ``TypeError``, ``KeyError``) when
    it is not one."""
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = [option for option in get_args(kind) if option is not type(None)]
        return None if data is None else load(options[0], data)
    if data is None:
        raise ValueError(f"{kind} expected, got null")
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = get_type_hints(kind)
        return kind(**{item.name: load(hints[item.name], data[item.name])
                       for item in dataclasses.fields(kind) if item.name in data})
    if origin in (tuple, Tuple):
        return tuple(load(get_args(kind)[0], item) for item in _items(data))
    if origin is list:
        return [load(get_args(kind)[0], item) for item in _items(data)]
    if origin in (dict, Dict, Mapping, MappingABC):
        key, value = get_args(kind)
        return {load(key, name): load(value, item) for name, item in dict(data).items()}
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    if kind is Decimal:
        return Decimal(str(data))
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    if kind is bool:
        if not isinstance(data, bool):
            raise ValueError(f"true or false expected, got {data!r}")
        return data
    return kind(data)


def _items(data: Any) -> list:
    if not isinstance(data, list):
        raise ValueError(f"a list expected, got {type(data).__name__}")
    return data
