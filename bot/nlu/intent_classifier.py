"""Rasa's logistic-regression intent classifier with its regularisation strength in config.

Rasa's ``LogisticRegressionClassifier`` fixes scikit-learn's ``C`` at 1.0. On sparse word
and character n-gram counts that regularises short messages into flat probabilities:
"merhaba" or "esen kalın" have few features, so every intent scored under the
FallbackClassifier's threshold and a greeting was answered "I did not understand" (two
of those hand the shopper to a person). A larger ``C`` lets the few features of a short
message speak; ``docs/nlu.md`` has the comparison.
"""

from __future__ import annotations

from typing import Any, Dict

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class IntentClassifier(LogisticRegressionClassifier):
    """``LogisticRegressionClassifier`` taking ``C`` from its configuration."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(self, config: Dict[str, Any], name: str, model_storage: ModelStorage,
                 resource: Resource) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))
