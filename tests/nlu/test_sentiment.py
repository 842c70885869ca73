"""Sentiment with the shipped weights: Turkish cases, and the held-out figures of
docs/sentiment.md (the project's own always, the real sets' when they are present)."""

from __future__ import annotations

import pytest

from bot.evaluation import (
    ALL_SETS,
    PROJECT_SET,
    SENTIMENT_TARGETS,
    project_sentiment_heldout,
    sentiment_p95,
    sentiment_scores,
)
from bot.nlu import sentiment, sentiment_sets
from bot.settings import get_settings
from tests.nlu.test_heldout import text_key

ANGER_RECALL_TARGET = 0.95
CALM_FALSE_ALARM_LIMIT = 0.05
P95_LIMIT_SECONDS = 0.001


@pytest.fixture(scope="module")
def model() -> sentiment.SentimentModel:
    return sentiment.shipped_model()


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
     # Exclamation marks, capitals and emoticons are signals: praise stays praise.
     ("SÜPER OLMUŞ!!! çok teşekkürler 😊", "positive"),
     ("bu kadar hızlı geleceğini hiç düşünmemiştim!!! bayıldım 😍", "positive"),
     # A calm, formal complaint is negative although it has no angry word.
     ("Arıza kaydım iki haftadır kapatılmadı, sorun devam ediyor.", "negative"),
     ("", "neutral")],
)
def test_turkish_cases(model, text: str, label: str) -> None:
    assert sentiment.analyse(model, text).label == label


@pytest.mark.parametrize("text", [
    "2000 TL'yi geçmesin, kamp için çadır bakıyorum",
    "iş görüşmesi için lacivert bir takım elbise arıyorum",
    "kendime ufak bir hediye almak istiyorum",
    "YENİ GELENLER", "çok satanlar hangileri?"])
def test_calm_shopping_requests_are_not_angry(model, text: str) -> None:
    assert sentiment.analyse(model, text).label not in ("angry", "negative")


def test_exclamation_marks_alone_do_not_make_anger(model) -> None:
    for text in ("teşekkürler", "merhaba", "çok güzel olmuş", "kargo ne zaman gelir"):
        assert sentiment.analyse(model, text + "!!!").label != "angry", text


def test_score_follows_the_label(model) -> None:
    happy = sentiment.analyse(model, "harika, çok memnun kaldım teşekkürler").score
    angry = sentiment.analyse(model, "dolandırıcılar paramı geri verin!!!").score
    assert -1 <= angry < 0 < happy <= 1


def test_sik_sik_is_not_profanity() -> None:
    assert not sentiment.is_profane("sık sık sipariş veriyorum, ezik kutu geldi")
    assert sentiment.is_profane("siktir git")


def test_project_heldout_was_never_trained_on() -> None:
    trained = {text_key(text) for text in sentiment.load_training_data()[0]}
    assert [t for t, _group in project_sentiment_heldout() if text_key(t) in trained] == []


def test_project_heldout_figures(model) -> None:
    scores = sentiment_scores(model)
    assert scores[(PROJECT_SET, "angry")].negative_or_angry >= ANGER_RECALL_TARGET
    assert scores[(PROJECT_SET, "calm")].negative_or_angry <= CALM_FALSE_ALARM_LIMIT
    assert scores[(PROJECT_SET, "complaint")].angry <= CALM_FALSE_ALARM_LIMIT


def test_real_heldout_targets(model) -> None:
    """The issue's targets on the real sets' held-out parts (only where the files are)."""
    datasets = get_settings().datasets_dir
    if not sentiment_sets.available(datasets):
        pytest.skip(f"the labelled sets are not in {datasets} (DATASETS_DIR)")
    scores = sentiment_scores(model, sentiment_sets.load_splits(datasets))
    missed = [target.name for target in SENTIMENT_TARGETS
              if not target.met(scores[(ALL_SETS, target.group)])]
    assert missed == []


def test_a_message_takes_under_a_millisecond(model) -> None:
    sentiment.analyse(model, "ilk mesaj")  # the lexicon's patterns are built once
    assert sentiment_p95(model) < P95_LIMIT_SECONDS
