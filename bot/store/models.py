"""The demo shop's tables (SQLAlchemy 1.4, declarative, used in 2.0 style).

Order numbers are the orders' primary keys: shoppers read them off their e-mails, so they are
8-digit numbers chosen by the shop, not database counters. Money is :class:`Money` (exact
kuruş); moments are timezone-naive UTC, days are plain dates in the shop's timezone.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import declarative_base, relationship

from bot.shop.types import OrderStatus, RefundStatus, ReturnStatus  # noqa: F401 (re-exported)

# The demo shop's own metadata: a shop on its own platform never creates these tables.
StoreBase: Any = declarative_base()

KURUS = Decimal("0.01")


class Money(TypeDecorator):
    """Turkish lira as an exact ``Decimal``, stored as whole kuruş.

    SQLite has no decimal type and would round through floats; integers are exact everywhere.
    """

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> int | None:
        return None if value is None else int((Decimal(str(value)) * 100).to_integral_value())

    def process_result_value(self, value: Any, dialect: Any) -> Decimal | None:
        return None if value is None else (Decimal(value) / 100).quantize(KURUS)


MONEY = Money()


class Customer(StoreBase):
    __tablename__ = "customers"

    id = Column(Integer, primary_key=True)
    full_name = Column(String(120), nullable=False)
    email = Column(String(254), nullable=False, unique=True)
    # Ten national digits without the leading 0 or +90, as `identity.normalise_phone` makes them.
    phone = Column(String(10), nullable=False, index=True)
    city = Column(String(60), nullable=False)
    created_at = Column(DateTime, nullable=False)

    orders = relationship("Order", back_populates="customer")


class Category(StoreBase):
    """A department (no parent) or a category of products inside one."""

    __tablename__ = "categories"

    slug = Column(String(40), primary_key=True)
    name = Column(String(80), nullable=False)
    parent_slug = Column(ForeignKey("categories.slug"), index=True)
    position = Column(Integer, nullable=False, default=0)  # the shop's order of categories
    returnable = Column(Boolean, nullable=False, default=True)
    # Comma-separated words shoppers use for the whole category ("kulaklık,earbuds").
    keywords = Column(Text, nullable=False, default="")
    # Kinds of product inside the category, as JSON {words a product's text has: [what
    # shoppers say]}: {"eşofman altı": ["eşofman altı"], "maskara": ["maskara", "rimel"]}.
    types = Column(Text, nullable=False, default="{}")
    # Comma-separated categories whose products this one's go with ("telefon kılıfı" is
    # asked for with "telefon" in the same breath: the accessory is what is wanted).
    accessory_for = Column(Text, nullable=False, default="")


class Product(StoreBase):
    __tablename__ = "products"

    id = Column(Integer, primary_key=True)
    sku = Column(String(20), nullable=False, unique=True)
    name = Column(String(160), nullable=False)
    category_slug = Column(ForeignKey("categories.slug"), nullable=False)
    brand = Column(String(60), nullable=False)
    price = Column(MONEY, nullable=False)
    stock = Column(Integer, nullable=False)
    rating = Column(Float, nullable=False)
    rating_count = Column(Integer, nullable=False)
    tags = Column(Text, nullable=False, default="")
    description = Column(Text, nullable=False, default="")
    # The rating weighted by how many rated (bot/store/search.py `quality`), kept with it.
    quality = Column(Float, nullable=False, default=0.0)

    category = relationship("Category")
    attributes = relationship("ProductAttribute", order_by="ProductAttribute.name",
                              cascade="all, delete-orphan")

    __table_args__ = (Index("ix_products_category_price", "category_slug", "price"),
                      Index("ix_products_category_quality", "category_slug", "quality"))


class ProductAttribute(StoreBase):
    """One value of one attribute of a product ("connection" = "wireless"); several values
    of one attribute are several rows. Keys and values are those of product_words.yml."""

    __tablename__ = "product_attributes"

    product_id = Column(ForeignKey("products.id"), primary_key=True)
    name = Column(String(40), primary_key=True)
    value = Column(String(60), primary_key=True)


class ProductDocument(StoreBase):
    """A product's searchable text, as the search index reads it (bot/store/search.py adds
    each backend's full-text index over it)."""

    __tablename__ = "product_documents"

    product_id = Column(ForeignKey("products.id"), primary_key=True)
    category = Column(String(60), nullable=False)
    body = Column(Text, nullable=False)


# The full-text indexes over product_documents, one per backend, kept by the database itself.
# SQLite: an FTS5 table reading its text from product_documents, updated by triggers; the body
# is folded and split by bot/store/search.py, so FTS5's simple tokenizer is all it needs.
# PostgreSQL: a stored tsvector with the 'simple' configuration (the text is folded already,
# and PostgreSQL's Turkish stemmer expects Turkish letters) and a GIN index.
_FTS = "product_fts"
_SQLITE_SEARCH = (
    f"CREATE VIRTUAL TABLE {_FTS} USING fts5(category, body, content='product_documents', "
    "content_rowid='product_id', tokenize='unicode61 remove_diacritics 2', prefix='3 4 5')",
    f"CREATE TRIGGER product_documents_ai AFTER INSERT ON product_documents BEGIN "
    f"INSERT INTO {_FTS}(rowid, category, body) VALUES (new.product_id, new.category, new.body); "
    "END",
    f"CREATE TRIGGER product_documents_ad AFTER DELETE ON product_documents BEGIN "
    f"INSERT INTO {_FTS}({_FTS}, rowid, category, body) "
    "VALUES ('delete', old.product_id, old.category, old.body); END",
    f"CREATE TRIGGER product_documents_au AFTER UPDATE ON product_documents BEGIN "
    f"INSERT INTO {_FTS}({_FTS}, rowid, category, body) "
    "VALUES ('delete', old.product_id, old.category, old.body); "
    f"INSERT INTO {_FTS}(rowid, category, body) VALUES (new.product_id, new.category, new.body); "
    "END",
)
_POSTGRES_SEARCH = (
    "ALTER TABLE product_documents ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED",
    "CREATE INDEX ix_product_documents_search ON product_documents USING gin (search_vector)",
)
for _statement in _SQLITE_SEARCH:
    event.listen(ProductDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
for _statement in _POSTGRES_SEARCH:
    event.listen(ProductDocument.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="postgresql"))
event.listen(ProductDocument.__table__, "before_drop",
             DDL(f"DROP TABLE IF EXISTS {_FTS}").execute_if(dialect="sqlite"))


class Order(StoreBase):
    __tablename__ = "orders"

    id = Column(BigInteger, primary_key=True, autoincrement=False)
    customer_id = Column(ForeignKey("customers.id"), nullable=False)
    status = Column(String(20), nullable=False)
    placed_at = Column(DateTime, nullable=False)
    subtotal = Column(MONEY, nullable=False)
    shipping_fee = Column(MONEY, nullable=False)
    total = Column(MONEY, nullable=False)
    payment_method = Column(String(30), nullable=False)
    shipping_address = Column(Text, nullable=False)
    cancelled_at = Column(DateTime)

    customer = relationship("Customer", back_populates="orders")
    lines = relationship("OrderLine", back_populates="order", order_by="OrderLine.id")
    shipment = relationship("Shipment", back_populates="order", uselist=False)
    returns = relationship("Return", back_populates="order", order_by="Return.id")

    __table_args__ = (Index("ix_orders_customer_placed", "customer_id", "placed_at"),)


class OrderLine(StoreBase):
    __tablename__ = "order_lines"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    product_id = Column(ForeignKey("products.id"), nullable=False, index=True)
    quantity = Column(Integer, nullable=False)
    unit_price = Column(MONEY, nullable=False)

    order = relationship("Order", back_populates="lines")
    product = relationship("Product")


class Shipment(StoreBase):
    __tablename__ = "shipments"

    id = Column(Integer, primary_key=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, unique=True)
    carrier = Column(String(40), nullable=False)
    tracking_number = Column(String(30), nullable=False, unique=True)
    shipped_at = Column(DateTime)
    # The promised day, when the carrier gave one; None means nobody may promise a day.
    estimated_delivery = Column(Date)
    delivered_at = Column(DateTime)

    order = relationship("Order", back_populates="shipment")
    events = relationship(
        "ShipmentEvent", back_populates="shipment", order_by="ShipmentEvent.occurred_at"
    )


class ShipmentEvent(StoreBase):
    __tablename__ = "shipment_events"

    id = Column(Integer, primary_key=True)
    shipment_id = Column(ForeignKey("shipments.id"), nullable=False, index=True)
    occurred_at = Column(DateTime, nullable=False)
    code = Column(String(40), nullable=False)
    description = Column(String(200), nullable=False)
    location = Column(String(120))

    shipment = relationship("Shipment", back_populates="events")


class Return(StoreBase):
    __tablename__ = "returns"

    id = Column(Integer, primary_key=True)
    code = Column(String(20), nullable=False, unique=True)
    order_id = Column(ForeignKey("orders.id"), nullable=False, index=True)
    reason = Column(String(40), nullable=False)
    status = Column(String(20), nullable=False)
    priority = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False)
    updated_at = Column(DateTime, nullable=False)

    order = relationship("Order", back_populates="returns")
    lines = relationship("ReturnLine", back_populates="return_", order_by="ReturnLine.id")
    refund = relationship("Refund", back_populates="return_", uselist=False)


class ReturnLine(StoreBase):
    __tablename__ = "return_lines"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("returns.id"), nullable=False, index=True)
    order_line_id = Column(ForeignKey("order_lines.id"), nullable=False, index=True)
    quantity = Column(Integer, nullable=False)

    return_ = relationship("Return", back_populates="lines")
    order_line = relationship("OrderLine")


class Refund(StoreBase):
    __tablename__ = "refunds"

    id = Column(Integer, primary_key=True)
    return_id = Column(ForeignKey("returns.id"), nullable=False, unique=True)
    amount = Column(MONEY, nullable=False)
    status = Column(String(20), nullable=False)
    promised_date = Column(Date, nullable=False)
    paid_at = Column(DateTime)

    return_ = relationship("Return", back_populates="refund")


class Coupon(StoreBase):
    __tablename__ = "coupons"

    code = Column(String(30), primary_key=True)
    description = Column(String(200), nullable=False)
    percent_off = Column(Integer)
    amount_off = Column(MONEY)
    min_order_total = Column(MONEY, nullable=False, default=0)
    valid_until = Column(Date, nullable=False)
    active = Column(Boolean, nullable=False, default=True)


class Policy(StoreBase):
    """One shop policy value, JSON-encoded so numbers and tables keep their types."""

    __tablename__ = "policies"

    key = Column(String(60), primary_key=True)
    value = Column(Text, nullable=False)

