"""The sensitive topic a message raises: each kind in the ways shoppers write it, and the
ordinary messages that share a word with one and must not be handed off."""

from __future__ import annotations

import pytest

from bot.handoff.reasons import sensitive_kind


@pytest.mark.parametrize(("text", "kind"), [
    ("elimi derin kestim", "safety"), ("powerbank şişti patlayacak gibi", "safety"),
    ("kremden alerji oldum", "safety"), ("cocugum parcayi yuttu", "safety"),
    ("çocuğum yuttu, dava açacağım", "safety"),  # safety first, whatever else is said
    ("hakkımı sonuna kadar arayacağım", "legal"), ("ticaret bakanlığına bildireceğim", "legal"),
    ("sizi ifşa edeceğim", "legal"), ("avukatima verecegim", "legal"),
    ("kvkk kapsamında verilerimi silin", "privacy"),
    ("hesabımdan fazla para çekilmiş", "double_charge"),
    ("yanlış tutar çekmişsiniz", "double_charge"), ("cifte odeme alinmis", "double_charge"),
    ("param çekildi ama sipariş yok", "double_charge"), ("polise şikayetçi olacağım", "legal"),
    ("bu ürün tehlikeli", "safety"),
])
def test_sensitive_topics_are_named(text: str, kind: str) -> None:
    assert sensitive_kind(text) == kind


@pytest.mark.parametrize("text", [
    "acilen iade istiyorum", "başına bir şey gelmesin kargonun", "ekranda kırmızı ışık yanıyor",
    "kulaklığın sesi kesik kesik geliyor", "bu ürüne bayıldım", "lamba yanmadı",
    "kargo ücreti fazla",
    "sosyal medyada indirim gördüm", "hesabımı nasıl silerim",
])
def test_ordinary_messages_are_not_sensitive(text: str) -> None:
    assert sensitive_kind(text) is None
