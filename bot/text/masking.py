"""Masking of personal data for logs, tickets and transcripts, with the patterns that read
contacts (:mod:`bot.text.contacts`): whatever the assistant can read as a phone or an
e-mail, it also masks, and so are card numbers, IBANs, national ids (TCKN, 11 digits) and
phone numbers of any country, so that no log line carries one (:mod:`bot.text.logs`)."""

from __future__ import annotations

import re

from bot.text.contacts import EMAIL, PHONE

_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,15}(\d{4})(?!\d)")
# An IBAN as written on paper or pasted: "TR33 0006 1005 1978 6457 8413 26".
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?"
                   r"(?![A-Za-z0-9])")
# A number in international form, "+44 7911 123456", "+1 (415) 555-0100".
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d[\d\s().-]{7,20}\d(?!\d)")
# 10 to 15 digits in a row: a phone without separators, a TCKN, a WhatsApp id.
_DIGITS = re.compile(r"(?<![\d*])\d{10,15}(?!\d)")


def mask_email(email: str) -> str:
    """``ayse.yilmaz@example.com`` -> ``a***@example.com``."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if domain else "***"


def mask_phone(phone: str) -> str:
    """Keep only the last two digits: ``5321112233`` -> ``*** *** ** 33``."""
    digits = re.sub(r"\D", "", phone)
    return f"*** *** ** {digits[-2:]}" if len(digits) >= 4 else "***"


def mask_text(text: str) -> str:
    """Mask every e-mail, IBAN, card number, phone number and national id inside free
    text."""
    text = EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    text = _IBAN.sub(lambda m: f"{m.group(0)[:2]}** **** {m.group(0)[-2:]}", text)
    text = _CARD.sub(r"**** **** **** \1", text)
    text = PHONE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _INTERNATIONAL.sub(lambda m: mask_phone(m.group(0)), text)
    return _DIGITS.sub(lambda m: mask_phone(m.group(0)), text)
