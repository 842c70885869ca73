"""Product suggestions: category, budget and need from the message; personal when verified."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, answered_if_down, shop
from actions.verification import verified_customer
from bot.shop.types import Budget, ProductRequest, ProductView
from bot.store.products import parse_budget
from bot.text.formatting import money

PAGE = 5


def _search_from_message(tracker: Tracker) -> Dict[str, Any]:
    """What the shopper asked for: category words, budget text and the whole message."""
    return {
        "words": list(tracker.get_latest_entity_values("product_category")),
        "budget": next(tracker.get_latest_entity_values("price"), None),
        "text": tracker.latest_message.get("text") or "",
        "offset": 0,
    }


def _product_line(product: ProductView) -> Dict[str, Any]:
    return {"name": product.name, "price": money(product.price),
            "rating": f"{product.rating:.1f}".replace(".", ","),
            "rating_count": product.rating_count}


class ActionSuggestProducts(Action):
    """Lists in-stock products, best first, five at a time ("more" shows the next five)."""

    def name(self) -> str:
        return "action_suggest_products"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        more = tracker.latest_message.get("intent", {}).get("name") == "more_products"
        search: Dict[str, Any] | None = tracker.get_slot("product_search") if more else None
        if search is None:
            search = _search_from_message(tracker)
        else:
            search = {**search, "offset": search["offset"] + PAGE}
        budget_text = search["budget"] or search["text"]
        budget = parse_budget(budget_text) if search["budget"] or any(
            ch.isdigit() for ch in search["text"]) else Budget()
        request = ProductRequest(text=search["text"], category_words=tuple(search["words"]),
                                 budget=budget, customer_id=verified_customer(tracker),
                                 offset=search["offset"], limit=PAGE + 1)
        try:
            with answered_if_down(dispatcher):
                suggestions = await shop().suggest_products(request)
        except StoreUnavailable:
            return []
        found, because, cheapest = (list(suggestions.products), suggestions.personal_because,
                                    suggestions.cheapest)
        vague = not suggestions.understood and budget == Budget()
        if not found:
            if more:
                dispatcher.utter_message(response="utter_products_no_more")
            elif vague:
                dispatcher.utter_message(response="utter_products_ask_category")
            elif cheapest is not None:
                dispatcher.utter_message(response="utter_products_none_budget",
                                         cheapest=money(cheapest.price))
            else:
                dispatcher.utter_message(response="utter_products_none")
            return []
        if because:
            dispatcher.utter_message(response="utter_products_personal",
                                     because=", ".join(because))
        elif not more:
            dispatcher.utter_message(response="utter_products_intro")
        for product in found[:PAGE]:
            line = _product_line(product)
            # The widget draws the same facts as a card; other channels show the text.
            dispatcher.utter_message(response="utter_product_item", json_message={"product": line},
                                     **line)
        if len(found) > PAGE:
            dispatcher.utter_message(response="utter_products_more")
        return [SlotSet("product_search", search)]
