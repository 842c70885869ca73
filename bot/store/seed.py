"""A deterministic, realistic Turkish demo shop.

The same seed day gives the same rows every time (one fixed random generator, no clock reads
beyond the seed day), so tests and the README can name demo orders. Dates are relative to the
seed day, so a freshly seeded shop always has orders on their way, late, delivered and
returned "now". The words (products, names, carriers, tracking texts) live in ``data/*.yml``.
"""

from __future__ import annotations

import json
import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Sequence
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy import func, inspect, select
from sqlalchemy.orm import Session

from bot.database.engine import Database
from bot.shop.types import ShopPolicies
from bot.store.models import (
    Category,
    Coupon,
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    ProductAttribute,
    Refund,
    RefundStatus,
    Return,
    ReturnLine,
    ReturnStatus,
    Shipment,
    ShipmentEvent,
)
from bot.store.policies import coerce_policies, load_policy_file, write_policies
from bot.store.search import index_products
from bot.text.formatting import local_day

DATA_DIR = Path(__file__).parent / "data"
RANDOM_SEED = 20261122
CUSTOMER_COUNT = 40
ORDER_COUNT = 300
FIRST_GENERATED_ORDER = 10050000

# Share of generated orders in each state; every state also has a demo order.
STATE_WEIGHTS = {
    "preparing": 8,
    "shipped": 10,
    "out_for_delivery": 5,
    "late": 5,
    "delivered": 50,
    "cancelled": 7,
    "returned": 7,
    "return_awaiting_dropoff": 2,
    "return_in_transit": 2,
    "return_received": 2,
    "return_inspected": 1,
    "refund_overdue": 1,
}
PAYMENT_METHODS = ("credit_card", "credit_card", "debit_card", "bank_transfer", "cash_on_delivery")
RETURN_REASONS = ("size", "damaged", "wrong_item", "not_as_described", "changed_mind")


def _load(name: str) -> Dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _ascii(text: str) -> str:
    """"Çağla Şahin" -> "cagla sahin", for e-mail local parts."""
    folded = text.lower().replace("ı", "i")
    return unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()


@dataclass
class _Context:
    """What every order builder needs: the generator, the calendar and the word lists."""

    rng: random.Random
    today: date
    tz: ZoneInfo
    policies: ShopPolicies
    people: Dict[str, Any]
    products: List[Product]
    session: Session
    return_counter: int = 0

    def at(self, days_ago: int, hour: int, minute: int = 0) -> datetime:
        """A local moment ``days_ago`` days before the seed day, as naive UTC."""
        local = datetime.combine(self.today - timedelta(days=days_ago), time(hour, minute))
        return local.replace(tzinfo=self.tz).astimezone(timezone.utc).replace(tzinfo=None)

    def hour(self) -> int:
        return self.rng.randint(9, 20)


def _load_catalog() -> List[Dict[str, Any]]:
    """The departments of the catalogue, one file each, in file-name order."""
    return [yaml.safe_load(path.read_text("utf-8"))
            for path in sorted((DATA_DIR / "catalog").glob("*.yml"))]


def _seed_catalog(ctx: _Context, departments: Sequence[Dict[str, Any]]) -> None:
    number = 0
    for department in departments:
        number += 1
        ctx.session.add(Category(slug=department["slug"], name=department["name"],
                                 position=number, returnable=department["returnable"],
                                 keywords=",".join(department["keywords"])))
        for category in department["categories"]:
            number += 1
            ctx.session.add(Category(
                slug=category["slug"], name=category["name"], parent_slug=department["slug"],
                position=number,
                returnable=category.get("returnable", department["returnable"]),
                keywords=",".join(category["keywords"]),
                types=json.dumps(category.get("types") or {}, ensure_ascii=False),
                accessory_for=",".join(category.get("accessory_for", []))))
            for index, item in enumerate(category["products"], start=1):
                attributes = [ProductAttribute(name=name, value=str(value))
                              for name, values in sorted(item["attributes"].items())
                              for value in (values if isinstance(values, list) else [values])]
                product = Product(
                    sku=f"AM-{number:03d}{index:03d}",
                    name=item["name"],
                    category_slug=category["slug"],
                    brand=str(item["brand"]),
                    price=Decimal(str(item["price"])).quantize(Decimal("0.01")),
                    stock=item["stock"],
                    rating=item["rating"],
                    rating_count=item["rating_count"],
                    tags=",".join(item["tags"]),
                    description=item["description"],
                    attributes=attributes,
                )
                ctx.session.add(product)
                ctx.products.append(product)
    ctx.session.flush()
    index_products(ctx.session)


def _seed_customers(ctx: _Context, demo: Sequence[Dict[str, Any]]) -> List[Customer]:
    people = ctx.people
    customers = [
        Customer(created_at=ctx.at(400, 12), **fields_) for fields_ in demo
    ]
    used_emails = {customer.email for customer in customers}
    while len(customers) < CUSTOMER_COUNT:
        first = ctx.rng.choice(people["first_names"])
        last = ctx.rng.choice(people["last_names"])
        local = f"{_ascii(first)}.{_ascii(last)}".replace(" ", "")
        email = f"{local}@{ctx.rng.choice(people['email_domains'])}"
        if email in used_emails:
            email = f"{local}{ctx.rng.randint(1, 99)}@{ctx.rng.choice(people['email_domains'])}"
        if email in used_emails:
            continue
        used_emails.add(email)
        customers.append(
            Customer(
                full_name=f"{first} {last}",
                email=email,
                phone="5" + "".join(str(ctx.rng.randint(0, 9)) for _ in range(9)),
                city=ctx.rng.choice(people["cities"])["city"],
                created_at=ctx.at(ctx.rng.randint(130, 900), ctx.hour()),
            )
        )
    ctx.session.add_all(customers)
    ctx.session.flush()
    return customers


def _address(ctx: _Context, city_name: str) -> str:
    city = next(
        (c for c in ctx.people["cities"] if c["city"] == city_name), ctx.people["cities"][0]
    )
    return (
        f"{ctx.rng.choice(city['streets'])} No: {ctx.rng.randint(1, 120)}/"
        f"{ctx.rng.randint(1, 20)}, {ctx.rng.choice(city['districts'])}/{city['city']}"
    )


def _new_order(ctx: _Context, number: int, customer: Customer, placed_days_ago: int,
               names: Sequence[str] = ()) -> Order:
    """An order of ``names`` (demo orders, so their story is known) or of random products."""
    if names:
        by_name = {p.name: p for p in ctx.products}
        chosen = [by_name[name] for name in names]
    else:
        in_stock = [p for p in ctx.products if p.stock > 0]
        chosen = ctx.rng.sample(in_stock, ctx.rng.choice((1, 1, 2, 3)))
    lines = [
        OrderLine(product=product, quantity=1 if names else ctx.rng.choice((1, 1, 1, 2)),
                  unit_price=product.price)
        for product in chosen
    ]
    subtotal = sum((line.unit_price * line.quantity for line in lines), Decimal("0"))
    fee = Decimal("0") if subtotal >= ctx.policies.free_shipping_threshold else (
        ctx.policies.shipping_fee
    )
    order = Order(
        id=number,
        customer=customer,
        status=OrderStatus.PREPARING.value,
        placed_at=ctx.at(placed_days_ago, ctx.hour(), ctx.rng.randint(0, 59)),
        subtotal=subtotal,
        shipping_fee=fee,
        total=subtotal + fee,
        payment_method=ctx.rng.choice(PAYMENT_METHODS),
        shipping_address=_address(ctx, customer.city),
        lines=lines,
    )
    ctx.session.add(order)
    return order


def _ship(
    ctx: _Context,
    order: Order,
    shipped_days_ago: int,
    transit_days: int,
    event_codes: Iterable[str],
    last_event_at: datetime | None = None,
) -> Shipment:
    """Hand the order to a carrier and log its tracking events, one day apart."""
    carrier = ctx.rng.choice(ctx.people["carriers"])
    tracking = carrier["tracking_prefix"] + "".join(
        str(ctx.rng.randint(0, 9)) for _ in range(10)
    )
    shipment = Shipment(
        order=order,
        carrier=carrier["name"],
        tracking_number=tracking,
        shipped_at=ctx.at(shipped_days_ago, 16),
        estimated_delivery=ctx.today - timedelta(days=shipped_days_ago - transit_days),
    )
    codes = list(event_codes)
    start = shipment.shipped_at + timedelta(minutes=ctx.rng.randint(20, 90))
    # Events spread evenly from pick-up to the end, which is never later than this morning.
    end = min(start + timedelta(hours=16 * (len(codes) - 1)), ctx.at(0, 8))
    if last_event_at is not None:
        end = last_event_at
    span = max(end - start, timedelta(0))
    for step, code in enumerate(codes):
        location = (
            order.customer.city
            if code in ("arrived_branch", "out_for_delivery", "delivered")
            else ctx.rng.choice(ctx.people["transfer_hubs"])
        )
        fraction = step / (len(codes) - 1) if len(codes) > 1 else 0
        shipment.events.append(
            ShipmentEvent(
                occurred_at=start + span * fraction,
                code=code,
                description=ctx.people["shipment_events"][code],
                location=location,
            )
        )
    ctx.session.add(shipment)
    order.status = OrderStatus.SHIPPED.value
    return shipment


def _deliver(ctx: _Context, order: Order, placed_days_ago: int) -> Shipment:
    transit = ctx.rng.randint(ctx.policies.delivery_days_min, ctx.policies.delivery_days_max)
    shipped = max(placed_days_ago - 1, transit)
    delivered_at = ctx.at(shipped - transit, 14, ctx.rng.randint(0, 59))
    shipment = _ship(
        ctx,
        order,
        shipped,
        transit,
        ("picked_up", "in_transit", "arrived_branch", "out_for_delivery", "delivered"),
        last_event_at=delivered_at,
    )
    shipment.delivered_at = delivered_at
    order.status = OrderStatus.DELIVERED.value
    return shipment


def _open_return(
    ctx: _Context, order: Order, shipment: Shipment, status: ReturnStatus, days_after: int
) -> Return:
    """A return of the order's first line, opened ``days_after`` days after delivery."""
    ctx.return_counter += 1
    reason = ctx.rng.choice(RETURN_REASONS)
    opened = shipment.delivered_at + timedelta(days=days_after)
    record = Return(
        code=f"IADE-{ctx.return_counter:05d}",
        order=order,
        reason=reason,
        status=status.value,
        priority=reason in ("damaged", "wrong_item"),
        created_at=opened,
        updated_at=opened,
    )
    line = order.lines[0]
    record.lines.append(ReturnLine(order_line=line, quantity=line.quantity))
    ctx.session.add(record)
    return record


def _refund(ctx: _Context, record: Return, received: datetime, paid: bool) -> Refund:
    line = record.lines[0].order_line
    refund = Refund(
        return_=record,
        amount=line.unit_price * line.quantity,
        status=RefundStatus.PAID.value if paid else RefundStatus.PENDING.value,
        promised_date=local_day(received, ctx.tz) + timedelta(days=ctx.policies.refund_days),
    )
    if paid:
        refund.paid_at = received + timedelta(days=ctx.rng.randint(2, ctx.policies.refund_days))
    ctx.session.add(refund)
    return refund


def _build_order(ctx: _Context, number: int, customer: Customer, state: str,
                 placed_days_ago: int | None, names: Sequence[str] = ()) -> Order:
    """Create one order in ``state`` with everything that state implies."""
    rng = ctx.rng
    defaults: Dict[str, Callable[[], int]] = {
        "preparing": lambda: rng.randint(0, 1),
        "shipped": lambda: rng.randint(1, 2),
        "out_for_delivery": lambda: rng.randint(2, 3),
        "late": lambda: rng.randint(7, 9),
        "cancelled": lambda: rng.randint(2, 60),
        "returned": lambda: rng.randint(25, 90),
        "return_awaiting_dropoff": lambda: rng.randint(6, 10),
        "return_in_transit": lambda: rng.randint(7, 11),
        "return_received": lambda: rng.randint(9, 12),
        "return_inspected": lambda: rng.randint(10, 13),
        "refund_overdue": lambda: rng.randint(26, 30),
    }
    days = placed_days_ago if placed_days_ago is not None else defaults.get(
        state, lambda: rng.randint(4, 120)
    )()
    order = _new_order(ctx, number, customer, days, names)
    if state == "preparing":
        return order
    if state == "cancelled":
        order.status = OrderStatus.CANCELLED.value
        order.cancelled_at = order.placed_at + timedelta(hours=rng.randint(1, 20))
        return order
    if state == "shipped":
        _ship(ctx, order, days - 1 if days > 1 else 0, rng.randint(2, 3),
              ("picked_up", "in_transit"))
        return order
    if state == "out_for_delivery":
        _ship(ctx, order, days - 1, days - 1,
              ("picked_up", "in_transit", "arrived_branch", "out_for_delivery"))
        order.status = OrderStatus.OUT_FOR_DELIVERY.value
        return order
    if state == "late":
        _ship(ctx, order, days - 1, rng.randint(2, 3), ("picked_up", "in_transit", "delayed"))
        return order
    shipment = _deliver(ctx, order, days)
    if state == "delivered":
        return order
    if state == "returned":
        record = _open_return(ctx, order, shipment, ReturnStatus.REFUNDED, rng.randint(1, 5))
        received = record.created_at + timedelta(days=3)
        refund = _refund(ctx, record, received, paid=True)
        record.updated_at = refund.paid_at
        order.status = OrderStatus.RETURNED.value
        return order
    status = {
        "return_awaiting_dropoff": ReturnStatus.AWAITING_DROPOFF,
        "return_in_transit": ReturnStatus.IN_TRANSIT,
        "return_received": ReturnStatus.RECEIVED,
        "return_inspected": ReturnStatus.INSPECTED,
        "refund_overdue": ReturnStatus.INSPECTED,
    }[state]
    record = _open_return(ctx, order, shipment, status, 1)
    if status in (ReturnStatus.RECEIVED, ReturnStatus.INSPECTED):
        received = record.created_at + timedelta(days=2)
        record.updated_at = received
        _refund(ctx, record, received, paid=False)
    return order


def _seed_coupons(ctx: _Context) -> None:
    ctx.session.add_all(
        [
            Coupon(code="HOSGELDIN10", description="İlk siparişe %10 indirim", percent_off=10,
                   min_order_total=Decimal("300"), valid_until=ctx.today + timedelta(days=90)),
            Coupon(code="KARGO0", description="Kargo bedava", amount_off=Decimal("49.90"),
                   min_order_total=Decimal("250"), valid_until=ctx.today + timedelta(days=30)),
            Coupon(code="YAZ2026", description="Yaz indirimi", percent_off=15,
                   min_order_total=Decimal("1000"), valid_until=ctx.today - timedelta(days=60),
                   active=False),
        ]
    )


def _order_plan(rng: random.Random, demo_orders: Sequence[Dict[str, Any]],
                customers: Sequence[Customer]) -> List[Dict[str, Any]]:
    """Demo orders first, then generated ones with increasing numbers and weighted states."""
    plan = [dict(order, customer=customers[order["customer"]]) for order in demo_orders]
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    number = FIRST_GENERATED_ORDER
    while len(plan) < ORDER_COUNT:
        number += rng.randint(7, 61)
        plan.append(
            {
                "number": number,
                "customer": rng.choice(customers),
                "state": rng.choices(states, weights)[0],
            }
        )
    return plan


def is_seeded(database: Database) -> bool:
    """Whether the demo shop's tables exist and hold customers."""
    if not inspect(database.engine).has_table(Customer.__tablename__):
        return False
    with database.unit_of_work() as session:
        return session.execute(select(func.count(Customer.id))).scalar_one() > 0


def seed_shop(database: Database, today: date, tz: ZoneInfo, progress: bool = False) -> int:
    """Fill the demo shop's (existing, empty) tables; returns the order count."""
    from tqdm import tqdm

    raw_policies = load_policy_file()
    demo = _load("demo.yml")
    with database.unit_of_work() as session:
        write_policies(session, raw_policies)
        ctx = _Context(
            rng=random.Random(RANDOM_SEED),
            today=today,
            tz=tz,
            policies=coerce_policies(raw_policies),
            people=_load("people.yml"),
            products=[],
            session=session,
        )
        _seed_catalog(ctx, _load_catalog())
        customers = _seed_customers(ctx, demo["customers"])
        plan = _order_plan(ctx.rng, demo["orders"], customers)
        for item in tqdm(plan, desc="orders", unit="order", disable=not progress):
            _build_order(ctx, item["number"], item["customer"], item["state"],
                         item.get("placed_days_ago"), item.get("products", ()))
        _seed_coupons(ctx)
    return len(plan)
