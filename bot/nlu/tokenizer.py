"""A whitespace tokenizer whose tokens carry Turkish-normalised text.

Tokens keep the offsets of the original message, so entities are still cut from what the
shopper wrote (an e-mail keeps its case), while every featurizer after this one sees the
folded form (see :mod:`bot.text.turkish`).
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.text.turkish import fold


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=False
)
class TurkishTokenizer(WhitespaceTokenizer):
    """Whitespace tokenization, then Turkish folding of each token's text."""

    def tokenize(self, message: Message, attribute: str) -> List[Token]:
        tokens = super().tokenize(message, attribute)
        for token in tokens:
            # Featurizers read the lemma (CountVectorsFeaturizer's default), so fold both.
            token.text = token.lemma = fold(token.text)
        return tokens
