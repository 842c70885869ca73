"""Masking of personal data for logs and replies (e-mail, phone, card digits, addresses)."""

from __future__ import annotations

import re

_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,15}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)(\+?9?0?\s*\(?5\d{2}\)?[\s.-]*)\d{3}[\s.-]*\d{2}[\s.-]*(\d{2})(?!\d)")


def mask_email(email: str) -> str:
    """``ayse.yilmaz@example.com`` -> ``a***@example.com``."""
    return _EMAIL.sub(r"\1***\2", email)


def mask_phone(phone: str) -> str:
    """Keep only the last two digits: ``5321112233`` -> ``******** 33``."""
    digits = re.sub(r"\D", "", phone)
    return f"*** *** ** {digits[-2:]}" if len(digits) >= 4 else "***"


def mask_text(text: str) -> str:
    """Mask every e-mail, card number and mobile number inside free text."""
    text = _EMAIL.sub(r"\1***\2", text)
    text = _CARD.sub(r"**** **** **** \1", text)
    return _PHONE.sub(r"*** *** ** \2", text)
