"""Realistic shopper conversations of eight turns: small talk, FAQ and order tracking.

Order tracking goes through the real ownership check and the store (order number, then the
order's e-mail or phone, then the status and the satisfaction question, whose answer is
written to the store). Orders and contacts are the demo shop's (bot/store/data/demo.yml).

Nothing here may hand the chat to the agent queue, a different workload: no anger, no
request for a person, no question asked three times. (They were written while the
escalation policy still took three FAQ topics for one question and "görüşürüz" for anger,
so they also ask at most two FAQ questions and say no goodbyes; both bugs are fixed.)
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Callable, Iterator, List, Sequence, Tuple

SMALL_TALK = "small_talk"
FAQ = "faq"
ORDER = "order"
KINDS = (SMALL_TALK, FAQ, ORDER)

GREETINGS = ("merhaba", "selam", "merhabalar", "günaydın", "iyi günler", "selamlar")
THANKS = ("teşekkürler", "teşekkür ederim", "çok teşekkürler", "sağ olun", "tesekkurler")
GOODBYES = ("hoşça kalın", "iyi akşamlar", "güle güle", "görüşmek üzere", "bay bay")
ORDER_QUESTIONS = ("siparişim nerede", "kargom nerede", "siparişim ne durumda",
                   "kargom ne zaman gelir", "siparişimin durumu nedir", "paketim nerede")
FAQ_QUESTIONS = (
    "kargo ücreti ne kadar", "iade süresi kaç gün", "taksit yapıyor musunuz",
    "müşteri hizmetleri telefon numaranız", "kapıda ödeme var mı", "kargo kaç günde gelir",
    "fatura veriyor musunuz", "hangi ödeme yöntemleri var", "değişim yapıyor musunuz",
    "garanti süresi ne kadar", "çalışma saatleriniz nedir", "para iadesi kaç gün sürüyor",
)
RATINGS = ("5", "4", "5", "3")
# (order numbers, e-mail, phone as shoppers type it) of the two demo customers.
Customer = Tuple[range, str, str]
CUSTOMERS: Tuple[Customer, ...] = (
    (range(10045821, 10045826), "ayse.yilmaz@example.com", "0532 111 22 33"),
    (range(10045826, 10045831), "mehmet.demir@example.com", "0544 222 33 44"),
)
TURNS_PER_CONVERSATION = 8


@dataclass(frozen=True)
class Turn:
    text: str
    kind: str  # SMALL_TALK, FAQ or ORDER: latency is also reported per kind


Script = List[Turn]


def _tracking(rng: random.Random, customers: Sequence[Customer] = CUSTOMERS) -> Script:
    """Order number asked for, then the contact: the form's two questions and a status."""
    orders, email, phone = rng.choice(customers)
    return [Turn(rng.choice(ORDER_QUESTIONS), ORDER),
            Turn(str(rng.choice(orders)), ORDER),
            Turn(rng.choice((email, email, phone)), ORDER)]


def _faqs(rng: random.Random, count: int) -> Script:
    return [Turn(text, FAQ) for text in rng.sample(FAQ_QUESTIONS, count)]


def _greet(rng: random.Random) -> Turn:
    return Turn(rng.choice(GREETINGS), SMALL_TALK)


def _close(rng: random.Random) -> Script:
    return [Turn(rng.choice(THANKS), SMALL_TALK), Turn(rng.choice(GOODBYES), SMALL_TALK)]


def _track_first(rng: random.Random, customers: Sequence[Customer] = CUSTOMERS) -> Script:
    """Greets, tracks an order, rates the answer, asks one thing more, leaves."""
    return [_greet(rng), *_tracking(rng, customers), Turn(rng.choice(RATINGS), SMALL_TALK),
            *_faqs(rng, 1), *_close(rng)]


def _questions_first(rng: random.Random) -> Script:
    """Asks shop questions, then tracks an order and rates the answer."""
    return [_greet(rng), *_faqs(rng, 2), Turn(rng.choice(THANKS), SMALL_TALK),
            *_tracking(rng), Turn(rng.choice(RATINGS), SMALL_TALK)]


def _number_in_question(rng: random.Random) -> Script:
    """Gives the order number in the first question, so the form asks only the contact."""
    orders, email, _phone = rng.choice(CUSTOMERS)
    return [_greet(rng), Turn(f"{rng.choice(orders)} nolu siparişim nerede", ORDER),
            Turn(email, ORDER), Turn(rng.choice(RATINGS), SMALL_TALK), *_faqs(rng, 2),
            *_close(rng)]


SHAPES: Tuple[Callable[[random.Random], Script], ...] = (
    _track_first, _questions_first, _number_in_question)


def conversations(seed: int) -> Iterator[Script]:
    """An endless, repeatable stream of eight-turn conversations."""
    rng = random.Random(seed)
    while True:
        script = rng.choice(SHAPES)(rng)
        assert len(script) == TURNS_PER_CONVERSATION
        yield script


def long_conversation(seed: int, scripts: int) -> Script:
    """One shopper, one customer, going on for ``scripts`` conversations' worth of turns:
    what a long tracker costs. (Orders of several customers in one chat would lock the
    ownership check, which hands the chat to people.)"""
    rng = random.Random(seed)
    return [turn for _ in range(scripts) for turn in _track_first(rng, CUSTOMERS[:1])]
