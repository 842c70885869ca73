"""Rasa component that adds ``sentiment`` to every parsed message (see bot/nlu/sentiment.py).

It trains its own classifier from `bot/nlu/data/sentiment_train.tsv` during `rasa train`
(the file is part of the model's fingerprint) and stores it with skops, as Rasa's own
scikit-learn components do. Parse data then carries
``{"sentiment": {"label": "angry"|"negative"|"neutral"|"positive", "score": -1..1}}``.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu import sentiment

logger = logging.getLogger(__name__)
SENTIMENT = "sentiment"
FILE_NAME = "sentiment.skops"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SentimentAnalyzer(GraphComponent):
    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 classifier: Any | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """Its training file lives outside Rasa's data: a change must retrain it, not let
        Rasa restore the old classifier from its cache."""
        return hashlib.sha256(sentiment.TRAINING_FILE.read_bytes()).hexdigest()

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentimentAnalyzer:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Trains on the sentiment file, not on Rasa's intent data."""
        import skops.io as sio

        texts, labels = sentiment.load_training_data()
        self._classifier = sentiment.train(texts, labels)
        with self._model_storage.write_to(self._resource) as directory:
            sio.dump(self._classifier, directory / FILE_NAME)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SentimentAnalyzer:
        import skops.io as sio

        with model_storage.read_from(resource) as directory:
            path = directory / FILE_NAME
            # Only scikit-learn, numpy and scipy types are expected in our own file.
            untrusted = sio.get_untrusted_types(file=path)
            unexpected = [t for t in untrusted
                          if not t.startswith(("sklearn.", "numpy.", "scipy."))]
            if unexpected:
                raise ValueError(f"unexpected types in {path}: {unexpected}")
            classifier = sio.load(path, trusted=untrusted)
        return cls(model_storage, resource, sentiment.CompiledClassifier(classifier))

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            result = sentiment.analyse(self._classifier, message.get(TEXT) or "")
            message.set(SENTIMENT, result.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
