"""Sentiment: Turkish cases, and the held-out figures of docs/sentiment.md kept by a test."""

from __future__ import annotations

import csv
from collections import Counter

import pytest

from bot.nlu import sentiment
from bot.settings import PROJECT_ROOT

HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "sentiment_heldout.tsv"
ANGER_RECALL_TARGET = 0.95
CALM_FALSE_ALARM_LIMIT = 0.05


@pytest.fixture(scope="module")
def classifier():
    texts, labels = sentiment.load_training_data()
    return sentiment.train(texts, labels)


@pytest.mark.parametrize(
    ("text", "label"),
    [("siparişim nerede", "neutral"), ("kargo ücreti ne kadar", "neutral"),
     ("çok teşekkürler, süpersiniz", "positive"),
     ("ürünü hiç beğenmedim, memnun değilim", "negative"),
     ("REZALET!!! PARAMI İADE EDİN", "angry"),
     ("avukatıma veriyorum bu işi, tüketici hakem heyetine gideceğim", "angry"),
     ("aferin size, yine yanlış ürün 👏 rezalet", "angry"),
     # "mahkemede görüşürüz" is a threat; a plain goodbye is not (once read as angry).
     ("görüşürüz", "neutral"), ("tamam, hoşça kalın", "neutral"),
     ("mahkemede görüşürüz, avukatım arayacak", "angry"),
     ("", "neutral")],
)
def test_turkish_cases(classifier, text: str, label: str) -> None:
    assert sentiment.analyse(classifier, text).label == label


def test_score_follows_the_label(classifier) -> None:
    happy = sentiment.analyse(classifier, "harika, çok memnun kaldım teşekkürler").score
    angry = sentiment.analyse(classifier, "dolandırıcılar paramı geri verin!!!").score
    assert -1 <= angry < 0 < happy <= 1


def test_sik_sik_is_not_profanity() -> None:
    assert not sentiment.is_profane("sık sık sipariş veriyorum, ezik kutu geldi")
    assert sentiment.is_profane("siktir git")


def test_heldout_figures(classifier) -> None:
    with HELDOUT.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    found = Counter()
    for row in rows:
        found[(row["group"], sentiment.analyse(classifier, row["text"]).label)] += 1
    size = Counter(row["group"] for row in rows)
    recall = (found[("angry_clear", "angry")] + found[("angry_clear", "negative")]) / size[
        "angry_clear"]
    false_alarms = (found[("calm", "angry")] + found[("calm", "negative")]) / size["calm"]
    polite_as_angry = found[("polite_complaint", "angry")] / size["polite_complaint"]
    assert recall >= ANGER_RECALL_TARGET
    assert false_alarms <= CALM_FALSE_ALARM_LIMIT
    assert polite_as_angry <= CALM_FALSE_ALARM_LIMIT


def test_compiled_classifier_gives_the_pipeline_s_probabilities(classifier) -> None:
    import numpy as np

    compiled = sentiment.CompiledClassifier(classifier)
    with HELDOUT.open(encoding="utf-8") as handle:
        texts = [row["text"] for row in csv.DictReader(handle, delimiter="\t",
                                                       quoting=csv.QUOTE_NONE)]
    texts += ["", "🙂", "xq zzv", "a" * 10_000]  # no known n-gram; one huge token
    folded = [sentiment.fold(t) for t in texts]
    assert list(compiled.classes_) == list(classifier.classes_)
    np.testing.assert_allclose(compiled.predict_proba(folded),
                               classifier.predict_proba(folded), rtol=0, atol=1e-12)
    # What the parse data carries (label, score to three decimals) is the same.
    assert [sentiment.analyse(compiled, t).as_dict() for t in texts] == [
        sentiment.analyse(classifier, t).as_dict() for t in texts]
