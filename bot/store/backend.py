"""The demo shop's SQL store as a :class:`bot.shop.ShopBackend` (the default backend).

Each call is one unit of work run on a worker thread (:meth:`Database.run`), so the
synchronous SQLAlchemy queries never block an event loop. A database error becomes
:class:`bot.shop.ShopUnavailable`; an order number that cannot be one of this store's
(its keys are integers) is simply not found.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, List, Sequence, TypeVar

from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.database.engine import Database, get_database
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
    ReturnBlock,
    ReturnOptions,
    ReturnView,
    ShopPolicies,
)
from bot.store import cancellations, orders, products, returns
from bot.store.models import Customer, Order
from bot.store.policies import get_policies
from bot.text.contacts import Contact

T = TypeVar("T")


def _key(value: str | None) -> int | None:
    """This store's integer key for an id given as text, or None if it cannot be one."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def _return_options(session: Session, order_id: int, customer_id: int,
                    today: date) -> ReturnOptions:
    window = get_policies(session).return_window_days
    return returns.return_options(session, order_id, customer_id, today, window)


def _open_return(session: Session, order_id: int, customer_id: int, line_ids: Sequence[str],
                 reason: str, now: datetime, today: date) -> OpenedReturn:
    window = get_policies(session).return_window_days
    return returns.open_return(session, order_id, customer_id, line_ids, reason, now, today,
                               window)


def _customer(session: Session, customer_id: int) -> CustomerView | None:
    customer = session.get(Customer, customer_id)
    if customer is None:
        return None
    return CustomerView(str(customer.id), customer.full_name, customer.email, customer.phone,
                        customer.city)


def _orders_placed(session: Session, start: datetime, end: datetime) -> int:
    return session.execute(
        select(func.count(Order.id)).where(Order.placed_at >= start, Order.placed_at < end)
    ).scalar_one()


class SqlShopBackend:
    """The demo shop in the database of ``DATABASE_URL`` (SQLite or PostgreSQL)."""

    def __init__(self, database: Database | None = None) -> None:
        self.database = database or get_database()

    async def _call(self, work: Callable[..., T], *args: Any) -> T:
        try:
            return await self.database.run(work, *args)
        except SQLAlchemyError as error:
            raise ShopUnavailable(type(error).__name__) from error

    async def policies(self) -> ShopPolicies:
        return await self._call(get_policies)

    async def order_for_contact(self, order_id: str, contact: Contact) -> OrderDetails | None:
        number = _key(order_id)
        if number is None:
            return None
        return await self._call(orders.find_order_for_contact, number, contact)

    async def order_for_customer(self, order_id: str, customer_id: str) -> OrderDetails | None:
        number, customer = _key(order_id), _key(customer_id)
        if number is None or customer is None:
            return None
        return await self._call(orders.find_order_for_customer, number, customer)

    async def recent_orders(self, customer_id: str, limit: int = 5) -> List[OrderSummary]:
        customer = _key(customer_id)
        if customer is None:
            return []
        return await self._call(orders.recent_orders, customer, limit)

    async def customer(self, customer_id: str) -> CustomerView | None:
        customer = _key(customer_id)
        return None if customer is None else await self._call(_customer, customer)

    async def cancel_order(self, order_id: str, customer_id: str,
                           now: datetime) -> CancelOutcome:
        number, customer = _key(order_id), _key(customer_id)
        if number is None or customer is None:
            return CancelOutcome.NOT_FOUND
        return await self._call(cancellations.cancel_order, number, customer, now)

    async def return_options(self, order_id: str, customer_id: str,
                             today: date) -> ReturnOptions:
        number, customer = _key(order_id), _key(customer_id)
        if number is None or customer is None:
            return ReturnOptions(str(order_id), ReturnBlock.NOT_FOUND, (), None)
        return await self._call(_return_options, number, customer, today)

    async def open_return(self, order_id: str, customer_id: str, line_ids: Sequence[str],
                          reason: str, now: datetime, today: date) -> OpenedReturn:
        number, customer = _key(order_id), _key(customer_id)
        if number is None or customer is None:
            raise ValueError("no such order")
        return await self._call(_open_return, number, customer, line_ids, reason, now, today)

    async def returns(self, customer_id: str, order_id: str | None = None) -> List[ReturnView]:
        customer = _key(customer_id)
        number = _key(order_id) if order_id is not None else None
        if customer is None or (order_id is not None and number is None):
            return []
        return await self._call(returns.returns_for_customer, customer, number)

    async def orders_placed(self, start: datetime, end: datetime) -> int:
        return await self._call(_orders_placed, start, end)

    async def suggest_products(self, query: ProductQuery) -> ProductAnswer:
        return await self._call(products.answer, query)

    async def product(self, product_id: str) -> ProductView | None:
        number = _key(product_id)
        if number is None:
            return None
        found = await self._call(products.products_by_id, [number])
        return found[0] if found else None
