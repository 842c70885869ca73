"""What a shop backend answers with: plain values in Asistan's own vocabulary.

Every backend (the demo SQL store, or a shop's own platform) reports orders, returns and
policies in these types, so actions, the console and the report never see where the data
came from. Money is ``Decimal``; moments are timezone-naive UTC; days are the shop's days.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, fields
from datetime import date, datetime, time
from decimal import Decimal
from typing import Dict, Mapping, Tuple

from bot.text.formatting import money


class OrderStatus(str, enum.Enum):
    """Where an order is in its life. "Late" is not a status: it is derived from the estimate."""

    PREPARING = "preparing"
    SHIPPED = "shipped"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURNED = "returned"


class ReturnStatus(str, enum.Enum):
    AWAITING_DROPOFF = "awaiting_dropoff"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    INSPECTED = "inspected"
    REFUNDED = "refunded"
    REJECTED = "rejected"


class RefundStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"

IN_TRANSIT = (OrderStatus.SHIPPED.value, OrderStatus.OUT_FOR_DELIVERY.value)
# Why an order was handed a priority return: the shop fixes what it did wrong first.
PRIORITY_REASONS = frozenset({"damaged", "wrong_item"})
RETURN_REASONS = ("size", "damaged", "wrong_item", "not_as_described", "changed_mind", "other")


@dataclass(frozen=True)
class CustomerView:
    """Who a verified customer is, as the console shows them."""

    customer_id: str
    full_name: str
    email: str
    phone: str
    city: str


@dataclass(frozen=True)
class TrackingEvent:
    occurred_at: datetime
    description: str
    location: str | None


@dataclass(frozen=True)
class OrderDetails:
    """What a verified shopper may learn about one order."""

    order_id: str
    customer_id: str
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

    @property
    def cancellable(self) -> bool:
        """Only an order still being prepared can be cancelled; later it is a return."""
        return self.status == OrderStatus.PREPARING.value


@dataclass(frozen=True)
class OrderSummary:
    order_id: str
    status: str
    placed_at: datetime
    total: Decimal
    item_count: int


class CancelOutcome(str, enum.Enum):
    CANCELLED = "cancelled"
    ALREADY_CANCELLED = "already_cancelled"
    ALREADY_SHIPPED = "already_shipped"
    NOT_FOUND = "not_found"


class ReturnBlock(str, enum.Enum):
    """Why an order or an item cannot be returned now."""

    NOT_FOUND = "not_found"
    NOT_DELIVERED = "not_delivered"
    WINDOW_CLOSED = "window_closed"
    ALREADY_RETURNED = "already_returned"
    NOT_RETURNABLE = "not_returnable"


@dataclass(frozen=True)
class ReturnableLine:
    line_id: str
    product_name: str
    quantity: int
    amount: Decimal
    block: ReturnBlock | None


@dataclass(frozen=True)
class ReturnOptions:
    """What of an order can be returned, and until when."""

    order_id: str
    block: ReturnBlock | None
    lines: Tuple[ReturnableLine, ...]
    window_ends: date | None

    @property
    def eligible(self) -> Tuple[ReturnableLine, ...]:
        return tuple(line for line in self.lines if line.block is None)

    @property
    def reason(self) -> ReturnBlock | None:
        """Why nothing can be returned; None when something can.

        Items that were all returned already say so, even past the window: that is the
        more useful answer.
        """
        if self.eligible:
            return None
        if self.block in (ReturnBlock.NOT_FOUND, ReturnBlock.NOT_DELIVERED):
            return self.block
        blocks = {line.block for line in self.lines}
        if blocks == {ReturnBlock.ALREADY_RETURNED} or self.block is None:
            return blocks.pop() if len(blocks) == 1 else ReturnBlock.NOT_RETURNABLE
        return self.block


@dataclass(frozen=True)
class OpenedReturn:
    code: str
    order_id: str
    priority: bool
    refund_amount: Decimal
    created: bool  # False when the same items already had an open return


@dataclass(frozen=True)
class ReturnView:
    code: str
    order_id: str
    status: str
    reason: str
    created_at: datetime
    items: Tuple[str, ...]
    refund_amount: Decimal | None
    refund_status: str | None
    refund_promised: date | None
    refund_paid_at: datetime | None

    def refund_overdue(self, today: date) -> bool:
        """Promised, unpaid and past its day."""
        return (self.refund_paid_at is None and self.refund_promised is not None
                and self.refund_promised < today)


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
        """Opening and closing time of the agent desk on an ISO weekday, None if closed.

        "24:00" closes at the day's end: "00:00-24:00" every day is a desk open around the
        clock, which "00:00-23:59" is not (it closes for a minute each night).
        """
        span = self.support_open.get(weekday)
        if not span:
            return None
        start, end = (part.strip() for part in span.split("-"))
        return time.fromisoformat(start), time.max if end == "24:00" else time.fromisoformat(end)

    def is_support_open(self, local_now: datetime) -> bool:
        hours = self.opening_hours(local_now.isoweekday())
        return hours is not None and hours[0] <= local_now.time() < hours[1]

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

@dataclass(frozen=True)
class ProductView:
    product_id: str
    name: str
    brand: str
    category_slug: str
    category_name: str
    price: Decimal
    rating: float
    rating_count: int
    description: str


class ProductMode(str, enum.Enum):
    """What a product search is for."""

    ASKED = "asked"  # what the shopper's words ask for
    PERSONAL = "personal"  # what goes with a verified customer's purchases
    SIMILAR = "similar"  # products like one already shown


class ProductOutcome(str, enum.Enum):
    FOUND = "found"
    OVER_BUDGET = "over_budget"  # the asked kind exists, but not within the budget
    NOT_FOUND = "not_found"  # nothing of the asked kind at all
    VAGUE = "vague"  # nothing to search by: ask one question


@dataclass(frozen=True)
class ProductQuery:
    """A search as the dialogue asks for it; the backend reads the shopper's words."""

    mode: ProductMode
    text: str = ""
    product_id: str | None = None  # the product to find similar ones to
    customer_id: str | None = None  # a verified customer: personal suggestions allowed
    offset: int = 0
    limit: int = 5


@dataclass(frozen=True)
class ProductAnswer:
    outcome: ProductOutcome
    mode: ProductMode  # may differ from the query's: "bana ne önerirsin" becomes personal
    products: Tuple[ProductView, ...] = ()
    more: bool = False  # more products fit beyond this page
    cheapest: ProductView | None = None  # of the asked kind, when over budget
    because: Tuple[str, ...] = ()  # the bought products personal suggestions go with
    similar_to: str | None = None  # the name of the product similar ones are like
    gift: bool = False  # a vague request for a gift: ask for whom, not what kind
