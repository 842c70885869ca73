"""A shop whose data lives on its own platform, reached over a small JSON API.

The API (docs/shop-api.md) has one route per :class:`bot.shop.ShopBackend` method and
answers in :mod:`bot.shop.wire`'s shapes, so a shop writes a thin layer over its platform
and changes nothing in Asistan: ``SHOP_BACKEND=bot.shop.http:HttpShopBackend`` and
``SHOP_API_URL``. aiohttp never blocks the event loop. A shop that does not answer in
time, answers with a server error or with something that is not the documented shape is
:class:`ShopUnavailable` (the shopper hears so politely); 404 is "no such order for this
customer", 422 is "these items cannot be returned".
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Dict, List, Sequence, Type, TypeVar
from urllib.parse import quote

import aiohttp

from bot.settings import get_settings
from bot.shop import ShopUnavailable
from bot.shop.types import (
    CancelOutcome,
    CustomerView,
    OpenedReturn,
    OrderDetails,
    OrderSummary,
    ProductAnswer,
    ProductQuery,
    ProductView,
    ReturnOptions,
    ReturnView,
    ShopPolicies,
)
from bot.shop.wire import dump, load
from bot.text.contacts import Contact

T = TypeVar("T")
# What a wrong shape raises while it is read (Decimal's errors are ArithmeticErrors).
_SHAPE_ERRORS = (ValueError, TypeError, KeyError, ArithmeticError)


class _NotFound(Exception):
    pass


@dataclass(frozen=True)
class _Cancelled:
    outcome: CancelOutcome


@dataclass(frozen=True)
class _Count:
    count: int


def _segment(value: str) -> str:
    """An id as one path segment: a shopper's "../x" stays one id."""
    return quote(str(value), safe="")


class HttpShopBackend:
    """The shop behind ``SHOP_API_URL``."""

    def __init__(self, base_url: str | None = None, token: str | None = None,
                 timeout: float | None = None) -> None:
        settings = get_settings()
        self.base_url = (base_url or settings.shop_api_url).rstrip("/")
        if not self.base_url:
            raise ValueError("SHOP_API_URL is not set")
        token = settings.shop_api_token if token is None else token
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.timeout = aiohttp.ClientTimeout(
            total=settings.shop_api_timeout if timeout is None else timeout)
        self._client: aiohttp.ClientSession | None = None
        self._client_loop: asyncio.AbstractEventLoop | None = None

    def _session(self) -> aiohttp.ClientSession:
        """One pooled session per event loop (an action server has one for its lifetime)."""
        loop = asyncio.get_running_loop()
        if self._client is None or self._client.closed or self._client_loop is not loop:
            self._client = aiohttp.ClientSession(headers=self.headers, timeout=self.timeout)
            self._client_loop = loop
        return self._client

    async def close(self) -> None:
        if self._client is not None and not self._client.closed:
            await self._client.close()

    async def _call(self, method: str, path: str, params: Dict[str, str] | None = None,
                    body: Any = None) -> Any:
        try:
            async with self._session().request(method, self.base_url + path, params=params,
                                               json=body) as response:
                if response.status == 404:
                    raise _NotFound
                if response.status == 422:
                    raise ValueError(await response.text())
                if response.status >= 400:
                    raise ShopUnavailable(f"shop API answered {response.status}")
                return await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, json.JSONDecodeError) as error:
            raise ShopUnavailable(type(error).__name__) from error

    async def _read(self, kind: Type[T], method: str, path: str,
                    params: Dict[str, str] | None = None, body: Any = None) -> T:
        data = await self._call(method, path, params, body)
        try:
            return load(kind, data)
        except _SHAPE_ERRORS as error:
            raise ShopUnavailable(f"shop API answered another shape: {error}") from error

    async def _maybe(self, kind: Type[T], method: str, path: str,
                     params: Dict[str, str] | None = None, body: Any = None) -> T | None:
        try:
            return await self._read(kind, method, path, params, body)
        except _NotFound:
            return None

    def _customer(self, customer_id: str) -> str:
        return f"/customers/{_segment(customer_id)}"

    def _order(self, order_id: str, customer_id: str) -> str:
        return f"{self._customer(customer_id)}/orders/{_segment(order_id)}"

    async def policies(self) -> ShopPolicies:
        try:
            return await self._read(ShopPolicies, "GET", "/policies")
        except _NotFound as error:
            raise ShopUnavailable("shop API has no /policies") from error

    async def order_for_contact(self, order_id: str, contact: Contact) -> OrderDetails | None:
        return await self._maybe(OrderDetails, "POST", "/orders/lookup",
                                 body={"order_id": order_id, contact.kind: contact.value})

    async def order_for_customer(self, order_id: str, customer_id: str) -> OrderDetails | None:
        return await self._maybe(OrderDetails, "GET", self._order(order_id, customer_id))

    async def recent_orders(self, customer_id: str, limit: int = 5) -> List[OrderSummary]:
        found = await self._maybe(List[OrderSummary], "GET",
                                  f"{self._customer(customer_id)}/orders",
                                  params={"limit": str(limit)})
        return found or []

    async def customer(self, customer_id: str) -> CustomerView | None:
        return await self._maybe(CustomerView, "GET", self._customer(customer_id))

    async def cancel_order(self, order_id: str, customer_id: str,
                           now: datetime) -> CancelOutcome:
        try:
            answer = await self._read(_Cancelled, "POST",
                                      f"{self._order(order_id, customer_id)}/cancel",
                                      body={"now": dump(now)})
        except _NotFound:
            return CancelOutcome.NOT_FOUND
        return answer.outcome

    async def return_options(self, order_id: str, customer_id: str,
                             today: date) -> ReturnOptions:
        return await self._read(ReturnOptions, "GET",
                                f"{self._order(order_id, customer_id)}/return-options",
                                params={"today": dump(today)})

    async def open_return(self, order_id: str, customer_id: str, line_ids: Sequence[str],
                          reason: str, now: datetime, today: date) -> OpenedReturn:
        try:
            return await self._read(OpenedReturn, "POST",
                                    f"{self._order(order_id, customer_id)}/returns",
                                    body={"line_ids": list(line_ids), "reason": reason,
                                          "now": dump(now), "today": dump(today)})
        except _NotFound as error:
            raise ValueError("no such order") from error

    async def returns(self, customer_id: str, order_id: str | None = None) -> List[ReturnView]:
        params = {} if order_id is None else {"order_id": order_id}
        found = await self._maybe(List[ReturnView], "GET",
                                  f"{self._customer(customer_id)}/returns", params=params)
        return found or []

    async def orders_placed(self, start: datetime, end: datetime) -> int:
        answer = await self._read(_Count, "GET", "/orders/count",
                                  params={"start": dump(start), "end": dump(end)})
        return answer.count

    async def suggest_products(self, query: ProductQuery) -> ProductAnswer:
        return await self._read(ProductAnswer, "POST", "/products/suggest", body=dump(query))

    async def product(self, product_id: str) -> ProductView | None:
        return await self._maybe(ProductView, "GET", f"/products/{_segment(product_id)}")
