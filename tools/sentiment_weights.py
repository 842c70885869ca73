"""Rebuild the sentiment weights (`bot/nlu/data/sentiment_weights.npz`), for maintainers.

    .venv/bin/python -m tools.sentiment_weights [--datasets DIR] [--validate]

Reads the real labelled sets from the datasets folder (`bot/nlu/data/sentiment_sets.yml`
maps their labels; DATASETS_DIR, ../shared/datasets by default), keeps each set's held-out
part out of training, adds the project's own sentences (`bot/nlu/data/sentiment_train.tsv`),
fits the model of `bot/nlu/sentiment.py` and writes only what scoring needs: the n-gram
vocabularies, their IDF and weights, the signals' weights. Then prints the held-out figures
(the same as `make eval`). The datasets themselves are never written into the project.
Choices are tuned with ``--validate`` (a part of the training parts held out in turn, the
weights written to a temporary file), so the held-out parts stay unseen until the end.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

import numpy as np

from bot.nlu import sentiment, sentiment_sets
from bot.settings import get_settings

# The project's sentences are shop chat, the real sets reviews, tweets and complaint
# titles: each project sentence counts for several real lines so that a chat's short forms
# ("kargo ücreti ne kadar", "görüşürüz") keep their meaning among 30,000 longer texts.
PROJECT_WEIGHT = 4.0
# Complaint titles are 12,000 lines of one genre, almost half the real data: at full weight
# every headline-like message would read negative.
SET_WEIGHTS = {"complaint_titles": 0.3}
C = 4.0
MAX_CHAR_NGRAMS = 60_000
MAX_WORD_NGRAMS = 30_000
VALIDATION_SHARE = 0.2
VALIDATION_SEED = 1


def _char_analyzer(text: str) -> List[str]:
    return sentiment.char_ngrams(sentiment.fold(text))


def _word_analyzer(text: str) -> List[str]:
    return sentiment.word_ngrams(sentiment.fold(text))


def _signal_matrix(texts: Sequence[str]) -> np.ndarray:
    return np.vstack([sentiment.signals(t, sentiment.fold(t)) for t in texts])


def build_pipeline(c: float = C, max_chars: int | None = MAX_CHAR_NGRAMS,
                   max_words: int | None = MAX_WORD_NGRAMS):
    """TF-IDF over the runtime's own analyzers, the signals, a logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline
    from sklearn.preprocessing import FunctionTransformer

    features = FeatureUnion([
        ("chars", TfidfVectorizer(analyzer=_char_analyzer, sublinear_tf=True, min_df=2,
                                  max_features=max_chars, dtype=np.float64)),
        ("words", TfidfVectorizer(analyzer=_word_analyzer, sublinear_tf=True, min_df=2,
                                  max_features=max_words, dtype=np.float64)),
        ("signals", FunctionTransformer(_signal_matrix)),
    ])
    return Pipeline([("features", features),
                     ("model", LogisticRegression(C=c, max_iter=3000))])


def training_data(splits: Dict[str, sentiment_sets.Split]
                  ) -> Tuple[List[str], List[str], np.ndarray]:
    """Texts, labels and sample weights: the project's sentences and every training part,
    the labels balanced."""
    texts, labels = sentiment.load_training_data()
    weights = [PROJECT_WEIGHT] * len(texts)
    for name, parts in splits.items():
        lines = [line for line in parts.train if line.trainable]
        texts += [line.text for line in lines]
        labels += [line.label for line in lines]
        weights += [SET_WEIGHTS.get(name, 1.0)] * len(lines)
    return texts, labels, _balanced(labels, np.asarray(weights))


def _balanced(labels: Sequence[str], weights: np.ndarray) -> np.ndarray:
    """Each label's weights scaled to the same total: scikit-learn's "balanced" counts
    lines, so the complaint titles' lower weight would also shrink every negative review."""
    labels = np.asarray(labels)
    totals = {label: weights[labels == label].sum() for label in set(labels)}
    mean = sum(totals.values()) / len(totals)
    return weights * np.array([mean / totals[label] for label in labels])


def fit(texts: Sequence[str], labels: Sequence[str], weights: np.ndarray | None = None,
        **options):
    pipeline = build_pipeline(**options)
    pipeline.fit(list(texts), list(labels), model__sample_weight=weights)
    return pipeline


def weights_of(pipeline) -> Dict[str, np.ndarray]:
    """The arrays ``sentiment.SentimentModel`` reads, from a fitted pipeline."""
    model = pipeline.named_steps["model"]
    coef = model.coef_.T  # features x classes
    arrays: Dict[str, np.ndarray] = {"classes": np.array(model.classes_, dtype=str),
                                     "intercept": model.intercept_.astype(np.float64)}
    offset = 0
    for name, transformer in pipeline.named_steps["features"].transformer_list:
        if name == "signals":
            size = len(sentiment.SIGNALS)
            arrays["signals"] = np.array(sentiment.SIGNALS, dtype=str)
            arrays["signals_coef"] = coef[offset:offset + size]
        else:
            size = len(transformer.vocabulary_)
            order = sorted(transformer.vocabulary_, key=transformer.vocabulary_.get)
            arrays[f"{name}_vocab"] = np.array(order, dtype=str)
            arrays[f"{name}_idf"] = transformer.idf_
            arrays[f"{name}_coef"] = coef[offset:offset + size]
        offset += size
    if offset != coef.shape[0]:
        raise ValueError(f"{offset} features exported of {coef.shape[0]}")
    return arrays


def main(argv: List[str] | None = None) -> int:
    from bot.evaluation import sentiment_report, sentiment_scores

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=get_settings().datasets_dir)
    parser.add_argument("--out", type=Path, default=sentiment.WEIGHTS_FILE)
    parser.add_argument("--validate", action="store_true",
                        help="for tuning: hold out a part of the training parts and report on "
                             "it, never on the held-out parts")
    args = parser.parse_args(argv)
    if not sentiment_sets.available(args.datasets):
        print(f"The labelled sets of bot/nlu/data/sentiment_sets.yml are not in {args.datasets}")
        return 1
    splits = sentiment_sets.load_splits(args.datasets)
    if args.validate:
        if args.out == sentiment.WEIGHTS_FILE:  # never ship weights trained on less
            args.out = Path(tempfile.gettempdir()) / "sentiment_weights_validation.npz"
        splits = {name: sentiment_sets.split(list(parts.train), VALIDATION_SHARE,
                                             VALIDATION_SEED)
                  for name, parts in splits.items()}
    texts, labels, weights = training_data(splits)
    print(f"Training on {len(texts)} lines ...")
    arrays = weights_of(fit(texts, labels, weights))
    np.savez_compressed(args.out, **arrays)
    print(f"Wrote {args.out} ({args.out.stat().st_size // 1024} KB)")
    model = sentiment.SentimentModel.load(args.out)
    print(sentiment_report(sentiment_scores(model, splits)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
