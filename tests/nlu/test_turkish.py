"""Turkish folding and the NLU components, on real Rasa messages."""

from __future__ import annotations

from rasa.shared.nlu.training_data.message import Message

from bot.nlu.identity_extractor import IdentityEntityExtractor
from bot.nlu.tokenizer import TurkishTokenizer
from bot.text.turkish import fold, turkish_lower


def test_turkish_lowercase_and_folding() -> None:
    assert turkish_lower("IĞDIR İZMİR") == "ığdır izmir"
    assert fold("SİPARİŞİM") == fold("siparişim") == fold("siparisim") == "siparisim"
    assert fold("nerdeeee kaldııı") == "nerde kaldi"
    assert fold("10000000") == "10000000"


def test_tokens_are_folded_but_keep_original_offsets() -> None:
    tokenizer = TurkishTokenizer(TurkishTokenizer.get_default_config())
    message = Message.build(text="SİPARİŞİM Nerede?")
    tokens = tokenizer.tokenize(message, "text")
    assert [t.text for t in tokens] == ["siparisim", "nerede"]
    assert [t.lemma for t in tokens] == ["siparisim", "nerede"]
    assert [message.get("text")[t.start:t.end] for t in tokens] == ["SİPARİŞİM", "Nerede"]


def test_identity_entities_are_canonical() -> None:
    extractor = IdentityEntityExtractor()
    message = Message.build(text="10045821 için tel 0532 111 22 33, mail Ali@X.com")
    [processed] = extractor.process([message])
    found = {(e["entity"], e["value"]) for e in processed.get("entities")}
    assert found == {("order_id", "10045821"), ("phone", "5321112233"), ("email", "ali@x.com")}
    assert all(e["extractor"] == "IdentityEntityExtractor" for e in processed.get("entities"))
