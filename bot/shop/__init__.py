"""The shop backend: everything Asistan asks of a shop, behind one small typed interface.

Actions, the agent console and the owner's report depend on :class:`ShopBackend` only. The
demo shop's SQL store (``bot.store.backend.SqlShopBackend``) is the default implementation;
a shop whose orders live on its own platform serves the JSON API that
``bot.shop.http.HttpShopBackend`` reads (docs/shop-api.md), or implements the same methods
over its database and names its class in the ``SHOP_BACKEND`` setting
(docs/architecture.md).

Every method is a coroutine: an implementation must never block the event loop (the SQL
store runs its queries in worker threads), so one slow look-up never delays another
shopper's reply. Ids are strings, as the shop writes them. Any failure to reach the shop
raises :class:`ShopUnavailable`, which callers turn into a polite answer.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from importlib import import_module
from typing import List, Protocol, Sequence

from bot.settings import get_settings
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
from bot.text.contacts import Contact


class ShopUnavailable(Exception):
    """The shop's data could not be reached (database down, API timing out...)."""


class ShopBackend(Protocol):
    """What Asistan asks of a shop. Ownership is the backend's to check: a method given a
    ``customer_id`` answers only about that customer's orders, and an unknown order looks
    the same as another customer's (``None``)."""

    async def policies(self) -> ShopPolicies:
        """The shop's fees, windows, hours and contact details, as of now."""

    async def order_for_contact(self, order_id: str, contact: Contact) -> OrderDetails | None:
        """The order, if it exists and ``contact`` is its customer's e-mail or phone."""

    async def order_for_customer(self, order_id: str, customer_id: str) -> OrderDetails | None:
        """The order, if it belongs to the (already verified) customer."""

    async def recent_orders(self, customer_id: str, limit: int = 5) -> List[OrderSummary]:
        """The customer's latest orders, newest first."""

    async def customer(self, customer_id: str) -> CustomerView | None:
        """Who the customer is (for the agent console)."""

    async def cancel_order(self, order_id: str, customer_id: str,
                           now: datetime) -> CancelOutcome:
        """Cancel the customer's order if it has not shipped; safe to call twice."""

    async def return_options(self, order_id: str, customer_id: str,
                             today: date) -> ReturnOptions:
        """Which items of the customer's order can be returned today."""

    async def open_return(self, order_id: str, customer_id: str, line_ids: Sequence[str],
                          reason: str, now: datetime, today: date) -> OpenedReturn:
        """Open a return for eligible items; asking again for the same items opens nothing
        new. Raises ``ValueError`` for items that are not eligible."""

    async def returns(self, customer_id: str, order_id: str | None = None) -> List[ReturnView]:
        """The customer's returns and refunds, newest first (of one order when given)."""

    async def orders_placed(self, start: datetime, end: datetime) -> int:
        """How many orders were placed in ``[start, end)`` (the owner's contact rate)."""

    async def suggest_products(self, query: ProductQuery) -> ProductAnswer:
        """In-stock products that fit the query, best first, one page at a time; or the
        honest reason there are none (the cheapest of the asked kind when over budget)."""

    async def product(self, product_id: str) -> ProductView | None:
        """One product, for its page and picture."""


@lru_cache(maxsize=1)
def get_shop() -> ShopBackend:
    """This process's shop backend, built from the ``SHOP_BACKEND`` setting."""
    module, _, name = get_settings().shop_backend.partition(":")
    return getattr(import_module(module), name)()
