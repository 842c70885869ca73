"""The real labelled Turkish sets behind the sentiment weights, mapped and split the same way
for training (tools/sentiment_weights.py), `make eval` and the tests.

The files live outside the project (no licence allows shipping them), in the datasets
folder; ``sentiment_sets.yml`` maps each file's own labels to the four sentiment labels.
A fixed share of each set, stratified by source label with a fixed seed, is held out: the
weights never see it, so the figures on it say how the model reads text nobody here wrote.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from bot.nlu.sentiment import DATA_DIR

SETS_FILE = DATA_DIR / "sentiment_sets.yml"


@dataclass(frozen=True)
class Line:
    text: str
    label: str  # one of sentiment.LABELS
    group: str  # which target of docs/sentiment.md the line counts for
    source_label: str
    trainable: bool = True  # False: only ever scored (sentiment_sets.yml says why)


@dataclass(frozen=True)
class Split:
    train: Tuple[Line, ...]
    heldout: Tuple[Line, ...]


@lru_cache(maxsize=1)
def _spec() -> dict:
    return yaml.safe_load(SETS_FILE.read_text("utf-8"))


def set_names() -> List[str]:
    return list(_spec()["sets"])


def available(datasets_dir: Path) -> bool:
    """Whether every file the sets name is there (never on a fresh clone)."""
    return all((datasets_dir / s["file"]).is_file() for s in _spec()["sets"].values())


def read_set(datasets_dir: Path, name: str) -> List[Line]:
    """One set's lines with their mapped labels (``label<TAB>text`` files, no header)."""
    spec = _spec()["sets"][name]
    lines = []
    with (datasets_dir / spec["file"]).open(encoding="utf-8") as handle:
        for row in handle:
            source_label, _, text = row.rstrip("\n").partition("\t")
            mapped = spec["labels"][source_label]
            lines.append(Line(text, mapped["label"], mapped["group"], source_label,
                              mapped.get("train", True)))
    return lines


def split(lines: List[Line], share: float, seed: int) -> Split:
    """A held-out part of ``share`` of every source label, the same on every machine."""
    by_label: Dict[str, List[Line]] = defaultdict(list)
    for line in lines:
        by_label[line.source_label].append(line)
    train, heldout = [], []
    rng = random.Random(seed)
    for source_label in sorted(by_label):
        group = by_label[source_label]
        order = list(range(len(group)))
        rng.shuffle(order)
        cut = round(len(group) * share)
        heldout += [group[i] for i in sorted(order[:cut])]
        train += [group[i] for i in sorted(order[cut:])]
    return Split(tuple(train), tuple(heldout))


def load_splits(datasets_dir: Path) -> Dict[str, Split]:
    """Every set, split into its training and held-out parts."""
    spec = _spec()
    return {name: split(read_set(datasets_dir, name), spec["heldout_share"], spec["seed"])
            for name in spec["sets"]}
