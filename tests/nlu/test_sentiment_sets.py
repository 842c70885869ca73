"""The real labelled sets: labels mapped, held-out parts stratified, fixed and apart."""

from __future__ import annotations

from collections import Counter

import pytest

from bot.nlu import sentiment, sentiment_sets
from bot.nlu.sentiment_sets import Line


def _lines() -> list[Line]:
    return ([Line(f"iyi {i}", "positive", "positive_review", "5") for i in range(50)]
            + [Line(f"kötü {i}", "negative", "negative_review", "1") for i in range(10)])


def test_split_holds_out_the_same_share_of_every_source_label() -> None:
    parts = sentiment_sets.split(_lines(), 0.2, seed=7)
    assert Counter(line.source_label for line in parts.heldout) == {"5": 10, "1": 2}
    assert not {line.text for line in parts.train} & {line.text for line in parts.heldout}
    assert len(parts.train) + len(parts.heldout) == 60


def test_split_is_the_same_every_time_and_changes_with_the_seed() -> None:
    first = sentiment_sets.split(_lines(), 0.2, seed=7)
    assert sentiment_sets.split(_lines(), 0.2, seed=7) == first
    assert sentiment_sets.split(_lines(), 0.2, seed=8).heldout != first.heldout


def test_source_labels_are_mapped_to_the_four_labels(tmp_path) -> None:
    (tmp_path / "irony_tr.tsv").write_text(
        "ironic\tne güzel, yine geç kaldı\nnon-ironic\tYarın hava yağmurlu\n", "utf-8")
    lines = sentiment_sets.read_set(tmp_path, "irony")
    assert [(line.label, line.group) for line in lines] == [("negative", "complaint"),
                                                            ("neutral", "calm")]
    assert not sentiment_sets.available(tmp_path)


def test_every_mapping_names_a_sentiment_label() -> None:
    spec = sentiment_sets._spec()
    labels = {m["label"] for s in spec["sets"].values() for m in s["labels"].values()}
    assert labels <= set(sentiment.LABELS)


def test_unknown_source_label_is_an_error(tmp_path) -> None:
    (tmp_path / "irony_tr.tsv").write_text("sarcastic\tbir metin\n", "utf-8")
    with pytest.raises(KeyError):
        sentiment_sets.read_set(tmp_path, "irony")
