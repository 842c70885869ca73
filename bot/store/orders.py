"""Order look-ups for shoppers: ownership checks, tracking details, recent orders.

Every function that returns order details asks for proof of ownership (a contact that matches
the order, or a customer id that an earlier check established). An unknown order and a
mismatching contact look the same to the caller: both are ``None``.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import List, Tuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.identity import Contact
from bot.store.models import Customer, Order, OrderLine, OrderStatus, Shipment

IN_TRANSIT = (OrderStatus.SHIPPED.value, OrderStatus.OUT_FOR_DELIVERY.value)


@dataclass(frozen=True)
class TrackingEvent:
    occurred_at: datetime
    description: str
    location: str | None


@dataclass(frozen=True)
class OrderDetails:
    """What a verified shopper may learn about one order."""

    order_id: int
    customer_id: int
    status: str
    placed_at: datetime
    cancelled_at: datetime | None
    total: Decimal
    items: Tuple[str, ...]
    carrier: str | None
    tracking_number: str | None
    estimated_delivery: date | None
    delivered_at: datetime | None
    last_event: TrackingEvent | None

    def is_late(self, today: date) -> bool:
        """On its way and past the promised day (an order with no promise is never "late")."""
        return (
            self.status in IN_TRANSIT
            and self.estimated_delivery is not None
            and self.estimated_delivery < today
        )


@dataclass(frozen=True)
class OrderSummary:
    order_id: int
    status: str
    placed_at: datetime
    total: Decimal
    item_count: int


def _contact_matches(customer: Customer, contact: Contact) -> bool:
    stored = customer.email if contact.kind == "email" else customer.phone
    return hmac.compare_digest(stored.encode(), contact.value.encode())


def _load_order(session: Session, order_id: int) -> Order | None:
    query = (
        select(Order)
        .where(Order.id == order_id)
        .options(
            selectinload(Order.customer),
            selectinload(Order.lines).selectinload(OrderLine.product),
            selectinload(Order.shipment).selectinload(Shipment.events),
        )
    )
    return session.execute(query).scalar_one_or_none()


def _details(order: Order) -> OrderDetails:
    shipment = order.shipment
    last_event = None
    if shipment is not None and shipment.events:
        event = shipment.events[-1]
        last_event = TrackingEvent(event.occurred_at, event.description, event.location)
    return OrderDetails(
        order_id=order.id,
        customer_id=order.customer_id,
        status=order.status,
        placed_at=order.placed_at,
        cancelled_at=order.cancelled_at,
        total=order.total,
        items=tuple(line.product.name for line in order.lines),
        carrier=shipment.carrier if shipment else None,
        tracking_number=shipment.tracking_number if shipment else None,
        estimated_delivery=shipment.estimated_delivery if shipment else None,
        delivered_at=shipment.delivered_at if shipment else None,
        last_event=last_event,
    )


def find_order_for_contact(
    session: Session, order_id: int, contact: Contact
) -> OrderDetails | None:
    """The order, if it exists and ``contact`` is its customer's e-mail or phone."""
    order = _load_order(session, order_id)
    if order is None or not _contact_matches(order.customer, contact):
        return None
    return _details(order)


def find_order_for_customer(
    session: Session, order_id: int, customer_id: int
) -> OrderDetails | None:
    """The order, if it belongs to an already verified customer."""
    order = _load_order(session, order_id)
    if order is None or order.customer_id != customer_id:
        return None
    return _details(order)


def recent_orders(session: Session, customer_id: int, limit: int = 5) -> List[OrderSummary]:
    """The customer's latest orders, newest first."""
    item_count = (
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .where(OrderLine.order_id == Order.id)
        .scalar_subquery()
    )
    query = (
        select(Order.id, Order.status, Order.placed_at, Order.total, item_count)
        .where(Order.customer_id == customer_id)
        .order_by(Order.placed_at.desc())
        .limit(limit)
    )
    return [OrderSummary(*row) for row in session.execute(query).all()]
