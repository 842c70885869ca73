"""Order look-ups on a big shop: the store layer's queries at 1,000,000 orders.

The demo shop is seeded first (real catalogue, customers, policies); generated customers and
orders, with their lines, shipments and tracking events, then fill it up to the wanted
order count with bulk inserts. Building takes a minute or two, so a SQLite store is kept
under ``runtime/bench/`` and a PostgreSQL database is kept as it is, and both are reused
while they hold the wanted count. The look-ups are the product's own functions
(bot.store.orders), each in its own unit of work as the actions run them.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Callable, Dict, Iterator, List

from sqlalchemy import create_engine, func, inspect, select, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.orm import Session

from bot.database.engine import Database
from bot.schema import drop_schema, seed_demo
from bot.settings import get_settings
from bot.store.models import Order, OrderStatus, Product, StoreBase
from bot.store.orders import find_order_for_contact, find_order_for_customer, recent_orders
from bot.store.seed import ORDER_COUNT as DEMO_ORDERS
from bot.text.contacts import Contact

FIRST_ORDER = 20_000_000
FIRST_CUSTOMER = 100_000
ORDERS_PER_CUSTOMER = 10
BATCH = 20_000
CARRIERS = ("Yurtiçi Kargo", "Aras Kargo", "MNG Kargo", "PTT Kargo")
STATUSES = (OrderStatus.DELIVERED.value,) * 6 + (
    OrderStatus.SHIPPED.value, OrderStatus.OUT_FOR_DELIVERY.value,
    OrderStatus.PREPARING.value, OrderStatus.CANCELLED.value)
EVENTS = ("Kargo şubeye teslim edildi", "Transfer merkezinde", "Teslimat şubesine ulaştı",
          "Dağıtıma çıktı", "Teslim edildi")
EPOCH = datetime(2025, 1, 1, 10, 0)


@dataclass(frozen=True)
class Generated:
    """Which generated order belongs to whom: the same arithmetic builds and queries."""

    orders: int  # generated orders (the demo shop's own come on top)

    def order_id(self, index: int) -> int:
        return FIRST_ORDER + index

    def customer_id(self, index: int) -> int:
        return FIRST_CUSTOMER + index // ORDERS_PER_CUSTOMER

    @staticmethod
    def email(customer_id: int) -> str:
        return f"musteri{customer_id}@example.com"


def _rows(count: int, make: Callable[[int], Dict[str, object] | None]) -> Iterator[List[dict]]:
    """Rows ``make(0..count-1)`` in batches, skipping the Nones."""
    batch: List[dict] = []
    for index in range(count):
        row = make(index)
        if row is not None:
            batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _insert(connection: Connection, table: str, batches: Iterator[List[dict]]) -> None:
    target = StoreBase.metadata.tables[table]
    for batch in batches:
        connection.execute(target.insert(), batch)


def _fill(database: Database, generated: Generated) -> None:
    """Bulk-insert the generated customers and orders (SQLAlchemy Core, executemany)."""
    with database.unit_of_work() as session:
        products = session.execute(select(Product.id, Product.price)).all()
    customers = -(-generated.orders // ORDERS_PER_CUSTOMER)
    ships = {OrderStatus.DELIVERED.value, OrderStatus.SHIPPED.value,
             OrderStatus.OUT_FOR_DELIVERY.value}

    def customer(index: int) -> dict:
        number = FIRST_CUSTOMER + index
        return {"id": number, "full_name": f"Müşteri {number}", "email": generated.email(number),
                "phone": f"5{number:09d}", "city": "İstanbul", "created_at": EPOCH}

    def order(index: int) -> dict:
        product_id, price = products[index % len(products)]
        status = STATUSES[index % len(STATUSES)]
        return {"id": generated.order_id(index), "customer_id": generated.customer_id(index),
                "status": status, "placed_at": EPOCH + timedelta(minutes=index),
                "subtotal": price, "shipping_fee": Decimal("0"), "total": price,
                "payment_method": "credit_card",
                "shipping_address": "Caferağa Mah. Moda Cad. No: 1/1, Kadıköy/İstanbul",
                "cancelled_at": None}

    def line(index: int) -> dict:
        product_id, price = products[index % len(products)]
        return {"id": FIRST_ORDER + index, "order_id": generated.order_id(index),
                "product_id": product_id, "quantity": 1, "unit_price": price}

    def shipment(index: int) -> dict | None:
        if STATUSES[index % len(STATUSES)] not in ships:
            return None
        shipped = EPOCH + timedelta(minutes=index, days=1)
        return {"id": FIRST_ORDER + index, "order_id": generated.order_id(index),
                "carrier": CARRIERS[index % len(CARRIERS)], "tracking_number": f"BN{index:010d}",
                "shipped_at": shipped, "estimated_delivery": date(2025, 1, 4),
                "delivered_at": None}

    def events(index: int) -> Iterator[dict]:
        if STATUSES[index % len(STATUSES)] not in ships:
            return
        for step in range(3):
            yield {"id": FIRST_ORDER * 4 + index * 3 + step, "shipment_id": FIRST_ORDER + index,
                   "occurred_at": EPOCH + timedelta(minutes=index, days=1, hours=8 * step),
                   "code": "in_transit", "description": EVENTS[step], "location": "İstanbul"}

    def event_batches() -> Iterator[List[dict]]:
        batch: List[dict] = []
        for index in range(generated.orders):
            batch.extend(events(index))
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch

    with database.engine.begin() as connection:
        _insert(connection, "customers", _rows(customers, customer))
        _insert(connection, "orders", _rows(generated.orders, order))
        _insert(connection, "order_lines", _rows(generated.orders, line))
        _insert(connection, "shipments", _rows(generated.orders, shipment))
        _insert(connection, "shipment_events", event_batches())


def _generated_orders(database: Database) -> int:
    """How many generated orders the store holds (0 when it has no schema yet)."""
    if not inspect(database.engine).has_table(Order.__tablename__):
        return 0
    with database.unit_of_work() as session:
        return session.execute(
            select(func.count(Order.id)).where(Order.id >= FIRST_ORDER)).scalar_one()


def _build(database: Database, total: int) -> None:
    tz = get_settings().timezone
    demo_orders = seed_demo(database, datetime.now(tz).date(), tz)
    _fill(database, Generated(total - demo_orders))
    analyze(database)


def analyze(database: Database) -> None:
    """Fresh planner statistics after a bulk fill."""
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
        c.execute(text("ANALYZE"))


def kept_sqlite(path: Path, what: str, build: Callable[[Database], None]) -> Database:
    """The SQLite store at ``path``, built first (under another name) if it is missing."""
    if not path.exists():
        partial = path.with_suffix(".building")
        for leftover in path.parent.glob(f"{partial.name}*"):
            leftover.unlink()
        print(f"Building a SQLite store with {what} (kept in {path})...", flush=True)
        database = Database(f"sqlite:///{partial}")
        build(database)
        database.dispose()
        partial.rename(path)
    return Database(f"sqlite:///{path}")


def kept_postgres(url: str, what: str, holds: Callable[[Database], bool],
                  build: Callable[[Database], None]) -> Database:
    """The PostgreSQL store at ``url``; (re)built unless it ``holds`` what is wanted."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                    {"n": parsed.database}).first()
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()
    database = Database(url)
    if not holds(database):
        print(f"Building PostgreSQL store {parsed.database} with {what}...", flush=True)
        drop_schema(database)
        build(database)
    return database


def sqlite_store(folder: Path, total: int) -> Database:
    """The cached SQLite store with ``total`` orders, built first if it is missing."""
    return kept_sqlite(folder / f"store-{total}.db", f"{total:,} orders",
                       lambda database: _build(database, total))


def postgres_store(url: str, total: int) -> Database:
    """The PostgreSQL store with ``total`` orders; (re)built when it holds another count."""
    return kept_postgres(url, f"{total:,} orders",
                         lambda database: _generated_orders(database) + DEMO_ORDERS == total,
                         lambda database: _build(database, total))


def lookup_times(database: Database, lookups: int, seed_: int = 7) -> Dict[str, List[float]]:
    """Seconds per call of each shopper-facing order query, over random generated orders.

    Every call must find its order: a look-up that misses would time the wrong path.
    """
    generated = Generated(_generated_orders(database))
    rng = random.Random(seed_)
    picks = [rng.randrange(generated.orders) for _ in range(lookups)]
    queries: Dict[str, Callable[[Session, int], object]] = {
        "order by number + e-mail": lambda session, i: find_order_for_contact(
            session, generated.order_id(i),
            Contact("email", generated.email(generated.customer_id(i)))),
        "order by number + verified customer": lambda session, i: find_order_for_customer(
            session, generated.order_id(i), generated.customer_id(i)),
        "recent orders of a customer": lambda session, i: recent_orders(
            session, generated.customer_id(i)),
    }
    times: Dict[str, List[float]] = {name: [] for name in queries}
    for name, query in queries.items():
        for index in picks[:100]:  # the first calls fill caches and the connection pool
            with database.unit_of_work() as session:
                query(session, index)
        for index in picks:
            started = time.perf_counter()
            with database.unit_of_work() as session:
                found = query(session, index)
            times[name].append(time.perf_counter() - started)
            if not found:
                raise AssertionError(f"{name}: generated order {index} not found")
    return times
