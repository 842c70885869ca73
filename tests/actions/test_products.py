"""Product suggestions through the real action on the seeded store: cards, honest answers,
questions with buttons, "more", products like one, and personal suggestions."""

from __future__ import annotations

from typing import Any, Dict, List

from sqlalchemy import select

from actions.products import ActionSuggestProducts
from bot.settings import get_settings
from bot.store import orders, products
from bot.store.models import Order, Product, ProductAttribute
from bot.store.request import suggestion_rules
from bot.text.contacts import Contact
from bot.text.vocabulary import shopping_words
from tests.actions.conftest import DOMAIN, make_tracker, run_action

AYSE = Contact("email", "ayse.yilmaz@example.com")
CARD_FIELDS = {"id", "name", "brand", "category", "price", "price_text", "rating",
               "rating_count", "image_url", "url", "buttons"}


def suggest(text: str = "", entities=(), slots=None, intent="product_recommendation"):
    tracker = make_tracker(slots=slots, text=text, intent=intent)
    tracker.latest_message["entities"] = [{"entity": e, "value": v} for e, v in entities]
    return run_action(ActionSuggestProducts(), tracker)


def cards(run) -> List[Dict[str, Any]]:
    return [m["custom"]["product"] for m in run.messages if m["response"] == "utter_product_item"]


def test_each_suggestion_is_one_card_with_its_text(seeded_database) -> None:
    run = suggest("1000 TL altı kablosuz kulaklık")
    items = [m for m in run.messages if m["response"] == "utter_product_item"]
    assert run.responses[0] == "utter_products_intro" and 0 < len(items) <= 5
    site = get_settings().web_public_url
    labels = shopping_words()["card"]
    for message in items:
        card = message["custom"]
        assert card["type"] == "product" and set(card["product"]) == CARD_FIELDS
        product = card["product"]
        assert isinstance(product["price"], float) and product["price"] <= 1000
        assert product["price_text"] == labels["price"].format(amount=message["price"])
        assert product["url"] == f"{site}/products/{product['id']}"
        assert product["image_url"] == f"{product['url']}/image.png"
        inspect, similar = product["buttons"]
        assert inspect == {"title": labels["inspect"], "url": product["url"]}
        assert similar["title"] == labels["similar"]
        assert similar["payload"] == f'/similar_products{{"product_id": "{product["id"]}"}}'
        # The text line names the same facts, for channels that show text only.
        assert message["name"] == product["name"]
    with seeded_database.unit_of_work() as session:
        for product in cards(run):
            values = set(session.execute(select(ProductAttribute.value).where(
                ProductAttribute.product_id == int(product["id"]),
                ProductAttribute.name == "connection")).scalars())
            assert values == {"wireless"}


def test_card_text_is_a_domain_response() -> None:
    text = DOMAIN["responses"]["utter_product_item"][0]["text"]
    assert "{name}" in text and "{price}" in text


def test_a_budget_nothing_meets_names_the_cheapest_of_that_category(seeded_database) -> None:
    run = suggest("100 liraya laptop var mı")
    assert run.responses == ["utter_products_none_budget"]
    message = run.messages[0]
    with seeded_database.unit_of_work() as session:
        cheapest = session.execute(select(Product).where(
            Product.category_slug == "laptops", Product.stock > 0)
            .order_by(Product.price)).scalars().first()
        assert message["name"] == cheapest.name
        assert message["price"] == "17.499"
        assert message["category"] == "Dizüstü Bilgisayar"


def test_nothing_of_the_kind_at_all(seeded_database) -> None:
    assert suggest("bebek arabası").responses == ["utter_products_none"]


def test_a_vague_request_gets_one_question_with_buttons(seeded_database) -> None:
    run = suggest("bir şey önerir misin")
    assert run.responses == ["utter_products_ask_kind"]
    assert DOMAIN["responses"]["utter_products_ask_kind"][0]["buttons"]
    search = run.slots()["product_search"]
    assert search["pending"]
    # The shopper taps "Elektronik" (a payload with product_hint): the search goes on.
    answer = suggest('/product_recommendation{"product_hint": "elektronik"}',
                     [("product_hint", "elektronik")], slots={"product_search": search})
    assert "utter_product_item" in answer.responses
    with seeded_database.unit_of_work() as session:
        electronics = {c.name for c in products.catalogue(session).categories
                       if c.parent == "electronics"}
    assert {c["category"] for c in cards(answer)} <= electronics


def test_a_gift_for_nobody_in_particular_asks_for_whom(seeded_database) -> None:
    run = suggest("hediye önerir misiniz 2000 TL altı")
    assert run.responses == ["utter_products_ask_recipient"]
    search = run.slots()["product_search"]
    answer = suggest('/product_recommendation{"product_hint": "annem için"}',
                     [("product_hint", "annem için")], slots={"product_search": search})
    shown = cards(answer)
    assert shown and all(c["price"] <= 2000 for c in shown)
    with seeded_database.unit_of_work() as session:
        audiences = set(session.execute(select(ProductAttribute.value).where(
            ProductAttribute.product_id.in_([int(c["id"]) for c in shown]),
            ProductAttribute.name == "audience")).scalars())
    assert not audiences & {"men", "boys", "kids", "girls", "baby"}


def test_more_shows_the_next_page(seeded_database) -> None:
    first = suggest("telefon")
    assert first.responses[-1] == "utter_products_more"
    search = first.slots()["product_search"]
    second = suggest("daha fazla göster", slots={"product_search": search},
                     intent="more_products")
    assert "utter_products_intro" not in second.responses
    assert cards(second) and not {c["id"] for c in cards(first)} & {c["id"] for c in cards(second)}


def test_similar_products_of_a_card(seeded_database) -> None:
    first = cards(suggest("kablosuz kulaklık"))[0]
    run = suggest(f'/similar_products{{"product_id": "{first["id"]}"}}',
                  [("product_id", str(first["id"]))], intent="similar_products")
    assert run.responses[0] == "utter_products_similar"
    assert run.messages[0]["name"] == first["name"]
    shown = cards(run)
    assert shown and first["id"] not in {c["id"] for c in shown}
    assert {c["category"] for c in shown} == {first["category"]}


def test_similar_to_an_unknown_product_is_answered_politely(seeded_database) -> None:
    run = suggest('/similar_products{"product_id": "999999"}', [("product_id", "999999")],
                  intent="similar_products")
    assert run.responses == ["utter_products_none"]


def _bought(database, customer: int) -> Dict[int, str]:
    with database.unit_of_work() as session:
        return {line.product_id: line.product.category_slug for order in session.execute(
            select(Order).where(Order.customer_id == customer)).scalars()
            for line in order.lines}


def test_personal_suggestions_go_with_what_was_bought(seeded_database) -> None:
    with seeded_database.unit_of_work() as session:
        ayse = orders.find_order_for_contact(session, 10045821, AYSE).customer_id
    bought = _bought(seeded_database, ayse)
    run = suggest("bana ne önerirsin", slots={"verified_customer_id": ayse})
    assert run.responses[0] == "utter_products_personal"
    shown = cards(run)
    assert shown and not {int(c["id"]) for c in shown} & set(bought)
    complements = suggestion_rules()["complements"]
    with seeded_database.unit_of_work() as session:
        rows = {p.id: p for p in session.execute(select(Product).where(
            Product.id.in_([int(c["id"]) for c in shown] + list(bought)))).scalars()}
        named = run.messages[0]["because"].split(", ")
        bought_names = {rows[i].name: rows[i].category_slug for i in bought}
        shown_categories = {rows[int(c["id"])].category_slug for c in shown}
        # The reason names bought products, and only those the suggestions go with.
        assert named and set(named) <= set(bought_names)
        for name in named:
            assert shown_categories & set(complements[bought_names[name]]), name
        goes_with = {c for name in named for c in complements[bought_names[name]]}
        for card in shown:
            product = rows[int(card["id"])]
            assert product.category_slug in goes_with
            # Accessories for the phone she bought, not another phone.
            assert product.category_slug not in {bought_names[name] for name in named}
            fits = set(session.execute(select(ProductAttribute.value).where(
                ProductAttribute.product_id == product.id,
                ProductAttribute.name == "compatible")).scalars())
            assert not fits or fits & {"galaxy_a55"}  # a case fits the phone she bought


def test_a_gift_request_is_not_personal(seeded_database) -> None:
    with seeded_database.unit_of_work() as session:
        ayse = orders.find_order_for_contact(session, 10045821, AYSE).customer_id
    run = suggest("annem için hediye", slots={"verified_customer_id": ayse})
    assert run.responses[0] == "utter_products_intro"


def test_an_unverified_shopper_asking_vaguely_is_asked_not_guessed(seeded_database) -> None:
    assert suggest("bana ne önerirsin").responses == ["utter_products_ask_kind"]
