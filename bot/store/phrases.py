"""Finding shoppers' phrases in their words: Turkish suffixes, no Turkish letters, typos.

Shoppers write "kulaklığı", "kulakliklar" or "kulaklk" for "kulaklık". Text and phrases are
folded (:func:`bot.text.turkish.fold`); a word of the text matches a word of a phrase when it
is that word, that word followed by Turkish suffixes (checked against the suffix forms below,
so "kampanya" is not "kamp" plus an ending), that word with its last consonant softened
("kulaklığı", "kitabı"), or that word with one typing error (two in long words). A phrase
word ending in ``*`` matches any word that starts with it ("koş*": koşmak, koşarken).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, FrozenSet, Generic, Iterable, List, Sequence, Tuple, TypeVar

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from bot.text.turkish import fold

T = TypeVar("T")

# Turkish endings in their order (derivation, plural, possession, case, "-ki", "-dır"), as they
# look after folding (ı -> i, ü -> u): "-lık", "-lar", "-ımız", "-ına", "-ndan", "-ki", "-sin"...
_SUFFIXES = re.compile(
    r"(?:l[iu][kg]|l[iu]|s[iu]z|c[iu][kg]?)*"
    r"(?:l[ae]r)?"
    r"(?:[iu]?m[iu]z|[iu]?n[iu]z|[iu]?m|[iu]?n|s?[iu]|l[ae]r[iu])?"
    r"(?:y?[iuae]|n[iuae]|n?[dt][ae]n?|n?[iu]n|y?l[ae])?"
    r"(?:ki)?(?:[dt][iu]r|s[iu]n(?:[iu]z)?)?")
# A word's last consonant softens before a vowel: kulaklık -> kulaklığı, kitap -> kitabı.
_SOFTENED = {"k": "g", "p": "b", "t": "d"}
# Words shorter than this are matched exactly (with suffixes) but never corrected.
TYPO_MIN_LENGTH = 5
LONG_WORD = 9
VOWELS = frozenset("aeiou")
# How much of a word's end may be an ending after a typing error ("kulaklkları").
MAX_SUFFIX = 5
WORD = re.compile(r"\d+(?:[.,]\d+)*[^\W\d_]*|[^\W\d_][^\W_]*(?:-[^\W_]+)*|₺|-")


def words(text: str) -> List[str]:
    """Folded words of ``text``; apostrophes join ("TL'den" -> "tlden")."""
    return WORD.findall(fold(text).replace("'", "").replace("’", ""))


def is_suffix(ending: str) -> bool:
    return _SUFFIXES.fullmatch(ending) is not None


def _stems(word: str) -> Tuple[str, ...]:
    last = word[-1:]
    softened = _SOFTENED.get(last)
    return (word, word[:-1] + softened) if softened else (word,)


def _allowed_typos(word: str) -> int:
    return 2 if len(word) >= LONG_WORD else 1


class Lexicon:
    """The words of a set of phrases, and which of them each text word stands for."""

    def __init__(self, phrase_words: Iterable[str], protected: Iterable[str] = (),
                 correct: bool = True) -> None:
        exact = {w for w in phrase_words if not w.endswith("*")}
        self._exact = frozenset(exact)
        self._prefixes = frozenset(w[:-1] for w in phrase_words if w.endswith("*"))
        self._stems: Dict[str, List[str]] = {}
        for word in exact:
            for stem in _stems(word):
                self._stems.setdefault(stem, []).append(word)
        self._correctable = sorted(w for w in exact if len(w) >= TYPO_MIN_LENGTH)
        self._protected = frozenset(protected)
        self._correct = correct
        self._cache: Dict[str, FrozenSet[str]] = {}

    def resolve(self, token: str) -> FrozenSet[str]:
        """The phrase words ``token`` stands for (``"koş*"`` for a prefix phrase word)."""
        found = self._cache.get(token)
        if found is None:
            found = self._exact_matches(token) or (
                self._corrections(token) if self._correct else frozenset())
            self._cache[token] = found
        return found

    def _exact_matches(self, token: str) -> FrozenSet[str]:
        found = {prefix + "*" for prefix in self._prefixes if token.startswith(prefix)}
        for end in range(len(token), 0, -1):
            rest = token[end:]
            for word in self._stems.get(token[:end], ()):
                # A softened stem needs a vowel after it ("kulaklığ" + "ı").
                softened = len(word) == end and word != token[:end]
                if (not softened or rest[:1] in VOWELS and rest) and is_suffix(rest):
                    found.add(word)
        return frozenset(found)

    def _corrections(self, token: str) -> FrozenSet[str]:
        if len(token) < TYPO_MIN_LENGTH - 1 or token in self._protected or not token.isalpha():
            return frozenset()
        found = set()
        for end in range(len(token), max(len(token) - MAX_SUFFIX, TYPO_MIN_LENGTH - 1) - 1, -1):
            if not is_suffix(token[end:]):
                continue
            stem = token[:end]
            limit = _allowed_typos(stem)
            for word, _, _ in extract(stem, self._correctable, scorer=Levenshtein.distance,
                                      score_cutoff=limit, limit=None):
                if word[0] == stem[0] and abs(len(word) - len(stem)) <= limit:
                    found.add(word)
            if found:
                break
        return frozenset(found)


def _key(phrase: str) -> Tuple[str, ...]:
    """A phrase as its folded words; a trailing ``*`` stays on the last word."""
    found = words(phrase.rstrip("*"))
    if found and phrase.endswith("*"):
        found[-1] += "*"
    return tuple(found)


@dataclass(frozen=True)
class Match(Generic[T]):
    start: int
    end: int  # exclusive, in words
    phrase: str
    values: Tuple[T, ...]


class PhraseTable(Generic[T]):
    """Phrases with the values they stand for; finds the longest non-overlapping matches."""

    def __init__(self, entries: Iterable[Tuple[str, T]], protected: Iterable[str] = ()) -> None:
        table: Dict[Tuple[str, ...], List[T]] = {}
        for phrase, value in entries:
            key = _key(phrase)
            if key and value not in table.setdefault(key, []):
                table[key].append(value)
        self._by_first: Dict[str, List[Tuple[Tuple[str, ...], Tuple[T, ...]]]] = {}
        for key, values in table.items():
            self._by_first.setdefault(key[0], []).append((key, tuple(values)))
        self._single = {key[0]: tuple(values) for key, values in table.items() if len(key) == 1}
        self.lexicon = Lexicon({w for key in table for w in key}, protected)

    def values_of(self, resolved: Iterable[str]) -> List[T]:
        """The values of the one-word phrases among ``resolved`` (what one token means)."""
        return [value for word in sorted(resolved) for value in self._single.get(word, ())]

    def find(self, tokens: Sequence[str], skip: Iterable[int] = (),
             nested: Callable[[Match[T], Match[T]], bool] | None = None) -> List[Match[T]]:
        """The longest non-overlapping matches in ``tokens`` (never over the positions in
        ``skip``), in text order; plus matches inside a chosen one where ``nested(inner,
        outer)`` says both apply ("hızlı şarj" inside "hızlı şarj aleti")."""
        blocked = set(skip)
        resolved = [frozenset() if i in blocked else self.lexicon.resolve(token)
                    for i, token in enumerate(tokens)]
        candidates: List[Match[T]] = []
        for start, first in enumerate(resolved):
            for word in first:
                for key, values in self._by_first.get(word, ()):
                    end = start + len(key)
                    if end <= len(tokens) and all(
                            key[k] in resolved[start + k] for k in range(1, len(key))):
                        candidates.append(Match(start, end, " ".join(key), values))
        candidates.sort(key=lambda m: (m.start - m.end, -len(m.phrase), m.start))
        taken: set = set()
        chosen: List[Match[T]] = []
        for match in candidates:
            span = range(match.start, match.end)
            if taken.isdisjoint(span):
                chosen.append(match)
                taken.update(span)
        if nested is not None:
            chosen += [inner for inner in candidates if inner not in chosen and any(
                outer.start <= inner.start and inner.end <= outer.end and nested(inner, outer)
                for outer in chosen)]
        return sorted(chosen, key=lambda m: m.start)
