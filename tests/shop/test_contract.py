"""What every :class:`bot.shop.ShopBackend` must answer, run against each implementation:
the demo SQL store, and the same store behind the JSON API read by ``HttpShopBackend``.

A shop that plugs in its own platform can run this suite against its backend: the
expectations are the demo shop's data (bot/store/data/demo.yml), not either
implementation's internals.
"""

from __future__ import annotations

import asyncio
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import pytest

from bot.database.engine import Database
from bot.schema import seed_demo
from bot.shop import ShopBackend
from bot.shop.http import HttpShopBackend
from bot.shop.types import (
    CancelOutcome,
    OrderStatus,
    ProductMode,
    ProductOutcome,
    ProductQuery,
    ReturnBlock,
)
from bot.store.backend import SqlShopBackend
from bot.store.policies import coerce_policies, load_policy_file
from bot.text.contacts import Contact
from tools.shop_api import serving

TZ = ZoneInfo("Europe/Istanbul")
DAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0)
AYSE = Contact("email", "ayse.yilmaz@example.com")
AYSE_PHONE = Contact("phone", "5321112233")
MEHMET = Contact("email", "mehmet.demir@example.com")


@pytest.fixture(scope="module")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo shop seeded once; every test works on a copy of its own."""
    path = tmp_path_factory.mktemp("shop") / "store.db"
    database = Database(f"sqlite:///{path}")
    seed_demo(database, DAY, TZ)
    database.dispose()  # the last connection folds SQLite's write-ahead log into the file
    return path


@pytest.fixture(params=["sql", "http"])
def shop(request: pytest.FixtureRequest, seeded_file: Path, tmp_path: Path) -> Iterator[Any]:
    copy = tmp_path / "store.db"
    shutil.copy(seeded_file, copy)
    database = Database(f"sqlite:///{copy}")
    backend = SqlShopBackend(database)
    if request.param == "sql":
        yield backend
    else:
        with serving(backend) as url:
            yield HttpShopBackend(url, token="", timeout=10)
    database.dispose()


def ask(call: Any) -> Any:
    return asyncio.run(call)


def customer_of(shop: ShopBackend, order_id: str, contact: Contact) -> str:
    found = ask(shop.order_for_contact(order_id, contact))
    assert found is not None
    return found.customer_id


def test_policies_are_the_shops(shop: ShopBackend) -> None:
    assert ask(shop.policies()) == coerce_policies(load_policy_file())


def test_an_order_is_told_only_to_its_customer(shop: ShopBackend) -> None:
    by_email = ask(shop.order_for_contact("10045821", AYSE))
    assert by_email is not None and by_email == ask(shop.order_for_contact("10045821",
                                                                          AYSE_PHONE))
    assert by_email.status == OrderStatus.SHIPPED.value and by_email.items
    assert by_email.tracking_number and by_email.last_event is not None
    assert ask(shop.order_for_contact("10045821", MEHMET)) is None
    assert ask(shop.order_for_contact("19999999", AYSE)) is None
    assert ask(shop.order_for_contact("../10045821", AYSE)) is None
    ayse = by_email.customer_id
    assert ask(shop.order_for_customer("10045821", ayse)) == by_email
    mehmet = customer_of(shop, "10045826", MEHMET)
    assert ask(shop.order_for_customer("10045821", mehmet)) is None


def test_recent_orders_and_customer(shop: ShopBackend) -> None:
    ayse = customer_of(shop, "10045821", AYSE)
    recent = ask(shop.recent_orders(ayse, limit=3))
    assert len(recent) == 3
    assert [o.placed_at for o in recent] == sorted((o.placed_at for o in recent), reverse=True)
    view = ask(shop.customer(ayse))
    assert view is not None and (view.full_name, view.email) == ("Ayşe Yılmaz", AYSE.value)
    assert ask(shop.customer("0")) is None
    assert ask(shop.recent_orders("0")) == []


def test_cancel_only_before_shipping_and_only_once(shop: ShopBackend) -> None:
    ayse = customer_of(shop, "10045825", AYSE)
    assert ask(shop.cancel_order("10045825", ayse, NOW)) is CancelOutcome.CANCELLED
    assert ask(shop.cancel_order("10045825", ayse, NOW)) is CancelOutcome.ALREADY_CANCELLED
    assert ask(shop.cancel_order("10045821", ayse, NOW)) is CancelOutcome.ALREADY_SHIPPED
    assert ask(shop.cancel_order("10045826", ayse, NOW)) is CancelOutcome.NOT_FOUND
    cancelled = ask(shop.order_for_customer("10045825", ayse))
    assert cancelled.status == OrderStatus.CANCELLED.value and cancelled.cancelled_at == NOW


def test_returns_open_once_and_refuse_what_is_not_eligible(shop: ShopBackend) -> None:
    ayse = customer_of(shop, "10045824", AYSE)
    options = ask(shop.return_options("10045824", ayse, DAY))
    assert options.block is None and options.eligible
    line = options.eligible[0]
    first = ask(shop.open_return("10045824", ayse, [line.line_id], "damaged", NOW, DAY))
    again = ask(shop.open_return("10045824", ayse, [line.line_id], "damaged", NOW, DAY))
    assert first.created and not again.created and again.code == first.code
    assert first.priority and first.refund_amount == line.amount
    assert [r.code for r in ask(shop.returns(ayse, "10045824"))] == [first.code]
    mehmet = customer_of(shop, "10045828", MEHMET)
    old = ask(shop.return_options("10045828", mehmet, DAY))
    assert old.reason is ReturnBlock.WINDOW_CLOSED
    with pytest.raises(ValueError):
        ask(shop.open_return("10045828", mehmet, [old.lines[0].line_id], "size", NOW, DAY))
    assert ask(shop.return_options("10045824", mehmet, DAY)).reason is ReturnBlock.NOT_FOUND


def test_refunds_as_the_data_says(shop: ShopBackend) -> None:
    mehmet = customer_of(shop, "10045829", MEHMET)
    [overdue] = ask(shop.returns(mehmet, "10045830"))
    [paid] = ask(shop.returns(mehmet, "10045827"))
    assert overdue.refund_overdue(DAY) and overdue.refund_amount > 0
    assert paid.refund_status == "paid" and not paid.refund_overdue(DAY)
    assert len(ask(shop.returns(mehmet))) >= 3


def test_orders_placed_in_a_period(shop: ShopBackend) -> None:
    start = datetime.combine(DAY - timedelta(days=365), datetime.min.time())
    assert ask(shop.orders_placed(start, NOW + timedelta(days=1))) >= 10
    assert ask(shop.orders_placed(NOW + timedelta(days=1), NOW + timedelta(days=2))) == 0


def test_products_are_suggested_and_shown(shop: ShopBackend) -> None:
    answer = ask(shop.suggest_products(ProductQuery(ProductMode.ASKED,
                                                    text="kablosuz kulaklık", limit=3)))
    assert answer.outcome is ProductOutcome.FOUND and len(answer.products) == 3
    first = answer.products[0]
    assert ask(shop.product(first.product_id)) == first
    assert ask(shop.product("999999")) is None
    vague = ask(shop.suggest_products(ProductQuery(ProductMode.ASKED, text="bir şey")))
    assert vague.outcome is ProductOutcome.VAGUE
