"""Reading product requests: budgets only where money is meant, "altı" as under or as a
product, attributes, kinds, people and needs, typos and text without Turkish letters."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.database.engine import Database
from bot.store.products import read_request
from bot.store.request import Budget, PriceLevel, ProductRequest


def read(shop: Database, text: str) -> ProductRequest:
    with shop.unit_of_work() as session:
        return read_request(session, text)


@pytest.fixture()
def sqlite_shop(seeded_sqlite: Database) -> Database:
    return seeded_sqlite


@pytest.mark.parametrize("text, low, high", [
    ("1000 TL altı kulaklık", None, 1000),
    ("kulaklik 1000 tl alti", None, 1000),
    ("en fazla 1.500 lira", None, 1500),
    ("3 bini geçmesin", None, 3000),
    ("iki bin liraya kadar", None, 2000),
    ("bin altı yüz liralık", None, 1600),
    ("2 bin civarı", 1600, 2400),
    ("500 ile 1000 TL arası", 500, 1000),
    ("500-1000 tl", 500, 1000),
    ("500'den 1000'e kadar", 500, 1000),
    ("50 bin üstü laptop", 50000, None),
    ("₺750 altı", None, 750),
    ("3k civarı telefon", 2400, 3600),
    ("bütçem 4000", None, 4000),
])
def test_budgets(sqlite_shop: Database, text: str, low: int | None, high: int | None) -> None:
    budget = read(sqlite_shop, text).budget
    assert budget == Budget(None if low is None else Decimal(low),
                            None if high is None else Decimal(high))


@pytest.mark.parametrize("text", [
    "iPhone 16 kılıfı", "Galaxy A55 ekran koruyucu", "10000 mAh powerbank",
    "6 yaşındaki oğluma oyuncak", "27 inç monitör", "2 kişilik çadır", "eşofman altı",
    "Redmi 14C", "128 GB telefon", "altı yaşında kızıma hediye",
])
def test_numbers_that_are_not_budgets(sqlite_shop: Database, text: str) -> None:
    assert not read(sqlite_shop, text).budget.given


def test_altı_under_an_amount_and_as_a_product(sqlite_shop: Database) -> None:
    both = read(sqlite_shop, "1000 TL altı eşofman altı")
    assert both.budget == Budget(high=Decimal(1000))
    assert both.categories == ("sportswear",) and both.types == ("eşofman altı",)


def test_ages_choose_age_groups(sqlite_shop: Database) -> None:
    request = read(sqlite_shop, "6 yaşındaki oğluma hediye")
    ages = next(a for a in request.attributes if a.name == "age")
    assert ages.values == {"age_6_8"} and request.recipient == "son"
    baby = read(sqlite_shop, "8 aylık bebeğime oyuncak")
    assert next(a for a in baby.attributes if a.name == "age").values == {"age_0_2"}


@pytest.mark.parametrize("text, level", [
    ("uygun fiyatlı laptop", PriceLevel.AFFORDABLE), ("ucuz bi mouse", PriceLevel.AFFORDABLE),
    ("cok pahali olmasin terlik", PriceLevel.AFFORDABLE), ("en ucuz telefon", PriceLevel.CHEAPEST),
    ("telefon", PriceLevel.ANY),
])
def test_price_levels(sqlite_shop: Database, text: str, level: PriceLevel) -> None:
    assert read(sqlite_shop, text).price_level == level


def test_attributes_and_their_opposites(sqlite_shop: Database) -> None:
    wireless = read(sqlite_shop, "kablosuz kulaklık")
    wired = read(sqlite_shop, "kablolu kulaklik")
    assert [(a.name, set(a.values)) for a in wireless.attributes] == [("connection", {"wireless"})]
    assert [(a.name, set(a.values)) for a in wired.attributes] == [("connection", {"wired"})]
    fast = read(sqlite_shop, "hızlı şarj aleti")
    assert fast.categories == ("chargers",)
    assert any(a.name == "feature" and a.required for a in fast.attributes)


@pytest.mark.parametrize("text, categories", [
    ("telefon kılıfı", ("phone_accessories",)),
    ("iphone için şarj aleti", ("chargers",)),
    ("laptopa uygun çanta", ("bags",)),
    ("kulaklk", ("headphones",)),
    ("ayakabı", ("sports_shoes", "boots", "classic_shoes", "slippers")),
    ("KULAKLIK ÖNERİR MİSİN", ("headphones",)),
])
def test_categories(sqlite_shop: Database, text: str, categories: tuple) -> None:
    assert read(sqlite_shop, text).categories == categories


def test_needs_and_people_are_data(sqlite_shop: Database) -> None:
    kitchen = read(sqlite_shop, "annem mutfakta çok vakit geçiriyor")
    assert kitchen.needs == ("kitchen",) and kitchen.recipient == "mother"
    assert "cookware" in kitchen.categories and "storage" not in kitchen.categories
    audience = next(a for a in kitchen.attributes if a.name == "audience")
    assert "men" not in audience.values


@pytest.mark.parametrize("text", ["ne önerirsin", "hediye", "bir şey bakıyorum",
                                  "1000 tl'ye ne alabilirim"])
def test_vague_requests(sqlite_shop: Database, text: str) -> None:
    assert read(sqlite_shop, text).vague
