"""The linear classifiers in the trained model: scores as scikit-learn gives them, FAQ
topics where Rasa, the FAQ action and the policy read them."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import numpy as np
import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.linear import LinearIntentClassifier, LinearResponseSelector
from bot.ops.model import model_path
from bot.settings import get_settings


@pytest.fixture(scope="module")
def agent():
    from rasa.core.agent import Agent

    model = model_path(get_settings().model_dir)
    if not model.exists():
        pytest.fail(f"no model for the current data ({model.name}): run `make train` first")
    return Agent.load(str(model))


@pytest.fixture(scope="module")
def parse(agent):
    def parse_text(text: str) -> Dict[str, Any]:
        return asyncio.run(agent.parse_message(text))

    return parse_text


def _scikit_learn_way(component: LinearIntentClassifier, messages: List[Message]
                      ) -> np.ndarray:
    """How Rasa's LogisticRegressionClassifier scores: stacked matrices, predict_proba."""
    return component.clf.predict_proba(component._create_X(messages))


@pytest.mark.parametrize("component", [LinearIntentClassifier, LinearResponseSelector])
def test_scores_are_scikit_learn_s(agent, monkeypatch, component) -> None:
    texts = ["merhaba", "siparişim nerede kaldı", "kargo ücreti ne kadar", "10045821",
             "taksit", "🙂", "x" * 10_000, "iade etmek istiyorum ama kutusu kırık geldi"]
    direct = [asyncio.run(agent.parse_message(t)) for t in texts]
    monkeypatch.setattr(component, "_probabilities", _scikit_learn_way)
    rasa_way = [asyncio.run(agent.parse_message(t)) for t in texts]
    key = ("intent_ranking" if component is LinearIntentClassifier else "response_selector")
    for ours, theirs in zip(direct, rasa_way, strict=True):
        assert _rounded(ours[key]) == _rounded(theirs[key])


def _rounded(value: Any) -> Any:
    """Equal to the last few bits: the same sums in another order."""
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def test_faq_topic_is_where_rasa_reads_it(parse) -> None:
    parsed = parse("kargo ücreti ne kadar")
    assert parsed["intent"]["name"] == "faq"
    # Rasa's processor copies the topic into the intent only from a selector's output.
    assert parsed["intent"]["full_retrieval_intent_name"] == "faq/shipping_cost"
    selected = parsed["response_selector"]["faq"]
    assert parsed["response_selector"]["all_retrieval_intents"] == ["faq"]
    assert selected["response"]["intent_response_key"] == "faq/shipping_cost"
    assert selected["response"]["utter_action"] == "utter_faq/shipping_cost"
    ranking = selected["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/shipping_cost"
    assert ranking[0]["confidence"] == selected["response"]["confidence"] > 0.5
    confidences = [label["confidence"] for label in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert all(label["intent_response_key"].startswith("faq/") for label in ranking)


def test_each_topic_is_told_apart(parse) -> None:
    questions = {"taksit yapıyor musunuz": "faq/installments",
                 "kapıda ödeme var mı": "faq/cash_on_delivery",
                 "faturamı nereden indiririm": "faq/invoice",
                 "müşteri hizmetleri telefon numarası": "faq/contact"}
    for text, topic in questions.items():
        assert parse(text)["response_selector"]["faq"]["response"][
            "intent_response_key"] == topic, text


def test_other_intents_keep_their_own_name(parse) -> None:
    parsed = parse("siparişim nerede")
    assert parsed["intent"]["name"] == "order_status"
    assert "full_retrieval_intent_name" not in parsed["intent"]


def test_each_clause_is_scored_as_if_sent_alone(parse) -> None:
    """A clause's scores come from its tokens' features: the same as the clause parsed on
    its own (the joining words and marks belong to no clause)."""
    parsed = parse("teşekkürler, bir de taksit kaç ay? kargo kaç günde gelir")
    clauses = parsed["clauses"]
    assert [c["text"] for c in clauses] == ["teşekkürler", "taksit kaç ay?",
                                            "kargo kaç günde gelir"]
    for clause in clauses:
        alone = parse(clause["text"])
        assert clause["intent"]["name"] == alone["intent_ranking"][0]["name"]
        assert clause["intent"]["confidence"] == pytest.approx(
            alone["intent_ranking"][0]["confidence"], abs=1e-9)
        topic = alone["response_selector"]["faq"]["response"]
        assert f"faq/{clause['faq']['topic']}" == topic["intent_response_key"]
        assert clause["faq"]["confidence"] == pytest.approx(topic["confidence"], abs=1e-9)
    assert [c["intent"]["name"] for c in clauses] == ["thank", "faq", "faq"]
    assert "clauses" not in parse("taksit var mı")  # one clause: the message's own reading
