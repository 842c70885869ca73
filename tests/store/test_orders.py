"""Order look-ups against a real seeded database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.database.engine import Database
from bot.schema import seed_demo
from bot.store import orders
from bot.store.models import OrderStatus, Policy
from bot.store.policies import get_policies
from bot.text.contacts import Contact

TZ = ZoneInfo("Europe/Istanbul")
DAY = date(2026, 11, 22)
AYSE_EMAIL = Contact("email", "ayse.yilmaz@example.com")
AYSE_PHONE = Contact("phone", "5321112233")
MEHMET_EMAIL = Contact("email", "mehmet.demir@example.com")


@pytest.fixture()
def shop(any_database: Database) -> Database:
    seed_demo(any_database, DAY, TZ)
    return any_database


def test_owner_by_email_or_phone_gets_details(shop: Database) -> None:
    with shop.unit_of_work() as session:
        by_email = orders.find_order_for_contact(session, 10045821, AYSE_EMAIL)
        by_phone = orders.find_order_for_contact(session, 10045821, AYSE_PHONE)
    assert by_email == by_phone
    assert by_email.status == OrderStatus.SHIPPED.value
    assert by_email.carrier in {"Yurtiçi Kargo", "Aras Kargo", "MNG Kargo", "PTT Kargo"}
    assert by_email.tracking_number and by_email.items
    assert by_email.estimated_delivery > DAY
    assert by_email.last_event is not None
    assert not by_email.is_late(DAY)


def test_unknown_order_and_wrong_contact_look_the_same(shop: Database) -> None:
    with shop.unit_of_work() as session:
        assert orders.find_order_for_contact(session, 10045821, MEHMET_EMAIL) is None
        assert orders.find_order_for_contact(session, 19999999, AYSE_EMAIL) is None
        stranger = Contact("phone", "5000000000")
        assert orders.find_order_for_contact(session, 10045821, stranger) is None


def test_late_order_is_late_and_keeps_its_promised_day(shop: Database) -> None:
    with shop.unit_of_work() as session:
        late = orders.find_order_for_contact(session, 10045823, AYSE_EMAIL)
    assert late.is_late(DAY)
    assert late.estimated_delivery < DAY
    assert not late.is_late(late.estimated_delivery)


def test_states_of_demo_orders(shop: Database) -> None:
    expected = {
        10045822: OrderStatus.OUT_FOR_DELIVERY, 10045824: OrderStatus.DELIVERED,
        10045825: OrderStatus.PREPARING, 10045826: OrderStatus.CANCELLED,
        10045827: OrderStatus.RETURNED,
    }
    with shop.unit_of_work() as session:
        for number, status in expected.items():
            owner = AYSE_EMAIL if number < 10045826 else MEHMET_EMAIL
            assert orders.find_order_for_contact(session, number, owner).status == status.value
        preparing = orders.find_order_for_contact(session, 10045825, AYSE_EMAIL)
        delivered = orders.find_order_for_contact(session, 10045824, AYSE_EMAIL)
        cancelled = orders.find_order_for_contact(session, 10045826, MEHMET_EMAIL)
    assert preparing.carrier is None and preparing.estimated_delivery is None
    assert not preparing.is_late(DAY + timedelta(days=30))
    assert delivered.delivered_at is not None and not delivered.is_late(DAY)
    assert cancelled.cancelled_at is not None


def test_customer_scoped_lookup(shop: Database) -> None:
    with shop.unit_of_work() as session:
        owner = int(orders.find_order_for_contact(session, 10045821, AYSE_EMAIL).customer_id)
        assert orders.find_order_for_customer(session, 10045822, owner).order_id == "10045822"
        assert orders.find_order_for_customer(session, 10045826, owner) is None
        assert orders.find_order_for_customer(session, 10000001, owner) is None


def test_recent_orders_newest_first(shop: Database) -> None:
    with shop.unit_of_work() as session:
        owner = int(orders.find_order_for_contact(session, 10045821, AYSE_EMAIL).customer_id)
        recent = orders.recent_orders(session, owner, limit=5)
        assert len(recent) == 5
        assert [o.placed_at for o in recent] == sorted((o.placed_at for o in recent), reverse=True)
        assert all(o.item_count >= 1 and o.total > 0 for o in recent)
        assert orders.recent_orders(session, 999999) == []


def test_policies_are_data(shop: Database) -> None:
    with shop.unit_of_work() as session:
        policies = get_policies(session)
        assert policies.free_shipping_threshold == Decimal("500")
        assert policies.reply_variables()["shipping_fee"] == "49,90"
        session.merge(Policy(key="shipping_fee", value="59.9"))
    with shop.unit_of_work() as session:
        assert get_policies(session).reply_variables()["shipping_fee"] == "59,90"


def test_a_failed_unit_of_work_writes_nothing(shop: Database) -> None:
    with pytest.raises(RuntimeError), shop.unit_of_work() as session:
        session.merge(Policy(key="shipping_fee", value="1"))
        session.flush()
        raise RuntimeError("boom")
    with shop.unit_of_work() as session:
        assert get_policies(session).shipping_fee == Decimal("49.90")
