"""Order numbers, e-mail addresses and phone numbers: the one set of patterns that both
reads them out of what shoppers type and masks them in logs and transcripts.

Shoppers write "sipariş no: 10045821", "1004 5821", "0532 111 22 33", "+90 (532) 1112233"
or "AYSE.YILMAZ@EXAMPLE.COM"; all of these must reach the shop in one canonical form. The
order-number format is the shop's (the ``ORDER_NUMBER_PATTERN`` setting). A number of that
shape that the words around it mark as something else (a date, an amount, a tracking
number, a piece of an IBAN: "12122026 tarihinde", "12500000 TL") is not an order number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import List

from bot.settings import get_settings
from bot.text.turkish import fold_letters
from bot.text.vocabulary import shopping_words

EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# A Turkish number as people write it: "+90 532 111 22 33", "0(532) 111-2233", "5321112233".
PHONE = re.compile(
    r"(?<![\d+])(?:\+?90[\s-]?)?\(?0?[2-5]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{2}[\s.-]?\d{2}(?!\d)"
)

# A Turkish IBAN as shoppers type it ("TR33 0006 1005 1978 6457 8413 26", "tr33000610..."):
# its digit groups are no phone and no order number. (Masking hides any country's IBAN.)
IBAN = re.compile(r"(?<![A-Za-z0-9])[Tt][Rr] ?\d{2}(?:[ -]?\d{4}){5}[ -]?\d{2}(?!\d)")
# Digits typed in groups ("1004 5825", "100-458-25"): one order number when, joined, they
# have its shape. A first group of three digits or more keeps dates ("12 12 2026") out;
# dots are left to amounts ("12.500.000").
_GROUPED = re.compile(r"(?<![\w+.,-])\d{3,}(?:[ -]\d{2,})+(?![\w.,-]?\d)")


@cache
def order_number_pattern(pattern: str | None = None) -> re.Pattern[str]:
    """The shop's order-number pattern (a setting), standing alone among digits."""
    core = pattern if pattern is not None else get_settings().order_number_pattern
    return re.compile(rf"(?<![\d\w])({core})(?![\d\w])")


@dataclass(frozen=True)
class Contact:
    """A verified-form contact: ``kind`` is "email" or "phone", ``value`` is canonical."""

    kind: str
    value: str


def normalise_phone(text: str) -> str | None:
    """Ten national digits (``5321112233``) for a Turkish number in any usual form."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 12 and digits.startswith("90"):
        digits = digits[2:]
    elif len(digits) == 11 and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) == 10 and digits[0] in "2345":
        return digits
    return None


# A WhatsApp id (``wa_id``) is E.164 without the "+": only Turkish mobiles ("90" and a
# 10-digit national number starting with 5) can be the phone of an order here.
_TURKISH_MOBILE_WA_ID = re.compile(r"90(5\d{9})")


def whatsapp_phone(wa_id: object) -> str | None:
    """The national form (``5321112233``, as :func:`normalise_phone` makes it) of a WhatsApp
    number Meta vouches for, or None when it is not a Turkish mobile in E.164: the tail of
    a foreign number (``5321112233`` is +53, Cuba) must never match a Turkish order."""
    if not isinstance(wa_id, str):
        return None
    match = _TURKISH_MOBILE_WA_ID.fullmatch(wa_id)
    return match.group(1) if match else None


def normalise_email(text: str) -> str:
    return text.strip().lower()


@dataclass(frozen=True)
class Span:
    """Where an order number, e-mail or phone stands in a message, and its canonical value."""

    entity: str
    start: int
    end: int
    value: str


@cache
def _other_number_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Words right before a number that name it as something else ("takip numaram", "iban")
    and right after it ("TL", "tarihinde"), from ``not_order_number`` in shopping_words.yml,
    on Turkish-folded text."""
    words = shopping_words()["not_order_number"]

    def either(key: str) -> str:
        return "|".join(re.escape(fold_letters(w)) for w in words[key])

    return (re.compile(rf"(?:^|\W)(?:{either('before')})\w*\W{{0,3}}(?:\w+\W{{1,3}})?$"),
            re.compile(rf"^\W{{0,3}}(?:{either('after')})(?!\w)|^\W{{0,3}}(?:{either('after_stem')})"))


def named_otherwise(text: str, start: int, end: int) -> bool:
    """Whether the words around ``text[start:end]`` say the number is not an order number:
    a date, an amount, a tracking or account number."""
    before, after = _other_number_words()
    # Positions survive the folding: fold_letters keeps one character for one.
    folded = fold_letters(text)
    return bool(before.search(folded[max(0, start - 30):start])
                or after.search(folded[end:end + 12]))


def set_aside_numbers(text: str) -> bool:
    """Whether ``text`` holds a number of the order number's shape that is not read as one
    (an IBAN, or a number its words name as something else), so that no reply says "your
    order number has 8 digits" to it."""
    if IBAN.search(text):
        return True
    return any(named_otherwise(text, m.start(1), m.end(1))
               for m in order_number_pattern().finditer(text))


def find_spans(text: str) -> List[Span]:
    """Every order number, e-mail address and phone number in ``text``, left to right."""
    spans = [Span("email", m.start(), m.end(), normalise_email(m.group(0)))
             for m in EMAIL.finditer(text)]
    # An IBAN's digit groups are no phone and no order number.
    taken = [(s.start, s.end) for s in spans] + [(m.start(), m.end())
                                                  for m in IBAN.finditer(text)]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in PHONE.finditer(text):
        phone = normalise_phone(match.group(0))
        if phone and free(match.start(), match.end()):
            spans.append(Span("phone", match.start(), match.end(), phone))
            taken.append((match.start(), match.end()))
    pattern = order_number_pattern()
    for match in pattern.finditer(text):
        start, end = match.start(1), match.end(1)
        if free(start, end) and not named_otherwise(text, start, end):
            spans.append(Span("order_id", start, end, match.group(1)))
    for match in _GROUPED.finditer(text):
        joined = re.sub(r"\D", "", match.group(0))
        start, end = match.start(), match.end()
        if (pattern.fullmatch(joined) and free(start, end)
                and not named_otherwise(text, start, end)):
            spans.append(Span("order_id", start, end, joined))
            taken.append((start, end))
    return sorted(spans, key=lambda span: span.start)


def parse_order_number(text: str | None) -> str | None:
    """The first order number in ``text`` (not part of a phone number), or None."""
    spans = find_spans(str(text)) if text else []
    return next((s.value for s in spans if s.entity == "order_id"), None)


def parse_contact(text: str | None) -> Contact | None:
    """The first e-mail address or phone number in ``text``, or None."""
    spans = find_spans(str(text)) if text else []
    return next((Contact(s.entity, s.value) for s in spans if s.entity != "order_id"), None)
