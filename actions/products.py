"""Product suggestions: category, budget and need from the message; personal when verified."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import StoreUnavailable, store_session
from actions.verification import verified_customer
from bot.formatting import money
from bot.store import products
from bot.store.products import Budget, ProductView, parse_budget

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
        customer_id = verified_customer(tracker)
        try:
            with store_session(dispatcher) as session:
                categories = products.match_categories(session, search["words"] or
                                                       search["text"].split())
                bought: set = set()
                because: List[str] = []
                if customer_id is not None:
                    bought, history = products.purchase_history(session, customer_id)
                    if not categories and not search["words"]:
                        categories = products.personal_categories(history)
                        because = products.category_names(session, history[:2])
                found = products.suggest_products(
                    session, categories=categories, budget=budget,
                    need="" if categories else search["text"], exclude=bought,
                    limit=PAGE + 1, offset=search["offset"])
                cheapest = None
                if not found and budget != Budget():
                    cheapest = products.cheapest(session, categories)
        except StoreUnavailable:
            return []
        vague = not categories and budget == Budget()
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
