"""Order look-ups for shoppers: ownership checks, tracking details, recent orders.

Every function that returns order details asks for proof of ownership (a contact that matches
the order, or a customer id that an earlier check established). An unknown order and a
mismatching contact look the same to the caller: both are ``None``.
"""

from __future__ import annotations

import hmac
from typing import List

from sqlalchemy import func, select
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from bot.shop.types import OrderDetails, OrderSummary, TrackingEvent
from bot.store.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    Shipment,
    ShipmentEvent,
)
from bot.text.contacts import Contact


def _contact_matches(email: str, phone: str, contact: Contact) -> bool:
    stored = email if contact.kind == "email" else phone
    return hmac.compare_digest(stored.encode(), contact.value.encode())


def _order_row(session: Session, order_id: int) -> Row | None:
    """The order with its customer's contacts and its shipment, in one query.

    Plain columns rather than ORM objects: a look-up is on every tracking turn, and building
    the order's object graph cost more than the database did (docs/performance.md).
    """
    query = (
        select(Order.id, Order.customer_id, Order.status, Order.placed_at,
               Order.cancelled_at, Order.total, Customer.email, Customer.phone,
               Shipment.id.label("shipment_id"), Shipment.carrier, Shipment.tracking_number,
               Shipment.estimated_delivery, Shipment.delivered_at)
        .join(Customer, Customer.id == Order.customer_id)
        .outerjoin(Shipment, Shipment.order_id == Order.id)
        .where(Order.id == order_id)
    )
    return session.execute(query).one_or_none()


def _details(session: Session, order: Row) -> OrderDetails:
    items = session.execute(
        select(Product.name)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.id)
    ).scalars().all()
    last_event = None
    if order.shipment_id is not None:
        event = session.execute(
            select(ShipmentEvent.occurred_at, ShipmentEvent.description, ShipmentEvent.location)
            .where(ShipmentEvent.shipment_id == order.shipment_id)
            .order_by(ShipmentEvent.occurred_at.desc(), ShipmentEvent.id.desc())
            .limit(1)
        ).one_or_none()
        if event is not None:
            last_event = TrackingEvent(*event)
    return OrderDetails(
        order_id=str(order.id),
        customer_id=str(order.customer_id),
        status=order.status,
        placed_at=order.placed_at,
        cancelled_at=order.cancelled_at,
        total=order.total,
        items=tuple(items),
        carrier=order.carrier,
        tracking_number=order.tracking_number,
        estimated_delivery=order.estimated_delivery,
        delivered_at=order.delivered_at,
        last_event=last_event,
    )


def find_order_for_contact(
    session: Session, order_id: int, contact: Contact
) -> OrderDetails | None:
    """The order, if it exists and ``contact`` is its customer's e-mail or phone."""
    order = _order_row(session, order_id)
    if order is None or not _contact_matches(order.email, order.phone, contact):
        return None
    return _details(session, order)


def find_order_for_customer(
    session: Session, order_id: int, customer_id: int
) -> OrderDetails | None:
    """The order, if it belongs to an already verified customer."""
    order = _order_row(session, order_id)
    if order is None or order.customer_id != customer_id:
        return None
    return _details(session, order)


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
    return [OrderSummary(str(order_id), *rest)
            for order_id, *rest in session.execute(query).all()]
