"""The maintainer's weight builder (tools/sentiment_weights.py): what it writes is what the
fitted pipeline computes, and no held-out line is trained on."""

from __future__ import annotations

import numpy as np
import pytest

from bot.nlu import sentiment, sentiment_sets
from bot.nlu.sentiment_sets import Line, Split
from bot.settings import get_settings
from tests.nlu.test_heldout import text_key
from tools import sentiment_weights


@pytest.fixture(scope="module")
def small_pipeline():
    """A pipeline fitted on part of the project's own sentences (a second or two)."""
    texts, labels = sentiment.load_training_data()
    return sentiment_weights.fit(texts[::3], labels[::3], max_chars=None, max_words=None)


def test_shipped_weights_give_the_pipeline_s_probabilities(small_pipeline, tmp_path) -> None:
    path = tmp_path / "weights.npz"
    np.savez_compressed(path, **sentiment_weights.weights_of(small_pipeline))
    model = sentiment.SentimentModel.load(path)
    texts, _labels = sentiment.load_training_data()
    texts = texts[1::3] + ["", "🙂", "xq zzv", "a" * 10_000, "HARİKA!!! 😍", "REZALET!!!"]
    assert model.classes_ == tuple(small_pipeline.classes_)
    np.testing.assert_allclose(model.predict_proba(texts), small_pipeline.predict_proba(texts),
                               rtol=0, atol=1e-12)


def test_weights_of_other_signals_are_refused(small_pipeline) -> None:
    arrays = sentiment_weights.weights_of(small_pipeline)
    arrays["signals"] = arrays["signals"][:-1]
    with pytest.raises(ValueError, match="other signals"):
        sentiment.SentimentModel(arrays)


def test_held_out_lines_are_never_trained_on() -> None:
    kept = Line("kargo çok geç geldi", "negative", "negative_review", "1")
    held = Line("paketleme özenliydi", "positive", "positive_review", "5")
    texts, labels, weights = sentiment_weights.training_data(
        {"reviews_shops": Split(train=(kept,), heldout=(held,))})
    assert kept.text in texts and held.text not in texts
    assert len(texts) == len(labels) == len(weights)


def test_real_held_out_parts_are_apart_from_all_training_text() -> None:
    datasets = get_settings().datasets_dir
    if not sentiment_sets.available(datasets):
        pytest.skip(f"the labelled sets are not in {datasets} (DATASETS_DIR)")
    splits = sentiment_sets.load_splits(datasets)
    texts, _labels, _weights = sentiment_weights.training_data(splits)
    trained = {text_key(t) for t in texts}
    heldout = [line.text for parts in splits.values() for line in parts.heldout]
    leaked = [t for t in heldout if text_key(t) in trained]
    # Real sets repeat short stock phrases across files ("çok güzel"); a few are expected.
    assert len(leaked) <= 0.01 * len(heldout)
