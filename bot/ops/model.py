"""Which trained model matches the current data, and training it when none does.

A model is named after a hash of everything that shapes it (config, domain, training data
and the custom components' code), so `make run` and `make test` retrain only when one of
those changed and never serve a model older than the data.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Iterable, List, Mapping, Sequence

from bot.settings import PROJECT_ROOT

# Rasa's `random_seed` alone does not make training repeat: TensorFlow's threads add floats
# in varying order, and two trainings on the same data differed on some held-out
# messages. With deterministic ops (and a fixed hash seed) they give identical predictions
# on one machine, so CI's model, the figures in docs/nlu.md and the held-out test's margin
# are the same model. (TensorFlow's kernels still differ by CPU: Rasa's default pipeline,
# the comparison, scores differently on another machine; docs/nlu.md.)
DETERMINISTIC_TRAINING = {"TF_DETERMINISTIC_OPS": "1", "PYTHONHASHSEED": "0"}

# What shapes a trained model. The NLU components' code is included because it decides the
# features the model learned from; rule-based policies train nothing and are left out.
MODEL_INPUTS = ("config.yml", "domain.yml", "data", "bot/nlu")


def training_files(root: Path, names: Iterable[str]) -> List[Path]:
    found: List[Path] = []
    for name in names:
        path = root / name
        if path.is_dir():
            found.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix in
                         (".yml", ".yaml", ".py", ".txt", ".tsv", ".json"))
        elif path.is_file():
            found.append(path)
    return found


def fingerprint(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for path in training_files(root, MODEL_INPUTS):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def model_path(model_dir: Path, root: Path = PROJECT_ROOT) -> Path:
    return model_dir / f"asistan-{fingerprint(root)}.tar.gz"


def ensure_model(model_dir: Path, env: Mapping[str, str], root: Path = PROJECT_ROOT) -> Path:
    """The model for the current data, trained first (in ``env``) if it does not exist yet."""
    target = model_path(model_dir, root)
    if target.exists():
        print(f"Model is up to date: {target.name}")
        return target
    print(f"Training {target.name} (the data changed since the last model)...")
    rasa_train(["--out", str(model_dir), "--fixed-model-name", target.name[: -len(".tar.gz")]],
               env, root)
    return target


def rasa_train(arguments: Sequence[str], env: Mapping[str, str],
               root: Path = PROJECT_ROOT) -> None:
    """``rasa train`` with ``arguments``, repeatable: the same inputs give the same model."""
    subprocess.run([sys.executable, "-m", "rasa", "train", *arguments], cwd=root,
                   env={**env, **DETERMINISTIC_TRAINING}, check=True)
