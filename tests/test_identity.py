"""Reading order numbers, e-mails and phones out of what shoppers type; masking them."""

from __future__ import annotations

import pytest

from bot.text.contacts import (
    Contact,
    find_spans,
    parse_contact,
    parse_order_number,
    set_aside_numbers,
    whatsapp_phone,
)
from bot.text.masking import mask_email, mask_phone, mask_text


@pytest.mark.parametrize(
    ("text", "number"),
    [("10045821", "10045821"), ("sipariş no: 10045821!", "10045821"),
     ("#10045821", "10045821"), ("1004582", None), ("100458211", None), ("05321004582", None),
     ("", None), (None, None), ("tel 0532 111 22 33 sipariş 10045822", "10045822"),
     # Typed in groups; a date, an amount or a tracking number of the same shape is not one.
     ("bir de 1004 5825 nolu sipariş", "10045825"), ("100-458-25", "10045825"),
     ("12 12 2026", None), ("12.500.000 TL", None), ("12122026 tarihinde verdim", None),
     ("12500000 kuruşluk", None), ("10045821 TL", None), ("takip numaram 12345678", None),
     ("ibanım TR12 0006 2000 1234 5678 9012 34", None),
     ("iade tarihi geçti mi 10045824", "10045824"),
     ("+90 532 111 22 33 numaralı telefonla 10045821", "10045821")],
)
def test_order_numbers(text, number) -> None:
    assert parse_order_number(text) == number


@pytest.mark.parametrize(
    ("text", "contact"),
    [("AYSE.Yilmaz@Example.COM", Contact("email", "ayse.yilmaz@example.com")),
     ("0532 111 22 33", Contact("phone", "5321112233")),
     ("+90 (532) 111-22-33", Contact("phone", "5321112233")),
     ("905321112233", Contact("phone", "5321112233")),
     ("numaram 05321112233 lütfen", Contact("phone", "5321112233")),
     ("0216 555 44 33", Contact("phone", "2165554433")),
     ("0532 111", None), ("ayse@", None), ("10045821", None), ("😊", None)],
)
def test_contacts(text, contact) -> None:
    assert parse_contact(text) == contact


def test_numbers_set_aside_are_told_apart_from_typos() -> None:
    assert set_aside_numbers("12122026 tarihinde")
    assert set_aside_numbers("TR12 0006 2000 1234 5678 9012 34")
    assert not set_aside_numbers("1004582") and not set_aside_numbers("100458221")
    assert not set_aside_numbers("10045821")


def test_spans_keep_offsets_and_do_not_overlap() -> None:
    text = "10045821 nolu sipariş, mail ali@x.com tel 0532 111 22 33"
    spans = find_spans(text)
    assert [s.entity for s in spans] == ["order_id", "email", "phone"]
    assert [text[s.start:s.end] for s in spans] == ["10045821", "ali@x.com", "0532 111 22 33"]


def test_masking() -> None:
    assert mask_email("ayse.yilmaz@example.com") == "a***@example.com"
    assert mask_phone("5321112233") == "*** *** ** 33"
    masked = mask_text("mail ayse@example.com tel 0532 111 22 33 kart 4111 1111 1111 1234")
    assert "ayse@" not in masked and "111 22" not in masked and "4111 1111" not in masked
    assert masked.endswith("1234")


@pytest.mark.parametrize(("wa_id", "phone"), [
    ("905321112233", "5321112233"),
    ("5321112233", None),  # +53 (Cuba) 2111 2233: a foreign number's tail
    ("445321112233", None), ("15321112233", None), ("05321112233", None),
    ("902121112233", None),  # a Turkish landline: WhatsApp numbers of orders are mobiles
    ("9053211122334", None), ("90532111223", None), ("+905321112233", None),
    ("905321112233\n", None), ("", None), (None, None), (905321112233, None),
])
def test_only_turkish_mobiles_in_e164_are_vouched_whatsapp_phones(wa_id, phone) -> None:
    assert whatsapp_phone(wa_id) == phone
