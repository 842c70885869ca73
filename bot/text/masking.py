"""Masking of personal data for logs, tickets and transcripts, with the patterns that read
contacts (:mod:`bot.text.contacts`): whatever the assistant can read as a phone or an
e-mail, it also masks."""

from __future__ import annotations

import re

from bot.text.contacts import EMAIL, PHONE

_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,15}(\d{4})(?!\d)")


def mask_email(email: str) -> str:
    """``ayse.yilmaz@example.com`` -> ``a***@example.com``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """Keep only the last two digits: ``5321112233`` -> ``*** *** ** 33``."""
    digits = re.sub(r"\D", "", phone)
    return f"*** *** ** {digits[-2:]}" if len(digits) >= 4 else "***"


def mask_text(text: str) -> str:
    """Mask every e-mail, card number and phone number inside free text."""
    text = EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _CARD.sub(r"**** **** **** \1", text)
    return PHONE.sub(lambda m: mask_phone(m.group(0)), text)
