"""Returns and refunds: eligibility, opening a return, and where a return and its money are.

Eligibility follows the shop's policy data: the order must be delivered, the return window
counts from the delivery day, an item can be returned once, and some categories (hygiene
products) are not returnable. Refund dates are computed from the data, never guessed.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import List, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.settings import get_settings
from bot.shop.types import (
    PRIORITY_REASONS,
    RETURN_REASONS,
    OpenedReturn,
    ReturnableLine,
    ReturnBlock,
    ReturnOptions,
    ReturnView,
)
from bot.store.models import (
    Order,
    OrderLine,
    OrderStatus,
    Product,
    Refund,
    Return,
    ReturnLine,
    ReturnStatus,
    Shipment,
)
from bot.text.formatting import local_day

OPEN_STATUSES = tuple(s.value for s in ReturnStatus if s is not ReturnStatus.REJECTED)


def _delivery_day(shipment: Shipment | None) -> date | None:
    """The shop's calendar day of the delivery: the return window counts shop days (a
    parcel delivered at 23:30 UTC was delivered the next day in Istanbul)."""
    if shipment is None or shipment.delivered_at is None:
        return None
    return local_day(shipment.delivered_at, get_settings().timezone)


def _returned_line_ids(session: Session, order_id: int) -> set:
    query = (
        select(ReturnLine.order_line_id)
        .join(Return)
        .where(Return.order_id == order_id, Return.status.in_(OPEN_STATUSES))
    )
    return set(session.execute(query).scalars())


def _owned_order(session: Session, order_id: int, customer_id: int) -> Order | None:
    query = (
        select(Order)
        .where(Order.id == order_id, Order.customer_id == customer_id)
        .options(
            selectinload(Order.lines).selectinload(OrderLine.product).selectinload(
                Product.category),
            selectinload(Order.shipment),
        )
    )
    return session.execute(query).scalar_one_or_none()


def return_options(
    session: Session, order_id: int, customer_id: int, today: date, window_days: int
) -> ReturnOptions:
    """Which items of the customer's order can be returned today."""
    order = _owned_order(session, order_id, customer_id)
    if order is None:
        return ReturnOptions(str(order_id), ReturnBlock.NOT_FOUND, (), None)
    delivered = _delivery_day(order.shipment)
    if order.status not in (OrderStatus.DELIVERED.value, OrderStatus.RETURNED.value) or (
        delivered is None
    ):
        return ReturnOptions(str(order_id), ReturnBlock.NOT_DELIVERED, (), None)
    window_ends = delivered + timedelta(days=window_days)
    order_block = ReturnBlock.WINDOW_CLOSED if today > window_ends else None
    returned = _returned_line_ids(session, order_id)
    lines = []
    for line in order.lines:
        block: ReturnBlock | None = order_block
        if line.id in returned:
            block = ReturnBlock.ALREADY_RETURNED
        elif not line.product.category.returnable:
            block = ReturnBlock.NOT_RETURNABLE
        lines.append(ReturnableLine(str(line.id), line.product.name, line.quantity,
                                    line.unit_price * line.quantity, block))
    return ReturnOptions(str(order_id), order_block, tuple(lines), window_ends)


def _next_code(session: Session) -> str:
    highest = session.execute(select(func.max(Return.id))).scalar() or 0
    return f"IADE-{highest + 1:05d}"


def open_return(
    session: Session,
    order_id: int,
    customer_id: int,
    line_ids: Sequence[str],
    reason: str,
    now: datetime,
    today: date,
    window_days: int,
) -> OpenedReturn:
    """Open a return for the given items; asking again for the same items opens nothing new.

    Raises ``ValueError`` when an item is not eligible: callers check
    :func:`return_options` first, so this only guards against a race or a forged payload.
    """
    if reason not in RETURN_REASONS:
        raise ValueError(f"unknown return reason {reason!r}")
    line_numbers = [int(line_id) for line_id in line_ids]  # ValueError for a forged id
    existing = session.execute(
        select(Return)
        .join(ReturnLine)
        .where(Return.order_id == order_id, ReturnLine.order_line_id.in_(line_numbers),
               Return.status.in_(OPEN_STATUSES))
        .options(selectinload(Return.lines).selectinload(ReturnLine.order_line))
    ).scalars().first()
    if existing is not None:
        amount = sum((rl.order_line.unit_price * rl.quantity for rl in existing.lines),
                     Decimal("0"))
        return OpenedReturn(existing.code, str(order_id), existing.priority, amount,
                            created=False)
    options = return_options(session, order_id, customer_id, today, window_days)
    eligible = {line.line_id: line for line in options.eligible}
    if not line_ids or any(line_id not in eligible for line_id in line_ids):
        raise ValueError("items not eligible for return")
    record = Return(
        code=_next_code(session),
        order_id=order_id,
        reason=reason,
        status=ReturnStatus.AWAITING_DROPOFF.value,
        priority=reason in PRIORITY_REASONS,
        created_at=now,
        updated_at=now,
    )
    for line_id in line_ids:
        record.lines.append(ReturnLine(order_line_id=int(line_id),
                                       quantity=eligible[line_id].quantity))
    session.add(record)
    session.flush()
    amount = sum((eligible[line_id].amount for line_id in line_ids), Decimal("0"))
    return OpenedReturn(record.code, str(order_id), record.priority, amount, created=True)


def returns_for_customer(
    session: Session, customer_id: int, order_id: int | None = None
) -> List[ReturnView]:
    """The customer's returns, newest first (of one order when ``order_id`` is given)."""
    query = (
        select(Return)
        .join(Order)
        .where(Order.customer_id == customer_id)
        .options(
            selectinload(Return.lines).selectinload(ReturnLine.order_line).selectinload(
                OrderLine.product),
            selectinload(Return.refund),
        )
        .order_by(Return.created_at.desc())
    )
    if order_id is not None:
        query = query.where(Return.order_id == order_id)
    views = []
    for record in session.execute(query).scalars():
        refund: Refund | None = record.refund
        views.append(ReturnView(
            code=record.code,
            order_id=str(record.order_id),
            status=record.status,
            reason=record.reason,
            created_at=record.created_at,
            items=tuple(rl.order_line.product.name for rl in record.lines),
            refund_amount=refund.amount if refund else None,
            refund_status=refund.status if refund else None,
            refund_promised=refund.promised_date if refund else None,
            refund_paid_at=refund.paid_at if refund else None,
        ))
    return views
