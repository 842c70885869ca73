"""The trained model on the held-out set: the targets of docs/nlu.md, kept by a test."""

from __future__ import annotations

import re

import pytest

from bot.evaluation import evaluate_model, load_examples
from bot.ops.model import model_path
from bot.settings import PROJECT_ROOT, get_settings
from bot.text.turkish import fold

INTENT_TARGET = 0.97
MACRO_F1_TARGET = 0.97
FAQ_TARGET = 0.97
ASCII_MAX_DROP = 0.02


@pytest.fixture(scope="module")
def scores():
    model = model_path(get_settings().model_dir)
    if not model.exists():
        pytest.fail(f"no model for the current data ({model.name}): run `make train` first")
    return evaluate_model(model, load_examples())


def test_heldout_set_is_large_enough() -> None:
    examples = load_examples()
    intents = {e.intent for e in examples if not e.topic}
    topics = {e.topic for e in examples if e.topic}
    assert len(topics) == 16
    for intent in intents:
        assert sum(1 for e in examples if e.intent == intent) >= 15
    for topic in topics:
        assert sum(1 for e in examples if e.topic == topic) >= 5


def text_key(text: str) -> str:
    """What makes two messages the same example: folded letters, words only."""
    return " ".join(re.findall(r"[a-z0-9]+", fold(text)))


def test_heldout_set_was_never_trained_on() -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    trained = {text_key(m.get("text")) for m in load_data(str(PROJECT_ROOT / "data" / "nlu"))
               .intent_examples}
    leaked = [e.text for e in load_examples() if text_key(e.text) in trained]
    assert leaked == []


def test_understands_heldout_turkish(scores) -> None:
    assert scores["written"].intent_accuracy >= INTENT_TARGET
    assert scores["written"].macro_f1 >= MACRO_F1_TARGET
    assert scores["written"].faq_topic_accuracy >= FAQ_TARGET


def test_text_typed_without_turkish_letters_is_understood_as_well(scores) -> None:
    written, folded = scores["written"], scores["ascii"]
    assert folded.intent_accuracy >= written.intent_accuracy - ASCII_MAX_DROP
    assert folded.faq_topic_accuracy >= written.faq_topic_accuracy - ASCII_MAX_DROP
    assert folded.intent_accuracy >= INTENT_TARGET and folded.faq_topic_accuracy >= FAQ_TARGET
