"""Actions are unchanged on another shop backend: a whole order story (verify, status,
cancel, return, products) gives the same replies from the demo SQL store and from the same
store behind the shop JSON API (``HttpShopBackend``)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

import actions.common
from actions.cancellation import ActionCancelOrder
from actions.orders import ActionOrderStatus, ValidateOrderForm
from actions.products import ActionSuggestProducts
from actions.returns import ValidateReturnForm
from bot.database.engine import Database
from bot.schema import seed_demo
from bot.settings import get_settings
from bot.shop.http import HttpShopBackend
from bot.store.backend import SqlShopBackend
from bot.store.models import Order
from tests.actions.conftest import make_tracker, run_action, use_store
from tools.shop_api import serving

DONE = {"csat_asked": True}


@pytest.fixture()
def seeded_copies(tmp_path: Path) -> Iterator[List[Database]]:
    """Two identical demo stores of this test's own (seeded once, then copied)."""
    settings = get_settings()
    first = Database(f"sqlite:///{tmp_path / 'sql.db'}")
    seed_demo(first, datetime.now(settings.timezone).date(), settings.timezone)
    first.dispose()  # the last connection folds SQLite's write-ahead log into the file
    shutil.copy(tmp_path / "sql.db", tmp_path / "http.db")
    second = Database(f"sqlite:///{tmp_path / 'http.db'}")
    yield [first, second]
    first.dispose()
    second.dispose()


def story() -> List[Any]:
    """What the bot says (responses and their variables) along one shopper's story."""
    verified = run_action(ValidateOrderForm(), make_tracker(
        slots={"order_id": "10045825"}, new_slots={"contact": "ayse.yilmaz@example.com"},
        active_loop="order_form"))
    ayse = verified.slots()["verified_customer_id"]
    said: List[Any] = [ayse is not None]
    slots: Dict[str, Any] = {"verified_customer_id": ayse, **DONE}
    said.append(run_action(ActionOrderStatus(), make_tracker(
        slots={**slots, "order_id": "10045821"})).messages)
    said.append(run_action(ActionCancelOrder(), make_tracker(
        slots={**slots, "order_id": "10045825", "confirm_cancel": True})).messages)
    said.append(run_action(ValidateReturnForm(), make_tracker(
        slots=slots, new_slots={"order_id": "10045824"}, active_loop="return_form")).messages)
    products = run_action(ActionSuggestProducts(), make_tracker(
        slots=slots, text="kablosuz kulaklık", intent="product_recommendation"))
    said.append(products.messages)
    return said


def test_an_order_story_is_the_same_on_every_backend(
        seeded_copies: List[Database], monkeypatch: pytest.MonkeyPatch) -> None:
    direct, behind_api = seeded_copies
    use_store(monkeypatch, direct)
    said = story()
    assert said[0] is True
    assert [m["response"] for m in said[1]][0] == "utter_order_in_transit"
    assert [m["response"] for m in said[2]] == ["utter_cancel_done"]
    assert any(m["response"] == "utter_product_item" for m in said[4])

    use_store(monkeypatch, behind_api)
    with serving(SqlShopBackend(behind_api)) as url:
        shop = HttpShopBackend(url, token="", timeout=10)
        monkeypatch.setattr(actions.common, "get_shop", lambda: shop)
        assert story() == said
    for database in seeded_copies:
        with database.unit_of_work() as session:
            assert session.get(Order, 10045825).status == "cancelled"
