"""Turkish sentiment of a shopper's message: angry, negative, neutral or positive.

A multinomial logistic regression reads three kinds of features: character n-grams (2-5,
word-bounded) and word uni/bi-grams of the folded text, each TF-IDF weighted and
L2-normalised, and a few signals of the written form: exclamation marks, capitals,
emoticons, sarcasm marks, profanity (LDNOOBW list, CC0), legal threats and plain anger
words. The signals are features with learned weights, never verdicts: "HARİKA!!! 😍" and
"REZALET!!!" share their exclamation marks, and the words decide.

The weights (``data/sentiment_weights.npz``) are trained by ``tools/sentiment_weights.py``
from real labelled Turkish text and the project's own sentences; this module only reads
them, so the runtime needs neither scikit-learn's fitting nor the data. The score is in
[-1, 1]: positive minus the weighted negative probabilities. Figures and decisions:
docs/sentiment.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Mapping, Sequence, Tuple

import numpy as np
import yaml

from bot.text.turkish import fold, turkish_lower

DATA_DIR = Path(__file__).parent / "data"
TRAINING_FILE = DATA_DIR / "sentiment_train.tsv"
WEIGHTS_FILE = DATA_DIR / "sentiment_weights.npz"
LABELS = ("angry", "negative", "neutral", "positive")
CHAR_NGRAMS = (2, 5)
SHOUT_MIN_LETTERS = 8
ANGRY_MIN_PROBABILITY = 0.5
SIGNALS = ("exclamations", "question_runs", "capitals", "capitals_and_exclamations",
           "positive_emoticons", "negative_emoticons", "sarcasm_markers", "profanity",
           "threats", "anger_words")
_WORD = re.compile(r"(?u)\b\w+\b")


@dataclass(frozen=True)
class Sentiment:
    label: str
    score: float

    def as_dict(self) -> Dict[str, object]:
        return {"label": self.label, "score": round(self.score, 3)}


@dataclass(frozen=True)
class Lexicon:
    profane_words: FrozenSet[str]
    profane_phrases: Tuple[str, ...]
    threats: Tuple[str, ...]
    anger_words: Tuple[str, ...]
    sarcasm_markers: Tuple[str, ...]
    positive_emoticons: Tuple[str, ...]
    negative_emoticons: Tuple[str, ...]


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    words = yaml.safe_load((DATA_DIR / "sentiment_words.yml").read_text("utf-8"))
    skip = {fold(w) for w in words["not_profane"]}
    entries = [turkish_lower(line.strip()) for line in
               (DATA_DIR / "profanity_tr.txt").read_text("utf-8").splitlines() if line.strip()]
    single = frozenset(fold(e) for e in entries if " " not in e and fold(e) not in skip)
    phrases = tuple(fold(e) for e in entries if " " in e)
    return Lexicon(single, phrases, tuple(fold(t) for t in words["threats"]),
                   tuple(fold(w) for w in words["anger_words"]),
                   tuple(fold(m) for m in words["sarcasm_markers"]),
                   tuple(words["positive_emoticons"]), tuple(words["negative_emoticons"]))


@lru_cache(maxsize=16)
def _phrase_pattern(phrases: Tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for a whole list (140 searches a message, one by one, took 0.3 ms)."""
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + ")")


def _mentions(folded: str, phrases: Tuple[str, ...]) -> bool:
    pattern = _phrase_pattern(phrases)
    return pattern is not None and pattern.search(folded) is not None


def _occurrences(text: str, marks: Iterable[str]) -> int:
    return sum(text.count(mark) for mark in marks)


def load_training_data(path: Path = TRAINING_FILE) -> Tuple[List[str], List[str]]:
    """The project's own labelled shop-chat sentences (one part of the training data)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"] for row in rows], [row["label"] for row in rows]


def is_profane(text: str) -> bool:
    return _profane_folded(fold(text))


def _profane_folded(folded: str) -> bool:
    lex = lexicon()
    tokens = set(re.findall(r"[\w.*]+", folded))
    return bool(tokens & lex.profane_words) or _mentions(folded, lex.profane_phrases)


def is_threat(text: str) -> bool:
    return _mentions(fold(text), lexicon().threats)


def char_ngrams(folded: str) -> List[str]:
    """Word-bounded character n-grams, as scikit-learn's ``char_wb`` analyzer makes them."""
    low, high = CHAR_NGRAMS
    grams: List[str] = []
    for word in folded.split():
        word = f" {word} "
        size = len(word)
        for n in range(low, high + 1):
            if size <= n:  # a short word counts once, whole
                grams.append(word)
                break
            grams += [word[i:i + n] for i in range(size - n + 1)]
    return grams


def word_ngrams(folded: str) -> List[str]:
    """Words and pairs of neighbouring words."""
    words = _WORD.findall(folded)
    return words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]


def signals(text: str, folded: str) -> np.ndarray:
    """The written form's signals, each in [0, 1], in the order of ``SIGNALS``."""
    lex = lexicon()
    letters = [c for c in text if c.isalpha()]
    capitals = (sum(1 for c in letters if c.isupper()) / len(letters)
                if len(letters) >= SHOUT_MIN_LETTERS else 0.0)
    exclamations = min(text.count("!"), 3) / 3
    return np.array([
        exclamations,
        float("??" in text or "?!" in text or "!?" in text),
        capitals,
        capitals * exclamations,
        min(_occurrences(text, lex.positive_emoticons), 3) / 3,
        min(_occurrences(text, lex.negative_emoticons), 3) / 3,
        float(_mentions(folded, lex.sarcasm_markers)),
        float(_profane_folded(folded)),
        float(_mentions(folded, lex.threats)),
        float(_mentions(folded, lex.anger_words)),
    ])


class SentimentModel:
    """The trained weights, applied to one message at a time.

    Each n-gram kind: counts of the known n-grams, sublinear TF (1 + log) times IDF,
    L2-normalised, dotted with its weights; the signals dotted with theirs; the multinomial
    softmax. That is what scikit-learn's TF-IDF and logistic regression compute, without
    building sparse matrices (``tests/nlu/test_sentiment.py`` compares the two).
    """

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.classes_ = tuple(str(c) for c in arrays["classes"])
        if set(self.classes_) != set(LABELS):
            raise ValueError(f"sentiment weights for {self.classes_}, expected {LABELS}")
        if tuple(str(s) for s in arrays["signals"]) != SIGNALS:
            raise ValueError("sentiment weights were trained on other signals: retrain them")
        self._intercept = np.asarray(arrays["intercept"], dtype=float)
        self._signal_weights = np.asarray(arrays["signals_coef"], dtype=float)
        self._parts = []
        for kind, analyzer in (("chars", char_ngrams), ("words", word_ngrams)):
            vocabulary = {str(g): i for i, g in enumerate(arrays[f"{kind}_vocab"])}
            self._parts.append((analyzer, vocabulary, np.asarray(arrays[f"{kind}_idf"], float),
                                np.asarray(arrays[f"{kind}_coef"], dtype=float)))

    @classmethod
    def load(cls, path: Path = WEIGHTS_FILE) -> SentimentModel:
        with np.load(path, allow_pickle=False) as arrays:
            return cls(dict(arrays))

    def probabilities(self, text: str) -> np.ndarray:
        """Probabilities in the order of ``classes_``."""
        folded = fold(text)
        logits = self._intercept + signals(text, folded) @ self._signal_weights
        for analyzer, vocabulary, idf, weights in self._parts:
            get = vocabulary.get
            found = [(column, count) for gram, count in Counter(analyzer(folded)).items()
                     if (column := get(gram)) is not None]
            if not found:
                continue
            columns = np.array([column for column, _count in found], dtype=np.intp)
            values = (1.0 + np.log(np.array([count for _column, count in found],
                                            dtype=float))) * idf[columns]
            logits = logits + (values / np.sqrt(values @ values)) @ weights[columns]
        exponents = np.exp(logits - logits.max())
        return exponents / exponents.sum()

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.probabilities(text) for text in texts])


@lru_cache(maxsize=1)
def shipped_model() -> SentimentModel:
    """The weights committed with the project."""
    return SentimentModel.load()


def analyse(model: SentimentModel, text: str) -> Sentiment:
    """The sentiment of one message."""
    if not text or not text.strip():
        return Sentiment("neutral", 0.0)
    probabilities = dict(zip(model.classes_, model.probabilities(text), strict=True))
    score = (probabilities["positive"] - 0.6 * probabilities["negative"]
             - probabilities["angry"])
    label = max(probabilities, key=lambda name: probabilities[name])
    if label == "angry" and probabilities["angry"] < ANGRY_MIN_PROBABILITY:
        # Anger must be sure: a false alarm hands a calm shopper to a person, while a
        # missed one still counts as negative towards the policy's "negative turns".
        label = max((k for k in probabilities if k != "angry"),
                    key=lambda name: probabilities[name])
    return Sentiment(label, max(-1.0, min(1.0, float(score))))
