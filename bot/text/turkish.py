"""Turkish text normalisation, shared by the tokenizer and anything that compares words.

Python's ``str.lower`` is wrong for Turkish ("I" must become "ı", "İ" must become "i"), and
shoppers often type without Turkish letters ("siparisim nerde"). Folding both spellings to
one form lets "SİPARİŞİM", "siparişim" and "siparisim" look the same to the classifier.
"""

from __future__ import annotations

import re

_UPPER_I = str.maketrans({"I": "ı", "İ": "i"})
_FOLD = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u",
                       "â": "a", "î": "i", "û": "u"})
_STRETCHED = re.compile(r"([^\W\d_])\1{2,}")


def turkish_lower(text: str) -> str:
    """Lower-case with Turkish rules for the two i's."""
    return text.translate(_UPPER_I).lower()


def fold_letters(text: str) -> str:
    """Turkish-lowercase and drop Turkish letters' marks, one character for one: positions in
    the result are positions in ``text`` (where a message is cut into clauses)."""
    return turkish_lower(text).translate(_FOLD)


def fold(text: str) -> str:
    """Turkish-lowercase, drop Turkish letters' marks and shorten stretched letters.

    "SİPARİŞİMMM" -> "siparisim". Digits are left alone, so order numbers survive.
    """
    return _STRETCHED.sub(r"\1", fold_letters(text))
