"""Product suggestions: what the shopper asked for, what goes with what they bought, what is
like a product they saw; and the honest answer when nothing fits.

The searching itself is bot/store/search.py; reading the request is bot/store/request.py.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Dict, List, Sequence, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shop.types import (
    ProductAnswer,
    ProductMode,
    ProductOutcome,
    ProductQuery,
    ProductView,
)
from bot.store.models import Category, Order, OrderLine, Product, ProductAttribute
from bot.store.request import (
    AttributeFilter,
    Catalogue,
    CategoryInfo,
    PriceLevel,
    ProductRequest,
    reader_for,
    suggestion_rules,
)
from bot.store.search import (
    ProductResults,
    cheapest_fit,
    product_views,
    search_products,
)

# How many of a customer's latest purchases personal suggestions start from.
RECENT_PURCHASES = 3
MODEL = "model"  # the attribute naming a device ("galaxy_a55")
COMPATIBLE = "compatible"  # the attribute naming the devices an accessory fits
AUDIENCE = "audience"
ADULTS = ("women", "men")
UNISEX = "unisex"


def catalogue(session: Session) -> Catalogue:
    """The category tree as the request reader needs it."""
    rows = session.execute(select(Category.slug, Category.name, Category.parent_slug,
                                  Category.keywords, Category.types, Category.accessory_for)
                           .order_by(Category.position, Category.slug))
    return Catalogue(tuple(
        CategoryInfo(slug, name, parent, tuple(k for k in keywords.split(",") if k),
                     tuple(s for s in accessory_for.split(",") if s),
                     tuple((key, tuple(phrases)) for key, phrases in json.loads(types).items()))
        for slug, name, parent, keywords, types, accessory_for in rows))


def read_request(session: Session, text: str) -> ProductRequest:
    """What ``text`` asks for, against this shop's categories."""
    return reader_for(catalogue(session)).read(text)


def category_names(session: Session, slugs: Sequence[str]) -> List[str]:
    """Display names of categories, in the given order."""
    names = dict(session.execute(select(Category.slug, Category.name)).all())
    return [names[slug] for slug in slugs if slug in names]


@dataclass(frozen=True)
class Suggestions:
    outcome: ProductOutcome
    request: ProductRequest
    products: Tuple[ProductView, ...] = ()
    more: bool = False
    cheapest: ProductView | None = None  # of the asked kind, when over budget


def suggest(session: Session, request: ProductRequest) -> Suggestions:
    """One page of suggestions for ``request``, or the honest reason there are none: the
    cheapest product of the asked kind (never of another) when the budget is what fails."""
    if request.vague:
        return Suggestions(ProductOutcome.VAGUE, request)
    found = search_products(session, request)
    if found.products:
        return Suggestions(ProductOutcome.FOUND, request, found.products, found.more)
    cheapest = cheapest_fit(session, request) if request.budget.given or (
        request.price_level != PriceLevel.ANY) else None
    if cheapest is not None and request.offset == 0:
        return Suggestions(ProductOutcome.OVER_BUDGET, request, cheapest=cheapest)
    return Suggestions(ProductOutcome.NOT_FOUND, request)


@dataclass(frozen=True)
class PersonalSuggestions:
    results: ProductResults
    because: Tuple[str, ...]  # names of the bought products the suggestions go with


def _purchases(session: Session, customer_id: int) -> List[Tuple[int, str, str]]:
    """(product id, name, category) of what the customer bought, latest first."""
    rows = session.execute(
        select(Product.id, Product.name, Product.category_slug)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.customer_id == customer_id)
        .order_by(Order.placed_at.desc(), OrderLine.id)
    ).all()
    return [tuple(row) for row in rows]


def personal_suggestions(session: Session, customer_id: int, limit: int = 5,
                         offset: int = 0) -> PersonalSuggestions | None:
    """What goes with the customer's latest purchases: accessories that fit the devices they
    bought, never a product they already have. None when they bought nothing."""
    bought = _purchases(session, customer_id)
    if not bought:
        return None
    complements: Dict[str, List[str]] = suggestion_rules()["complements"]
    recent: Dict[str, Tuple[int, str]] = {}
    for product_id, name, slug in bought:
        if len(recent) < RECENT_PURCHASES and slug not in recent:
            recent[slug] = (product_id, name)
    wanted: List[str] = []
    for slug in recent:
        wanted += [c for c in complements.get(slug, []) if c not in wanted]
    recent_ids = [pid for pid, _ in recent.values()]
    models = set(session.execute(select(ProductAttribute.value).where(
        ProductAttribute.name == MODEL, ProductAttribute.product_id.in_(recent_ids))).scalars())
    # A case for another phone is no use: accessories must fit a device they bought.
    rules = [AttributeFilter(COMPATIBLE, frozenset(models))]
    worn = set(session.execute(select(ProductAttribute.value).where(
        ProductAttribute.name == AUDIENCE, ProductAttribute.product_id.in_(recent_ids),
        ProductAttribute.value.in_(ADULTS))).scalars())
    if len(worn) == 1:  # she bought women's shoes: women's (or anyone's) sportswear to go
        rules.append(AttributeFilter(AUDIENCE, frozenset(worn | {UNISEX})))
    request = ProductRequest(
        categories=tuple(wanted),
        attributes=tuple(rules),
        exclude=tuple(sorted({pid for pid, _, _ in bought})),
        limit=limit, offset=offset)
    results = search_products(session, request)
    shown = {p.category_slug for p in results.products}
    because = tuple(name for slug, (_, name) in recent.items()
                    if shown & set(complements.get(slug, [])))
    return PersonalSuggestions(results, because)


def similar_request(session: Session, product_id: int, limit: int = 5) -> ProductRequest | None:
    """A search for products like ``product_id``: its category, ranked by its words."""
    product = session.get(Product, product_id)
    if product is None:
        return None
    shared = tuple(t for t in product.tags.split(",") if t) + (product.brand,)
    return ProductRequest(categories=(product.category_slug,), named_category=True,
                          words=shared, exclude=(product.id,), limit=limit)


def next_page(request: ProductRequest) -> ProductRequest:
    return replace(request, offset=request.offset + request.limit)


def products_by_id(session: Session, ids: Sequence[int]) -> List[ProductView]:
    return product_views(session, ids)


def _is_personal(request: ProductRequest) -> bool:
    """"Bana ne önerirsin": nothing asked but the shopper themselves."""
    return (request.vague and not request.gift and not request.budget.given
            and request.recipient in (None, "self"))


def _key(value: str | None) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() else None


def answer(session: Session, query: ProductQuery) -> ProductAnswer:
    """The dialogue's product question answered: asked-for, personal or similar products,
    one page at a time, or the honest reason there are none."""
    customer_id = _key(query.customer_id)
    similar_to: str | None = None
    if query.mode == ProductMode.SIMILAR:
        product_id = _key(query.product_id)
        request = similar_request(session, product_id) if product_id is not None else None
        if request is None:
            return ProductAnswer(ProductOutcome.NOT_FOUND, query.mode)
        similar_to = products_by_id(session, [request.exclude[0]])[0].name
    else:
        request = read_request(session, query.text)
    if customer_id is not None and (query.mode == ProductMode.PERSONAL or (
            query.mode == ProductMode.ASKED and _is_personal(request))):
        personal = personal_suggestions(session, customer_id, limit=query.limit,
                                        offset=query.offset)
        if personal is not None:
            found = personal.results
            outcome = ProductOutcome.FOUND if found.products else ProductOutcome.NOT_FOUND
            return ProductAnswer(outcome, ProductMode.PERSONAL, found.products, found.more,
                                 because=personal.because)
    result = suggest(session, replace(request, offset=query.offset, limit=query.limit))
    return ProductAnswer(result.outcome, query.mode, result.products, result.more,
                         result.cheapest, similar_to=similar_to, gift=request.gift)
