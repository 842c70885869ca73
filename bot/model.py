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
from typing import Iterable, List, Mapping

from bot.settings import PROJECT_ROOT

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
    subprocess.run(
        [sys.executable, "-m", "rasa", "train", "--out", str(model_dir),
         "--fixed-model-name", target.name[: -len(".tar.gz")]],
        cwd=root,
        env=dict(env),
        check=True,
    )
    return target
