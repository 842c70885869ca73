"""Cancelling orders that have not left the warehouse."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shop.types import CancelOutcome
from bot.store.models import Order, OrderStatus


def cancel_order(session: Session, order_id: int, customer_id: int, now: datetime) -> CancelOutcome:
    """Cancel the customer's order if it has not shipped. Safe to call twice.

    The row is locked while deciding (``FOR UPDATE`` where the database has it), so a
    warehouse update that ships the order cannot race a cancellation.
    """
    order = session.execute(
        select(Order).where(Order.id == order_id).with_for_update()
    ).scalar_one_or_none()
    if order is None or order.customer_id != customer_id:
        return CancelOutcome.NOT_FOUND
    if order.status == OrderStatus.CANCELLED.value:
        return CancelOutcome.ALREADY_CANCELLED
    if order.status != OrderStatus.PREPARING.value:
        return CancelOutcome.ALREADY_SHIPPED
    order.status = OrderStatus.CANCELLED.value
    order.cancelled_at = now
    return CancelOutcome.CANCELLED
