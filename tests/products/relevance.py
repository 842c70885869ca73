"""Scoring product suggestions against the hand-judged relevance sets (tests/products/*.yml).

A case's hard constraints must hold for every suggestion shown; precision@3 counts how many
of the first three suggestions are among what a good shop assistant would show first (out of
three, or of fewer when fewer such products exist).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.shop.types import ProductOutcome as Outcome
from bot.store.models import Product, ProductAttribute
from bot.store.products import read_request, suggest

HERE = Path(__file__).parent
TOP = 3


def cases(name: str) -> List[Dict[str, Any]]:
    return yaml.safe_load((HERE / f"{name}.yml").read_text("utf-8"))


@dataclass
class CaseResult:
    text: str
    shown: List[str]
    violations: List[str] = field(default_factory=list)
    precision: float | None = None  # None for no-match and vague cases
    honest: bool | None = None  # for no-match and vague cases


def _attributes(session: Session, names: List[str]) -> Dict[str, Dict[str, Any]]:
    rows = session.execute(select(Product).where(Product.name.in_(names))).scalars().all()
    found: Dict[str, Dict[str, Any]] = {}
    for product in rows:
        values: Dict[str, set] = {}
        for attribute in session.execute(select(ProductAttribute).where(
                ProductAttribute.product_id == product.id)).scalars():
            values.setdefault(attribute.name, set()).add(attribute.value)
        found[product.name] = {"category": product.category_slug, "price": product.price,
                               "brand": product.brand, "stock": product.stock,
                               "attributes": values}
    return found


def score(session: Session, case: Dict[str, Any]) -> CaseResult:
    answer = suggest(session, read_request(session, case["text"]))
    shown = [p.name for p in answer.products]
    result = CaseResult(case["text"], shown)
    if case.get("clarify"):
        result.honest = answer.outcome == Outcome.VAGUE
        if not result.honest:
            result.violations.append(f"expected a question, got {answer.outcome.value}: {shown}")
        return result
    if case.get("none_at_all"):
        result.honest = answer.outcome == Outcome.NOT_FOUND
        if not result.honest:
            result.violations.append(f"expected no products, got {answer.outcome.value}: {shown}")
        return result
    if "none" in case:
        named = answer.cheapest.name if answer.cheapest else None
        result.honest = answer.outcome == Outcome.OVER_BUDGET and named == case["none"]
        if not result.honest:
            result.violations.append(
                f"expected none, naming {case['none']!r}; got {answer.outcome.value}, "
                f"naming {named!r}, showing {shown}")
        if answer.cheapest is not None and answer.cheapest.category_slug not in case["categories"]:
            result.violations.append(f"cheapest named is of another category: {named}")
        return result
    if answer.outcome != Outcome.FOUND:
        result.violations.append(f"no suggestions ({answer.outcome.value})")
        result.precision = 0.0
        return result
    facts = _attributes(session, shown)
    for name in shown:
        fact = facts[name]
        if fact["stock"] <= 0:
            result.violations.append(f"{name}: out of stock")
        if "categories" in case and fact["category"] not in case["categories"]:
            result.violations.append(f"{name}: category {fact['category']}")
        if "max_price" in case and fact["price"] > case["max_price"]:
            result.violations.append(f"{name}: {fact['price']} > {case['max_price']}")
        if "min_price" in case and fact["price"] < case["min_price"]:
            result.violations.append(f"{name}: {fact['price']} < {case['min_price']}")
        if "brands" in case and fact["brand"] not in case["brands"]:
            result.violations.append(f"{name}: brand {fact['brand']}")
        for attribute, allowed in (case.get("attributes") or {}).items():
            if not fact["attributes"].get(attribute, set()) & set(allowed):
                result.violations.append(f"{name}: {attribute} not in {allowed}")
        for attribute, banned in (case.get("not_attributes") or {}).items():
            if fact["attributes"].get(attribute, set()) & set(banned):
                result.violations.append(f"{name}: {attribute} in {banned}")
    good = set(case["good"])
    result.precision = len(good & set(shown[:TOP])) / min(TOP, len(good))
    return result


@dataclass
class Report:
    name: str
    results: List[CaseResult]

    @property
    def ranked(self) -> List[CaseResult]:
        return [r for r in self.results if r.precision is not None]

    @property
    def precision(self) -> float:
        return sum(r.precision for r in self.ranked) / len(self.ranked)

    @property
    def honest(self) -> List[CaseResult]:
        return [r for r in self.results if r.honest is not None]

    @property
    def violations(self) -> List[str]:
        return [f"{r.text!r}: {v}" for r in self.results for v in r.violations]

    def summary(self) -> str:
        honest = sum(1 for r in self.honest if r.honest)
        lines = [f"{self.name}: {len(self.results)} requests, precision@3 {self.precision:.3f} "
                 f"over {len(self.ranked)} ranked, no-match/vague answered honestly "
                 f"{honest}/{len(self.honest)}, constraint violations {len(self.violations)}"]
        lines += [f"  p@3 {r.precision:.2f}  {r.text}  ->  {r.shown[:TOP]}"
                  for r in self.ranked if r.precision < 1]
        lines += [f"  VIOLATION {v}" for v in self.violations]
        return "\n".join(lines)


def evaluate(session: Session, name: str) -> Report:
    return Report(name, [score(session, case) for case in cases(name)])
