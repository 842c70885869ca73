"""What a failed proof of ownership counts against: the order tried and the contact tried.

A shopper proves an order is theirs with its number and its e-mail or phone. Counted in
the conversation's slots, failures could be reset by a new sender id, ``/restart`` or a
new widget session; counted per order and per contact in Asistan's database
(:mod:`bot.database.attempts`), an order or a contact with too many failures in the
window is locked for every conversation on every channel. Order numbers are the shop's
ids and kept as they are; contacts only as a hash.
"""

from __future__ import annotations

from typing import List

from bot.database.attempts import hashed


def subjects(order_id: str | None, contact_kind: str | None = None,
             contact_value: str | None = None) -> List[str]:
    """The failure subjects of one check of ``order_id`` with a contact."""
    found = [f"order:{order_id}"] if order_id else []
    if contact_kind and contact_value:
        found.append(hashed("contact", f"{contact_kind}:{contact_value}"))
    return found
