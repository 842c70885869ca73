"""Product search: hard constraints as SQL, the shopper's other words as full-text relevance.

Each product has one searchable document (:class:`ProductDocument`: name, brand, categories,
tags, attribute words and description, folded so "kulaklik" finds "kulaklık"). SQLite, the
embedded default, indexes it with FTS5; PostgreSQL with a tsvector and a GIN index (see
bot/store/models.py). Both are asked the same question: the category, budget, stock and
attribute filters in SQL, the remaining words of the request as a prefix full-text query
(each word cut back to its stem, so "mutfakta" finds "mutfak"), and an order that puts
relevance to those words first and then ratings, weighted by how many people rated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any, Dict, Iterable, Iterator, List, Sequence, Tuple

from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.orm import Session, selectinload

from bot.shop.types import ProductView
from bot.store.models import MONEY, Product, ProductDocument
from bot.store.phrases import words
from bot.store.request import PriceLevel, ProductRequest, product_words

# Inflections a query word may carry that the catalogue's words do not (plural, possession,
# case): stripped so that "mutfakta", "kampa", "telefonumun" find "mutfak", "kamp", "telefon".
# Derivational endings ("-lı", "-sız", "-lık") change the meaning and stay.
_INFLECTION = re.compile(
    r"(?:l[ae]r)?(?:[iu]?m[iu]z|[iu]?n[iu]z|[iu]?m|[iu]?n|s?[iu]|l[ae]r[iu])?"
    r"(?:y?[iuae]|n[iuae]|n?[dt][ae]n?|n?[iu]n|y?l[ae])?")
MIN_STEM = 4
MIN_PREFIX = 3
_SOFTENED = frozenset("gbd")  # k, p, t before a vowel
# Ratings are averaged with this many imagined ratings of PRIOR_MEAN, so 4.9 from 7 people
# does not outrank 4.7 from 3,000.
PRIOR_MEAN = 4.0
PRIOR_COUNT = 50
# What mentioning all of the hints (a need's words, "hediye") is worth beside the rating,
# which counts 0 to 1.
HINT_WEIGHT = 0.5
MAX_TERMS = 8
# The fewest candidates taken from each category's index: room for hints to reorder them.
MIN_DEPTH = 12
# How far down a category's best products describing words are looked for.
WISH_SCAN = 400
# "Affordable" is the cheapest part of what fits: this share of it by price.
AFFORDABLE_SHARE = 0.4


@dataclass(frozen=True)
class ProductResults:
    request: ProductRequest
    products: Tuple[ProductView, ...]
    more: bool  # more products fit beyond this page


def stem(word: str) -> str:
    """The shortest start of ``word`` (at least MIN_STEM letters) that only inflections follow."""
    if not word.isalpha() or len(word) <= MIN_STEM:
        return word
    for end in range(MIN_STEM, len(word)):
        if _INFLECTION.fullmatch(word[end:]):
            found = word[:end]
            if word[end:][:1] in "aeiou" and found[-1] in _SOFTENED and end > MIN_STEM:
                # "kulaklığı" may be "kulaklık" softened: the start both forms share.
                found = found[:-1]
            return found
    return word


def query_terms(request_words: Iterable[str]) -> List[str]:
    """Search terms (folded letters and digits only) for the request's words, each a stem."""
    terms: List[str] = []
    for word in request_words:
        for part in re.findall(r"[a-z0-9]+", " ".join(words(word))):
            term = stem(part)
            if term not in terms:
                terms.append(term)
    return terms


# --- the index ------------------------------------------------------------------------------

def _attribute_words() -> Dict[Tuple[str, str], str]:
    """The first phrase of each attribute value ("connection", "wireless") -> "kablosuz"."""
    found = {}
    for name, values in product_words()["attributes"].items():
        for value, spec in values.items():
            if spec["phrases"]:
                found[(name, value)] = str(spec["phrases"][0])
    return found


def quality(rating: float, rating_count: int) -> float:
    """The rating averaged with PRIOR_COUNT imagined ratings of PRIOR_MEAN, on 0..1 for
    ratings from 3 to 5: what orders products after relevance."""
    return ((rating * rating_count + PRIOR_MEAN * PRIOR_COUNT) / (rating_count + PRIOR_COUNT)
            - 3.0) / 2.0


def document(product: Product, attribute_words: Dict[Tuple[str, str], str]) -> Dict[str, Any]:
    """The index row of one product."""
    # The product's own words only: a category's name would make every product in it
    # mention "kılıf" or "yastık", and kinds of product could not be told apart.
    parts = [product.name, product.brand, product.tags.replace(",", " "),
             " ".join(attribute_words.get((a.name, a.value), "") for a in product.attributes),
             product.description]
    return {"product_id": product.id, "category": category_token(product.category_slug),
            "body": " ".join(words(" ".join(parts)))}


def category_token(slug: str) -> str:
    """A category as one word of the index (the tokenizer splits on "_")."""
    return slug.replace("_", "")


def index_products(session: Session, product_ids: Iterable[int] | None = None) -> int:
    """(Re)write the search documents and quality scores of the products (all when
    ``product_ids`` is None).

    Whoever changes products calls this in the same unit of work, as the seed does.
    """
    attribute_words = _attribute_words()
    query = select(Product).options(selectinload(Product.attributes))
    if product_ids is not None:
        ids = list(product_ids)
        query = query.where(Product.id.in_(ids))
        session.execute(delete(ProductDocument).where(ProductDocument.product_id.in_(ids)))
    else:
        session.execute(delete(ProductDocument))
    count = 0
    for batch in _batches(session.execute(query).scalars(), 1000):
        session.execute(ProductDocument.__table__.insert(),
                        [document(p, attribute_words) for p in batch])
        for product in batch:
            product.quality = quality(product.rating, product.rating_count)
        count += len(batch)
    session.flush()
    return count


def _batches(items: Iterable[Any], size: int) -> Iterator[List[Any]]:
    batch: List[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


# --- the question -------------------------------------------------------------------------
# The query is written out in SQL with bound parameters: it is the hot path of every product
# question, and building it as an expression tree cost more than running it. Each set of
# products matching some words is found once per query (a materialized CTE), and the
# candidates come from walks of each category's index that stop early, so the time does not
# grow with the catalogue.

Groups = Sequence[Sequence[Sequence[str]]]


class _Query:
    """Bound parameters with generated names and the full-text sets a statement uses."""

    def __init__(self, session: Session, request: ProductRequest) -> None:
        self.session = session
        self.request = request
        self.postgres = session.get_bind().dialect.name == "postgresql"
        self.values: Dict[str, Any] = {}
        self.binds: List[Any] = []
        self.sets: List[str] = []
        self._named: Dict[str, str] = {}

    def add(self, value: Any, money: bool = False) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        if money:
            self.binds.append(bindparam(name, type_=MONEY))
        return f":{name}"

    def many(self, values: Iterable[Any]) -> str:
        return ", ".join(self.add(v) for v in values)

    def term(self, word: str) -> str:
        """A prefix for words ("mutfak" finds "mutfakta"), the exact word for numbers and
        very short words ("16" is not "165", "ev" is not "everyday")."""
        exact = not word.isalpha() or len(word) < MIN_PREFIX
        if self.postgres:
            return word if exact else f"{word}:*"
        return f'"{word}"' if exact else f'"{word}"*'

    def mentions(self, groups: Groups) -> str:
        """A condition: the product matches every group; a group is alternatives of terms
        that all hold ([[["esofman", "alti"]], [["16"]]] = esofman AND alti AND 16)."""
        both, either = (" & ", " | ") if self.postgres else (" AND ", " OR ")
        query = both.join("(" + either.join("(" + both.join(self.term(w) for w in option)
                                            + ")" for option in group) + ")"
                          for group in groups)
        if self.postgres:  # planned with the index's statistics, unlike a CTE's rows
            return ("p.id IN (SELECT product_id FROM product_documents WHERE search_vector @@ "
                    f"to_tsquery('simple', {self.add(query)}))")
        if self.request.categories:
            tokens = " OR ".join(category_token(s) for s in self.request.categories)
            query = f"category : ({tokens}) AND ({query})"
        name = self._named.get(query)
        if name is None:
            name = self._named[query] = f"m{len(self.sets)}"
            self.sets.append(f"{name} AS MATERIALIZED (SELECT rowid AS product_id FROM "
                             f"product_fts WHERE product_fts MATCH {self.add(query)})")
        # Within categories "+p.id": a membership test, so SQLite walks each category's
        # index rather than fetching every matching product first.
        test = "+p.id" if self.request.categories else "p.id"
        return f"{test} IN (SELECT product_id FROM {name})"

    def covers(self, term: str) -> str:
        """1 when the product's document (``d``) has a word starting with ``term`` (the word
        itself for numbers and short words), as the index would match it: asked of the few
        candidates only, where reading their text is cheaper than asking the index."""
        exact = not term.isalpha() or len(term) < MIN_PREFIX
        pattern = self.add(f"% {term} %" if exact else f"% {term}%")
        return f"CASE WHEN ' ' || d.body || ' ' LIKE {pattern} THEN 1 ELSE 0 END"

    def conditions(self, scoped: bool = True) -> List[str]:
        """What every suggestion meets: in stock, the categories (unless ``scoped`` is
        False: the caller names one), the budget, every attribute, nothing excluded."""
        request = self.request
        where = ["p.stock > 0"]
        if request.categories and scoped:
            where.append(f"p.category_slug IN ({self.many(request.categories)})")
        # Unscoped, the caller walks a category's index by rating: the price is then a test
        # ("+ 0"), not a range the database would read whole and sort instead.
        price = ("p.price" if scoped or request.price_level == PriceLevel.CHEAPEST
                 else "p.price + 0")
        if request.budget.low is not None:
            where.append(f"{price} >= {self.add(request.budget.low, money=True)}")
        if request.budget.high is not None:
            where.append(f"{price} <= {self.add(request.budget.high, money=True)}")
        if request.exclude:
            where.append(f"p.id NOT IN ({self.many(request.exclude)})")
        for rule in request.attributes:
            # One look-up of the product's values per product (an aggregate, so neither
            # database turns it into a scan of every product's attributes); "> 0" rather
            # than "= 1" so PostgreSQL does not guess it rare and give up walking the index.
            lacking = 0 if rule.required else 1
            where.append(
                f"COALESCE((SELECT MAX(CASE WHEN a.value IN ({self.many(sorted(rule.values))}) "
                "THEN 1 ELSE 0 END) FROM product_attributes a WHERE a.product_id = p.id "
                f"AND a.name = {self.add(rule.name)}), {lacking}) > 0")
        return where

    def run(self, select_sql: str, steps: Sequence[str] = ()) -> Any:
        """Execute ``select_sql`` after the full-text sets and the named ``steps``."""
        parts = [*self.sets, *steps]
        sql = f"WITH {', '.join(parts)} {select_sql}" if parts else select_sql
        return self.session.execute(text(sql).bindparams(*self.binds), self.values)


def _fits(session: Session, request: ProductRequest, groups: Groups) -> bool:
    """Whether some product meeting the request's filters matches the groups."""
    query = _Query(session, request)
    where = query.conditions() + [query.mentions(groups)]
    return query.run(f"SELECT 1 FROM products p WHERE {' AND '.join(where)} LIMIT 1"
                     ).first() is not None


def _narrowing(session: Session, request: ProductRequest) -> Tuple[List[List[List[str]]],
                                                                   List[str]]:
    """What products must mention, and the shopper's words some product mentions.

    Products mention one of the asked kinds (all its words), and the shopper's own words
    ("16", "samsung") that some product of the asked kind mentions: all of them if one
    product does, else any. Decided without the budget, so a budget nothing meets is
    answered honestly, never loosened. Without a category the words are all there is."""
    loose = request.without_budget()
    groups: List[List[List[str]]] = []
    kinds = [query_terms([key]) for key in request.types]
    if kinds and _fits(session, loose, [kinds]):
        groups.append(kinds)
    terms = query_terms(request.words)
    if not request.categories:
        return groups + [[[term]] for term in terms], terms
    live = [term for term in terms if _fits(session, loose, groups + [[[term]]])]
    if len(live) > 1 and not _fits(session, loose, groups + [[[term]] for term in live]):
        return groups + [[[term] for term in live]], live
    return groups + [[[term]] for term in live], live


def _price_cut(query: _Query, where: Sequence[str]) -> str | None:
    """Affordable: the cheaper part of what fits; premium: the dearer half."""
    level = query.request.price_level
    if level not in (PriceLevel.AFFORDABLE, PriceLevel.PREMIUM):
        return None
    condition = " AND ".join(where)
    count = query.run(f"SELECT COUNT(*) FROM products p WHERE {condition}").scalar_one()
    if not count:
        return None
    affordable = level == PriceLevel.AFFORDABLE
    share = AFFORDABLE_SHARE if affordable else 0.5
    # The price as stored (kuruş), compared as stored.
    cut = query.run(f"SELECT p.price FROM products p WHERE {condition} ORDER BY p.price "
                    f"LIMIT 1 OFFSET {round((count - 1) * share)}").scalar_one()
    return f"p.price {'<=' if affordable else '>='} {query.add(cut)}"


def _candidates(query: _Query, where: Sequence[str], matching: str | None) -> str:
    """SQL of the ids worth scoring: in each category, the best rated (or cheapest) products
    that fit, walking the category's index and stopping as soon as enough are found; and,
    for describing words, those mentioning them among the category's best WISH_SCAN (a
    preference only, so a bounded look is enough)."""
    request = query.request
    depth = max(request.offset + request.limit + 1, MIN_DEPTH)
    cheapest = request.price_level == PriceLevel.CHEAPEST
    key, inner_key = (("p.price, p.id", "q.price, q.id") if cheapest
                      else ("p.quality DESC, p.id", "q.quality DESC, q.id"))
    picks: List[str] = []
    for slug in request.categories or (None,):
        scope = [f"p.category_slug = {query.add(slug)}"] if slug else []
        condition = " AND ".join(scope + list(where))
        picks.append(f"SELECT id FROM (SELECT p.id FROM products p WHERE {condition} "
                     f"ORDER BY {key} LIMIT {depth}) c{len(picks)}")
        if matching:
            best = ("SELECT q.id FROM products q" + (
                f" WHERE q.category_slug = {query.add(slug)}" if slug else "")
                + f" ORDER BY {inner_key} LIMIT {WISH_SCAN}")
            picks.append(f"SELECT id FROM (SELECT p.id FROM products p WHERE p.id IN ({best}) "
                         f"AND {' AND '.join(list(where) + [matching])} ORDER BY {key} "
                         f"LIMIT {depth}) c{len(picks)}")
    return " UNION ".join(picks)


def _search(query: _Query, narrowing: Groups, live: Sequence[str]) -> List[int]:
    """The ids of one page (and one more, to tell whether there are more)."""
    request = query.request
    where = query.conditions(scoped=False)
    if narrowing:
        where.append(query.mentions(narrowing))
    scope = ([f"p.category_slug IN ({query.many(request.categories)})"]
             if request.categories else [])
    cut = _price_cut(query, scope + where)
    if cut:
        where.append(cut)
    # Relevance: the share of the shopper's words (and kinds, wishes) a product mentions; it
    # orders first. Then the share of hints, which only adds to the rating.
    words = list(dict.fromkeys(
        list(live) + query_terms(request.wishes + request.types)))[:MAX_TERMS]
    hints = [h for h in query_terms(request.hints) if h not in words][:MAX_TERMS]
    # The shopper's words and kinds already narrowed the products; describing words did not,
    # so the best of those mentioning them are fetched too.
    wishes = query_terms(request.wishes)
    matching = query.mentions([[[term] for term in wishes]]) if wishes else None
    steps = [f"candidates AS MATERIALIZED ({_candidates(query, where, matching)})"]
    found = [query.covers(term) for term in words + hints]
    relevance = f"({' + '.join(found[:len(words)])}) * 1.0 / {len(words)}" if words else "0"
    boost = (f"({' + '.join(found[len(words):])}) * {HINT_WEIGHT / len(hints)}"
             if hints else "0")
    # Several categories (a need's, a person's, a department's): one of each in turn.
    turn = ("ROW_NUMBER() OVER (PARTITION BY category, relevance "
            "ORDER BY score DESC, id)" if len(request.categories) > 1 else "1")
    order = ("price, id" if request.price_level == PriceLevel.CHEAPEST
             else "relevance DESC, turn, score DESC, id")
    steps += [f"""scored AS (
            SELECT p.id, p.category_slug AS category, p.price, {relevance} AS relevance,
                   {boost} + p.quality AS score
            FROM products p JOIN product_documents d ON d.product_id = p.id
            WHERE p.id IN (SELECT id FROM candidates))""",
              f"ranked AS (SELECT id, price, relevance, score, {turn} AS turn FROM scored)"]
    return list(query.run(f"SELECT id FROM ranked ORDER BY {order} "
                          f"LIMIT {request.limit + 1} OFFSET {request.offset}", steps).scalars())


def _no_jit(session: Session) -> None:
    """PostgreSQL compiles, or starts parallel workers for, a query it guesses costly (the
    walks look so before LIMIT stops them): tens of milliseconds for a query that runs in
    a few. Both off for this transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0"))


def search_products(session: Session, request: ProductRequest) -> ProductResults:
    """The products that meet every constraint of ``request``, best first, one page."""
    if request.vague:
        return ProductResults(request, (), more=False)
    _no_jit(session)
    ids = _search(_Query(session, request), *_narrowing(session, request))
    views = product_views(session, ids[:request.limit])
    return ProductResults(request, tuple(views), more=len(ids) > request.limit)


def cheapest_fit(session: Session, request: ProductRequest) -> ProductView | None:
    """The cheapest product meeting every constraint but the budget (for an honest "none")."""
    loose = replace(request.without_budget(), limit=1, hints=())
    if loose.vague:
        return None
    _no_jit(session)
    query = _Query(session, loose)
    where = query.conditions()
    narrowing, _ = _narrowing(session, loose)
    if narrowing:
        where.append(query.mentions(narrowing))
    found = query.run(f"SELECT p.id FROM products p WHERE {' AND '.join(where)} "
                      "ORDER BY p.price, p.id LIMIT 1").scalar()
    return product_views(session, [found])[0] if found is not None else None


_VIEWS = text(
    "SELECT p.id, p.name, p.brand, p.category_slug, c.name AS category_name, p.price, "
    "p.rating, p.rating_count, p.description FROM products p "
    "JOIN categories c ON c.slug = p.category_slug WHERE p.id IN :ids"
).bindparams(bindparam("ids", expanding=True)).columns(price=MONEY)


def product_views(session: Session, ids: Sequence[int]) -> List[ProductView]:
    """Views of the products, in the order of ``ids``."""
    if not ids:
        return []
    by_id = {row.id: ProductView(str(row.id), *row[1:])
             for row in session.execute(_VIEWS, {"ids": list(ids)})}
    return [by_id[i] for i in ids if i in by_id]
