"""The Rasa sentiment component: trained, stored, loaded again and run on messages."""

from __future__ import annotations

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentiment_component import SentimentAnalyzer


def test_round_trip_through_model_storage(tmp_path) -> None:
    storage = LocalModelStorage(tmp_path)
    resource = Resource("sentiment")
    context = ExecutionContext(GraphSchema({}), "test")
    trained = SentimentAnalyzer.create({}, storage, resource, context)
    trained.train(TrainingData())
    loaded = SentimentAnalyzer.load({}, storage, resource, context)
    messages = loaded.process([Message.build(text="REZALET!!! paramı geri verin"),
                               Message.build(text="kargo ücreti ne kadar")])
    angry, calm = (m.get("sentiment") for m in messages)
    assert angry["label"] == "angry" and -1 <= angry["score"] < 0
    assert calm["label"] == "neutral"
    assert set(angry) == {"label", "score"}
