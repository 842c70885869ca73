"""Product suggestions: what the shopper asked for, what goes with what a verified customer
bought, or what is like a product they saw; one card per product, five at a time.

Reading the request and searching is the shop backend's; this action keeps the search for
"more", and speaks the answer through domain.yml responses.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, shop
from actions.verification import verified_customer
from bot.settings import get_settings
from bot.shop.types import ProductAnswer, ProductMode, ProductOutcome, ProductQuery, ProductView
from bot.text.formatting import money
from bot.text.vocabulary import shopping_words

PAGE = 5
SEARCH_SLOT = "product_search"


def product_card(product: ProductView) -> Dict[str, Any]:
    """The card every channel draws (the widget, REST clients, WhatsApp): facts, links, buttons."""
    site = get_settings().web_public_url
    labels = shopping_words()["card"]
    page = f"{site}/products/{product.product_id}"
    return {"type": "product", "product": {
        "id": product.product_id, "name": product.name, "brand": product.brand,
        "category": product.category_name, "price": float(product.price),
        "price_text": labels["price"].format(amount=money(product.price)),
        "rating": product.rating, "rating_count": product.rating_count,
        "image_url": f"{page}/image.png", "url": page,
        "buttons": [
            {"title": labels["inspect"], "url": page},
            {"title": labels["similar"],
             "payload": f'/similar_products{{"product_id": "{product.product_id}"}}'},
        ]}}


def _card_text(product: ProductView) -> Dict[str, Any]:
    return {"name": product.name, "price": money(product.price),
            "rating": f"{product.rating:.1f}".replace(".", ","),
            "rating_count": money(product.rating_count)}


def _entity(tracker: Tracker, name: str) -> str | None:
    return next(tracker.get_latest_entity_values(name), None)



class ActionSuggestProducts(Action):
    """Suggestions, the next page of them, or products like one shown."""

    def name(self) -> str:
        return "action_suggest_products"

    def _search(self, tracker: Tracker) -> Dict[str, Any]:
        """The search this turn asks for, kept in the slot for "more"."""
        intent = tracker.latest_message.get("intent", {}).get("name")
        kept: Dict[str, Any] = tracker.get_slot(SEARCH_SLOT) or {}
        if intent == "more_products" and kept.get("mode"):
            return {**kept, "offset": kept.get("offset", 0) + PAGE, "pending": False}
        if intent == "similar_products":
            chosen = _entity(tracker, "product_id") or next(iter(kept.get("shown") or []), None)
            return {"mode": ProductMode.SIMILAR.value, "product_id": chosen, "offset": 0}
        text = tracker.latest_message.get("text") or ""
        hint = _entity(tracker, "product_hint")
        if hint:  # a button answering the question asked, or a button on its own
            text = f"{kept.get('text', '')} {hint}" if kept.get("pending") else hint
        return {"mode": ProductMode.ASKED.value, "text": text, "offset": 0}

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        search = self._search(tracker)
        query = ProductQuery(mode=ProductMode(search["mode"]), text=search.get("text", ""),
                             product_id=search.get("product_id"),
                             customer_id=verified_customer(tracker),
                             offset=search["offset"], limit=PAGE)
        try:
            with answered_if_down(dispatcher):
                answer = await shop().suggest_products(query)
        except StoreUnavailable:
            return []
        return self._speak(dispatcher, {**search, "mode": answer.mode.value}, answer)

    def _speak(self, dispatcher: CollectingDispatcher, search: Dict[str, Any],
               answer: ProductAnswer) -> List[EventType]:
        more = search["offset"] > 0
        if answer.outcome == ProductOutcome.VAGUE:
            ask = "utter_products_ask_recipient" if answer.gift else "utter_products_ask_kind"
            dispatcher.utter_message(response=ask)
            return [SlotSet(SEARCH_SLOT, {**search, "pending": True})]
        if answer.outcome == ProductOutcome.OVER_BUDGET and answer.cheapest is not None:
            cheapest = answer.cheapest
            dispatcher.utter_message(response="utter_products_none_budget",
                                     category=cheapest.category_name, name=cheapest.name,
                                     price=money(cheapest.price))
            return [SlotSet(SEARCH_SLOT, {**search, "shown": [cheapest.product_id]})]
        if answer.outcome != ProductOutcome.FOUND:
            dispatcher.utter_message(
                response="utter_products_no_more" if more else "utter_products_none")
            return [SlotSet(SEARCH_SLOT, {**search, "shown": []})]
        if answer.because and not more:
            dispatcher.utter_message(response="utter_products_personal",
                                     because=", ".join(answer.because))
        elif answer.similar_to:
            dispatcher.utter_message(response="utter_products_similar", name=answer.similar_to)
        elif not more:  # the next page follows the first one's introduction
            dispatcher.utter_message(response="utter_products_intro")
        for product in answer.products:
            dispatcher.utter_message(response="utter_product_item",
                                     json_message=product_card(product), **_card_text(product))
        if answer.more:
            dispatcher.utter_message(response="utter_products_more")
        shown = [p.product_id for p in answer.products]
        return [SlotSet(SEARCH_SLOT, {**search, "shown": shown, "pending": False})]
