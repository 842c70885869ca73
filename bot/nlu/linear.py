"""Logistic regression on the sparse n-gram features: intents, and FAQ topics.

``LinearIntentClassifier`` is Rasa's ``LogisticRegressionClassifier`` with its
regularisation strength in config. Rasa fixes scikit-learn's ``C`` at 1.0; on sparse word
and character n-gram counts that regularises short messages into flat probabilities:
"merhaba" or "esen kalın" have few features, so every intent scored under the
FallbackClassifier's threshold and a greeting was answered "I did not understand" (two of
those hand the shopper to a person). A larger ``C`` lets the few features of a short
message speak.

``LinearResponseSelector`` picks the topic of a retrieval intent (``faq/shipping_cost``)
the same way, and writes it where Rasa's ``ResponseSelector`` does (the parse data's
``response_selector``), so the retrieval intent, the ``utter_faq/<topic>`` responses, the
FAQ action and the escalation policy work unchanged. Rasa's selector is a transformer
network: no more accurate on the held-out FAQ questions, and the one TensorFlow model the
pipeline would need, with most of the model's size and of its time to run and to train.
``docs/nlu.md`` has the comparisons.

Both score a message with the fitted coefficients directly: the message's sentence
features, in the order Rasa combines them for training, are dotted with the weights and
turned into probabilities as scikit-learn does (softmax; the logistic for two classes).
Rasa's way copies and stacks the feature matrices and passes them through scikit-learn's
checks, which costs many times the dot product over a hundred non-zero counts it comes to
(``tests/nlu/test_linear.py`` compares the two; ``docs/performance.md`` has the figures).

A message of several clauses ("taksit var mı, bir de kargo kaç günde gelir?") is also
scored clause by clause, at the cost of a few more dot products: every sentence feature
here is a count of n-grams that never cross a word, so a clause's features are the sum of
its tokens' sequence features, and its scores come from the same weights without running
any featurizer again. Parse data then carries ``clauses``: for each, its text, offsets,
``intent`` and ``faq`` topic (``bot/dialogue`` and the FAQ action read them).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.shared.nlu.constants import (
    FEATURE_TYPE_SENTENCE,
    FEATURE_TYPE_SEQUENCE,
    INTENT,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix
from scipy.special import expit, softmax

from bot.text.vocabulary import clause_spans

# Parse data key: each clause of a message of several, with its own intent and FAQ topic.
CLAUSES = "clauses"


def _sentence_features(message: Message) -> List[Any]:
    """The message's sentence features in the order Rasa stacks them for training: the
    sparse ones first, then the dense ones, each in pipeline order."""
    sentence = [f for f in message.features
                if f.attribute == TEXT and f.type == FEATURE_TYPE_SENTENCE]
    return sorted(sentence, key=lambda f: not f.is_sparse())


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearIntentClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` taking ``C`` from its configuration."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: Dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    def _probabilities(self, messages: List[Message]) -> np.ndarray:
        """``self.clf.predict_proba(self._create_X(messages))``, computed directly."""
        logits = np.tile(self.clf.intercept_, (len(messages), 1))
        for row, message in enumerate(messages):
            offset = 0
            # Rasa stacks the sparse features first, then the dense ones, each in order.
            for feature in _sentence_features(message):
                if feature.is_sparse():
                    values = feature.features.tocoo()
                    columns, data, width = values.col, values.data, values.shape[1]
                else:
                    data = np.ravel(feature.features)
                    columns, width = np.arange(data.size), data.size
                logits[row] += self.clf.coef_[:, offset + columns] @ data
                offset += width
            self._check_width(offset)
        return self._scores(logits)

    def _clause_probabilities(self, message: Message, spans: Sequence[Tuple[int, int]]
                              ) -> np.ndarray | None:
        """The probabilities of each clause (``spans`` of the text) as if it were a message
        of its own; None when a feature cannot be cut into tokens (a dense sentence one)."""
        tokens = message.get(TOKENS_NAMES[TEXT]) or []
        sentence = _sentence_features(message)
        sequences = {f.origin: f for f in message.features
                     if f.attribute == TEXT and f.type == FEATURE_TYPE_SEQUENCE}
        if not tokens or any(not f.is_sparse() or f.origin not in sequences for f in sentence):
            return None
        matrices = [sequences[f.origin].features.tocoo(copy=False) for f in sentence]
        if any(matrix.shape[0] != len(tokens) for matrix in matrices):
            return None
        starts = [token.start for token in tokens]
        logits = np.tile(self.clf.intercept_, (len(spans), 1))
        for row, (start, end) in enumerate(spans):
            # A clause is a run of tokens: the non-zero counts of the rows of that run.
            first, last = bisect_left(starts, start), bisect_left(starts, end)
            offset = 0
            for matrix in matrices:
                inside = (matrix.row >= first) & (matrix.row < last)
                logits[row] += (self.clf.coef_[:, offset + matrix.col[inside]]
                                @ matrix.data[inside])
                offset += matrix.shape[1]
            self._check_width(offset)
        return self._scores(logits)

    def _check_width(self, width: int) -> None:
        if width != self.clf.coef_.shape[1]:
            raise ValueError(f"{self.name}: the message has {width} sentence features, "
                             f"the model was trained on {self.clf.coef_.shape[1]}")

    def _scores(self, logits: np.ndarray) -> np.ndarray:
        """Logits to probabilities as scikit-learn does (softmax; the logistic for two)."""
        if len(self.clf.classes_) == 2:
            positive = expit(logits[:, 0])
            return np.column_stack([1.0 - positive, positive])
        return softmax(logits, axis=1)

    def _clauses(self, message: Message) -> List[Tuple[Dict[str, Any], str, float]]:
        """For a message of several clauses: each clause's entry in ``clauses`` (created
        here if the other classifier did not yet), its best class and probability."""
        text = message.get(TEXT) or ""
        spans = clause_spans(text)
        if len(spans) < 2 or not hasattr(self.clf, "classes_"):
            return []
        probabilities = self._clause_probabilities(message, spans)
        if probabilities is None:
            return []
        entries = message.get(CLAUSES) or [
            {"text": text[start:end], "start": start, "end": end} for start, end in spans]
        message.set(CLAUSES, entries, add_to_output=True)
        best = probabilities.argmax(axis=1)
        return [(entry, str(self.clf.classes_[b]), float(row[b]))
                for entry, b, row in zip(entries, best, probabilities, strict=True)]

    def _rankings(self, messages: List[Message], key: str) -> List[List[Dict[str, Any]]]:
        """For each message, every class (under ``key``) with its probability, most likely
        first; nothing when training had no examples (nothing to classify with)."""
        if not messages or not hasattr(self.clf, "classes_"):
            return []
        return [sorted(({key: label, "confidence": float(p)}
                        for label, p in zip(self.clf.classes_, row, strict=True)),
                       key=lambda entry: -entry["confidence"])
                for row in self._probabilities(messages)]

    def process(self, messages: List[Message]) -> List[Message]:
        """Rasa's ``process`` with the probabilities above."""
        # No rankings at all when training had no examples: the messages stay as they are.
        for message, ranking in zip(messages, self._rankings(messages, "name"), strict=False):
            message.set("intent", ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[: self.config["ranking_length"] or None],
                        add_to_output=True)
            for entry, name, confidence in self._clauses(message):
                entry["intent"] = {"name": name, "confidence": confidence}
        return messages


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LinearResponseSelector(LinearIntentClassifier):
    """The topic (``faq/<topic>``) of every message, in Rasa's response-selector output.

    Like Rasa's selector it answers for every message, whatever the intent; the FAQ action
    reads it only when the intent is the retrieval intent.
    """

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LinearIntentClassifier.get_default_config(), "retrieval_intent": "faq"}

    def _create_training_matrix(self, training_data: TrainingData
                                ) -> Tuple[csr_matrix, List[str]]:
        examples = [e for e in training_data.intent_examples
                    if e.get(INTENT) == self.config["retrieval_intent"]
                    and e.get(INTENT_RESPONSE_KEY) and e.get(TEXT)]
        return self._create_X(examples), [e.get(INTENT_RESPONSE_KEY) for e in examples]

    def process(self, messages: List[Message]) -> List[Message]:
        retrieval_intent = self.config["retrieval_intent"]
        rankings = self._rankings(messages, "intent_response_key")
        for message, ranking in zip(messages, rankings, strict=False):  # none if untrained
            best = ranking[0]
            selectors = message.get("response_selector", {})
            selectors["all_retrieval_intents"] = [retrieval_intent]
            selectors[retrieval_intent] = {
                "response": {
                    "intent_response_key": best["intent_response_key"],
                    "utter_action": f"utter_{best['intent_response_key']}",
                    "confidence": best["confidence"],
                },
                "ranking": ranking[: self.config["ranking_length"] or None],
            }
            message.set("response_selector", selectors, add_to_output=True)
            for entry, key, confidence in self._clauses(message):
                entry[retrieval_intent] = {"topic": key.partition("/")[2],
                                           "confidence": confidence}
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # later components need no topic on training examples
