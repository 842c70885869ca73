"""What a shopper asks for, read from their words.

"1000 TL altı kablosuz kulaklık", "annem mutfakta çok vakit geçiriyor", "6 yaşındaki oğluma
hediye, 3 bini geçmesin": the category, the budget, the attributes that must hold, the need or
person behind it, and the words to rank by. Only numbers with money around them are budgets
("iPhone 16", "A55", "10000 mAh", "6 yaşında" are not), and "altı" is "under" only after an
amount ("Eşofman Altı" stays a product). The words are data: `data/product_words.yml`,
`data/suggestions.yml` and the categories' own keywords in the catalogue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, Iterable, List, Mapping, Sequence, Set, Tuple

import yaml

from bot.store.phrases import Lexicon, Match, PhraseTable, is_suffix, words

DATA_DIR = Path(__file__).parent / "data"
_NUMBER = re.compile(r"(\d+(?:[.,]\d+)*)([^\W\d_]*)")
_ABLATIVE = re.compile(r"[dt][ae]n$")  # "500'den 1000'e kadar"
_UNITS = ("unit", "age_unit", "month_unit")


@cache
def _data(name: str) -> Dict[str, Any]:
    return yaml.safe_load((DATA_DIR / name).read_text("utf-8"))


def product_words() -> Dict[str, Any]:
    return _data("product_words.yml")


def suggestion_rules() -> Dict[str, Any]:
    return _data("suggestions.yml")


@dataclass(frozen=True)
class Budget:
    low: Decimal | None = None
    high: Decimal | None = None

    @property
    def given(self) -> bool:
        return self.low is not None or self.high is not None

    def narrowed(self, other: Budget) -> Budget:
        lows = [v for v in (self.low, other.low) if v is not None]
        highs = [v for v in (self.high, other.high) if v is not None]
        return Budget(max(lows) if lows else None, min(highs) if highs else None)


@dataclass(frozen=True)
class AttributeFilter:
    """Products fit when they have one of ``values`` for ``name`` (or none, unless required)."""

    name: str
    values: FrozenSet[str]
    required: bool = False


class PriceLevel(str, Enum):
    ANY = "any"
    AFFORDABLE = "affordable"  # the cheaper half of what fits
    CHEAPEST = "cheapest"  # cheapest first
    PREMIUM = "premium"  # the dearer half of what fits


@dataclass(frozen=True)
class ProductRequest:
    """A product search: hard constraints every suggestion meets, and soft words to rank by."""

    categories: Tuple[str, ...] = ()
    named_category: bool = False  # the shopper named the category (not a need or a person)
    budget: Budget = Budget()
    attributes: Tuple[AttributeFilter, ...] = ()
    # Kinds of product asked for ("eşofman altı"): products mention all words of one of them.
    types: Tuple[str, ...] = ()
    words: Tuple[str, ...] = ()  # what products must mention, when some do ("16", "samsung")
    wishes: Tuple[str, ...] = ()  # what ranks products first ("sessiz", "küçük")
    hints: Tuple[str, ...] = ()  # what ranks products a little higher ("kamp", "hediye")
    price_level: PriceLevel = PriceLevel.ANY
    needs: Tuple[str, ...] = ()
    recipient: str | None = None
    gift: bool = False
    exclude: Tuple[int, ...] = ()
    offset: int = 0
    limit: int = 5

    @property
    def vague(self) -> bool:
        """Nothing to search by: no category, need, person or word of the shopper's."""
        return not self.categories and not self.words and not self.wishes

    def without_budget(self) -> ProductRequest:
        return replace(self, budget=Budget(), price_level=PriceLevel.ANY, offset=0)


@dataclass(frozen=True)
class CategoryInfo:
    slug: str
    name: str
    parent: str | None
    keywords: Tuple[str, ...]
    accessory_for: Tuple[str, ...] = ()
    # (words a product's text has, what shoppers say): ("maskara", ("maskara", "rimel")).
    types: Tuple[Tuple[str, Tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    """The category tree: departments (no parent) and the categories products belong to."""

    categories: Tuple[CategoryInfo, ...]

    def leaves(self, department: str) -> Tuple[str, ...]:
        return tuple(c.slug for c in self.categories if c.parent == department)

    def get(self, slug: str) -> CategoryInfo | None:
        return next((c for c in self.categories if c.slug == slug), None)


@dataclass(frozen=True)
class _Amount:
    start: int
    end: int  # exclusive, with the currency, thousand or unit that follows
    value: Decimal
    money: bool
    unit: str | None  # "unit", "age_unit" or "month_unit"
    ablative: bool


@dataclass
class _Reading:
    """What has been understood so far while reading one message."""

    tokens: List[str]
    consumed: Set[int] = field(default_factory=set)
    blocked: Set[int] = field(default_factory=set)  # kept as words, but no phrase there
    budget: Budget = Budget()
    age: int | None = None


def _value(number: str) -> Decimal | None:
    """"1.500" -> 1500, "1,5" -> 1.5, "1.299,90" -> 1299.90, "2.5" -> 2.5."""
    if "," in number:
        number = number.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        number = number.replace(".", "")
    try:
        return Decimal(number)
    except ArithmeticError:
        return None


class RequestReader:
    """Reads messages against one catalogue's categories and the words in the data files."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        data = product_words()
        rules = suggestion_rules()
        money = data["money"]
        self._around = Decimal(str(money["around_share"]))
        stop = [w for phrase in data["stop_words"] for w in words(str(phrase))]
        self._describing = Lexicon([w for p in data["describing"] for w in words(str(p))],
                                   correct=False)
        self._stop_exact = frozenset(stop)
        self._stop_lexicon = Lexicon([w for w in stop if len(w) >= 4], correct=False)
        entries: List[Tuple[str, Tuple[str, ...]]] = []
        for kind in ("currency", "thousand", "below", "above", "around", "between"):
            entries += [(str(p), (kind,)) for p in money[kind]]
        entries += [(str(p), ("joiner",)) for p in money["range_joiners"]]
        for kind, said in money["before_amount"].items():
            entries += [(str(p), ("before", kind)) for p in said]
        entries += [(str(p), ("unit",)) for p in data["units"]]
        entries += [(str(p), ("age_unit",)) for p in data["age_units"]]
        entries += [(str(p), ("month_unit",)) for p in data["month_units"]]
        self._money = PhraseTable(entries)
        numbers: List[Tuple[str, Tuple[Any, ...]]] = [
            (str(w), ("number", v)) for w, v in money["number_words"].items()]
        numbers += [(str(p), ("hundred",)) for p in money["hundred"]]
        numbers += [(str(p), ("thousand",)) for p in money["thousand"]]
        numbers += [(str(p), ("half",)) for p in money["half"]]
        self._numbers = PhraseTable(numbers)
        self._age_buckets = {key: tuple(span) for key, span in data["age_buckets"].items()}
        self._attributes: Dict[str, Dict[str, Dict[str, Any]]] = data["attributes"]
        self._required = frozenset(data["required"])
        self._needs: Dict[str, Dict[str, Any]] = rules["needs"]
        self._recipients: Dict[str, Dict[str, Any]] = rules["recipients"]
        phrases: List[Tuple[str, Tuple[str, ...]]] = []
        for category in catalogue.categories:
            kind = "category" if category.parent else "department"
            phrases += [(k, (kind, category.slug)) for k in category.keywords]
            phrases += [(phrase, ("type", category.slug, key))
                        for key, type_phrases in category.types for phrase in type_phrases]
        for name, values in self._attributes.items():
            for value, spec in values.items():
                phrases += [(str(p), ("attribute", name, value)) for p in spec["phrases"]]
        for key, need in self._needs.items():
            phrases += [(str(p), ("need", key)) for p in need["phrases"]]
        for key, person in self._recipients.items():
            phrases += [(str(p), ("recipient", key)) for p in person["phrases"]]
        for level, level_phrases in data["price_level"].items():
            phrases += [(str(p), ("price_level", level)) for p in level_phrases]
        phrases += [(str(p), ("gift",)) for p in data["gift"]]
        self._phrases = PhraseTable(phrases, protected=self._stop_exact)

    # --- money and numbers ---------------------------------------------------------------

    def _money_at(self, matches: Dict[int, Match], index: int) -> Tuple[str, ...] | None:
        match = matches.get(index)
        return match.values[0] if match is not None else None

    def _number_words(self, tokens: Sequence[str], start: int) -> Tuple[Decimal, int, bool]:
        """A run of number words at ``start`` ("iki bin beş yüz"): value, end, has a scale."""
        total, current, scaled, end = Decimal(0), Decimal(0), False, start
        for index in range(start, len(tokens)):
            meanings = self._numbers.values_of(self._numbers.lexicon.resolve(tokens[index]))
            if not meanings:
                break
            kind = meanings[0]
            if kind[0] == "number":
                current += Decimal(kind[1])
            elif kind[0] == "half":
                current += Decimal("0.5")
            elif kind[0] == "hundred":
                current, scaled = (current or Decimal(1)) * 100, True
            else:  # thousand
                total, current, scaled = (total + (current or Decimal(1)) * 1000, Decimal(0),
                                          True)
            end = index + 1
        return total + current, end, scaled

    def _amounts(self, tokens: Sequence[str], money: Dict[int, Match]) -> List[_Amount]:
        """Numbers in the message, each with the currency, thousand or unit that follows it."""
        found: List[_Amount] = []
        index = 0
        while index < len(tokens):
            value, end, is_money, unit = self._number_at(tokens, index, money)
            if value is None:
                index += 1
                continue
            following = self._money_at(money, end)
            if following and following[0] == "thousand" and unit is None:
                value, is_money, end = value * 1000, True, end + 1
                following = self._money_at(money, end)
            if unit is None and following and following[0] == "currency":
                is_money, end = True, end + 1
            elif unit is None and following and following[0] in _UNITS:
                unit, end = following[0], end + 1
            found.append(_Amount(index, end, value, is_money, unit,
                                 _ABLATIVE.search(tokens[end - 1]) is not None))
            index = end
        return found

    def _number_at(self, tokens: Sequence[str], index: int, money: Dict[int, Match]
                   ) -> Tuple[Decimal | None, int, bool, str | None]:
        """The number starting at ``index`` (digits or words), if one does."""
        is_money = index > 0 and tokens[index - 1] == "₺"
        number = _NUMBER.fullmatch(tokens[index])
        value: Decimal | None
        if number is None:
            value, end, scaled = self._number_words(tokens, index)
            after = self._money_at(money, end)
            if end == index or not (scaled or after and after[0] in ("currency", *_UNITS)):
                return None, index + 1, False, None  # "bir kulaklık", "eşofman altı"
            return value, end, is_money, None
        value, letters = _value(number.group(1)), number.group(2)
        if not letters or value is None:
            return value, index + 1, is_money, None
        meanings = self._money.values_of(self._money.lexicon.resolve(letters))
        kinds = [m[0] for m in meanings]
        if "thousand" in kinds:  # "3k", "5bin"
            return value * 1000, index + 1, True, None
        if "currency" in kinds:  # "500tl"
            return value, index + 1, True, None
        unit = next((k for k in kinds if k in _UNITS), None)
        if unit:  # "10000mah"
            return value, index + 1, False, unit
        if is_suffix(letters):  # "3000e kadar"
            return value, index + 1, is_money, None
        return None, index + 1, False, None  # a model name such as "14c"

    def _read_money(self, reading: _Reading) -> None:
        """Budgets and ages; numbers that are neither stay words of the request."""
        tokens = reading.tokens
        money = {m.start: m for m in self._money.find(tokens)}
        ends = {m.end: m for m in money.values()}
        amounts = self._amounts(tokens, money)
        skip_next = False
        for position, amount in enumerate(amounts):
            if skip_next:
                skip_next = False
                continue
            span = set(range(amount.start, amount.end))
            if amount.unit in ("age_unit", "month_unit"):
                reading.age = 0 if amount.unit == "month_unit" else int(amount.value)
                reading.consumed |= span
                continue
            if amount.unit:
                reading.blocked |= span
                continue
            after = self._money_at(money, amount.end)
            following = amounts[position + 1] if position + 1 < len(amounts) else None
            if following is not None and following.unit is None:
                joined = (after is not None and after[0] == "joiner"
                          and following.start == money[amount.end].end)
                adjacent = following.start == amount.end
                tail = self._money_at(money, following.end)
                closes = tail is not None and tail[0] in ("between", "below")
                if (joined or adjacent) and (closes or amount.ablative and adjacent
                                             or joined and (amount.money or following.money)):
                    low, high = sorted((amount.value, following.value))
                    span |= set(range(amount.start, following.end))
                    if closes:
                        span |= set(range(following.end, money[following.end].end))
                    reading.budget = reading.budget.narrowed(Budget(low, high))
                    reading.consumed |= span
                    skip_next = True
                    continue
            operator = None
            if after is not None and after[0] in ("below", "above", "around", "between"):
                operator = after[0]
                span |= set(range(amount.end, money[amount.end].end))
            before = ends.get(amount.start)
            if before is not None and before.values[0][0] == "before":
                operator = operator or before.values[0][1]
                span |= set(range(before.start, before.end))
            if not (amount.money or operator):
                continue  # a bare number: a model ("iPhone 16"), kept as a word
            value = amount.value
            if operator == "above":
                budget = Budget(low=value)
            elif operator == "around":
                budget = Budget(value * (1 - self._around), value * (1 + self._around))
            else:  # "under", or an amount alone: a ceiling is what people mean
                budget = Budget(high=value)
            reading.budget = reading.budget.narrowed(budget)
            reading.consumed |= span

    # --- the rest of the message ----------------------------------------------------------

    def _is_stop(self, token: str) -> bool:
        return token in self._stop_exact or (
            len(token) >= 5 and bool(self._stop_lexicon.resolve(token)))

    def _attribute(self, name: str, values: Iterable[str]) -> AttributeFilter:
        accepted: Set[str] = set()
        for value in values:
            spec = self._attributes.get(name, {}).get(value, {})
            accepted |= set(spec.get("accepts") or [value])
        return AttributeFilter(name, frozenset(accepted), name in self._required)

    def read(self, text: str) -> ProductRequest:
        reading = _Reading(words(text))
        self._read_money(reading)
        tokens = reading.tokens
        matches = self._phrases.find(tokens, skip=reading.consumed | reading.blocked,
                                     nested=_attribute_in_category)
        named: List[str] = []
        departments: List[str] = []
        asked: Dict[str, List[str]] = {}
        needs: List[str] = []
        recipients: List[str] = []
        levels: List[str] = []
        gift = False
        # A category's own words narrow it ("eşofman altı" among sportswear, "ekran koruyucu"
        # among phone accessories); an attribute's words only rank (the filter decides).
        types: Dict[str, List[str]] = {}
        category_words: Dict[str, List[str]] = {}
        attribute_words: List[str] = []
        for match in matches:
            reading.consumed |= set(range(match.start, match.end))
            for value in match.values:
                kind = value[0]
                if kind in ("category", "type"):
                    category_words.setdefault(value[1], []).extend(tokens[match.start:match.end])
                elif kind == "attribute":
                    attribute_words.extend(tokens[match.start:match.end])
                if kind == "category":
                    named.append(value[1])
                elif kind == "type":
                    named.append(value[1])
                    types.setdefault(value[1], []).append(value[2])
                elif kind == "department":
                    departments.append(value[1])
                elif kind == "attribute":
                    asked.setdefault(value[1], []).append(value[2])
                elif kind == "need":
                    needs.append(value[1])
                elif kind == "recipient":
                    recipients.append(value[1])
                elif kind == "price_level":
                    levels.append(value[1])
                else:
                    gift = True
        leftover = [token for index, token in enumerate(tokens) if index not in reading.consumed
                    and not self._is_stop(token) and token != "-"]
        specific = [w for w in leftover if not self._describing.resolve(w)]
        # A describing word as the list has it ("evde" -> "ev"), so its stem finds products.
        wishes = [min(self._describing.resolve(w), key=len) for w in leftover
                  if w not in specific]
        hints: List[str] = []
        categories = self._categories(named, departments, hints, category_words)
        for key in needs:
            hints += [w for phrase in self._needs[key].get("words", []) for w in words(phrase)]
        filters: Dict[str, AttributeFilter] = {
            name: self._attribute(name, values) for name, values in asked.items()}
        for key in needs:
            for name, values in (self._needs[key].get("attributes") or {}).items():
                filters.setdefault(name, self._attribute(name, values))
        recipient = recipients[0] if recipients else None
        audience = (self._recipients[recipient].get("audience") if recipient else None)
        if audience:
            filters.setdefault("audience", self._attribute("audience", [audience]))
        for value in asked.get("audience", []) + ([audience] if audience else []):
            implied = self._attributes["audience"].get(value, {}).get("also") or {}
            for name, values in implied.items():
                filters.setdefault(name, self._attribute(name, values))
        if reading.age is not None:
            filters["age"] = AttributeFilter("age", frozenset(
                key for key, (low, high) in self._age_buckets.items()
                if low <= reading.age <= high))
        derived = self._derived_categories(needs, recipient)
        accessories = tuple(c for c in derived if set(categories) & set(
            getattr(self.catalogue.get(c), "accessory_for", ())))
        if accessories and named:
            # "arabada telefonu tutacak bir şey": the need's accessory for the named device.
            hints += [w for slug in categories for w in category_words.get(slug, [])]
            categories, types = accessories, {}
        if categories and not named and derived:
            # "iş görüşmesi için kıyafet": the department narrowed to what the need asks for.
            categories = tuple(c for c in categories if c in derived) or categories
        if gift and (categories or derived):
            hints += words(str(product_words()["gift"][0]))  # gift ideas first
        if not (categories or derived):
            specific += attribute_words  # "bebek arabası": words are all there is
        return ProductRequest(
            categories=categories or derived,
            named_category=bool(categories),
            budget=reading.budget,
            attributes=tuple(filters[name] for name in sorted(filters)),
            types=tuple(dict.fromkeys(key for slug in categories for key in types.get(slug, []))),
            words=tuple(dict.fromkeys(specific)),
            wishes=tuple(dict.fromkeys(wishes)),
            hints=tuple(dict.fromkeys(w for w in hints if w not in specific)),
            price_level=PriceLevel(levels[0]) if levels else PriceLevel.ANY,
            needs=tuple(dict.fromkeys(needs)),
            recipient=recipient,
            gift=gift,
        )

    def _categories(self, named: List[str], departments: List[str], hints: List[str],
                    device_words: Mapping[str, List[str]]) -> Tuple[str, ...]:
        """Named categories; an accessory wins over the device it is for ("telefon kılıfı")."""
        chosen = list(dict.fromkeys(named))
        for slug in list(chosen):
            info = self.catalogue.get(slug)
            for device in (info.accessory_for if info else ()):
                if device in chosen and slug in chosen:
                    chosen.remove(device)
                    hints.extend(device_words.get(device, []))
        for department in dict.fromkeys(departments):
            leaves = self.catalogue.leaves(department)
            if not any(slug in leaves for slug in chosen):
                chosen += [slug for slug in leaves if slug not in chosen]
        return tuple(chosen)

    def _derived_categories(self, needs: Sequence[str], recipient: str | None) -> Tuple[str, ...]:
        """Categories for a need or a person, when the shopper named none."""
        lists = [list(self._needs[key].get("categories", [])) for key in dict.fromkeys(needs)]
        lists = [found for found in lists if found]
        if recipient and not lists:  # a need says more than a person's usual gifts
            lists = [list(self._recipients[recipient].get("categories", []))]
        # "yeni eve taşındım, mutfak için": what every need has in common, else the first's.
        common = [c for c in lists[0] if all(c in other for other in lists[1:])] if lists else []
        chosen = common or (lists[0] if lists else [])
        known = {c.slug for c in self.catalogue.categories}
        return tuple(c for c in dict.fromkeys(chosen) if c in known)


def _attribute_in_category(inner: Match, outer: Match) -> bool:
    """"hızlı şarj" inside "hızlı şarj aleti", "kablosuz" inside "kablosuz şarj": both hold."""
    return (any(v[0] == "attribute" for v in inner.values)
            and any(v[0] in ("category", "department") for v in outer.values))


@lru_cache(maxsize=8)
def reader_for(catalogue: Catalogue) -> RequestReader:
    """One reader per catalogue (building one compiles every phrase)."""
    return RequestReader(catalogue)
