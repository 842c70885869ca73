"""Rasa component that adds ``sentiment`` to every parsed message (see bot/nlu/sentiment.py).

Its weights are trained outside Rasa (``tools/sentiment_weights.py``, from labelled text that
is not part of the project) and committed; ``rasa train`` copies them into the model, so a
model carries the weights it was measured with. Parse data then carries
``{"sentiment": {"label": "angry"|"negative"|"neutral"|"positive", "score": -1..1}}``.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
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
FILE_NAME = sentiment.WEIGHTS_FILE.name
# What the component's answers depend on besides Rasa's data: the weights and the word
# lists behind the signals.
_INPUTS = (sentiment.WEIGHTS_FILE, sentiment.DATA_DIR / "sentiment_words.yml",
           sentiment.DATA_DIR / "profanity_tr.txt")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class SentimentAnalyzer(GraphComponent):
    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 classifier: sentiment.SentimentModel | None = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> str | None:
        """Its inputs live outside Rasa's data: a change must reach the model, not let Rasa
        restore the old weights from its cache."""
        digest = hashlib.sha256()
        for path in _INPUTS:
            digest.update(path.read_bytes())
        return digest.hexdigest()

    @classmethod
    def create(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> SentimentAnalyzer:
        return cls(model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Stores the committed weights in the model (Rasa's intent data is not used)."""
        with self._model_storage.write_to(self._resource) as directory:
            shutil.copyfile(sentiment.WEIGHTS_FILE, directory / FILE_NAME)
        self._classifier = sentiment.SentimentModel.load(sentiment.WEIGHTS_FILE)
        return self._resource

    @classmethod
    def load(cls, config: Dict[str, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> SentimentAnalyzer:
        with model_storage.read_from(resource) as directory:
            # Plain arrays, no pickles (np.load refuses them).
            classifier = sentiment.SentimentModel.load(directory / FILE_NAME)
        return cls(model_storage, resource, classifier)

    def _model(self) -> sentiment.SentimentModel:
        if self._classifier is None:
            raise ValueError("the sentiment component was neither trained nor loaded")
        return self._classifier

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            result = sentiment.analyse(self._model(), message.get(TEXT) or "")
            message.set(SENTIMENT, result.as_dict(), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
