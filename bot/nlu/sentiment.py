"""Turkish sentiment of a shopper's message: angry, negative, neutral or positive.

A logistic regression over character and word n-grams of the folded text learns from the
labelled shop messages in `data/sentiment_train.tsv`; a lexicon adds what a model trained
on 1,600 lines cannot know reliably: profanity (LDNOOBW list, CC0) and legal threats are
always anger, and shouting in capitals with exclamation marks turns a negative message into
an angry one. The score is in [-1, 1]: positive minus the weighted negative probabilities.
Held-out figures and the decisions behind them: docs/sentiment.md.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Sequence, Tuple

import numpy as np
import yaml
from scipy.special import softmax

from bot.text.turkish import fold, turkish_lower

DATA_DIR = Path(__file__).parent / "data"
TRAINING_FILE = DATA_DIR / "sentiment_train.tsv"
LABELS = ("angry", "negative", "neutral", "positive")
SHOUT_MIN_LETTERS = 8
SHOUT_UPPER_SHARE = 0.7
ANGRY_MIN_PROBABILITY = 0.5


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
                   tuple(fold(m) for m in words["sarcasm_markers"]))


@lru_cache(maxsize=16)
def _phrase_pattern(phrases: Tuple[str, ...]) -> re.Pattern[str] | None:
    """One search for a whole list: every message is searched for every phrase, and one
    pattern does that in a single pass instead of a pass per phrase."""
    if not phrases:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, phrases)) + ")")


def _mentions(folded: str, phrases: Tuple[str, ...]) -> bool:
    pattern = _phrase_pattern(phrases)
    return pattern is not None and pattern.search(folded) is not None


def load_training_data(path: Path = TRAINING_FILE) -> Tuple[List[str], List[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [row["text"] for row in rows], [row["label"] for row in rows]


def is_profane(text: str) -> bool:
    lex = lexicon()
    folded = fold(text)
    tokens = set(re.findall(r"[\w.*]+", folded))
    return bool(tokens & lex.profane_words) or _mentions(folded, lex.profane_phrases)


def is_threat(text: str) -> bool:
    return _mentions(fold(text), lexicon().threats)


def is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return len(letters) >= SHOUT_MIN_LETTERS and upper / len(letters) >= SHOUT_UPPER_SHARE


def build_classifier():
    """The learned part: n-gram TF-IDF and a class-balanced logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True,
                                  min_df=1)),
        ("words", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True,
                                  token_pattern=r"(?u)\b\w+\b")),
    ])
    return Pipeline([("features", features),
                     ("model", LogisticRegression(C=8.0, class_weight="balanced",
                                                  max_iter=2000))])


def train(texts: Sequence[str], labels: Sequence[str]):
    classifier = build_classifier()
    classifier.fit([fold(t) for t in texts], list(labels))
    return classifier


class CompiledClassifier:
    """The trained pipeline's own arithmetic for one message, without its per-call checks.

    scikit-learn spends most of a message's time on building sparse matrices, validating
    them and recomputing the IDF diagonal, for what is a few dozen n-gram look-ups and a
    4-column dot product (``docs/performance.md`` has the figures). This takes the fitted
    vocabularies, IDF weights and coefficients and does exactly that: each vectorizer's
    analyzer, sublinear TF times IDF, L2 norm per vectorizer, the weights summed, the
    multinomial softmax. The probabilities
    are the pipeline's (``tests/nlu/test_sentiment.py`` compares them); the pipeline stays
    what is trained and stored.
    """

    def __init__(self, pipeline) -> None:
        model = pipeline.named_steps["model"]
        if len(model.classes_) < 3 or model.multi_class == "ovr":
            raise ValueError("expected a multinomial model over the sentiment labels")
        self.classes_ = model.classes_
        weights = model.coef_.T
        self._intercept = model.intercept_
        self._parts = []
        offset = 0
        for _name, vectorizer in pipeline.named_steps["features"].transformer_list:
            size = len(vectorizer.vocabulary_)
            self._parts.append((vectorizer.build_analyzer(), vectorizer.vocabulary_,
                                vectorizer.idf_, weights[offset:offset + size]))
            offset += size

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self._probabilities(text) for text in texts])

    def _probabilities(self, text: str) -> np.ndarray:
        logits = self._intercept.copy()
        for analyzer, vocabulary, idf, weights in self._parts:
            counts = Counter(i for i in map(vocabulary.get, analyzer(text)) if i is not None)
            if not counts:
                continue
            columns = np.fromiter(counts, dtype=np.intp, count=len(counts))
            values = (1.0 + np.log(np.fromiter(counts.values(), dtype=float,
                                               count=len(counts)))) * idf[columns]
            logits += (values / np.sqrt(values @ values)) @ weights[columns]
        return softmax(logits)


def analyse(classifier, text: str) -> Sentiment:
    """The sentiment of one message: the model's view, then the lexicon's corrections."""
    if not text or not text.strip():
        return Sentiment("neutral", 0.0)
    probabilities = dict(zip(classifier.classes_,
                             classifier.predict_proba([fold(text)])[0], strict=True))
    score = (probabilities.get("positive", 0.0) - 0.6 * probabilities.get("negative", 0.0)
             - probabilities.get("angry", 0.0))
    label = max(probabilities, key=lambda name: probabilities[name])
    if label == "angry" and probabilities["angry"] < ANGRY_MIN_PROBABILITY:
        # Alone, the model must be sure to call anger: a false alarm hands a calm shopper
        # to a human; the lexicon and shouting rules below catch the clear cases.
        label = max((k for k in probabilities if k != "angry"),
                    key=lambda name: probabilities[name])
    if is_profane(text) or is_threat(text):
        return Sentiment("angry", min(score, -0.8))
    folded = fold(text)
    angry_words = _mentions(folded, lexicon().anger_words)
    sarcastic = _mentions(folded, lexicon().sarcasm_markers)
    shouting = is_shouting(text) and ("!" in text or "??" in text)
    if shouting and label != "positive" or angry_words and (sarcastic or shouting):
        label, score = "angry", min(score, -0.6)
    elif angry_words and label in ("neutral", "positive"):
        label, score = "negative", min(score, -0.4)
    return Sentiment(label, max(-1.0, min(1.0, score)))
