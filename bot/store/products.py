"""Product suggestions: by category words, budget and free-text need, best first.

The catalogue is small enough to rank in Python after SQL has applied stock, category and
price filters; matching works on folded Turkish (see :mod:`bot.text.turkish`), so
"kulaklik" finds "kulaklık".
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shop.types import Budget, ProductRequest, ProductSuggestions, ProductView
from bot.store.models import Category, Order, OrderLine, Product
from bot.text.turkish import fold
from bot.text.vocabulary import mentions, shopping_words

MIN_WORD = 4



def parse_budget(text: str | None) -> Budget:
    """ "500 TL altı" -> (None, 500); "2 bin TL üstü" -> (2000, None); "3000 civarı" ±20%."""
    if not text:
        return Budget()
    folded = fold(text)
    match = re.search(r"(\d+(?:[.,]\d{3})*(?:,\d+)?)\s*(bin|k)?\b", folded)
    if not match:
        return Budget()
    number = match.group(1).replace(".", "").replace(",", ".")
    amount = Decimal(number) * (1000 if match.group(2) else 1)
    words = shopping_words()
    tail = folded[match.end():]
    if mentions(tail, words["budget_around"]):
        share = Decimal(str(words["around_share"]))
        return Budget(amount * (1 - share), amount * (1 + share))
    if mentions(tail, words["budget_min"]):
        return Budget(low=amount)
    return Budget(high=amount)  # "500 TL'lik", "500 TL altı": a ceiling is what people mean


def _tokens(text: str) -> Set[str]:
    return {token for token in re.findall(r"\w+", fold(text)) if len(token) >= MIN_WORD}


def _related(a: str, b: str) -> bool:
    """Suffix-tolerant match of two folded words ("kulakliklar" ~ "kulaklik")."""
    return a.startswith(b) or b.startswith(a)


def match_categories(session: Session, words: Iterable[str]) -> List[str]:
    """Slugs of the categories whose keywords match any of ``words``."""
    wanted = [fold(word) for word in words if word]
    found = []
    for slug, keywords in session.execute(select(Category.slug, Category.keywords)):
        folded = [fold(k) for k in keywords.split(",") if k]
        if any(w == k or _related(w, k) for w in wanted for k in folded if len(w) >= 3):
            found.append(slug)
    return found


def _view(product: Product) -> ProductView:
    return ProductView(str(product.id), product.name, product.brand, product.category_slug,
                       product.category.name, product.price, product.rating,
                       product.rating_count)


def _score(product: Product, need: Set[str]) -> Tuple[int, float]:
    """More matched need-words first, then a rating weighted by how many people rated."""
    haystack = _tokens(f"{product.name} {product.brand} {product.tags.replace(',', ' ')}")
    hits = sum(1 for word in need if any(_related(word, hay) for hay in haystack))
    return hits, product.rating * math.log1p(product.rating_count)


def suggest_products(
    session: Session,
    *,
    categories: Sequence[str] = (),
    budget: Budget | None = None,
    need: str = "",
    exclude: Iterable[int] = (),
    limit: int = 5,
    offset: int = 0,
) -> List[ProductView]:
    """In-stock products that fit, best first; with a need but no category, only matches."""
    budget = budget or Budget()
    query = select(Product).join(Category).where(Product.stock > 0)
    if categories:
        query = query.where(Product.category_slug.in_(categories))
    if budget.low is not None:
        query = query.where(Product.price >= budget.low)
    if budget.high is not None:
        query = query.where(Product.price <= budget.high)
    excluded = set(exclude)
    need_words = _tokens(need)
    ranked = []
    for product in session.execute(query).scalars():
        if product.id in excluded:
            continue
        score = _score(product, need_words)
        if need_words and not categories and score[0] == 0:
            continue
        ranked.append((score, product))
    ranked.sort(key=lambda item: item[0], reverse=True)
    return [_view(product) for _, product in ranked[offset:offset + limit]]


def purchase_history(session: Session, customer_id: int) -> Tuple[Set[int], List[str]]:
    """Products the customer bought, and their categories, most bought first."""
    rows = session.execute(
        select(Product.id, Product.category_slug)
        .join(OrderLine, OrderLine.product_id == Product.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.customer_id == customer_id)
    ).all()
    counts: Dict[str, int] = {}
    for _, slug in rows:
        counts[slug] = counts.get(slug, 0) + 1
    return {pid for pid, _ in rows}, sorted(counts, key=counts.get, reverse=True)


def personal_categories(history_categories: Sequence[str]) -> List[str]:
    """The customer's own categories first, then the ones that complement them."""
    complements: Dict[str, List[str]] = shopping_words()["complements"]
    ordered: List[str] = list(history_categories)
    for slug in history_categories:
        ordered += [c for c in complements.get(slug, []) if c not in ordered]
    return ordered


def category_names(session: Session, slugs: Sequence[str]) -> List[str]:
    """Display names of categories, in the given order."""
    names = dict(session.execute(select(Category.slug, Category.name)).all())
    return [names[slug] for slug in slugs if slug in names]


def cheapest(session: Session, categories: Sequence[str] = ()) -> ProductView | None:
    """The cheapest in-stock product (of the categories, when given)."""
    query = select(Product).join(Category).where(Product.stock > 0).order_by(Product.price)
    if categories:
        query = query.where(Product.category_slug.in_(categories))
    product = session.execute(query.limit(1)).scalar_one_or_none()
    return _view(product) if product is not None else None


def suggest(session: Session, request: ProductRequest) -> ProductSuggestions:
    """Suggestions for a request: its categories (or, for a verified customer who named
    none, their own and complementary ones), budget and need, never what they bought."""
    categories = match_categories(session, request.category_words or request.text.split())
    bought: Set[int] = set()
    because: List[str] = []
    customer_id = int(request.customer_id) if request.customer_id else None
    if customer_id is not None:
        bought, history = purchase_history(session, customer_id)
        if not categories and not request.category_words:
            categories = personal_categories(history)
            because = category_names(session, history[:2])
    found = suggest_products(session, categories=categories, budget=request.budget,
                             need="" if categories else request.text, exclude=bought,
                             limit=request.limit, offset=request.offset)
    fallback = None
    if not found and request.budget != Budget():
        fallback = cheapest(session, categories)
    return ProductSuggestions(tuple(found), tuple(because), fallback, bool(categories))
