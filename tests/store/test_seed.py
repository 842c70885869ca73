"""The demo shop: complete, realistic and the same every time."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, inspect, select

from bot.database.engine import Database
from bot.schema import create_schema, metadatas, seed_demo
from bot.store.models import (
    Category,
    Customer,
    Order,
    OrderStatus,
    Product,
    ProductDocument,
    Refund,
    Return,
    Shipment,
)
from bot.store.seed import is_seeded

TZ = ZoneInfo("Europe/Istanbul")
DAY = date(2026, 11, 22)


def _dump(database: Database) -> dict:
    """Every row of every table, in primary-key order (password hashes are salted at random,
    as they must be, so they are left out)."""
    rows = {}
    with database.engine.connect() as connection:
        for table in (t for metadata in metadatas() for t in metadata.sorted_tables):
            columns = [c for c in table.columns if c.name != "password_hash"]
            query = select(*columns).order_by(*table.primary_key.columns)
            rows[table.name] = [tuple(row) for row in connection.execute(query)]
    return rows


def test_seed_fills_every_state(any_database: Database) -> None:
    assert not is_seeded(any_database)
    assert seed_demo(any_database, DAY, TZ) == 300
    assert is_seeded(any_database)
    with any_database.unit_of_work() as session:
        count = lambda model: session.execute(select(func.count()).select_from(model)).scalar()  # noqa: E731
        assert count(Category) >= 60
        assert count(Product) >= 300
        assert count(ProductDocument) == count(Product)  # every product is searchable
        assert count(Customer) == 40
        assert count(Order) == 300
        statuses = set(session.execute(select(Order.status).distinct()).scalars())
        assert statuses == {status.value for status in OrderStatus}
        late = session.execute(
            select(func.count()).select_from(Shipment).join(Order)
            .where(Order.status == OrderStatus.SHIPPED.value, Shipment.estimated_delivery < DAY)
        ).scalar()
        assert late >= 5
        assert count(Return) > 10 and count(Refund) > 10
        empty_categories = session.execute(
            select(Category.slug).where(Category.parent_slug.is_not(None),
                                        ~Category.slug.in_(select(Product.category_slug)))
        ).all()
        assert empty_categories == []


def test_seed_is_deterministic(tmp_path) -> None:
    first, second = (Database(f"sqlite:///{tmp_path / name}") for name in ("a.db", "b.db"))
    seed_demo(first, DAY, TZ)
    seed_demo(second, DAY, TZ)
    assert _dump(first) == _dump(second)


def test_lookups_are_indexed(fresh_sqlite: Database) -> None:
    create_schema(fresh_sqlite)
    inspector = inspect(fresh_sqlite.engine)

    def indexed(table: str) -> set:
        columns = {tuple(i["column_names"]) for i in inspector.get_indexes(table)}
        columns |= {tuple(c["column_names"]) for c in inspector.get_unique_constraints(table)}
        return columns

    assert ("customer_id", "placed_at") in indexed("orders")
    assert ("phone",) in indexed("customers")
    assert ("email",) in indexed("customers")
    assert ("order_id",) in indexed("shipments")
    assert ("shipment_id",) in indexed("shipment_events")
    assert ("order_id",) in indexed("order_lines")
    assert ("category_slug", "price") in indexed("products")
    assert ("product_id", "name", "value") in {
        tuple(inspector.get_pk_constraint("product_attributes")["constrained_columns"])}
