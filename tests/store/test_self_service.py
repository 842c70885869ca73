"""Cancellations, returns and refunds against a real seeded store (products: tests/products)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.database.engine import Database
from bot.schema import seed_demo
from bot.shop.types import CancelOutcome, ReturnBlock
from bot.store import cancellations, orders, returns
from bot.store.models import Order
from bot.text.contacts import Contact

TZ = ZoneInfo("Europe/Istanbul")
DAY = date(2026, 11, 22)
NOW = datetime(2026, 11, 22, 10, 0)
WINDOW = 14


@pytest.fixture()
def shop(any_database: Database) -> Database:
    seed_demo(any_database, DAY, TZ)
    return any_database


def _customer(session, order_id: int, email: str) -> int:
    found = orders.find_order_for_contact(session, order_id, Contact("email", email))
    return int(found.customer_id)


AYSE = "ayse.yilmaz@example.com"
MEHMET = "mehmet.demir@example.com"


def test_cancel_only_before_shipping_and_only_once(shop: Database) -> None:
    with shop.unit_of_work() as session:
        ayse = _customer(session, 10045825, AYSE)
        assert cancellations.cancel_order(session, 10045825, ayse, NOW) == CancelOutcome.CANCELLED
    with shop.unit_of_work() as session:
        assert (cancellations.cancel_order(session, 10045825, ayse, NOW)
                == CancelOutcome.ALREADY_CANCELLED)
        assert (cancellations.cancel_order(session, 10045821, ayse, NOW)
                == CancelOutcome.ALREADY_SHIPPED)
        assert (cancellations.cancel_order(session, 10045826, ayse, NOW)
                == CancelOutcome.NOT_FOUND)  # Mehmet's order
        cancelled = orders.find_order_for_customer(session, 10045825, ayse)
        assert cancelled.status == "cancelled" and cancelled.cancelled_at == NOW


def test_return_eligibility(shop: Database) -> None:
    with shop.unit_of_work() as session:
        ayse = _customer(session, 10045824, AYSE)
        mehmet = _customer(session, 10045828, MEHMET)
        recent = returns.return_options(session, 10045824, ayse, DAY, WINDOW)
        assert recent.block is None and recent.window_ends >= DAY
        old = returns.return_options(session, 10045828, mehmet, DAY, WINDOW)
        assert old.reason == ReturnBlock.WINDOW_CLOSED and not old.eligible
        on_the_way = returns.return_options(session, 10045821, ayse, DAY, WINDOW)
        assert on_the_way.reason == ReturnBlock.NOT_DELIVERED
        done = returns.return_options(session, 10045827, mehmet, DAY, WINDOW)
        assert ReturnBlock.ALREADY_RETURNED in {line.block for line in done.lines}
        assert returns.return_options(session, 10045824, mehmet, DAY, WINDOW).reason == (
            ReturnBlock.NOT_FOUND)


def test_opening_a_return_twice_opens_it_once(shop: Database) -> None:
    with shop.unit_of_work() as session:
        ayse = _customer(session, 10045824, AYSE)
        line = returns.return_options(session, 10045824, ayse, DAY, WINDOW).eligible[0]
        first = returns.open_return(session, 10045824, ayse, [line.line_id], "damaged", NOW, DAY,
                                    WINDOW)
    with shop.unit_of_work() as session:
        again = returns.open_return(session, 10045824, ayse, [line.line_id], "damaged", NOW, DAY,
                                    WINDOW)
        assert first.created and not again.created
        assert again.code == first.code and first.priority
        assert first.refund_amount == line.amount
        options = returns.return_options(session, 10045824, ayse, DAY, WINDOW)
        assert line.line_id not in {item.line_id for item in options.eligible}
        views = returns.returns_for_customer(session, ayse, 10045824)
        assert [v.code for v in views] == [first.code]
        assert views[0].status == "awaiting_dropoff"


def test_ineligible_or_forged_returns_are_refused(shop: Database) -> None:
    with shop.unit_of_work() as session:
        mehmet = _customer(session, 10045828, MEHMET)
        old_line = returns.return_options(session, 10045828, mehmet, DAY, WINDOW).lines[0]
        with pytest.raises(ValueError):
            returns.open_return(session, 10045828, mehmet, [old_line.line_id], "size", NOW, DAY,
                                WINDOW)
        with pytest.raises(ValueError):
            returns.open_return(session, 10045828, mehmet, [old_line.line_id], "bogus", NOW, DAY,
                                WINDOW)


def test_refund_status_from_the_data(shop: Database) -> None:
    with shop.unit_of_work() as session:
        mehmet = _customer(session, 10045829, MEHMET)
        [received] = returns.returns_for_customer(session, mehmet, 10045829)
        [overdue] = returns.returns_for_customer(session, mehmet, 10045830)
        [paid] = returns.returns_for_customer(session, mehmet, 10045827)
    assert received.status == "received" and received.refund_promised >= DAY
    assert not received.refund_overdue(DAY)
    assert overdue.refund_overdue(DAY) and overdue.refund_amount > 0
    assert paid.refund_status == "paid" and not paid.refund_overdue(DAY)




def test_the_return_window_counts_the_shops_days(shop: Database) -> None:
    """Delivered at 21:30 UTC is delivered the next day in Istanbul: the window ends 14 shop
    days after that day, not after the UTC one."""
    with shop.unit_of_work() as session:
        ayse = _customer(session, 10045824, AYSE)
        session.get(Order, 10045824).shipment.delivered_at = datetime(2026, 11, 20, 21, 30)
    with shop.unit_of_work() as session:
        options = returns.return_options(session, 10045824, ayse, DAY, WINDOW)
        assert options.window_ends == date(2026, 11, 21) + timedelta(days=WINDOW)
